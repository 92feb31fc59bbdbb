package auth

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
)

// TestSharedLimitsOneBudgetForAllReplicas: two replicas' limiters on one Redis take from
// one bucket per key: together they allow the burst, not twice it, and tell how long to
// wait; another key and another name have their own budgets.
func TestSharedLimitsOneBudgetForAllReplicas(t *testing.T) {
	url, prefix := testenv.RedisURL(t)
	var replicas []Limiter
	for range 2 {
		s, err := NewSharedLimits(url, prefix, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		replicas = append(replicas, s.Limiter("token", 0.5, 10))
	}
	allowed := 0
	var wait time.Duration
	for i := range 30 {
		ok, w := replicas[i%2].Allow("k")
		if ok {
			allowed++
		} else {
			wait = w
		}
	}
	// At 0.5/s a slow run might earn one more token while it runs; never twenty.
	if allowed < 10 || allowed > 11 {
		t.Fatalf("%d of 30 requests allowed over two replicas, want the one burst of 10", allowed)
	}
	if wait <= 0 || wait > 2*time.Second {
		t.Errorf("retry after %v, want up to one interval (2 s)", wait)
	}
	if ok, _ := replicas[1].Allow("other"); !ok {
		t.Error("another key was refused")
	}
	s, _ := NewSharedLimits(url, prefix, nil)
	defer s.Close()
	if ok, _ := s.Limiter("fail", 0.5, 10).Allow("k"); !ok {
		t.Error("another limiter name shares the budget")
	}
}

// TestSharedLimitsFailOpen: with Redis unreachable every check falls back to the
// process's own bucket (still a limit, not none), and the failure is logged once for
// all limiters.
func TestSharedLimitsFailOpen(t *testing.T) {
	var logs bytes.Buffer
	s, err := NewSharedLimits("redis://127.0.0.1:1/0", "x:", slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l := s.Limiter("token", 0.5, 5)
	allowed := 0
	for range 20 {
		if ok, _ := l.Allow("k"); ok {
			allowed++
		}
	}
	_, _ = s.Limiter("failed-auth", 1, 20).Allow("k") // another limiter's failure is not logged again
	if allowed < 5 || allowed > 6 {
		t.Fatalf("%d of 20 allowed with Redis down, want the local burst of 5", allowed)
	}
	if n := strings.Count(logs.String(), "redis rate limit check failed"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, logs.String())
	}
}

// TestNilSharedLimitsCountsInProcess: without --redis-url the limiter is the process's.
func TestNilSharedLimitsCountsInProcess(t *testing.T) {
	var s *SharedLimits
	if _, ok := s.Limiter("token", 1, 3).(*localLimiter); !ok {
		t.Fatal("nil SharedLimits does not make a per-process limiter")
	}
}
