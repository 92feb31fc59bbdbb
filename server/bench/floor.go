package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// floorService is the yardstick for GET /widget/users/{id}/kyc-status: a minimal
// net/http + pgxpool service that does what the partner API must do for that route and
// nothing else. It runs the store's own two queries (the client-token look-up by hash
// with its partner, then the profile by primary key), caches the token look-up for as
// long as the service does (so both make one database round trip per request once warm),
// and writes the same JSON bytes. No rate limits, access log, metrics or protocol
// layers: whatever the service costs above this is overhead, not database time.
type floorService struct {
	pool *pgxpool.Pool
	srv  *http.Server
	URL  string

	mu     sync.Mutex
	tokens map[string]floorPartner
}

type floorPartner struct {
	id          string
	maxAttempts int
	until       time.Time
}

// The store's SQL for this route, verbatim (partnerCols, ClientToken and Profile): the
// floor must run the query the service runs, or the ratio compares different work.
const (
	floorTokenSQL = `SELECT p.id, p.name, p.widget_id, p.test_mode, p.allowed_origins, p.webhook_url, p.webhook_secret, p.max_attempts, p.share_identity, p.min_age, p.privacy_url, p.support_url, p.created_at, c.token_hash, c.expires_at FROM client_tokens c
		JOIN partners p ON p.id = c.partner_id
		WHERE c.token_hash = $1 AND (c.expires_at IS NULL OR c.expires_at > $2)`
	floorProfileSQL = `SELECT status, attempts_used, failure_reasons, final, verified_at, updated_at, seq
		FROM kyc_profiles WHERE partner_id = $1 AND partner_user_id = $2`
	// floorTokenTTL is the service's token cache lifetime.
	floorTokenTTL = 5 * time.Second
)

// floorStatus is the REST body of kyc-status, field for field.
type floorStatus struct {
	PartnerUserID     string   `json:"partner_user_id"`
	Status            string   `json:"status"`
	VerifiedAt        string   `json:"verified_at,omitempty"`
	AttemptsRemaining *int32   `json:"attempts_remaining,omitempty"`
	FailureReasons    []string `json:"failure_reasons,omitempty"`
}

// startFloor connects a pool as large as the service's (32) and serves on a loopback port.
func startFloor(ctx context.Context, dbURL string) (*floorService, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 32
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		pool.Close()
		return nil, err
	}
	f := &floorService{pool: pool, URL: "http://" + ln.Addr().String(), tokens: map[string]floorPartner{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /widget/users/{id}/kyc-status", f.status)
	f.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

// runFloorProcess serves the floor in this process, prints its URL and serves until
// standard input closes (the bench ends, or dies).
func runFloorProcess(ctx context.Context, dbURL string) error {
	f, err := startFloor(ctx, dbURL)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Println(f.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// floorProcess starts the floor as a process of its own (this binary with -serve-floor),
// as the service under test is one: in the load generator's process its requests would
// be scheduled among the generator's goroutines instead of competing with it for the
// cores as another process, and the ratio would flatter the floor.
func floorProcess(ctx context.Context, dbURL string) (url string, stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, self, "-serve-floor", dbURL)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("floor process: %w", err)
	}
	return strings.TrimSpace(line), stop, nil
}

func (f *floorService) Close() {
	_ = f.srv.Close()
	f.pool.Close()
}

func (f *floorService) status(w http.ResponseWriter, r *http.Request) {
	p, err := f.partner(r.Context(), r.Header.Get("Authorization"))
	if err != nil {
		http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
		return
	}
	out, err := f.profile(r.Context(), p, r.PathValue("id"))
	if err != nil {
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (f *floorService) partner(ctx context.Context, header string) (floorPartner, error) {
	const prefix = "Bearer "
	if len(header) <= len(prefix) || header[:len(prefix)] != prefix {
		return floorPartner{}, errors.New("no bearer token")
	}
	sum := sha256.Sum256([]byte(header[len(prefix):]))
	now := time.Now()
	f.mu.Lock()
	p, ok := f.tokens[string(sum[:])]
	f.mu.Unlock()
	if ok && now.Before(p.until) {
		return p, nil
	}
	var (
		id, name, widgetID, origins, hookURL, privacyURL, supportURL string
		secret                                                       []byte
		testMode, share                                              bool
		maxAttempts, minAge                                          int
		created                                                      int64
		stored                                                       []byte
		expires                                                      *int64
	)
	err := f.pool.QueryRow(ctx, floorTokenSQL, sum[:], now.UnixMicro()).Scan(&id, &name, &widgetID, &testMode, &origins,
		&hookURL, &secret, &maxAttempts, &share, &minAge, &privacyURL, &supportURL, &created, &stored, &expires)
	if err != nil {
		return floorPartner{}, err
	}
	p = floorPartner{id: id, maxAttempts: maxAttempts, until: now.Add(floorTokenTTL)}
	if expires != nil && time.UnixMicro(*expires).Before(p.until) {
		p.until = time.UnixMicro(*expires)
	}
	f.mu.Lock()
	f.tokens[string(sum[:])] = p
	f.mu.Unlock()
	return p, nil
}

// profile renders the partner's view of a user as the REST endpoint does: verified_at
// (whole seconds, UTC) only when verified, attempts and reasons only when failed; a user
// never seen is not_started.
func (f *floorService) profile(ctx context.Context, p floorPartner, user string) (floorStatus, error) {
	out := floorStatus{PartnerUserID: user, Status: "not_started"}
	var (
		used          int
		reasons       string
		final         bool
		verified, upd *int64
		seq           int64
	)
	err := f.pool.QueryRow(ctx, floorProfileSQL, p.id, user).Scan(&out.Status, &used, &reasons, &final, &verified, &upd, &seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	switch out.Status {
	case "verified":
		if verified != nil {
			out.VerifiedAt = time.UnixMicro(*verified).UTC().Truncate(time.Second).Format(time.RFC3339)
		}
	case "failed":
		left := int32(0)
		if !final {
			left = int32(max(0, p.maxAttempts-used))
		}
		out.AttemptsRemaining = &left
		if err := json.Unmarshal([]byte(reasons), &out.FailureReasons); err != nil {
			return out, err
		}
	}
	return out, nil
}
