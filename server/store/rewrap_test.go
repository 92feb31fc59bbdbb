package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/store"
)

// TestRewrapAndRekey: key rotation rewrites every sealed column once, leaves what rewrap
// declines, and rekeys the document index; on both databases.
func TestRewrapAndRekey(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		p := newPartner(t, s)
		seedUser(t, s, p, "u1", "alice")
		prefix := []byte("v2:")
		rewrap := func(env []byte) ([]byte, error) {
			if bytes.HasPrefix(env, prefix) {
				return nil, nil
			}
			return append(append([]byte{}, prefix...), env...), nil
		}
		// Image, webhook secret, idempotency response, face, identity, expected identity.
		if n, err := s.RewrapAll(ctx, rewrap); err != nil || n != 6 {
			t.Fatalf("rewrap: %d, %v; want 6", n, err)
		}
		if n, err := s.RewrapAll(ctx, rewrap); err != nil || n != 0 {
			t.Fatalf("second rewrap: %d, %v; want 0", n, err)
		}
		got, err := s.Read().PartnerByID(ctx, p.ID)
		if err != nil || !bytes.Equal(got.WebhookSecret, append(append([]byte{}, prefix...), p.WebhookSecret...)) {
			t.Fatalf("webhook secret after rewrap: %q, %v", got.WebhookSecret, err)
		}
		var face []byte
		if err := s.DB().QueryRowContext(ctx, `SELECT sealed FROM face_templates`).Scan(&face); err != nil || !bytes.HasPrefix(face, prefix) {
			t.Fatalf("face template after rewrap: %.8q, %v", face, err)
		}

		var seen []string
		n, err := s.RekeyDocuments(ctx, func(caseID string, sealed []byte) ([]byte, error) {
			seen = append(seen, caseID)
			if !bytes.HasPrefix(sealed, prefix) {
				return nil, errors.New("identity not rewrapped")
			}
			return []byte("key-" + caseID), nil
		})
		if err != nil || n != 1 || len(seen) != 1 {
			t.Fatalf("rekey: %d, %v", n, err)
		}
		var keys []string
		rows, err := s.DB().QueryContext(ctx, `SELECT doc_key FROM document_keys`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k []byte
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			keys = append(keys, string(k))
		}
		if err := rows.Err(); err != nil || len(keys) != 1 || keys[0] != "key-"+seen[0] {
			t.Fatalf("document keys after rekey: %q, %v", keys, err)
		}
		if err := s.ForceUnlock(ctx); err != nil {
			t.Fatalf("force unlock: %v", err)
		}
	})
}

// TestJobLease: only the holder of a job's current lease can extend or end it.
func TestJobLease(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		p := newPartner(t, s)
		must(t, s.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.OpenCase(ctx, p.ID, "u1")
			if err != nil {
				return err
			}
			return tx.EnqueueVerification(ctx, c.ID)
		}))
		claim := func() (j store.Job, ok bool) {
			must(t, s.InTx(ctx, func(tx *store.Tx) (err error) {
				j, ok, err = tx.ClaimJob(ctx, "w", time.Minute, 3)
				return err
			}))
			return j, ok
		}
		inTx := func(fn func(tx *store.Tx) error) error { return s.InTx(ctx, fn) }

		j, ok := claim()
		if !ok || j.Attempts != 1 {
			t.Fatalf("claim: %+v, %v", j, ok)
		}
		if _, again := claim(); again {
			t.Fatal("a leased job was claimed again")
		}
		must(t, inTx(func(tx *store.Tx) error { return tx.ExtendLease(ctx, j, time.Minute) }))
		thief := j
		thief.Owner = "other"
		if err := inTx(func(tx *store.Tx) error { return tx.ExtendLease(ctx, thief, time.Minute) }); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("extend without the lease: %v", err)
		}
		// Released: claimable at once, the attempt not counted.
		must(t, inTx(func(tx *store.Tx) error { return tx.ReleaseJob(ctx, j) }))
		if j, ok = claim(); !ok || j.Attempts != 1 {
			t.Fatalf("claim after release: %+v, %v", j, ok)
		}
		must(t, inTx(func(tx *store.Tx) error { return tx.AbandonJob(ctx, j, "gave up") }))
		if err := inTx(func(tx *store.Tx) error { return tx.FinishJob(ctx, j) }); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("finish an abandoned job: %v", err)
		}
		if _, again := claim(); again {
			t.Fatal("an abandoned job was claimed")
		}
	})
}
