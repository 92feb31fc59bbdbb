// Package app assembles Rampart's HTTP server: one listener serving gRPC, Connect,
// gRPC-Web and the REST gateway, plus health, readiness and metrics.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"slices"
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
	"github.com/rampart-id/rampart/server/console"
	"github.com/rampart-id/rampart/server/embed"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/redact"
	"github.com/rampart-id/rampart/server/rest"
	"github.com/rampart-id/rampart/server/review"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
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
	// LogOutput, when set, is where Logger writes: the access log then encodes its
	// lines itself (the same JSON) and writes them there.
	LogOutput io.Writer
	// Workers is how many verification workers RunBackground starts (0: none).
	Workers     int
	WorkerLease time.Duration
	JobBudget   time.Duration // time one verification attempt may take (verify.DefaultJobBudget)
	// RetentionDays: document images are purged this long after the decision (default 30).
	RetentionDays int
	// IdentityRetentionDays: identities read from documents (and the partners'
	// expected identities) are kept this long (verify.DefaultIdentityRetentionDays), images or not.
	IdentityRetentionDays int
	// WorkerHold runs inside each worker after it claims a job (fault-injection tests).
	WorkerHold func(ctx context.Context, j store.Job)
	// Limits on what one client may hold open; zero fields take DefaultLimits.
	Limits Limits
	// TrustedProxies may name the client's address in X-Forwarded-For.
	TrustedProxies []netip.Prefix
	// PrivateMetrics keeps /metrics off the public handler (it is served by Ops).
	PrivateMetrics bool
	// SharedLimits counts the rate limits in Redis for all replicas; nil: in this process.
	SharedLimits *auth.SharedLimits
}

// Limits bound what clients of the public surface can make the server hold at once.
type Limits struct {
	StreamsPerToken int // open WatchStatus streams per widget token
	Streams         int // open WatchStatus streams in the process
	UploadsPerToken int // image uploads in flight per widget token
	Uploads         int // image uploads in flight in the process (each up to MaxUploadBytes)
}

// DefaultLimits: a widget needs one status stream and one upload at a time; a few more
// allow a reload or a retry. One upload per CPU: an upload holds its place while it is
// read, decoded (one decode slot per CPU but one) and sealed, so more places would only
// queue, while each one reading a body costs a few MiB of copying and zeroing that every
// other request waits behind (under a flood on two cores, 4 places let a partner's
// status call take 0.6 s, 2 kept it under 0.3 s). 512 streams poll the database at most
// ~2,000 times a second.
var DefaultLimits = Limits{StreamsPerToken: 3, Streams: 512, UploadsPerToken: 2, Uploads: min(max(runtime.GOMAXPROCS(0), 2), 16)}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct{ v, def *int }{{&l.StreamsPerToken, &d.StreamsPerToken}, {&l.Streams, &d.Streams},
		{&l.UploadsPerToken, &d.UploadsPerToken}, {&l.Uploads, &d.Uploads}} {
		if *f.v > 0 {
			*f.def = *f.v
		}
	}
	return d
}

// App is a running Rampart instance's parts.
type App struct {
	Store    *store.Store
	Partners *partner.Manager
	Widget   *widget.Manager
	Auth     *auth.Authenticator
	Handler  http.Handler
	// Ops serves /metrics, health and reflection of every service, the review service
	// included, for a listener operators keep private (--metrics-listen).
	Ops  http.Handler
	cfg  Config
	log  *slog.Logger
	keys Keyring
}

// MaxUploadBytes bounds Connect/gRPC request messages (document images, frames).
const MaxUploadBytes = 16 << 20

// Keyring seals and opens secrets and images and keys token tags (vault.Keyring).
type Keyring interface {
	Seal(plaintext, associatedData []byte) ([]byte, error)
	Open(envelope, associatedData []byte) ([]byte, error)
	TokenKeys() [][]byte
	IndexKeys() [][]byte
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
	if cfg.IdentityRetentionDays == 0 {
		cfg.IdentityRetentionDays = verify.DefaultIdentityRetentionDays
	}
	a := &App{Store: st, cfg: cfg, log: cfg.Logger, keys: keys}
	lim := cfg.Limits.withDefaults()
	tokens := auth.NewTagger(keys.TokenKeys()...)
	a.Auth = &auth.Authenticator{Store: st, PerToken: cfg.SharedLimits.Limiter("token", cfg.RatePerSec, cfg.RateBurst),
		Failures: cfg.SharedLimits.Limiter("failed-auth", 1, 20), Tokens: tokens, WidgetOrigin: cfg.PublicURL}
	a.Partners = partner.NewManager(st, keys, partner.Config{PublicURL: cfg.PublicURL, Tokens: tokens,
		IdentityRetention: days(cfg.IdentityRetentionDays)})
	// Submitting a case enqueues its verification job in the same transaction.
	a.Widget = widget.NewManager(st, a.Auth, keys, func(ctx context.Context, tx *store.Tx, c store.Case) error {
		return tx.EnqueueVerification(ctx, c.ID)
	})
	a.Widget.PublicURL = cfg.PublicURL
	a.Widget.Retention = widget.Retention{ImageDays: cfg.RetentionDays, IdentityDays: cfg.IdentityRetentionDays}

	errs := apierr.Interceptor(cfg.Logger, func(err error) (apierr.Code, bool) {
		return apierr.Unavailable, store.Unavailable(err)
	})
	// Every service's interceptors: errors outermost, then its authentication.
	chain := func(authn ...connect.Interceptor) []connect.Interceptor {
		return append([]connect.Interceptor{errs}, authn...)
	}
	// The read limit applies after decompression (and inflation stops there): a 16 kB
	// gzip body that inflates to 16 MiB is refused at its procedure's limit, 1 MiB for
	// the partner and review APIs and 64 KiB for the widget's, except the image uploads.
	opts := func(limit int, authn ...connect.Interceptor) []connect.HandlerOption {
		return []connect.HandlerOption{connect.WithInterceptors(chain(authn...)...),
			connect.WithReadMaxBytes(limit), withCappedGzip(limit), connect.WithCompressMinBytes(1024), rest.ConnectJSON()}
	}
	api := http.NewServeMux()
	api.Handle("/", http.HandlerFunc(notFound))
	// REST runs the same partner handler through the same interceptors as Connect.
	partnerSvc, partnerAuth := partner.NewHandler(a.Partners), auth.Interceptor(a.Auth.Partner)
	api.Handle(declaredOnly(partnerv1connect.NewPartnerServiceHandler(partnerSvc, opts(smallBodyLimit, partnerAuth)...)))
	widgetAuth := []connect.Interceptor{auth.Interceptor(a.Auth.WidgetGuard), auth.Interceptor(a.Auth.Widget,
		widgetv1connect.WidgetServiceStartSessionProcedure, widgetv1connect.WidgetServiceRedeemHandoffProcedure)}
	wh := widget.NewHandler(a.Widget, auth.NewInFlight(lim.StreamsPerToken, lim.Streams))
	widgetPath, widgetSmall := widgetv1connect.NewWidgetServiceHandler(wh, opts(widgetBodyLimit, widgetAuth...)...)
	_, widgetLarge := widgetv1connect.NewWidgetServiceHandler(wh, opts(MaxUploadBytes, widgetAuth...)...)
	api.Handle(declaredOnly(widgetPath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if largeBodies[r.URL.Path] {
			widgetLarge.ServeHTTP(w, r)
			return
		}
		widgetSmall.ServeHTTP(w, r)
	})))
	api.Handle(declaredOnly(reviewv1connect.NewReviewServiceHandler(review.NewHandler(st, keys), opts(smallBodyLimit, auth.Interceptor(a.Auth.Operator))...)))
	// The public port describes only the partner and widget APIs; the review service is
	// listed by reflection on the operators' listener (Ops).
	public := []string{partnerv1connect.PartnerServiceName, widgetv1connect.WidgetServiceName}
	all := slices.Concat(public, []string{reviewv1connect.ReviewServiceName})
	api.Handle(grpchealth.NewHandler(grpchealth.NewStaticChecker(all...)))
	reflector := grpcreflect.NewStaticReflector(public...)
	api.Handle(grpcreflect.NewHandlerV1(reflector))
	api.Handle(grpcreflect.NewHandlerV1Alpha(reflector))

	gw, err := rest.NewHandler(partnerSvc, chain(partnerAuth)...)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		st.Collector())
	gate := &bodyGate{large: MaxUploadBytes + 64<<10, // 64 KiB: envelope and stream framing
		auth: a.Auth, perToken: auth.NewInFlight(lim.UploadsPerToken, 0), slots: make(chan struct{}, lim.Uploads), wait: 2 * time.Second}
	root := http.NewServeMux()
	root.Handle("/", gate.wrap(api))
	root.Handle("/embed/", embed.New(st, cfg.StaticDir, a.Widget.Retention))
	root.Handle(console.Prefix+"/", console.New(console.Config{Store: st, Auth: a.Auth, Reviews: review.NewManager(st, keys),
		Redactor: redact.New(st), PublicURL: cfg.PublicURL, Logger: cfg.Logger}))
	health(root, st)
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	if !cfg.PrivateMetrics {
		root.Handle("GET /metrics", metrics)
	}
	mw := &middleware{log: cfg.Logger, access: accessLog{log: cfg.Logger, out: cfg.LogOutput}, origins: &originSet{store: st, self: cfg.PublicURL}, metrics: newHTTPMetrics(reg),
		proxies: cfg.TrustedProxies}
	a.Handler = mw.wrap(rest.Front(gw, root))

	ops := http.NewServeMux()
	health(ops, st)
	ops.Handle("GET /metrics", metrics)
	opsReflector := grpcreflect.NewStaticReflector(all...)
	ops.Handle(grpcreflect.NewHandlerV1(opsReflector))
	ops.Handle(grpcreflect.NewHandlerV1Alpha(opsReflector))
	a.Ops = ops
	return a, nil
}

// health adds the liveness and readiness routes.
func health(mux *http.ServeMux, st *store.Store) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			rest.WriteError(w, r, apierr.New(apierr.Unavailable, "database unreachable"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
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
	return ServeHandler(ctx, ln, a.Handler, a.cfg.TLSCert, a.cfg.TLSKey, a.log)
}

// ServeHandler serves h on ln (HTTP/1.1, h2c, and TLS when cert is set) until ctx ends.
func ServeHandler(ctx context.Context, ln net.Listener, h http.Handler, cert, key string, log *slog.Logger) error {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true) // gRPC without TLS (h2c) on the same port
	protocols.SetHTTP2(true)
	srv := &http.Server{
		Handler:           h,
		Protocols:         &protocols,
		ReadHeaderTimeout: 10 * time.Second, // slowloris
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() {
		if cert != "" {
			srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
			errc <- srv.ServeTLS(ln, cert, key)
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

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
