package auth

import (
	"hash/maphash"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter takes one request for a key (a token hash or a client address) from that key's
// budget; when refused it says how long to wait. NewLimiter counts in this process;
// SharedLimits.Limiter counts in Redis, for all replicas together.
type Limiter interface {
	Allow(key string) (ok bool, retryAfter time.Duration)
}

// localLimiter is a set of token buckets in this process: several replicas each apply
// their own.
//
// The buckets are spread over shards, each with its own lock: every request takes a
// bucket, and under a flood one lock for all of them made every request (a bystander's
// too) queue behind the flood's.
type localLimiter struct {
	perSec rate.Limit
	burst  int
	seed   maphash.Seed
	shards [64]limiterShard
}

type limiterShard struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter allows perSec requests per second with bursts of burst, per key.
func NewLimiter(perSec float64, burst int) Limiter { return newLocalLimiter(perSec, burst) }

func newLocalLimiter(perSec float64, burst int) *localLimiter {
	l := &localLimiter{perSec: rate.Limit(perSec), burst: burst, seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].buckets = map[string]*bucket{}
	}
	return l
}

// Allow takes one request for key; when refused it says how long to wait.
func (l *localLimiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := time.Now()
	s := &l.shards[maphash.String(l.seed, key)%uint64(len(l.shards))]
	s.mu.Lock()
	b := s.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.perSec, l.burst)}
		s.buckets[key] = b
	}
	b.seen = now
	s.sweep(now)
	s.mu.Unlock()
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep drops buckets idle for a minute so the map cannot grow without bound.
func (s *limiterShard) sweep(now time.Time) {
	if now.Sub(s.swept) < time.Minute {
		return
	}
	s.swept = now
	for k, b := range s.buckets {
		if now.Sub(b.seen) > time.Minute {
			delete(s.buckets, k)
		}
	}
}
