package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// SharedLimits makes limiters that count in Redis, so that several replicas on one
// database apply one budget per key between them. A nil *SharedLimits makes per-process
// limiters.
type SharedLimits struct {
	rdb    *redis.Client
	prefix string
	log    *slog.Logger
	logged atomic.Int64 // unix µs of the last logged Redis error, for all its limiters
}

// NewSharedLimits connects (lazily) to the Redis at url (redis://host:port/db).
// prefix starts every key, so that several deployments can share one Redis.
func NewSharedLimits(url, prefix string, log *slog.Logger) (*SharedLimits, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	// Every request waits for its check: a slow Redis must cost little before the
	// limiter gives up on it and counts in the process instead.
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = 250*time.Millisecond, 250*time.Millisecond, 250*time.Millisecond
	opts.MaxRetries = -1
	opts.ContextTimeoutEnabled = true
	if log == nil {
		log = slog.Default()
	}
	return &SharedLimits{rdb: redis.NewClient(opts), prefix: prefix, log: log}, nil
}

// Ping reports whether Redis answers.
func (s *SharedLimits) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }

// Close closes the connections to Redis.
func (s *SharedLimits) Close() error {
	if s == nil {
		return nil
	}
	return s.rdb.Close()
}

// Limiter allows perSec requests per second with bursts of burst per key, counted under
// name (one budget per name and key). On a nil receiver it counts in this process.
func (s *SharedLimits) Limiter(name string, perSec float64, burst int) Limiter {
	local := newLocalLimiter(perSec, burst)
	if s == nil {
		return local
	}
	return &redisLimiter{s: s, prefix: s.prefix + "rl:" + name + ":", local: local,
		interval: max(int64(float64(time.Second/time.Microsecond)/perSec), 1), burst: int64(max(burst, 1))}
}

// gcra is a token bucket as a generic cell rate algorithm: one key per bucket holding its
// theoretical arrival time (µs, Redis's clock, so replicas' clocks do not matter). A
// request is allowed when it does not come more than interval*burst ahead of that time;
// the key expires when the bucket is full again. It returns 0 when allowed, else the µs
// to wait. One round trip.
var gcra = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new = tat + interval
local wait = new - interval * burst - now
if wait > 0 then return math.max(math.ceil(wait), 1) end
redis.call('SET', KEYS[1], string.format('%d', new), 'PX', math.ceil((new - now) / 1000))
return 0
`)

// redisLimiter counts in Redis and fails open to its per-process limiter while Redis
// does not answer, retrying Redis a second later.
type redisLimiter struct {
	s        *SharedLimits
	prefix   string
	local    *localLimiter
	interval int64 // µs between requests at the sustained rate
	burst    int64
	downTill atomic.Int64 // unix µs: until then, count locally without asking Redis
}

// checkTimeout bounds one check, whatever the request's own deadline.
const checkTimeout = 300 * time.Millisecond

func (l *redisLimiter) Allow(key string) (bool, time.Duration) {
	now := time.Now().UnixMicro()
	if now < l.downTill.Load() {
		return l.local.Allow(key)
	}
	ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
	defer cancel()
	wait, err := gcra.Run(ctx, l.s.rdb, []string{l.prefix + key}, l.interval, l.burst).Int64()
	if err != nil {
		l.failOpen(err, now)
		return l.local.Allow(key)
	}
	if wait > 0 {
		return false, time.Duration(wait) * time.Microsecond
	}
	return true, 0
}

func (l *redisLimiter) failOpen(err error, now int64) {
	l.downTill.Store(now + time.Second.Microseconds())
	last := l.s.logged.Load()
	if now-last < time.Minute.Microseconds() || !l.s.logged.CompareAndSwap(last, now) {
		return
	}
	msg := err.Error()
	if errors.Is(err, context.DeadlineExceeded) {
		msg = "timed out"
	}
	l.s.log.Warn("redis rate limit check failed; counting in this process meanwhile", "error", msg)
}
