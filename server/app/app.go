// Package app assembles Rampart's HTTP server: one listener serving gRPC, Connect,
// gRPC-Web and the REST gateway, plus health, readiness and metrics.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	"github.com/rampart-id/rampart/gen/rampart/review/v1/reviewv1connect"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/embed"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/rest"
	"github.com/rampart-id/rampart/server/review"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/widget"
)

// Config is what the server needs beyond its store and keyring.
type Config struct {
	PublicURL  string // how browsers reach this server, e.g. http://127.0.0.1:8080
	RatePerSec float64
	RateBurst  int
	TLSCert    string
	TLSKey     string
	StaticDir  string // serve widget assets from here instead of the embedded copy
	Logger     *slog.Logger
	// Workers is how many verification workers RunBackground starts (0: none).
	Workers     int
	WorkerLease time.Duration
	JobBudget   time.Duration // time one verification attempt may take (verify.DefaultJobBudget)
	// RetentionDays: document images are purged this long after the decision (default 30).
	RetentionDays int
	// WorkerHold runs inside each worker after it claims a job (fault-injection tests).
	WorkerHold func(ctx context.Context, j store.Job)
}

// App is a running Rampart instance's parts.
type App struct {
	Store    *store.Store
	Partners *partner.Manager
	Widget   *widget.Manager
	Auth     *auth.Authenticator
	Handler  http.Handler
	cfg      Config
	log      *slog.Logger
	keys     Keyring
}

// MaxUploadBytes bounds Connect/gRPC request messages (document images, frames).
const MaxUploadBytes = 16 << 20

// Keyring seals and opens secrets and images (vault.Keyring).
type Keyring interface {
	Seal(plaintext, associatedData []byte) ([]byte, error)
	Open(envelope, associatedData []byte) ([]byte, error)
}

// New wires the services over an open, migrated store.
func New(cfg Config, st *store.Store, keys Keyring) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RatePerSec == 0 {
		cfg.RatePerSec, cfg.RateBurst = 200, 400
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.RetentionDays == 0 {
		cfg.RetentionDays = 30
	}
	a := &App{Store: st, cfg: cfg, log: cfg.Logger, keys: keys}
	a.Auth = &auth.Authenticator{Store: st, PerToken: auth.NewLimiter(cfg.RatePerSec, cfg.RateBurst),
		Failures: auth.NewLimiter(1, 20), WidgetOrigin: cfg.PublicURL}
	a.Partners = partner.NewManager(st, keys, partner.Config{PublicURL: cfg.PublicURL})
	// Submitting a case enqueues its verification job in the same transaction.
	a.Widget = widget.NewManager(st, a.Auth, keys, func(ctx context.Context, tx *store.Tx, c store.Case) error {
		return tx.EnqueueVerification(ctx, c.ID)
	})

	errs := apierr.Interceptor(cfg.Logger, func(err error) (apierr.Code, bool) {
		return apierr.Unavailable, store.Unavailable(err)
	})
	opts := func(authn connect.Interceptor) []connect.HandlerOption {
		return []connect.HandlerOption{connect.WithInterceptors(errs, authn), connect.WithReadMaxBytes(MaxUploadBytes),
			connect.WithCompressMinBytes(1024)}
	}
	api := http.NewServeMux()
	api.Handle("/", http.HandlerFunc(notFound))
	api.Handle(declaredOnly(partnerv1connect.NewPartnerServiceHandler(partner.NewHandler(a.Partners), opts(auth.Interceptor(a.Auth.Partner))...)))
	widgetOpts := opts(auth.Interceptor(a.Auth.Widget, widgetv1connect.WidgetServiceStartSessionProcedure))
	widgetOpts = append(widgetOpts, connect.WithInterceptors(auth.Interceptor(a.Auth.WidgetGuard)))
	api.Handle(declaredOnly(widgetv1connect.NewWidgetServiceHandler(widget.NewHandler(a.Widget), widgetOpts...)))
	api.Handle(declaredOnly(reviewv1connect.NewReviewServiceHandler(review.NewHandler(st, keys), opts(auth.Interceptor(a.Auth.Operator))...)))
	services := []string{partnerv1connect.PartnerServiceName, widgetv1connect.WidgetServiceName, reviewv1connect.ReviewServiceName}
	api.Handle(grpchealth.NewHandler(grpchealth.NewStaticChecker(services...)))
	reflector := grpcreflect.NewStaticReflector(services...)
	api.Handle(grpcreflect.NewHandlerV1(reflector))
	api.Handle(grpcreflect.NewHandlerV1Alpha(reflector))

	gw, err := rest.NewHandler(api)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(st.DB(), st.Dialect().String()))
	root := http.NewServeMux()
	root.Handle("/", limitBody(api, MaxUploadBytes+64<<10)) // 64 KiB: envelope and stream framing
	root.Handle("/widget/", gw)
	root.Handle("/embed/", embed.New(st, cfg.StaticDir))
	root.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	root.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			rest.WriteError(w, r, apierr.New(apierr.Unavailable, "database unreachable"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	root.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mw := &middleware{log: cfg.Logger, origins: &originSet{store: st, self: cfg.PublicURL}, metrics: newHTTPMetrics(reg)}
	a.Handler = mw.wrap(rest.GuardEmptyID(root))
	return a, nil
}

// notFound answers unknown paths and procedures with the documented not_found body
// (net/http and connect-go would send a plain-text 404 without the request id).
func notFound(w http.ResponseWriter, r *http.Request) {
	rest.WriteError(w, r, apierr.New(apierr.NotFound, "No such route or procedure"))
}

// declaredOnly passes a service's own procedures to its handler and answers any other
// path under the service's prefix with notFound.
func declaredOnly(path string, h http.Handler) (string, http.Handler) {
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(strings.Trim(path, "/")))
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if err != nil || !ok {
		return path, h
	}
	return path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sd.Methods().ByName(protoreflect.Name(strings.TrimPrefix(r.URL.Path, path))) == nil {
			notFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Serve answers on ln until ctx is cancelled, then drains in-flight requests (graceful
// shutdown, up to 20 s).
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true) // gRPC without TLS (h2c) on the same port
	protocols.SetHTTP2(true)
	srv := &http.Server{
		Handler:           a.Handler,
		Protocols:         &protocols,
		ReadHeaderTimeout: 10 * time.Second, // slowloris
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() {
		if a.cfg.TLSCert != "" {
			srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
			errc <- srv.ServeTLS(ln, a.cfg.TLSCert, a.cfg.TLSKey)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
