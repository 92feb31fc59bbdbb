package app

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"connectrpc.com/connect"

	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	"github.com/rampart-id/rampart/gen/rampart/review/v1/reviewv1connect"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/reqctx"
	"github.com/rampart-id/rampart/server/store"
)

// Request body limits, on the wire and after decompression (connect-go applies its read
// limit to the inflated message, so a 16 kB gzip body cannot become 16 MiB).
const (
	// smallBodyLimit: partner and review messages are a few KiB.
	smallBodyLimit = 1 << 20
	// widgetBodyLimit: widget messages without images (a token, a widget id) and the
	// health and reflection requests are tiny; anyone on the internet can send them.
	widgetBodyLimit = 64 << 10
)

// largeBodies are the procedures that carry images.
var largeBodies = map[string]bool{
	widgetv1connect.WidgetServiceUploadDocumentProcedure: true,
	widgetv1connect.WidgetServiceSubmitLivenessProcedure: true,
}

// bodyGate admits Connect/gRPC requests before connect-go reads their bodies.
//
// connect-go reads (and inflates) a whole unary message before any interceptor runs, so
// authentication in an interceptor comes too late to protect the server: anyone could
// make it buffer and decompress megabytes per request. Here every Rampart procedure's
// caller is authenticated from the headers alone, before one byte of the body is read,
// and the interceptors then find the principal in the context. Only StartSession and
// RedeemHandoff (their credential is in the body) and the standard gRPC services run
// unauthenticated, with a 64 KiB limit.
//
// A declared Content-Length over the limit is refused before any of the body is read,
// and any other body (chunked, HTTP/2) stops at the limit; either way the server closes
// the connection instead of draining it (connect-go alone drains a too-large body to
// reuse the connection, so a 100 MB upload was read to its last byte).
//
// An authenticated image upload then needs one of a few places per widget token and one
// of the process's upload places (queued briefly, then 503 with Retry-After), which
// bounds the memory all uploads together can pin.
type bodyGate struct {
	large    int64
	auth     *auth.Authenticator
	perToken *auth.InFlight
	slots    chan struct{}
	wait     time.Duration
}

type authFunc func(context.Context, map[string][]string) (context.Context, error)

// policy names a path's body limit and how its caller is authenticated (nil: not here).
func (g *bodyGate) policy(path string) (limit int64, authn authFunc) {
	switch {
	case !knownProcedure(path): // answered not_found (or by health and reflection)
	case largeBodies[path]:
		return g.large, g.auth.WidgetHTTP
	case path == widgetv1connect.WidgetServiceStartSessionProcedure, path == widgetv1connect.WidgetServiceRedeemHandoffProcedure:
		return widgetBodyLimit, g.auth.WidgetGuard
	case strings.HasPrefix(path, "/"+widgetv1connect.WidgetServiceName+"/"):
		return widgetBodyLimit, g.auth.WidgetHTTP
	case strings.HasPrefix(path, "/"+partnerv1connect.PartnerServiceName+"/"):
		return smallBodyLimit, g.auth.Partner
	case strings.HasPrefix(path, "/"+reviewv1connect.ReviewServiceName+"/"):
		return smallBodyLimit, g.auth.Operator
	}
	return widgetBodyLimit, nil
}

func (g *bodyGate) wrap(next http.Handler) http.Handler {
	errs := connect.NewErrorWriter()
	fail := func(w http.ResponseWriter, r *http.Request, e *apierr.Error) {
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
		}
		_ = errs.Write(w, r, apierr.ToConnect(e, reqctx.RequestID(r.Context())))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, authn := g.policy(r.URL.Path)
		if r.ContentLength > limit {
			fail(w, r, apierr.New(apierr.PayloadTooLarge, "Request body is larger than %d bytes", limit))
			return
		}
		if authn != nil && r.Method != http.MethodOptions {
			ctx, err := authn(r.Context(), r.Header)
			if err != nil {
				fail(w, r, domain(err))
				return
			}
			r = r.WithContext(ctx)
		}
		if largeBodies[r.URL.Path] {
			release, e := g.uploadPlaces(r.Context())
			if e != nil {
				fail(w, r, e)
				return
			}
			defer release()
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// uploadPlaces takes the upload's places: one of its widget token's and one of the
// process's.
func (g *bodyGate) uploadPlaces(ctx context.Context) (release func(), _ *apierr.Error) {
	p, _ := auth.WidgetFrom(ctx)
	mine, ok := g.perToken.Acquire(p.Token.SessionID)
	if !ok {
		return nil, &apierr.Error{Code: apierr.RateLimitExceeded, Message: "Too many uploads at once for this session; wait for the others to finish", RetryAfter: time.Second}
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots; mine() }, nil
	case <-t.C:
	case <-ctx.Done():
	}
	mine()
	return nil, &apierr.Error{Code: apierr.Unavailable, Message: "The server is busy with other uploads; retry shortly", RetryAfter: 2 * time.Second}
}

// domain is the wire form of an authentication error (the database being down is 503).
func domain(err error) *apierr.Error {
	if e, ok := apierr.As(err); ok {
		return e
	}
	if store.Unavailable(err) {
		return apierr.New(apierr.Unavailable, "Service temporarily unavailable, retry shortly")
	}
	return apierr.Wrap(err)
}
