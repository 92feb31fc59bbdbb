package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/store"
)

// open returns a migrated store on a fresh database of the given backend.
func open(t *testing.T, dbURL string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.MigrateUp(ctx); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	return s
}

func newPartner(t *testing.T, s *store.Store) store.Partner {
	t.Helper()
	p := store.Partner{ID: uuid.NewString(), Name: "Acme", WidgetID: "wid_" + uuid.NewString()[:8], TestMode: true,
		Origins: []string{"https://acme.example"}, WebhookSecret: []byte("sealed"), MaxAttempts: 3}
	tok := store.ClientToken{Hash: []byte(uuid.NewString()), DisplayPrefix: "rp_test_abcd"}
	if err := s.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreatePartner(context.Background(), p, tok) }); err != nil {
		t.Fatalf("create partner: %v", err)
	}
	return p
}

func TestMigrationsUpDownUp(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		v, err := s.MigrateVersionInfo(ctx)
		if err != nil || v.None || v.Dirty || v.Version < 1 {
			t.Fatalf("after up: %+v %v", v, err)
		}
		newPartner(t, s)
		if err := s.MigrateDown(ctx, 0); err != nil {
			t.Fatalf("down: %v", err)
		}
		if v, err := s.MigrateVersionInfo(ctx); err != nil || !v.None {
			t.Fatalf("after down: %+v %v", v, err)
		}
		if _, err := s.Read().PartnerByID(ctx, uuid.NewString()); err == nil || errors.Is(err, store.ErrNotFound) {
			t.Fatalf("partners table should be gone after down, got %v", err)
		}
		if err := s.MigrateUp(ctx); err != nil {
			t.Fatalf("up again: %v", err)
		}
		p := newPartner(t, s)
		if got, err := s.Read().PartnerByID(ctx, p.ID); err != nil || got.Name != "Acme" || got.Origins[0] != "https://acme.example" {
			t.Fatalf("partner after up again: %+v %v", got, err)
		}
		// Up on an up-to-date schema is a no-op, not an error.
		if err := s.MigrateUp(ctx); err != nil {
			t.Fatalf("second up: %v", err)
		}
	})
}

func TestClientTokenRotation(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		now := time.Now()
		s.SetClock(func() time.Time { return now })
		p := store.Partner{ID: uuid.NewString(), Name: "A", WidgetID: "w1", Origins: nil, WebhookSecret: []byte{1}, MaxAttempts: 3}
		old := store.ClientToken{Hash: []byte("old-hash-0123456789abcdef0123456"), DisplayPrefix: "rp_live_old"}
		nw := store.ClientToken{Hash: []byte("new-hash-0123456789abcdef0123456"), DisplayPrefix: "rp_live_new"}
		must(t, s.InTx(ctx, func(tx *store.Tx) error { return tx.CreatePartner(ctx, p, old) }))
		if got, err := s.Read().PartnerByTokenHash(ctx, old.Hash); err != nil || got.ID != p.ID {
			t.Fatalf("lookup old: %v", err)
		}
		must(t, s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.ExpireClientTokens(ctx, p.ID, tx.Now().Add(time.Hour)); err != nil {
				return err
			}
			return tx.AddClientToken(ctx, p.ID, nw)
		}))
		// Inside the grace period both work.
		for _, h := range [][]byte{old.Hash, nw.Hash} {
			if _, err := s.Read().PartnerByTokenHash(ctx, h); err != nil {
				t.Fatalf("lookup during grace: %v", err)
			}
		}
		now = now.Add(time.Hour + time.Second)
		if _, err := s.Read().PartnerByTokenHash(ctx, old.Hash); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("old token after grace: want not found, got %v", err)
		}
		if _, err := s.Read().PartnerByTokenHash(ctx, nw.Hash); err != nil {
			t.Fatalf("new token after grace: %v", err)
		}
		if _, err := s.Read().PartnerByTokenHash(ctx, []byte("unknown")); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
	})
}

func TestProfileTransitionsAreConditional(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		p := newPartner(t, s)
		prof, err := s.Read().Profile(ctx, p.ID, "user-1")
		if err != nil || prof.Exists || prof.Status != kyc.NotStarted {
			t.Fatalf("unknown user: %+v %v", prof, err)
		}
		// Another partner's same user id is a different person.
		other := newPartner(t, s)
		var after store.Profile
		must(t, s.InTx(ctx, func(tx *store.Tx) error {
			after, err = tx.Transition(ctx, prof, store.Transition{To: kyc.Pending, Actor: "widget", Reason: "submitted"})
			return err
		}))
		if after.Status != kyc.Pending || after.Seq != 1 {
			t.Fatalf("after transition: %+v", after)
		}
		if op, _ := s.Read().Profile(ctx, other.ID, "user-1"); op.Status != kyc.NotStarted {
			t.Fatalf("other partner's user changed: %+v", op)
		}
		// A transition from a stale read is refused, not applied on top.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Transition(ctx, prof, store.Transition{To: kyc.Pending, Actor: "widget"})
			return err
		})
		if !errors.Is(err, store.ErrStale) {
			t.Fatalf("stale transition: want ErrStale, got %v", err)
		}

		// 20 concurrent deciders read the same pending profile; exactly one wins.
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := s.InTx(ctx, func(tx *store.Tx) error {
					cur, err := tx.Profile(ctx, p.ID, "user-1")
					if err != nil {
						return err
					}
					if cur.Status != kyc.Pending {
						return store.ErrStale
					}
					_, err = tx.Transition(ctx, cur, store.Transition{To: kyc.Verified, Actor: "verifier"})
					return err
				})
				if err == nil {
					wins.Add(1)
				} else if !errors.Is(err, store.ErrStale) {
					t.Errorf("decider: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("want exactly one decision, got %d", wins.Load())
		}
		final, _ := s.Read().Profile(ctx, p.ID, "user-1")
		if final.Status != kyc.Verified || final.VerifiedAt.IsZero() || final.Seq != 2 {
			t.Fatalf("final: %+v", final)
		}
		h, err := s.Read().History(ctx, p.ID, "user-1")
		if err != nil || len(h) != 2 || h[0].To != kyc.Pending || h[1].To != kyc.Verified || h[1].Actor != "verifier" {
			t.Fatalf("history: %+v %v", h, err)
		}
	})
}

func TestSessionUsedOnce(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		p := newPartner(t, s)
		sess := store.Session{ID: uuid.NewString(), PartnerID: p.ID, PartnerUserID: "u", Kind: "kyc",
			InitTokenHash: []byte("init-hash"), OrderJSON: "{}", ExpiresAt: time.Now().Add(time.Hour)}
		must(t, s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateSession(ctx, sess) }))
		var used atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = s.InTx(ctx, func(tx *store.Tx) error {
					ok, err := tx.UseSession(ctx, sess.ID)
					if ok {
						used.Add(1)
					}
					return err
				})
			}()
		}
		wg.Wait()
		if used.Load() != 1 {
			t.Fatalf("init token used %d times, want 1", used.Load())
		}
		got, err := s.Read().SessionByInitToken(ctx, []byte("init-hash"))
		if err != nil || got.UsedAt.IsZero() || got.PartnerUserID != "u" {
			t.Fatalf("session: %+v %v", got, err)
		}
	})
}

func TestIdempotencyRecord(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		now := time.Now()
		s.SetClock(func() time.Time { return now })
		p := newPartner(t, s)
		rec := store.IdemRecord{RequestHash: []byte("h1"), Outcome: "ok", Response: []byte("resp"), ExpiresAt: now.Add(24 * time.Hour)}
		must(t, s.InTx(ctx, func(tx *store.Tx) error { return tx.PutIdempotency(ctx, p.ID, "k1", rec) }))
		got, ok, err := s.Read().Idempotency(ctx, p.ID, "k1")
		if err != nil || !ok || string(got.Response) != "resp" || string(got.RequestHash) != "h1" {
			t.Fatalf("get: %+v %v %v", got, ok, err)
		}
		if _, ok, _ := s.Read().Idempotency(ctx, uuid.NewString(), "k1"); ok {
			t.Fatal("key visible to another partner")
		}
		now = now.Add(25 * time.Hour)
		if _, ok, _ := s.Read().Idempotency(ctx, p.ID, "k1"); ok {
			t.Fatal("expired record still returned")
		}
		var purged int64
		must(t, s.InTx(ctx, func(tx *store.Tx) (err error) { purged, err = tx.PurgeIdempotency(ctx); return err }))
		if purged != 1 {
			t.Fatalf("purged %d expired records, want 1", purged)
		}
		rec.ExpiresAt = now.Add(24 * time.Hour)
		rec.Response = []byte("second")
		must(t, s.InTx(ctx, func(tx *store.Tx) error { return tx.PutIdempotency(ctx, p.ID, "k1", rec) }))
		if got, _, _ := s.Read().Idempotency(ctx, p.ID, "k1"); string(got.Response) != "second" {
			t.Fatalf("after expiry the key is reusable, got %q", got.Response)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestPurgeWebhookEventsKeepsPending(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		p := store.Partner{ID: uuid.NewString(), Name: "Hooked", WidgetID: "wid_" + uuid.NewString()[:8], WebhookURL: "http://127.0.0.1:9/hook",
			WebhookSecret: []byte("sealed"), MaxAttempts: 3}
		must(t, s.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreatePartner(ctx, p, store.ClientToken{Hash: []byte(uuid.NewString()), DisplayPrefix: "rp_test_x"})
		}))
		for _, u := range []string{"a", "b"} {
			must(t, s.InTx(ctx, func(tx *store.Tx) error {
				prof, err := tx.Profile(ctx, p.ID, u)
				if err != nil {
					return err
				}
				_, err = tx.Transition(ctx, prof, store.Transition{To: kyc.Pending, Actor: "test"})
				return err
			}))
		}
		if _, err := s.DB().Exec(`UPDATE webhook_events SET state = 'delivered' WHERE partner_user_id = 'a'`); err != nil {
			t.Fatal(err)
		}
		purge := func(before time.Time) int64 {
			var n int64
			must(t, s.InTx(ctx, func(tx *store.Tx) (err error) { n, err = tx.PurgeWebhookEvents(ctx, before); return err }))
			return n
		}
		if n := purge(time.Now().Add(-time.Hour)); n != 0 {
			t.Fatalf("purged %d recent events", n)
		}
		if n := purge(time.Now().Add(time.Hour)); n != 1 {
			t.Fatalf("purged %d events, want the delivered one", n)
		}
		var left string
		if err := s.DB().QueryRow(`SELECT partner_user_id FROM webhook_events`).Scan(&left); err != nil || left != "b" {
			t.Fatalf("left: %q %v (the pending event must stay)", left, err)
		}
	})
}
