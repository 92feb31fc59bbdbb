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
	"google.golang.org/grpc"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/reqctx"
)

// MaxBodyBytes bounds REST request bodies; a session request is well under 4 KiB.
const MaxBodyBytes = 64 << 10

// forwardedHeaders are the request headers the REST route passes to the API handler.
var forwardedHeaders = []string{"Authorization", "Origin", "Idempotency-Key"}

// NewHandler returns the REST routes. Each REST call becomes an in-process Connect call
// to api (the same handler that serves Connect and gRPC, with every interceptor), so one
// handler core answers all protocols without a network hop.
func NewHandler(api http.Handler) (http.Handler, error) {
	client := partnerv1connect.NewPartnerServiceClient(&http.Client{Transport: inproc{api}}, "http://in-process",
		connect.WithReadMaxBytes(1<<20))
	probe, err := newMethodProbe(&adapter{c: client})
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
	if err := partnerv1.RegisterPartnerServiceHandlerClient(context.Background(), mux, &adapter{c: client}); err != nil {
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

// adapter is the grpc-gateway client interface implemented by the Connect client.
type adapter struct {
	c partnerv1connect.PartnerServiceClient
}

func (a *adapter) GetKycStatus(ctx context.Context, in *partnerv1.GetKycStatusRequest, _ ...grpc.CallOption) (*partnerv1.GetKycStatusResponse, error) {
	return unary(ctx, in, a.c.GetKycStatus)
}

func (a *adapter) CreateSession(ctx context.Context, in *partnerv1.CreateSessionRequest, _ ...grpc.CallOption) (*partnerv1.CreateSessionResponse, error) {
	return unary(ctx, in, a.c.CreateSession)
}

func (a *adapter) GetIdentity(ctx context.Context, in *partnerv1.GetIdentityRequest, _ ...grpc.CallOption) (*partnerv1.GetIdentityResponse, error) {
	return unary(ctx, in, a.c.GetIdentity)
}

func (a *adapter) RedactUser(ctx context.Context, in *partnerv1.RedactUserRequest, _ ...grpc.CallOption) (*partnerv1.RedactUserResponse, error) {
	return unary(ctx, in, a.c.RedactUser)
}

// unary makes one Connect call with the forwarded headers of the REST request.
func unary[Req, Res any](ctx context.Context, in *Req, call func(context.Context, *connect.Request[Req]) (*connect.Response[Res], error)) (*Res, error) {
	req := connect.NewRequest(in)
	copyHeaders(ctx, req.Header())
	res, err := call(ctx, req)
	if err != nil {
		return nil, err
	}
	return res.Msg, nil
}

func copyHeaders(ctx context.Context, dst http.Header) {
	info := reqctx.HTTPInfo(ctx)
	if info == nil {
		return
	}
	for _, k := range forwardedHeaders {
		if v := info.Header.Get(k); v != "" {
			dst.Set(k, v)
		}
	}
}

// inproc is an http.RoundTripper that serves requests with a handler in this process.
type inproc struct{ h http.Handler }

func (t inproc) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := &recorder{header: http.Header{}, code: http.StatusOK}
	t.h.ServeHTTP(rec, r)
	return &http.Response{
		Status: http.StatusText(rec.code), StatusCode: rec.code, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: rec.header, Body: io.NopCloser(&rec.body), ContentLength: int64(rec.body.Len()), Request: r,
	}, nil
}

type recorder struct {
	header      http.Header
	body        bytes.Buffer
	code        int
	wroteHeader bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.code, r.wroteHeader = code, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	return r.body.Write(b)
}

// GuardEmptyID answers /widget/users//kyc-status (an empty user id) with a 400; without
// it http.ServeMux would clean the path and answer with a redirect. It looks at the path
// as sent: an id starting with "/" arrives as %2F and is no empty id.
func GuardEmptyID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.EscapedPath(), "/widget/users//") {
			WriteError(w, r, apierr.Invalid("partner_user_id", "is required"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
