package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/rampart-id/rampart/server/app"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/demo"
	"github.com/rampart-id/rampart/server/imageintake"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
	"github.com/rampart-id/rampart/server/webhook"
)

func serveCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c common
	c.register(fs)
	listen := fs.String("listen", env("RAMPART_LISTEN", ":8080"), "listen address (env RAMPART_LISTEN)")
	public := fs.String("public-url", os.Getenv("RAMPART_PUBLIC_URL"), "base URL browsers use to reach this server (env RAMPART_PUBLIC_URL; default http://127.0.0.1:PORT)")
	demo := fs.Bool("demo", false, "create a demo partner (on SQLite, reuse the one of an earlier start) and print its token and a demo page URL")
	demoListen := fs.String("demo-listen", "", "where the demo shop page listens (default: the next port after --listen)")
	tlsCert := fs.String("tls-cert", os.Getenv("RAMPART_TLS_CERT"), "TLS certificate file (env RAMPART_TLS_CERT)")
	tlsKey := fs.String("tls-key", os.Getenv("RAMPART_TLS_KEY"), "TLS key file (env RAMPART_TLS_KEY)")
	migrateOnStart := fs.Bool("migrate", false, "apply migrations on start (always on for SQLite)")
	workers := fs.Int("workers", envInt("RAMPART_WORKERS", 2), "verification workers in this process (env RAMPART_WORKERS)")
	lease := fs.Duration("worker-lease", verify.DefaultJobLease, "how long a job stays claimed without renewal; a crashed worker's job is retried after it")
	budget := fs.Duration("job-budget", verify.DefaultJobBudget, "how long one verification attempt may take; a job that runs out of attempts goes to review")
	rate := fs.Float64("rate-limit", 200, "requests per second per client or widget token (burst: twice that)")
	hookLease := fs.Duration("webhook-lease", time.Minute, "how long a webhook attempt is claimed; a crashed sender's event is retried after it")
	identityRetention := fs.Int("identity-retention-days", envInt("RAMPART_IDENTITY_RETENTION_DAYS", verify.DefaultIdentityRetentionDays),
		"days identities read from documents are kept, as the AML record (env RAMPART_IDENTITY_RETENTION_DAYS)")
	retention := fs.Int("retention-days", envInt("RAMPART_RETENTION_DAYS", 30), "days after a decision before document images are purged (env RAMPART_RETENTION_DAYS)")
	proxies := fs.String("trusted-proxies", os.Getenv("RAMPART_TRUSTED_PROXIES"), "comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For names the client (env RAMPART_TRUSTED_PROXIES)")
	metricsListen := fs.String("metrics-listen", os.Getenv("RAMPART_METRICS_LISTEN"), "serve /metrics and reflection of every service (review included) here instead of on --listen (env RAMPART_METRICS_LISTEN)")
	redisURL := fs.String("redis-url", os.Getenv("RAMPART_REDIS_URL"), "count rate limits in this Redis, shared by every replica (env RAMPART_REDIS_URL; default: per process)")
	redisPrefix := fs.String("redis-prefix", env("RAMPART_REDIS_PREFIX", "rampart:"), "prefix of this deployment's Redis keys (env RAMPART_REDIS_PREFIX)")
	var lim app.Limits
	fs.IntVar(&lim.StreamsPerToken, "max-streams-per-token", app.DefaultLimits.StreamsPerToken, "open status streams per widget token")
	fs.IntVar(&lim.Streams, "max-streams", app.DefaultLimits.Streams, "open status streams in this process")
	fs.IntVar(&lim.UploadsPerToken, "max-uploads-per-token", app.DefaultLimits.UploadsPerToken, "image uploads in flight per widget token")
	fs.IntVar(&lim.Uploads, "max-uploads", app.DefaultLimits.Uploads, "image uploads in flight in this process (more wait 2 s, then 503)")
	decodes := fs.Int("max-image-decodes", imageintake.DefaultMaxConcurrentDecodes(), "images decoded at once in this process, uploads and verification alike (an upload waits 2 s for a slot, then 503)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	imageintake.SetMaxConcurrentDecodes(*decodes)
	trusted, err := app.ParseProxies(*proxies)
	if err != nil {
		return err
	}
	log, logOut := newServeLogger()
	defer logOut.Close()
	if os.Getenv("GOGC") == "" {
		// The live heap is small (tens of MB), so the default GC target means frequent
		// collections under load; profiling showed a quarter more throughput at 400.
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// With GOGC at 400 the heap may grow to five times what is live before a
		// collection; under a flood of uploads (each bounded, together up to a few
		// hundred MiB live) that would be gigabytes. A soft limit makes the collector
		// work harder instead, well before the process is anywhere near that.
		debug.SetMemoryLimit(1 << 30)
	}
	shared, err := sharedLimits(ctx, *redisURL, *redisPrefix, log)
	if err != nil {
		return err
	}
	defer shared.Close()
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if st.Dialect() == store.SQLite || *migrateOnStart {
		if err := st.MigrateUp(ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	keys, err := c.keyring(st, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if *public == "" {
		port := ln.Addr().(*net.TCPAddr).Port
		scheme := "http"
		if *tlsCert != "" {
			scheme = "https"
		}
		*public = fmt.Sprintf("%s://127.0.0.1:%d", scheme, port)
	}
	a, err := app.New(app.Config{PublicURL: *public, TLSCert: *tlsCert, TLSKey: *tlsKey, Logger: log, LogOutput: logOut,
		RatePerSec: *rate, RateBurst: int(2 * *rate), SharedLimits: shared,
		Workers: *workers, WorkerLease: *lease, JobBudget: *budget, RetentionDays: *retention, IdentityRetentionDays: *identityRetention, WorkerHold: testHold(),
		Limits: lim, TrustedProxies: trusted, PrivateMetrics: *metricsListen != ""}, st, keys)
	if err != nil {
		return err
	}
	if *metricsListen != "" {
		mln, err := net.Listen("tcp", *metricsListen)
		if err != nil {
			return fmt.Errorf("metrics listener: %w", err)
		}
		go func() {
			if err := app.ServeHandler(ctx, mln, a.Ops, "", "", log); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("metrics listener stopped", "error", err.Error())
			}
		}()
	}
	if *demo {
		if err := startDemo(ctx, a, st, *public, ln, *demoListen, log); err != nil {
			return err
		}
	}
	if addr := os.Getenv("RAMPART_PPROF_LISTEN"); addr != "" {
		// Profiling on a separate, operator-chosen (loopback) address; off by default.
		go func() { _ = http.ListenAndServe(addr, pprofMux()) }()
	}
	bg, stopBG := context.WithCancel(ctx)
	defer stopBG()
	go a.RunBackground(bg)
	deliverer := webhook.New(st, keys, webhook.WithLogger(log), webhook.WithLease(*hookLease))
	delivered := make(chan struct{})
	go func() { defer close(delivered); deliverer.Run(bg) }()
	defer func() { stopBG(); <-delivered }() // finish attempts in flight (≤ 5 s)
	log.Info("listening", "addr", ln.Addr().String(), "public_url", *public, "store", st.Dialect().String(), "workers", *workers)
	if err := a.Serve(ctx, ln); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	log.Info("stopped")
	return nil
}

// banner is where startDemo prints; tests read it.
var banner io.Writer = os.Stdout

// startDemo creates (or, on SQLite, reuses) a test-mode demo partner whose origin is a
// demo shop page served on another port (another origin, as a real partner's site would
// be), and prints how to try it.
func startDemo(ctx context.Context, a *app.App, st *store.Store, public string, api net.Listener, listen string, log *slog.Logger) error {
	if listen == "" {
		host, _, _ := net.SplitHostPort(api.Addr().String())
		listen = net.JoinHostPort(host, strconv.Itoa(api.Addr().(*net.TCPAddr).Port+1))
	}
	shopLn, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("demo shop: %w", err)
	}
	port := shopLn.Addr().(*net.TCPAddr).Port
	shopURL := fmt.Sprintf("http://127.0.0.1:%d", port)
	created, reused, err := demoPartner(ctx, a, st, []string{shopURL, fmt.Sprintf("http://localhost:%d", port)}, log)
	if err != nil {
		return err
	}
	kept := "a new demo partner"
	switch {
	case reused:
		kept = "the demo partner of an earlier start (same token; its test users are still here), kept in " + demoFile(st)
	case demoFile(st) != "":
		kept = "a new demo partner, kept in " + demoFile(st) + " for the next start on this database and --listen"
	}
	shop := &demo.Shop{RampartURL: public, ClientToken: created.ClientToken, WidgetID: created.WidgetID}
	go func() {
		if err := shop.Serve(ctx, shopLn); err != nil {
			log.Error("demo shop stopped", "error", err.Error())
		}
	}()
	out, _ := json.MarshalIndent(created, "", "  ")
	fmt.Fprintf(banner, `
================ Rampart demo (test mode) ================
%s
%s

Demo page (a partner shop on its own origin): %s/
  test mode: user ids ending in +verified, +fail or +review force that outcome once the
  user has been through the widget (consent, document, selfie); until then: not_started

Try the API:
  curl -s %s/widget/users/user-123/kyc-status -H "Authorization: Bearer %s"
  curl -s -X POST %s/widget/session -H "Authorization: Bearer %s" \
    -d '{"partner_user_id":"user-123","user_email":"user@example.com","currency":"BTC","fiat_currency":"EUR","fiat_amount":"100.00"}'

Operator console: %s/console
  sign in with a token from: rampart operator token --role admin   (same --database)
===========================================================

`, kept, out, shopURL, public, created.ClientToken, public, created.ClientToken, public)
	return nil
}

// sharedLimits connects to Redis when url is set (nil: per-process limits). An
// unreachable Redis is only a warning: the limiters fall back to the process's own.
func sharedLimits(ctx context.Context, url, prefix string, log *slog.Logger) (*auth.SharedLimits, error) {
	if url == "" {
		return nil, nil
	}
	s, err := auth.NewSharedLimits(url, prefix, log)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.Ping(pctx); err != nil {
		log.Warn("redis not reachable; rate limits count in this process until it is", "error", err.Error())
	}
	return s, nil
}

// testHold lets fault-injection tests stall workers mid-job (RAMPART_TEST_WORKER_HOLD=10s)
// so they can kill the process at that point. Unset in production.
func testHold() func(context.Context, store.Job) {
	d, err := time.ParseDuration(os.Getenv("RAMPART_TEST_WORKER_HOLD"))
	if err != nil || d <= 0 {
		return nil
	}
	return func(ctx context.Context, _ store.Job) {
		select {
		case <-ctx.Done():
		case <-time.After(d):
		}
	}
}

func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
