package auth

import (
	"sync"
	"time"

	"github.com/rampart-id/rampart/server/store"
)

// partnerCache remembers token → partner look-ups for a few seconds: the lookup is
// otherwise a database round trip on every partner request. An entry never outlives
// its token, so a rotated-out token stops working at its expiry; a revoked or edited
// partner is seen within cacheTTL.
type partnerCache struct {
	mu      sync.Mutex
	entries map[string]cachedPartner
	swept   time.Time
}

type cachedPartner struct {
	p     store.Partner
	until time.Time
}

const cacheTTL = 5 * time.Second

func (c *partnerCache) get(key string, now time.Time) (store.Partner, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.until) {
		return store.Partner{}, false
	}
	return e.p, true
}

func (c *partnerCache) put(key string, p store.Partner, tokenExpires, now time.Time) {
	until := now.Add(cacheTTL)
	if !tokenExpires.IsZero() && tokenExpires.Before(until) {
		until = tokenExpires
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cachedPartner{}
	}
	if now.Sub(c.swept) > time.Minute {
		c.swept = now
		for k, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, k)
			}
		}
	}
	c.entries[key] = cachedPartner{p: p, until: until}
}
