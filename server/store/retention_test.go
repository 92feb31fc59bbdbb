package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/store"
)

// TestPurgeSessions: sessions and widget tokens older than the cut-off and expired go;
// recent ones, and a session one of whose widget tokens still works, stay.
func TestPurgeSessions(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		p := newPartner(t, s)
		now := time.Now()
		at := func(ts time.Time) { s.SetClock(func() time.Time { return ts }) }
		session := func(id string, created time.Time, tokenTTL time.Duration) {
			at(created)
			must(t, s.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.CreateSession(ctx, store.Session{ID: id, PartnerID: p.ID, PartnerUserID: "u", Kind: "kyc",
					InitTokenHash: []byte("init-" + id), OrderJSON: "{}", UserEmail: "u@example.com", ClientIP: "192.0.2.1",
					ExpiresAt: created.Add(time.Hour)}); err != nil {
					return err
				}
				return tx.CreateWidgetToken(ctx, store.WidgetToken{Hash: []byte("wt-" + id), SessionID: id, PartnerID: p.ID,
					PartnerUserID: "u", ExpiresAt: created.Add(tokenTTL)})
			}))
		}
		old, recent, lingering := uuid.NewString(), uuid.NewString(), uuid.NewString()
		session(old, now.AddDate(0, 0, -40), time.Hour)
		session(recent, now.Add(-2*time.Hour), time.Hour)
		session(lingering, now.AddDate(0, 0, -40), 50*24*time.Hour)
		at(now)
		var n int64
		must(t, s.InTx(ctx, func(tx *store.Tx) (err error) { n, err = tx.PurgeSessions(ctx, now.AddDate(0, 0, -30)); return err }))
		if n != 1 {
			t.Fatalf("purged %d sessions, want 1", n)
		}
		for id, want := range map[string]bool{old: false, recent: true, lingering: true} {
			_, err := s.Read().SessionByInitToken(ctx, []byte("init-"+id))
			if got := err == nil; got != want {
				t.Errorf("session %s kept=%v, want %v (%v)", id, got, want, err)
			}
		}
		var tokens int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM widget_tokens`).Scan(&tokens); err != nil || tokens != 2 {
			t.Fatalf("%d widget tokens left, want 2 (%v)", tokens, err)
		}
	})
}

// TestPurgeAbandonedCases: an open case with no activity since the cut-off goes with its
// images; an open case with a recent image and a submitted case stay.
func TestPurgeAbandonedCases(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		p := newPartner(t, s)
		now := time.Now()
		at := func(ts time.Time) { s.SetClock(func() time.Time { return ts }) }
		openWithImage := func(user string, opened, imaged time.Time) string {
			var c store.Case
			at(opened)
			must(t, s.InTx(ctx, func(tx *store.Tx) (err error) { c, err = tx.OpenCase(ctx, p.ID, user); return err }))
			at(imaged)
			must(t, s.InTx(ctx, func(tx *store.Tx) error {
				return tx.PutImages(ctx, c.ID, store.ImageFront, []store.Image{{ID: uuid.NewString(), PartnerID: p.ID,
					ContentType: "image/jpeg", Width: 10, Height: 10, Sealed: []byte("sealed")}})
			}))
			return c.ID
		}
		gone := openWithImage("gone", now.AddDate(0, 0, -40), now.AddDate(0, 0, -39))
		active := openWithImage("active", now.AddDate(0, 0, -40), now.AddDate(0, 0, -1))
		submitted := openWithImage("submitted", now.AddDate(0, 0, -40), now.AddDate(0, 0, -40))
		must(t, s.InTx(ctx, func(tx *store.Tx) error { _, err := tx.SubmitCase(ctx, submitted); return err }))
		at(now)
		var n int64
		must(t, s.InTx(ctx, func(tx *store.Tx) (err error) {
			n, err = tx.PurgeAbandonedCases(ctx, now.AddDate(0, 0, -30))
			return err
		}))
		if n != 1 {
			t.Fatalf("purged %d cases, want 1", n)
		}
		for id, want := range map[string]bool{gone: false, active: true, submitted: true} {
			_, err := s.Read().CaseByID(ctx, id)
			if got := err == nil; got != want {
				t.Errorf("case kept=%v, want %v (%v)", got, want, err)
			}
			imgs, err := s.Read().CaseImages(ctx, id, false)
			if err != nil || (len(imgs) > 0) != want {
				t.Errorf("case images %d, want kept=%v (%v)", len(imgs), want, err)
			}
		}
		// The user can start over: a new case opens.
		must(t, s.InTx(ctx, func(tx *store.Tx) error { _, err := tx.OpenCase(ctx, p.ID, "gone"); return err }))
	})
}
