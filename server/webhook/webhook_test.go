package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/webhook"
)

func TestDeliversEveryStatusChangeInOrder(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		rc := newReceiver(t, nil)
		srv, pid, secret := setup(t, dbURL, rc)
		users := []string{"user-alpha", "user-beta", "user-gamma"}
		now := time.Now()
		for _, u := range users {
			srv.ForceStatus(t, pid, u, kyc.Pending, now)
			srv.ForceStatus(t, pid, u, kyc.Failed, now, "document_unreadable")
			srv.ForceStatus(t, pid, u, kyc.Pending, now)
			srv.ForceStatus(t, pid, u, kyc.Verified, now)
		}
		// A final failure (no attempts left until an operator resets it).
		ctx := context.Background()
		err := srv.Store.InTx(ctx, func(tx *store.Tx) error {
			p, err := tx.Profile(ctx, pid, "user-final")
			if err == nil {
				_, err = tx.Transition(ctx, p, store.Transition{To: kyc.Failed, Final: true, UseAttempt: true,
					FailureReasons: []string{"document_expired"}, Actor: "test"})
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		start(t, newDeliverer(t, srv.Store, srv))
		waitFor(t, "all events delivered", func() bool { return allIn(t, srv.Store, pid, store.WebhookDelivered, 13) })
		rc.check(t)

		lastSeq := map[string]int64{}
		byStatus := map[string]event{}
		for _, d := range rc.accepted() {
			e := d.Event
			if !strings.HasPrefix(d.ID, "msg_") || !strings.HasPrefix(string(d.Body), `{"type":"kyc.status_changed","timestamp":"`) {
				t.Errorf("id %q body %s", d.ID, d.Body)
			}
			if _, err := time.Parse(time.RFC3339, e.Timestamp); err != nil || !strings.HasSuffix(e.Timestamp, "Z") {
				t.Errorf("timestamp %q is not RFC 3339 UTC", e.Timestamp)
			}
			u := e.Data.PartnerUserID
			if e.Data.Sequence <= lastSeq[u] {
				t.Errorf("%s: sequence %d arrived after %d", u, e.Data.Sequence, lastSeq[u])
			}
			lastSeq[u] = e.Data.Sequence
			byStatus[u+":"+e.Data.PreviousStatus+">"+e.Data.Status] = e
		}
		for _, u := range users {
			if lastSeq[u] != 4 {
				t.Errorf("%s: last sequence %d, want 4", u, lastSeq[u])
			}
			failed := byStatus[u+":pending>failed"].Data
			if failed.AttemptsRemaining != 2 || len(failed.FailureReasons) != 1 || failed.FailureReasons[0] != "document_unreadable" || failed.VerifiedAt != nil {
				t.Errorf("%s failed event: %+v", u, failed)
			}
			verified := byStatus[u+":pending>verified"].Data
			if verified.VerifiedAt == nil || verified.FailureReasons == nil || len(verified.FailureReasons) != 0 || verified.Sequence != 4 {
				t.Errorf("%s verified event: %+v", u, verified)
			}
			if first := byStatus[u+":not_started>pending"].Data; first.Sequence != 1 || first.AttemptsRemaining != 3 {
				t.Errorf("%s first event: %+v", u, first)
			}
		}
		if final := byStatus["user-final:not_started>failed"].Data; final.AttemptsRemaining != 0 || final.FailureReasons[0] != "document_expired" {
			t.Errorf("final failure event: %+v", final)
		}
		// Logs name events and partners, never users, bodies or secrets.
		logs := srv.Logs.String()
		if !strings.Contains(logs, "webhook delivered") || strings.Contains(logs, "user-alpha") || strings.Contains(logs, secret) {
			t.Errorf("webhook logs leak or miss things:\n%s", logs)
		}
	})
}

func TestRetriesUntilTheReceiverRecovers(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		rc := newReceiver(t, func(n int, _ *http.Request) int {
			if n <= 5 {
				return http.StatusInternalServerError
			}
			return http.StatusOK
		})
		srv, pid, _ := setup(t, dbURL, rc)
		srv.ForceStatus(t, pid, "user-1", kyc.Pending, time.Now())
		srv.ForceStatus(t, pid, "user-2", kyc.Pending, time.Now())
		srv.ForceStatus(t, pid, "user-2", kyc.Verified, time.Now())
		start(t, newDeliverer(t, srv.Store, srv))
		waitFor(t, "all events delivered", func() bool { return allIn(t, srv.Store, pid, store.WebhookDelivered, 3) })
		rc.check(t)

		bodies := map[string]string{}
		for _, d := range rc.deliveries() {
			if b, seen := bodies[d.ID]; seen && b != string(d.Body) {
				t.Errorf("retry of %s sent a different body", d.ID)
			}
			bodies[d.ID] = string(d.Body)
		}
		evs := events(t, srv.Store, pid)
		if len(bodies) != 3 || len(rc.deliveries()) < 8 {
			t.Errorf("%d distinct ids in %d requests, want 3 in at least 8", len(bodies), len(rc.deliveries()))
		}
		retried := 0
		for _, e := range evs {
			if _, ok := bodies[e.ID]; !ok {
				t.Errorf("event %s never reached the receiver", e.ID)
			}
			if e.Attempts > 1 {
				retried++
			}
		}
		if retried == 0 {
			t.Errorf("no event needed a retry: %+v", evs)
		}
	})
}

func TestRetriesATimedOutAttempt(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		rc := newReceiver(t, func(n int, r *http.Request) int {
			if n == 1 {
				select { // far longer than the Deliverer waits
				case <-r.Context().Done():
				case <-time.After(30 * time.Second):
				}
			}
			return http.StatusOK
		})
		srv, pid, _ := setup(t, dbURL, rc)
		srv.ForceStatus(t, pid, "user-slow", kyc.Pending, time.Now())
		start(t, newDeliverer(t, srv.Store, srv, webhook.WithTimeout(300*time.Millisecond)))
		waitFor(t, "the event delivered", func() bool { return allIn(t, srv.Store, pid, store.WebhookDelivered, 1) })
		rc.check(t)
		got := rc.deliveries()
		if len(got) < 2 || got[0].ID != got[len(got)-1].ID {
			t.Fatalf("want a retry of the same event after the timeout, got %d requests", len(got))
		}
		if e := events(t, srv.Store, pid)[0]; e.Attempts < 2 {
			t.Errorf("attempts %d, want at least 2", e.Attempts)
		}
		if !srv.Logs.Contains("timeout") {
			t.Errorf("the timeout is not in the logs:\n%s", srv.Logs.String())
		}
	})
}

// Two Deliverers on two pools (as two server processes would be) share one outbox.
func TestConcurrentDeliverersNeverSendOneAttemptTwice(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		rc := newReceiver(t, nil)
		srv, pid, _ := setup(t, dbURL, rc)
		second, err := store.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = second.Close() })
		const users = 15
		for i := range users {
			u := fmt.Sprintf("user-%02d", i)
			srv.ForceStatus(t, pid, u, kyc.Pending, time.Now())
			srv.ForceStatus(t, pid, u, kyc.Verified, time.Now())
		}
		start(t, newDeliverer(t, srv.Store, srv, webhook.WithBatchSize(3)))
		start(t, newDeliverer(t, second, srv, webhook.WithBatchSize(3)))
		waitFor(t, "all events delivered", func() bool { return allIn(t, srv.Store, pid, store.WebhookDelivered, 2*users) })
		rc.check(t)
		// The receiver always succeeds and leases outlive attempts: exactly once each.
		count := map[string]int{}
		for _, d := range rc.deliveries() {
			count[d.ID]++
		}
		for _, e := range events(t, srv.Store, pid) {
			if count[e.ID] != 1 {
				t.Errorf("event %s delivered %d times", e.ID, count[e.ID])
			}
		}
	})
}

func TestGivesUpAfterTheRetryWindow(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		var requests atomic.Int64
		rc := newReceiver(t, func(int, *http.Request) int { requests.Add(1); return http.StatusServiceUnavailable })
		srv, pid, _ := setup(t, dbURL, rc)
		srv.ForceStatus(t, pid, "user-old", kyc.Pending, time.Now().Add(-4*24*time.Hour))
		srv.ForceStatus(t, pid, "user-new", kyc.Pending, time.Now())
		start(t, newDeliverer(t, srv.Store, srv))
		old := func() store.WebhookEvent {
			for _, e := range events(t, srv.Store, pid) {
				if e.CreatedAt.Before(time.Now().Add(-time.Hour)) {
					return e
				}
			}
			t.Fatal("no old event")
			return store.WebhookEvent{}
		}
		waitFor(t, "the old event to fail", func() bool { return old().State == store.WebhookFailed })
		waitFor(t, "the new event to be retried", func() bool { return requests.Load() >= 3 })
		rc.check(t)
		if e := old(); e.Attempts != 1 || e.LastStatus != http.StatusServiceUnavailable || e.DeliveredAt != (time.Time{}) {
			t.Errorf("old event: %+v", e)
		}
		for _, e := range events(t, srv.Store, pid) {
			if e.ID != old().ID && e.State != store.WebhookPending {
				t.Errorf("the new event is %s, want still pending inside its window", e.State)
			}
		}
		if !srv.Logs.Contains("giving up") {
			t.Error("giving up is not logged")
		}
	})
}

func TestPartnerWithoutWebhookURLGetsNoEvents(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		rc := newReceiver(t, nil)
		srv, _, _ := setup(t, dbURL, rc)
		p := srv.NewPartner(t, "No hooks")
		srv.ForceStatus(t, p.PartnerID, "user-1", kyc.Pending, time.Now())
		srv.ForceStatus(t, p.PartnerID, "user-1", kyc.Verified, time.Now())
		if evs := events(t, srv.Store, p.PartnerID); len(evs) != 0 {
			t.Fatalf("partner without a webhook URL has %d outbox rows", len(evs))
		}
	})
}

func TestRolledBackTransitionLeavesNoEvent(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		rc := newReceiver(t, nil)
		srv, pid, _ := setup(t, dbURL, rc)
		ctx := context.Background()
		boom := errors.New("boom")
		err := srv.Store.InTx(ctx, func(tx *store.Tx) error {
			p, err := tx.Profile(ctx, pid, "user-1")
			if err != nil {
				return err
			}
			if _, err := tx.Transition(ctx, p, store.Transition{To: kyc.Pending, Actor: "test"}); err != nil {
				return err
			}
			return boom // e.g. a later step of the same request failed
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		if evs := events(t, srv.Store, pid); len(evs) != 0 {
			t.Fatalf("rolled-back transition left %d outbox rows", len(evs))
		}
		if p, _ := srv.Store.Read().Profile(ctx, pid, "user-1"); p.Status != kyc.NotStarted {
			t.Fatalf("profile is %s after rollback", p.Status)
		}
	})
}
