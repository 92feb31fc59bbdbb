package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a set of token buckets keyed by token hash or client address. Limits are per
// server process; several instances each apply their own.
type Limiter struct {
	mu      sync.Mutex
	perSec  rate.Limit
	burst   int
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter allows perSec requests per second with bursts of burst, per key.
func NewLimiter(perSec float64, burst int) *Limiter {
	return &Limiter{perSec: rate.Limit(perSec), burst: burst, buckets: map[string]*bucket{}}
}

// Allow takes one request for key; when refused it says how long to wait.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := time.Now()
	l.mu.Lock()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.perSec, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	l.sweep(now)
	l.mu.Unlock()
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep drops buckets idle for a minute so the map cannot grow without bound.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if now.Sub(b.seen) > time.Minute {
			delete(l.buckets, k)
		}
	}
}
