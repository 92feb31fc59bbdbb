package webhook_test

import (
	"context"
	"errors"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/webhook"
)

func TestSecretRotationSignsWithBothSecrets(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		rc := newReceiver(t, nil)
		srv, pid, oldSecret := setup(t, dbURL, rc)
		admin := webhook.NewAdmin(srv.Store, srv.Keys)
		newSecret, err := admin.RotateSecret(ctx, pid, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		// During the grace period every delivery must verify with either secret alone.
		rc.expectSecrets(oldSecret, newSecret)
		srv.ForceStatus(t, pid, "user-1", kyc.Pending, time.Now())
		stop := start(t, newDeliverer(t, srv.Store, srv))
		waitFor(t, "delivery", func() bool { return len(rc.accepted()) == 1 })
		stop()
		rc.check(t)
		if sigs := signatures(rc.accepted()[0]); len(sigs) != 2 {
			t.Fatalf("want two signatures during the grace period, got %q", sigs)
		}

		// A rotation without grace: only the newest secret signs; the previous one no longer verifies.
		newest, err := admin.RotateSecret(ctx, pid, 0)
		if err != nil {
			t.Fatal(err)
		}
		rc.expectSecrets(newest)
		srv.ForceStatus(t, pid, "user-1", kyc.Verified, time.Now())
		start(t, newDeliverer(t, srv.Store, srv))
		waitFor(t, "delivery", func() bool { return len(rc.accepted()) == 2 })
		rc.check(t)
		d := rc.accepted()[1]
		if sigs := signatures(d); len(sigs) != 1 {
			t.Fatalf("want one signature after the grace period, got %q", sigs)
		}
		wh, _ := standardwebhooks.NewWebhook(newSecret)
		if err := wh.Verify(d.Body, headerOf(d)); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
			t.Fatalf("a retired secret still verifies: %v", err)
		}

		if _, err := admin.RotateSecret(ctx, "00000000-0000-0000-0000-000000000000", time.Hour); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("rotating an unknown partner: %v", err)
		}
	})
}

func TestRedeliverySendsTheSameEventAgain(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		rc := newReceiver(t, nil)
		srv, pid, _ := setup(t, dbURL, rc)
		srv.ForceStatus(t, pid, "user-1", kyc.Pending, time.Now())
		srv.ForceStatus(t, pid, "user-1", kyc.Verified, time.Now())
		start(t, newDeliverer(t, srv.Store, srv))
		waitFor(t, "first deliveries", func() bool { return allIn(t, srv.Store, pid, store.WebhookDelivered, 2) })

		admin := webhook.NewAdmin(srv.Store, srv.Keys)
		first := rc.accepted()[0]
		if err := admin.Redeliver(ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the redelivery", func() bool { return len(rc.accepted()) == 3 })
		if again := rc.accepted()[2]; again.ID != first.ID || string(again.Body) != string(first.Body) {
			t.Fatalf("redelivery sent %s %s, want %s %s", again.ID, again.Body, first.ID, first.Body)
		}

		n, err := admin.RedeliverSince(ctx, pid, time.Now().Add(-time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("redeliver since: %d %v", n, err)
		}
		waitFor(t, "both redelivered", func() bool { return len(rc.accepted()) == 5 })
		waitFor(t, "outbox settled", func() bool { return allIn(t, srv.Store, pid, store.WebhookDelivered, 2) })
		rc.check(t)
		if got := rc.accepted(); got[3].Event.Data.Sequence != 1 || got[4].Event.Data.Sequence != 2 {
			t.Errorf("redelivered out of order: %d then %d", got[3].Event.Data.Sequence, got[4].Event.Data.Sequence)
		}
		if n, err := admin.RedeliverSince(ctx, pid, time.Now().Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("redeliver since the future: %d %v", n, err)
		}
		if err := admin.Redeliver(ctx, "msg_unknown"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("redelivering an unknown event: %v", err)
		}
	})
}
