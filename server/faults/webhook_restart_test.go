package faults

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/rampart-id/rampart/internal/testenv"
)

// receiver verifies every delivery with the published Standard Webhooks library.
type receiver struct {
	t       *testing.T
	hook    *standardwebhooks.Webhook
	mu      sync.Mutex
	ids     map[string]int    // webhook-id → attempts seen
	changes map[string]string // webhook-id → "previous→status"
	hold    chan struct{}     // while set, the first request waits on it
	first   chan struct{}     // closed when the first request arrived
	once    sync.Once
}

// delivery is one webhook request that passed Standard Webhooks verification.
type delivery struct {
	id     string
	body   []byte
	change string // "previous→status"
}

// verifyDelivery checks a request with the published library; a request that fails is
// reported and answered 401 (ok false).
func verifyDelivery(t *testing.T, hook *standardwebhooks.Webhook, w http.ResponseWriter, r *http.Request) (delivery, bool) {
	body, _ := io.ReadAll(r.Body)
	if err := hook.Verify(body, r.Header); err != nil {
		t.Errorf("delivery fails Standard Webhooks verification: %v", err)
		w.WriteHeader(http.StatusUnauthorized)
		return delivery{}, false
	}
	var ev struct {
		Data struct {
			Status         string `json:"status"`
			PreviousStatus string `json:"previous_status"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &ev)
	return delivery{id: r.Header.Get("webhook-id"), body: body, change: ev.Data.PreviousStatus + "→" + ev.Data.Status}, true
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d, ok := verifyDelivery(rc.t, rc.hook, w, r)
	if !ok {
		return
	}
	rc.mu.Lock()
	rc.ids[d.id]++
	rc.changes[d.id] = d.change
	rc.mu.Unlock()
	held := false
	rc.once.Do(func() { close(rc.first); held = true })
	if held {
		<-rc.hold // the sender is killed while this request is in flight
	}
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) seen() map[string]string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := map[string]string{}
	for k, v := range rc.changes {
		out[k] = v
	}
	return out
}

// TestWebhookSurvivesServerKillMidDelivery: the server is SIGKILLed while a delivery is
// in flight; after a restart every status change still reaches the receiver, verified
// with the published library, with the same webhook-id on the retry.
func TestWebhookSurvivesServerKillMidDelivery(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	cli(t, dbURL, "migrate", "up")
	rc := &receiver{t: t, ids: map[string]int{}, changes: map[string]string{}, hold: make(chan struct{}), first: make(chan struct{})}
	recv := httptest.NewServer(rc)
	defer recv.Close()
	p := createPartner(t, dbURL, "--webhook-url", recv.URL)
	hook, err := standardwebhooks.NewWebhook(p.WebhookSecret)
	if err != nil {
		t.Fatalf("the library rejects our secret: %v", err)
	}
	rc.hook = hook

	addr := freePort(t)
	first := serve(t, dbURL, addr, "--webhook-lease=15s")
	submit(t, openWidget(t, first.URL, p, "hooked"))
	select {
	case <-rc.first:
	case <-time.After(20 * time.Second):
		t.Fatal("no webhook delivery started")
	}
	first.kill()
	close(rc.hold)

	serve(t, dbURL, addr, "--webhook-lease=15s")
	waitFor(t, "both status changes to be delivered", 60*time.Second, func() bool {
		seen := rc.seen()
		var pending, verified bool
		for _, c := range seen {
			pending = pending || c == "not_started→pending"
			verified = verified || c == "pending→verified"
		}
		return pending && verified
	})
	rc.mu.Lock()
	defer rc.mu.Unlock()
	retried := false
	for _, n := range rc.ids {
		retried = retried || n >= 2
	}
	if !retried {
		t.Errorf("the interrupted delivery was not retried with the same webhook-id: %v", rc.ids)
	}
}
