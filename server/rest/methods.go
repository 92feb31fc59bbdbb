package rest

import (
	"context"
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/reqctx"
)

// routingOptions are the gateway's routing rules, shared by the serving mux and the
// method probe so both see the same routes.
func routingOptions() []runtime.ServeMuxOption {
	return []runtime.ServeMuxOption{
		// Route on the raw path and then unescape the parameter: a partner_user_id with
		// "/" in it arrives percent-encoded ("a%2Fb") and is one segment.
		runtime.WithUnescapingMode(runtime.UnescapingModeAllExceptReserved),
		// No POST form-body fallback to GET routes (nor X-HTTP-Method-Override): a path
		// answers only the methods its route declares; anything else is a 405.
		runtime.WithDisablePathLengthFallback(),
	}
}

// probeMethods are the methods a 405's Allow header may list.
var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// methodProbe tells which methods a path has by routing bodiless copies of the request
// through a second gateway mux whose handlers stop at the match (a middleware that never
// calls on): the generated routes stay the only table of paths and methods.
type methodProbe struct{ mux *runtime.ServeMux }

func newMethodProbe() (*methodProbe, error) {
	opts := append(routingOptions(),
		runtime.WithMiddlewares(func(runtime.HandlerFunc) runtime.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
				if p, ok := w.(*probeWriter); ok {
					p.routed = true
				}
			}
		}),
		runtime.WithRoutingErrorHandler(func(context.Context, *runtime.ServeMux, runtime.Marshaler, http.ResponseWriter, *http.Request, int) {}),
		runtime.WithErrorHandler(func(context.Context, *runtime.ServeMux, runtime.Marshaler, http.ResponseWriter, *http.Request, error) {
		}),
	)
	mux := runtime.NewServeMux(opts...)
	// The handlers are never reached (the middleware stops every request).
	if err := partnerv1.RegisterPartnerServiceHandlerServer(context.Background(), mux, partnerv1.UnimplementedPartnerServiceServer{}); err != nil {
		return nil, err
	}
	return &methodProbe{mux: mux}, nil
}

// allowed lists the methods whose route matches r's path.
func (p *methodProbe) allowed(r *http.Request) []string {
	var out []string
	for _, m := range probeMethods {
		c := r.Clone(r.Context())
		c.Method, c.Body, c.ContentLength = m, http.NoBody, 0
		pw := &probeWriter{header: http.Header{}}
		p.mux.ServeHTTP(pw, c)
		if pw.routed {
			out = append(out, m)
		}
	}
	return out
}

// routingError answers requests no route takes: 405 with Allow for a known path, else 404.
func (p *methodProbe) routingError(_ context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	rid := reqctx.RequestID(r.Context())
	if httpStatus == http.StatusMethodNotAllowed {
		if allow := p.allowed(r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, apierr.MethodNotAllowed, "Method not allowed; this route takes "+strings.Join(allow, ", "), rid, 0, nil)
			return
		}
	}
	if httpStatus == http.StatusBadRequest {
		writeError(w, apierr.InvalidRequest, "Malformed request path", rid, 0, nil)
		return
	}
	writeError(w, apierr.NotFound, "No such route", rid, 0, nil)
}

// probeWriter records whether a probe request reached a handler and discards the rest.
type probeWriter struct {
	header http.Header
	routed bool
}

func (p *probeWriter) Header() http.Header         { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) { return len(b), nil }
func (p *probeWriter) WriteHeader(int)             {}
