package webhook_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/rampart-id/rampart/server/webhook"
)

// headerOf rebuilds the headers of a recorded delivery.
func headerOf(d delivery) http.Header {
	h := http.Header{}
	h.Set("webhook-id", d.ID)
	h.Set("webhook-timestamp", d.Timestamp)
	h.Set("webhook-signature", d.Signature)
	return h
}

func TestNewSecretIsWhatTheLibraryDecodes(t *testing.T) {
	a, b := webhook.NewSecret(), webhook.NewSecret()
	if a == b || !strings.HasPrefix(a, "whsec_") {
		t.Fatalf("secrets %q %q", a, b)
	}
	if _, err := standardwebhooks.NewWebhook(a); err != nil {
		t.Fatalf("library rejects our secret: %v", err)
	}
	if key, err := webhook.SigningKey(a); err != nil || len(key) != 32 {
		t.Fatalf("key: %d bytes, %v", len(key), err)
	}
	// A base62 secret (how the first partners were created) is not base64: refused
	// with a hint rather than signed with a key the partner's library cannot derive.
	if _, err := webhook.SigningKey("whsec_" + strings.Repeat("A1b2", 10) + "xyz"); err == nil {
		t.Fatal("base62 secret accepted")
	}
}

func TestSignMatchesTheLibrary(t *testing.T) {
	secret, other := webhook.NewSecret(), webhook.NewSecret()
	key, _ := webhook.SigningKey(secret)
	otherKey, _ := webhook.SigningKey(other)
	body := []byte(`{"type":"kyc.status_changed"}`)
	now := time.Now()
	wh, _ := standardwebhooks.NewWebhook(secret)
	want, _ := wh.Sign("msg_1", now, body)
	if got := webhook.Sign("msg_1", now.Unix(), body, key); got != want {
		t.Fatalf("Sign = %q, library = %q", got, want)
	}
	h := http.Header{}
	h.Set("webhook-id", "msg_1")
	h.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("webhook-signature", webhook.Sign("msg_1", now.Unix(), body, otherKey, key))
	if err := wh.Verify(body, h); err != nil {
		t.Fatalf("two signatures, second matching: %v", err)
	}
	h.Set("webhook-timestamp", strconv.FormatInt(now.Add(-time.Hour).Unix(), 10))
	if err := wh.Verify(body, h); err == nil {
		t.Fatal("a replay with an old timestamp verifies")
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	prev := time.Duration(0)
	for n := 1; n <= 9; n++ {
		d := webhook.Backoff(n)
		if d < prev {
			t.Errorf("backoff(%d) = %v < backoff(%d)", n, d, n-1)
		}
		prev = d
	}
	if d := webhook.Backoff(50); d < 8*time.Hour || d > 10*time.Hour {
		t.Errorf("backoff(50) = %v", d)
	}
	if d := webhook.Backoff(1); d < 5*time.Second || d > 6*time.Second {
		t.Errorf("backoff(1) = %v", d)
	}
}
