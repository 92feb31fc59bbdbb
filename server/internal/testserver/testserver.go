// Package testserver starts a real Rampart server (real store, real listener) for tests.
package testserver

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/app"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/vault"
)

// Server is a running test server.
type Server struct {
	URL   string // http://127.0.0.1:PORT
	Addr  string // 127.0.0.1:PORT
	App   *app.App
	Store *store.Store
	Keys  *vault.Keyring
	Logs  *SyncBuffer
}

// Options tweak the server.
type Options struct {
	RatePerSec float64
	RateBurst  int
	StaticDir  string // widget assets (a wasmbuild output); "" = the embedded copy
	Workers    int    // verification workers; 0 means 1, -1 means none
	WorkerHold func(ctx context.Context, j store.Job)
	Limits     app.Limits
}

// Start migrates a fresh database at dbURL and serves on a loopback port until the test ends.
func Start(t testing.TB, dbURL string, opts ...Options) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	if err := st.MigrateUp(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	keys, err := vault.NewKeyring(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &SyncBuffer{}
	cfg := app.Config{PublicURL: "http://" + ln.Addr().String(), Logger: slog.New(slog.NewJSONHandler(logs, nil)), LogOutput: logs, Workers: 1}
	if len(opts) > 0 {
		o := opts[0]
		cfg.RatePerSec, cfg.RateBurst, cfg.StaticDir, cfg.WorkerHold, cfg.Limits = o.RatePerSec, o.RateBurst, o.StaticDir, o.WorkerHold, o.Limits
		switch {
		case o.Workers < 0:
			cfg.Workers = 0
		case o.Workers > 0:
			cfg.Workers = o.Workers
		}
	}
	a, err := app.New(cfg, st, keys)
	if err != nil {
		t.Fatal(err)
	}
	done, bgDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(done); _ = a.Serve(ctx, ln) }()
	go func() { defer close(bgDone); a.RunBackground(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		<-bgDone
		_ = st.Close()
	})
	return &Server{URL: cfg.PublicURL, Addr: ln.Addr().String(), App: a, Store: st, Keys: keys, Logs: logs}
}

// NewPartner registers a test-mode partner.
func (s *Server) NewPartner(t testing.TB, name string, origins ...string) partner.Created {
	t.Helper()
	return s.CreatePartner(t, partner.NewPartner{Name: name, Origins: origins, Test: true})
}

// CreatePartner registers a partner as described.
func (s *Server) CreatePartner(t testing.TB, np partner.NewPartner) partner.Created {
	t.Helper()
	c, err := s.App.Partners.CreatePartner(context.Background(), np)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ForceStatus moves a user's profile the way a decision would. A non-zero `at` dates the
// change by swapping the store's clock, so call it so only while no request is in
// flight; a zero `at` leaves the clock alone and is safe while workers run.
func (s *Server) ForceStatus(t testing.TB, partnerID, userID string, to kyc.Status, at time.Time, reasons ...string) {
	t.Helper()
	ctx := context.Background()
	if !at.IsZero() {
		s.Store.SetClock(func() time.Time { return at })
		defer s.Store.SetClock(time.Now)
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Profile(ctx, partnerID, userID)
		if err != nil {
			return err
		}
		_, err = tx.Transition(ctx, p, store.Transition{To: to, FailureReasons: reasons, UseAttempt: to == kyc.Failed, Actor: "test"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// SyncBuffer is a goroutine-safe log sink.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything logged so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Contains reports whether the logs contain s.
func (b *SyncBuffer) Contains(s string) bool { return strings.Contains(b.String(), s) }
