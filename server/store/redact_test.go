package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/redact/dbscan"
	"github.com/rampart-id/rampart/server/store"
)

// seeded is one user's personal data as written everywhere the store keeps it.
type seeded struct {
	user, email, wallet, note string
	blob                      []byte // the sealed image bytes, face template and identity
	needles                   dbscan.Needles
}

func seedUser(t *testing.T, s *store.Store, p store.Partner, user, name string) seeded {
	t.Helper()
	ctx := context.Background()
	d := seeded{user: user, email: name + "@mail.example", wallet: "bc1q" + name + "wallet", note: "spoke to " + name + " on the phone",
		blob: bytes.Repeat([]byte(name), 40)}
	blob := make([]byte, 300)
	_, _ = rand.Read(blob)
	d.blob = append(blob, d.blob...)
	d.needles = dbscan.Needles{Text: map[string]string{"email": d.email, "wallet": d.wallet, "note": name + " on the phone"},
		Blobs: map[string][]byte{"blob": d.blob}}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		sess := store.Session{ID: uuid.NewString(), PartnerID: p.ID, PartnerUserID: user, Kind: "kyc", InitTokenHash: []byte(uuid.NewString()),
			OrderJSON: `{"wallet_address":"` + d.wallet + `"}`, UserEmail: d.email, ClientIP: "203.0.113.9", ExpiresAt: tx.Now().Add(time.Hour)}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		if err := tx.CreateWidgetToken(ctx, store.WidgetToken{Hash: []byte(uuid.NewString()), SessionID: sess.ID, PartnerID: p.ID,
			PartnerUserID: user, ExpiresAt: tx.Now().Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.CreateHandoff(ctx, []byte(uuid.NewString()), store.Handoff{SessionID: sess.ID, PartnerID: p.ID, PartnerUserID: user,
			ExpiresAt: tx.Now().Add(time.Hour)}); err != nil {
			return err
		}
		c, err := tx.OpenCase(ctx, p.ID, user)
		if err != nil {
			return err
		}
		if err := tx.PutImages(ctx, c.ID, store.ImageFront, []store.Image{{ID: uuid.NewString(), PartnerID: p.ID, ContentType: "image/jpeg",
			Width: 10, Height: 10, Sealed: d.blob}}); err != nil {
			return err
		}
		if err := tx.PutFaceTemplate(ctx, c.ID, p.ID, user, d.blob); err != nil {
			return err
		}
		if err := tx.PutIdentity(ctx, c.ID, p.ID, user, d.blob, [][]byte{d.blob[:32]}, tx.Now().Add(time.Hour)); err != nil {
			return err
		}
		if err := tx.PutExpectedIdentity(ctx, p.ID, user, d.blob, tx.Now().Add(time.Hour)); err != nil {
			return err
		}
		if err := tx.PutIdempotency(ctx, p.ID, "key-"+user, store.IdemRecord{RequestHash: d.blob[:32], Outcome: "ok",
			Response: d.blob, ExpiresAt: tx.Now().Add(time.Hour), PartnerUserID: user}); err != nil {
			return err
		}
		prof, err := tx.Profile(ctx, p.ID, user)
		if err != nil {
			return err
		}
		if prof, err = tx.Transition(ctx, prof, store.Transition{To: kyc.Pending, CaseID: c.ID, Actor: "widget", Reason: "submitted"}); err != nil {
			return err
		}
		if prof, err = tx.Transition(ctx, prof, store.Transition{To: kyc.Failed, FailureReasons: []string{kyc.ReasonFaceMismatch},
			CaseID: c.ID, Actor: "verifier", Reason: kyc.ReasonFaceMismatch + "," + kyc.ReasonDocumentExpired}); err != nil {
			return err
		}
		_, err = tx.Transition(ctx, prof, store.Transition{To: kyc.NotStarted, ResetAttempts: true, Actor: "operator:ann", Reason: d.note})
		return err
	})
	if err != nil {
		t.Fatalf("seed %s: %v", user, err)
	}
	return d
}

func TestRedactUser(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		p := newPartner(t, s)
		if _, err := s.DB().ExecContext(ctx, `UPDATE partners SET webhook_url = 'https://hooks.example/x' WHERE id = $1`, p.ID); err != nil {
			t.Fatal(err)
		}
		alice := seedUser(t, s, p, "alice", "alicia")
		bob := seedUser(t, s, p, "bob", "roberto")
		before, err := dbscan.Find(ctx, s, alice.needles)
		if err != nil || len(before) < 8 {
			t.Fatalf("seeded data not found before redaction (%d hits: %v): %v", len(before), before, err)
		}

		redact := func() store.Redaction {
			t.Helper()
			var r store.Redaction
			if err := s.InTx(ctx, func(tx *store.Tx) error {
				var err error
				r, err = tx.RedactUser(ctx, p.ID, alice.user)
				return err
			}); err != nil {
				t.Fatalf("redact: %v", err)
			}
			return r
		}
		first := redact()
		if !first.First || first.RedactedAt.IsZero() {
			t.Fatalf("first redaction: %+v", first)
		}
		if hits, err := dbscan.Find(ctx, s, alice.needles); err != nil || len(hits) != 0 {
			t.Fatalf("after redaction the user's data is still in: %v (%v)", hits, err)
		}
		// The other user keeps every piece.
		if hits, err := dbscan.Find(ctx, s, bob.needles); err != nil || len(hits) != len(before) {
			t.Fatalf("other user: %d hits, want %d: %v (%v)", len(hits), len(before), hits, err)
		}
		prof, err := s.Read().Profile(ctx, p.ID, alice.user)
		if err != nil || prof.Status != kyc.NotStarted || !prof.Exists {
			t.Fatalf("profile after redaction: %+v %v", prof, err)
		}
		hist, err := s.Read().History(ctx, p.ID, alice.user)
		if err != nil || len(hist) != 3 {
			t.Fatalf("history: %+v %v", hist, err)
		}
		reasons := map[string]bool{}
		for _, h := range hist {
			reasons[h.Reason] = true
		}
		if !reasons["submitted"] || !reasons[kyc.ReasonFaceMismatch+","+kyc.ReasonDocumentExpired] || !reasons[store.RedactedReason] {
			t.Fatalf("history reasons after redaction: %v", reasons)
		}
		events := func() (n int, seq int64) {
			evs, err := s.Read().WebhookEvents(ctx, p.ID, time.Time{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if e.Type == store.EventRedacted {
					n++
					seq = e.Seq
					if e.PartnerUserID != alice.user || bytes.Contains(e.Payload, []byte("alicia")) {
						t.Fatalf("redacted event: %+v %s", e, e.Payload)
					}
				}
			}
			return n, seq
		}
		if n, seq := events(); n != 1 || seq != prof.Seq {
			t.Fatalf("kyc.redacted events: %d (seq %d, profile %d)", n, seq, prof.Seq)
		}

		cells, err := dbscan.Cells(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		again := redact()
		if again.First || !again.RedactedAt.Equal(first.RedactedAt) {
			t.Fatalf("repeat: %+v, first %+v", again, first)
		}
		if n, _ := events(); n != 1 {
			t.Fatalf("a repeat enqueued another event: %d", n)
		}
		after, err := dbscan.Cells(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(cells) {
			t.Fatalf("a repeat changed the database: %d cells, then %d", len(cells), len(after))
		}
		for i := range cells {
			if cells[i].Table != after[i].Table || !bytes.Equal(cells[i].Value, after[i].Value) {
				t.Fatalf("a repeat changed %s.%s", after[i].Table, after[i].Column)
			}
		}

		for _, u := range []struct{ partner, user string }{{p.ID, "nobody"}, {uuid.NewString(), alice.user}, {"not-an-id", alice.user}} {
			err := s.InTx(ctx, func(tx *store.Tx) error { _, err := tx.RedactUser(ctx, u.partner, u.user); return err })
			if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("redact %v: %v, want not found", u, err)
			}
		}
	})
}

// A verification that read the pictures before a redaction and finishes after it stores
// no face template or identity; a case submitted after the redaction stores both.
func TestRedactionBeatsARunningCheck(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		p := newPartner(t, s)
		d := seedUser(t, s, p, "carol", "carolina")
		var caseID string
		put := func() error {
			return s.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.PutFaceTemplate(ctx, caseID, p.ID, d.user, d.blob); err != nil {
					return err
				}
				return tx.PutIdentity(ctx, caseID, p.ID, d.user, d.blob, [][]byte{d.blob[:32]}, tx.Now().Add(time.Hour))
			})
		}
		submit := func() {
			t.Helper()
			if err := s.InTx(ctx, func(tx *store.Tx) error {
				c, err := tx.OpenCase(ctx, p.ID, d.user)
				if err != nil {
					return err
				}
				caseID = c.ID
				_, err = tx.SubmitCase(ctx, c.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		submit()
		if err := s.InTx(ctx, func(tx *store.Tx) error { _, err := tx.RedactUser(ctx, p.ID, d.user); return err }); err != nil {
			t.Fatal(err)
		}
		if err := put(); err != nil {
			t.Fatal(err)
		}
		if hits, err := dbscan.Find(ctx, s, d.needles); err != nil || len(hits) != 0 {
			t.Fatalf("a check finishing after the redaction stored: %v (%v)", hits, err)
		}
		s.SetClock(func() time.Time { return time.Now().Add(time.Minute) })
		defer s.SetClock(time.Now)
		if _, err := s.DB().ExecContext(ctx, `UPDATE kyc_cases SET state = 'decided' WHERE id = $1`, caseID); err != nil {
			t.Fatal(err)
		}
		submit()
		if err := put(); err != nil {
			t.Fatal(err)
		}
		if hits, err := dbscan.Find(ctx, s, d.needles); err != nil || len(hits) != 2 { // face template, identity
			t.Fatalf("a case submitted after the redaction kept nothing: %v (%v)", hits, err)
		}
	})
}
