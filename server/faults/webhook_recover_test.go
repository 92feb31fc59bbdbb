package faults

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/rampart-id/rampart/internal/testenv"
)

// flakyReceiver fails the first attempt of every event: the very first request hangs
// past the sender's 5 s timeout, every other first attempt gets a 500. Retries succeed.
type flakyReceiver struct {
	t        *testing.T
	hook     *standardwebhooks.Webhook
	mu       sync.Mutex
	attempts map[string]int    // webhook-id → requests
	bodies   map[string]string // webhook-id → body of the first request
	changes  map[string]string // webhook-id → "previous→status", once delivered
	hung     bool
}

func (rc *flakyReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d, ok := verifyDelivery(rc.t, rc.hook, w, r)
	if !ok {
		return
	}
	id, body := d.id, d.body
	rc.mu.Lock()
	rc.attempts[id]++
	n := rc.attempts[id]
	if first, seen := rc.bodies[id]; !seen {
		rc.bodies[id] = string(body)
	} else if first != string(body) {
		rc.t.Errorf("the retry of %s carries a different body", id)
	}
	hang := n == 1 && !rc.hung
	rc.hung = rc.hung || hang
	rc.mu.Unlock()
	switch {
	case hang:
		select { // the sender must give up on its own
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
			rc.t.Errorf("the sender waited 20 s for a hung receiver")
		}
		return
	case n == 1:
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	rc.mu.Lock()
	rc.changes[id] = d.change
	rc.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// TestWebhookReceiverDownThenRecovers: with a real rampart serve and its real timeout and
// backoff, a receiver that times out and answers 500 still gets every status change once
// it recovers, each retry with the same webhook-id, body and a valid signature, and the
// outbox ends with every event delivered.
func TestWebhookReceiverDownThenRecovers(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	cli(t, dbURL, "migrate", "up")
	rc := &flakyReceiver{t: t, attempts: map[string]int{}, bodies: map[string]string{}, changes: map[string]string{}}
	recv := httptest.NewServer(rc)
	defer recv.Close()
	p := createPartner(t, dbURL, "--webhook-url", recv.URL)
	hook, err := standardwebhooks.NewWebhook(p.WebhookSecret)
	if err != nil {
		t.Fatal(err)
	}
	rc.hook = hook

	srv := serve(t, dbURL, freePort(t))
	submit(t, openWidget(t, srv.URL, p, "flaky"))
	waitFor(t, "both status changes delivered after the failures", 45*time.Second, func() bool {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		var pending, verified bool
		for _, c := range rc.changes {
			pending = pending || c == "not_started→pending"
			verified = verified || c == "pending→verified"
		}
		return pending && verified
	})
	rc.mu.Lock()
	for id, n := range rc.attempts {
		if n < 2 {
			t.Errorf("event %s was delivered without the failed first attempt (%d requests)", id, n)
		}
	}
	if len(rc.attempts) != 2 || !rc.hung {
		t.Errorf("%d distinct events (want 2), a hung attempt: %v", len(rc.attempts), rc.hung)
	}
	rc.mu.Unlock()
	db := openDB(t, dbURL)
	var events, delivered int
	waitFor(t, "the outbox to record both deliveries", 10*time.Second, func() bool {
		if err := db.QueryRow(`SELECT COUNT(*), COUNT(*) FILTER (WHERE state = 'delivered') FROM webhook_events`).Scan(&events, &delivered); err != nil {
			t.Fatal(err)
		}
		return delivered >= 2
	})
	if events != 2 {
		t.Errorf("outbox: %d events, want 2\n%s", events, srv.logs.String())
	}
}
