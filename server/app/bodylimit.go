package app

import (
	"net/http"
	"strconv"
	"time"

	"connectrpc.com/connect"

	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/reqctx"
	"github.com/rampart-id/rampart/server/store"
)

// smallBodyLimit bounds every Connect/gRPC request except image uploads, on the wire and
// after decompression: partner, review and widget messages without images are a few KiB.
const smallBodyLimit = 1 << 20

// largeBodies are the procedures that carry images.
var largeBodies = map[string]bool{
	widgetv1connect.WidgetServiceUploadDocumentProcedure: true,
	widgetv1connect.WidgetServiceSubmitLivenessProcedure: true,
}

// bodyGate bounds the request bodies of the Connect/gRPC routes before connect-go reads
// them. connect-go alone reads a too-large unary body up to its limit and then drains the
// rest to reuse the connection, so a 100 MB upload was read to its last byte. Here a
// declared Content-Length over the limit is refused before any of the body is read, and
// any other body (chunked, HTTP/2) stops at the limit; either way the server closes the
// connection instead of draining it.
//
// Only the image procedures get the large limit, and only after their widget token is
// checked from the headers alone: connect-go buffers a whole unary message before any
// interceptor runs, so without this anyone could make the server buffer megabytes per
// request. An authenticated upload then needs one of a few places per widget token and
// one of the process's upload places (queued briefly, then 503 with Retry-After), which
// bounds the memory all uploads together can pin.
type bodyGate struct {
	large    int64
	auth     *auth.Authenticator
	perToken *auth.InFlight
	slots    chan struct{}
	wait     time.Duration
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
		limit := int64(smallBodyLimit)
		if largeBodies[r.URL.Path] {
			limit = g.large
			release, e := g.admitUpload(r)
			if e != nil {
				fail(w, r, e)
				return
			}
			defer release()
		}
		if r.ContentLength > limit {
			fail(w, r, apierr.New(apierr.PayloadTooLarge, "Request body is larger than %d bytes", limit))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// admitUpload authenticates an image upload from its headers and takes its places. On
// success r carries the widget principal, so the interceptors do not look it up again.
func (g *bodyGate) admitUpload(r *http.Request) (release func(), _ *apierr.Error) {
	ctx, err := g.auth.WidgetHTTP(r.Context(), r.Header)
	if err != nil {
		return nil, g.domain(err)
	}
	*r = *r.WithContext(ctx)
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

func (g *bodyGate) domain(err error) *apierr.Error {
	if e, ok := apierr.As(err); ok {
		return e
	}
	if store.Unavailable(err) {
		return apierr.New(apierr.Unavailable, "Service temporarily unavailable, retry shortly")
	}
	return apierr.Wrap(err)
}
