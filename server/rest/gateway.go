package rest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"connectrpc.com/connect"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/reqctx"
)

// MaxBodyBytes bounds REST request bodies; a session request is well under 4 KiB.
const MaxBodyBytes = 64 << 10

// forwardedHeaders are the request headers a REST call passes to the handler.
var forwardedHeaders = []string{"Authorization", "Origin", "Idempotency-Key"}

// NewHandler returns the REST routes over svc, the handler that also serves Connect and
// gRPC, called through the same interceptors in the same order (the first outermost), as
// connect-go calls them. grpc-gateway decodes the request into the message and the
// handler's message is written as the documented JSON view: no second encoding between
// them.
func NewHandler(svc partnerv1connect.PartnerServiceHandler, interceptors ...connect.Interceptor) (http.Handler, error) {
	probe, err := newMethodProbe()
	if err != nil {
		return nil, err
	}
	mux := runtime.NewServeMux(append(routingOptions(),
		runtime.WithMarshalerOption(runtime.MIMEWildcard, marshaler{}),
		runtime.WithErrorHandler(errorHandler),
		runtime.WithRoutingErrorHandler(probe.routingError),
		runtime.WithIncomingHeaderMatcher(func(string) (string, bool) { return "", false }),
		runtime.WithOutgoingHeaderMatcher(func(string) (string, bool) { return "", false }),
	)...)
	if err := partnerv1.RegisterPartnerServiceHandlerServer(context.Background(), mux, newServer(svc, interceptors)); err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the (small) body up front so an oversized one is a clean 413.
		if r.Body != nil && r.Method != http.MethodGet {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				WriteError(w, r, apierr.New(apierr.PayloadTooLarge, "Request body is larger than %d bytes", MaxBodyBytes))
				return
			}
			if err != nil {
				WriteError(w, r, apierr.New(apierr.InvalidRequest, "Could not read the request body"))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		// Every answer is about one user (statuses, sessions, identities): no cache
		// keeps it.
		w.Header().Set("Cache-Control", "no-store")
		mux.ServeHTTP(w, r)
	}), nil
}

// server is the grpc-gateway's view of svc: each method runs the interceptor chain
// around svc's method, with a Connect request built from the decoded message and the
// forwarded headers.
type server struct {
	partnerv1.UnimplementedPartnerServiceServer
	getKycStatus, createSession, getIdentity, redactUser connect.UnaryFunc
}

func newServer(svc partnerv1connect.PartnerServiceHandler, interceptors []connect.Interceptor) *server {
	return &server{
		getKycStatus:  chain(interceptors, partnerv1connect.PartnerServiceGetKycStatusProcedure, svc.GetKycStatus),
		createSession: chain(interceptors, partnerv1connect.PartnerServiceCreateSessionProcedure, svc.CreateSession),
		getIdentity:   chain(interceptors, partnerv1connect.PartnerServiceGetIdentityProcedure, svc.GetIdentity),
		redactUser:    chain(interceptors, partnerv1connect.PartnerServiceRedactUserProcedure, svc.RedactUser),
	}
}

// chain wraps method in the interceptors as connect-go does: the first is outermost.
// A request built here carries no Spec, so the procedure goes in the context for the
// error log.
func chain[Req, Res any](interceptors []connect.Interceptor, procedure string,
	method func(context.Context, *connect.Request[Req]) (*connect.Response[Res], error)) connect.UnaryFunc {
	next := connect.UnaryFunc(func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		return method(ctx, req.(*connect.Request[Req]))
	})
	for i := len(interceptors) - 1; i >= 0; i-- {
		next = interceptors[i].WrapUnary(next)
	}
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		return next(reqctx.WithProcedure(ctx, procedure), req)
	}
}

func (s *server) GetKycStatus(ctx context.Context, in *partnerv1.GetKycStatusRequest) (*partnerv1.GetKycStatusResponse, error) {
	return call[partnerv1.GetKycStatusResponse](ctx, s.getKycStatus, in)
}

func (s *server) CreateSession(ctx context.Context, in *partnerv1.CreateSessionRequest) (*partnerv1.CreateSessionResponse, error) {
	return call[partnerv1.CreateSessionResponse](ctx, s.createSession, in)
}

func (s *server) GetIdentity(ctx context.Context, in *partnerv1.GetIdentityRequest) (*partnerv1.GetIdentityResponse, error) {
	return call[partnerv1.GetIdentityResponse](ctx, s.getIdentity, in)
}

func (s *server) RedactUser(ctx context.Context, in *partnerv1.RedactUserRequest) (*partnerv1.RedactUserResponse, error) {
	return call[partnerv1.RedactUserResponse](ctx, s.redactUser, in)
}

// call runs one intercepted method with the forwarded headers of the REST request.
func call[Res, Req any](ctx context.Context, fn connect.UnaryFunc, in *Req) (*Res, error) {
	req := connect.NewRequest(in)
	if info := reqctx.HTTPInfo(ctx); info != nil {
		h := req.Header()
		for _, k := range forwardedHeaders {
			if v := info.Header.Values(k); len(v) > 0 {
				h[k] = v
			}
		}
	}
	res, err := fn(ctx, req)
	if err != nil {
		return nil, err
	}
	return res.Any().(*Res), nil
}

// Prefix is where the REST routes live.
const Prefix = "/widget/"

// Front sends requests under Prefix to gw and the rest to next, so a REST call is routed
// once (by the gateway). An empty user id (/widget/users//kyc-status) is a 400; without
// this check the path would be cleaned and redirected. It looks at the path as sent: an id
// starting with "/" arrives as %2F and is no empty id.
func Front(gw, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.EscapedPath()
		switch {
		case !strings.HasPrefix(p, Prefix):
			next.ServeHTTP(w, r)
		case strings.HasPrefix(p, "/widget/users//"):
			WriteError(w, r, apierr.Invalid("partner_user_id", "is required"))
		default:
			gw.ServeHTTP(w, r)
		}
	})
}
