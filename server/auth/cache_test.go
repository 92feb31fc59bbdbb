package auth

import (
	"testing"
	"time"

	"github.com/rampart-id/rampart/server/store"
)

func TestPartnerCacheNeverOutlivesTheToken(t *testing.T) {
	var c tokenCache[store.Partner]
	now := time.Now()
	c.put("a", store.Partner{ID: "p"}, now.Add(time.Second), now)
	c.put("b", store.Partner{ID: "q"}, time.Time{}, now)
	if p, ok := c.get("a", now.Add(500*time.Millisecond)); !ok || p.ID != "p" {
		t.Fatal("fresh entry missing")
	}
	if _, ok := c.get("a", now.Add(time.Second)); ok {
		t.Error("entry outlived its token's expiry")
	}
	if _, ok := c.get("b", now.Add(cacheTTL-time.Millisecond)); !ok {
		t.Error("non-expiring token not cached for the TTL")
	}
	if _, ok := c.get("b", now.Add(cacheTTL)); ok {
		t.Error("entry outlived the cache TTL")
	}
}
