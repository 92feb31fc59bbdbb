package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/webhook"
)

// event is the documented body; decoding rejects any field not in the spec.
type event struct {
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"`
	Data      struct {
		PartnerUserID     string   `json:"partner_user_id"`
		Status            string   `json:"status"`
		PreviousStatus    string   `json:"previous_status"`
		VerifiedAt        *string  `json:"verified_at"`
		FailureReasons    []string `json:"failure_reasons"`
		AttemptsRemaining int      `json:"attempts_remaining"`
		Sequence          int64    `json:"sequence"`
	} `json:"data"`
}

// delivery is one request the receiver got.
type delivery struct {
	ID, Timestamp, Signature string
	Body                     []byte
	Event                    event
	Answered                 int // the status the receiver answered
}

// receiver is a partner's webhook endpoint. It checks every request with the published
// Standard Webhooks library (not with our signing code) against every secret it is told
// to expect, and answers with respond(n) for the n-th request (default 204).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	secrets  []string
	respond  func(n int, r *http.Request) int
	n        int
	got      []delivery
	inflight map[string]context.Context // requests being answered, by webhook-id
	problems []string
}

func newReceiver(t *testing.T, respond func(n int, r *http.Request) int) *receiver {
	rc := &receiver{respond: respond, inflight: map[string]context.Context{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) expectSecrets(secrets ...string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.secrets = secrets
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	d := delivery{ID: r.Header.Get("webhook-id"), Timestamp: r.Header.Get("webhook-timestamp"),
		Signature: r.Header.Get("webhook-signature"), Body: body}
	rc.mu.Lock()
	rc.n++
	n := rc.n
	// An earlier request the sender gave up on (timeout) is over even if its handler is not.
	if prev, ok := rc.inflight[d.ID]; ok && prev.Err() == nil {
		rc.problems = append(rc.problems, "the same event was being delivered twice at once: "+d.ID)
	}
	rc.inflight[d.ID] = r.Context()
	for _, s := range rc.secrets {
		wh, err := standardwebhooks.NewWebhook(s)
		if err == nil {
			err = wh.Verify(body, r.Header)
		}
		if err != nil {
			rc.problems = append(rc.problems, fmt.Sprintf("request %d (%s) does not verify with a secret: %v", n, d.ID, err))
		}
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		rc.problems = append(rc.problems, fmt.Sprintf("request %d: %s with content type %q", n, r.Method, r.Header.Get("Content-Type")))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d.Event); err != nil {
		rc.problems = append(rc.problems, fmt.Sprintf("request %d: body: %v", n, err))
	}
	rc.mu.Unlock()

	d.Answered = http.StatusNoContent
	if rc.respond != nil {
		d.Answered = rc.respond(n, r)
	}
	// A slow receiver widens the window in which a second worker could send the same event.
	time.Sleep(2 * time.Millisecond)
	rc.mu.Lock()
	if rc.inflight[d.ID] == r.Context() {
		delete(rc.inflight, d.ID)
	}
	rc.got = append(rc.got, d)
	rc.mu.Unlock()
	w.WriteHeader(d.Answered)
}

// deliveries returns every request so far, in arrival order.
func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.got...)
}

// accepted returns the requests answered 2xx.
func (rc *receiver) accepted() []delivery {
	var out []delivery
	for _, d := range rc.deliveries() {
		if d.Answered/100 == 2 {
			out = append(out, d)
		}
	}
	return out
}

func (rc *receiver) check(t *testing.T) {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, p := range rc.problems {
		t.Error(p)
	}
}

// setup starts a real server and a partner whose webhooks go to rc, and tells rc the
// partner's secret.
func setup(t *testing.T, dbURL string, rc *receiver) (*testserver.Server, string, string) {
	t.Helper()
	srv := testserver.Start(t, dbURL)
	created, err := srv.App.Partners.CreatePartner(context.Background(), partner.NewPartner{Name: "Hooks", WebhookURL: rc.URL, Test: true})
	if err != nil {
		t.Fatal(err)
	}
	secret := created.WebhookSecret
	if _, err := standardwebhooks.NewWebhook(secret); err != nil {
		// Partners created before webhook.NewSecret generated secrets hold base62 ones,
		// which the library cannot decode; a rotation gives them a library-ready secret.
		if secret, err = webhook.NewAdmin(srv.Store, srv.Keys).RotateSecret(context.Background(), created.PartnerID, 0); err != nil {
			t.Fatal(err)
		}
	}
	rc.expectSecrets(secret)
	return srv, created.PartnerID, secret
}

// newDeliverer is a fast Deliverer for tests: short poll, near-immediate retries.
func newDeliverer(t *testing.T, st *store.Store, srv *testserver.Server, opts ...webhook.Option) *webhook.Deliverer {
	base := []webhook.Option{webhook.WithLogger(slog.New(slog.NewJSONHandler(srv.Logs, nil))),
		webhook.WithPollInterval(5 * time.Millisecond), webhook.WithBackoff(func(int) time.Duration { return time.Millisecond })}
	return webhook.New(st, srv.Keys, append(base, opts...)...)
}

// start runs d until the test ends (or the returned stop is called).
func start(t *testing.T, d *webhook.Deliverer) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond; the deadline only keeps a broken test from hanging.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func events(t *testing.T, st *store.Store, partnerID string) []store.WebhookEvent {
	t.Helper()
	evs, err := st.Read().WebhookEvents(context.Background(), partnerID, time.Time{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// allIn reports whether every outbox event of the partner is in state.
func allIn(t *testing.T, st *store.Store, partnerID, state string, want int) bool {
	evs := events(t, st, partnerID)
	for _, e := range evs {
		if e.State != state {
			return false
		}
	}
	return len(evs) == want
}

func signatures(d delivery) []string { return strings.Fields(d.Signature) }
