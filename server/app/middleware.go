package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/reqctx"
	"github.com/rampart-id/rampart/server/rest"
	"github.com/rampart-id/rampart/server/store"
)

var inboundID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// corsHeaders are what browsers may send and read on API calls (Connect, gRPC-Web, REST).
const (
	corsAllowHeaders  = "Authorization, Content-Type, Idempotency-Key, Connect-Protocol-Version, Connect-Timeout-Ms, Connect-Accept-Encoding, Connect-Content-Encoding, Grpc-Timeout, X-Grpc-Web, X-User-Agent, X-Request-Id"
	corsExposeHeaders = "X-Request-Id, Retry-After, Grpc-Status, Grpc-Message, Grpc-Status-Details-Bin, Connect-Content-Encoding"
)

// middleware wraps every route: request ids, CORS, panics, access logs and metrics.
type middleware struct {
	log     *slog.Logger
	access  accessLog
	origins *originSet
	metrics *httpMetrics
	proxies proxies
}

func (m *middleware) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get("X-Request-Id")
		if !inboundID.MatchString(rid) {
			rid = reqctx.NewID()
		}
		w.Header().Set("X-Request-Id", rid)
		ctx := reqctx.WithRequestID(r.Context(), rid)
		origin := r.Header.Get("Origin")
		ctx = reqctx.WithHTTP(ctx, &reqctx.HTTP{Origin: origin, RemoteAddr: r.RemoteAddr, Header: r.Header,
			ClientIP: m.proxies.clientIP(r.RemoteAddr, r.Header)})
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		route, method := routeOf(r.URL.EscapedPath()), methodOf(r.Method)
		defer func() {
			if p := recover(); p != nil {
				m.log.ErrorContext(ctx, "panic", "request_id", rid, "route", route, "panic", fmt.Sprint(p))
				if !sw.wrote {
					rest.WriteError(sw, r, apierr.Wrap(fmt.Errorf("panic: %v", p)))
				}
			}
			d := time.Since(start)
			if ctx.Err() != nil && sw.code >= 500 {
				// The client left (the context ends before this handler returns only
				// then): whatever the handler answered nobody read, and it was no
				// server error.
				sw.code = apierr.StatusClientClosed
			}
			m.metrics.observe(route, method, sw.code, d)
			m.access.write(ctx, start.Add(d), rid, method, route, sw.code, sw.n, d)
		}()
		if origin != "" && corsRoute(r.URL.Path) && m.cors(sw, r, origin) {
			return
		}
		next.ServeHTTP(sw, r)
	})
}

// cors adds CORS headers for registered origins and answers preflights. Preflights carry
// no credentials, so they are allowed for any registered origin; the real request is
// then checked against the calling partner's own list (403 forbidden_origin).
func (m *middleware) cors(w http.ResponseWriter, r *http.Request, origin string) (handled bool) {
	allowed := m.origins.allowed(r.Context(), origin)
	h := w.Header()
	h.Add("Vary", "Origin")
	if allowed {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
	}
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	if !allowed {
		rest.WriteError(w, r, apierr.New(apierr.ForbiddenOrigin, "Origin %q is not registered", origin))
		return true
	}
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return true
}

// originSet caches the registered origins for a few seconds.
type originSet struct {
	store *store.Store
	self  string
	mu    sync.Mutex
	set   map[string]bool
	at    time.Time
}

func (o *originSet) allowed(ctx context.Context, origin string) bool {
	if origin == o.self {
		return true
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.set == nil || time.Since(o.at) > 5*time.Second {
		if set, err := o.store.Read().AllOrigins(ctx); err == nil {
			o.set, o.at = set, time.Now()
		}
	}
	return o.set[origin]
}

// corsRoute reports whether browsers on partner pages may call path: the partner and
// widget APIs. The review API, metrics, health and reflection get no CORS headers, so
// no partner page can read them from a browser.
func corsRoute(p string) bool {
	return strings.HasPrefix(p, "/widget/") || strings.HasPrefix(p, "/"+partnerv1connect.PartnerServiceName+"/") ||
		strings.HasPrefix(p, "/"+widgetv1connect.WidgetServiceName+"/")
}

// methodOf names an HTTP method for logs and metrics from a closed set: the method is
// the client's own text (50 kB of it, if they like).
func methodOf(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions, http.MethodConnect, http.MethodTrace, "PRI":
		return m
	}
	return "other"
}

// routeOf names a path for logs and metrics without the user id it may contain (no PII).
// Only names the server defines pass through: a client's own path (an email, a token, a
// user id in the wrong place) must neither reach the log nor mint new metric series.
func routeOf(p string) string {
	switch {
	case strings.HasPrefix(p, "/widget/users/"):
		// p is the path as sent: an id's encoded slashes stay inside its segment.
		_, tail, _ := strings.Cut(strings.TrimPrefix(p, "/widget/users/"), "/")
		switch tail {
		case "":
			return "/widget/users/{id}"
		case "kyc-status", "identity":
			return "/widget/users/{id}/" + tail
		}
		return "other"
	case p == "/widget/session", p == "/healthz", p == "/readyz", p == "/metrics", knownProcedure(p):
		return p
	case p == "/console" || strings.HasPrefix(p, "/console/"):
		return "/console" // case and image ids stay out of metric labels
	case strings.HasPrefix(p, "/embed/"):
		if embedRoutes[strings.TrimPrefix(p, "/embed/")] {
			return p
		}
		return "/embed/other"
	}
	return "other"
}

// embedRoutes are the names server/embed serves.
var embedRoutes = map[string]bool{"app": true, "rampart.js": true, "app.js": true, "wasm_exec.js": true, "widget.css": true, "widget.wasm": true}

// grpcProcedures are the standard gRPC services on the port (health, reflection).
var grpcProcedures = map[string]bool{"/grpc.health.v1.Health/Check": true, "/grpc.health.v1.Health/Watch": true,
	"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo": true, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": true}

// knownProcedure reports whether p is a declared Rampart procedure or a standard gRPC one.
func knownProcedure(p string) bool {
	svc, method, ok := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	if !ok || !strings.HasPrefix(svc, "rampart.") {
		return grpcProcedures[p]
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc))
	sd, isService := d.(protoreflect.ServiceDescriptor)
	return err == nil && isService && sd.Methods().ByName(protoreflect.Name(method)) != nil
}

// statusWriter records the status; Unwrap keeps Flush and trailers working for streams.
type statusWriter struct {
	http.ResponseWriter
	code  int
	n     int64
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rampart_http_requests_total", Help: "HTTP requests by route, method and status."}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rampart_http_request_duration_seconds", Help: "HTTP request latency.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *httpMetrics) observe(route, method string, code int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}
