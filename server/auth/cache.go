package auth

import (
	"sync"
	"time"
)

// tokenCache remembers token look-ups (token hash → partner, or widget principal) for
// a few seconds: the look-up is otherwise a database round trip on every request, and
// a flood of requests with a handful of valid tokens would queue every other request
// behind it for a database connection. An entry never outlives its token, so a
// rotated-out or expired token stops working at its expiry; a revoked or edited
// partner is seen within cacheTTL.
type tokenCache[V any] struct {
	mu      sync.Mutex
	entries map[string]cached[V]
	swept   time.Time
}

type cached[V any] struct {
	v     V
	until time.Time
}

const cacheTTL = 5 * time.Second

func (c *tokenCache[V]) get(key string, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.until) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *tokenCache[V]) put(key string, v V, tokenExpires, now time.Time) {
	until := now.Add(cacheTTL)
	if !tokenExpires.IsZero() && tokenExpires.Before(until) {
		until = tokenExpires
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cached[V]{}
	}
	if now.Sub(c.swept) > time.Minute {
		c.swept = now
		for k, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, k)
			}
		}
	}
	c.entries[key] = cached[V]{v: v, until: until}
}
