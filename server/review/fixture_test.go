package review_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/review"
	"github.com/rampart-id/rampart/server/store"
)

// plainKeys "seals" by prefixing: enough to tell sealed from opened bytes, and to check
// each blob is opened with its own associated data.
type plainKeys struct{}

func (plainKeys) Seal(p, aad []byte) ([]byte, error) {
	return append(append([]byte{}, aad...), p...), nil
}
func (plainKeys) Open(env, aad []byte) ([]byte, error) {
	if !bytes.HasPrefix(env, aad) {
		return nil, errors.New("wrong associated data")
	}
	return env[len(aad):], nil
}

var (
	rita  = audit.Actor{ID: "operator:rita", Role: store.RoleReviewer, Address: "198.51.100.7"}
	alice = audit.Actor{ID: "operator:alice", Role: store.RoleAdmin, Address: "198.51.100.8"}
)

type env struct {
	st   *store.Store
	m    *review.Manager
	now  time.Time
	keys interface {
		Seal(p, aad []byte) ([]byte, error)
	}
}

// setup opens a migrated store on dbURL with a clock the test moves.
func setup(t *testing.T, dbURL string) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, m: review.NewManager(st, plainKeys{}), now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), keys: plainKeys{}}
	st.SetClock(func() time.Time { return e.now })
	return e
}

func (e *env) tx(t *testing.T, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := e.st.InTx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func (e *env) partner(t *testing.T, name string, share bool) store.Partner {
	t.Helper()
	p := store.Partner{ID: uuid.NewString(), Name: name, WidgetID: "wid_" + uuid.NewString()[:8], TestMode: true,
		Origins: []string{"https://" + name + ".example"}, WebhookSecret: []byte("sealed"), MaxAttempts: 3, ShareIdentity: share, MinAge: 18}
	e.tx(t, func(tx *store.Tx) error {
		return tx.CreatePartner(context.Background(), p, store.ClientToken{Hash: []byte(uuid.NewString()), DisplayPrefix: "rp_test_x"})
	})
	return p
}

// queued makes a submitted case of user waiting for review for reasons, with a document
// front and two selfie frames, submitted at the env's current time.
func (e *env) queued(t *testing.T, p store.Partner, user string, reasons ...string) store.Case {
	t.Helper()
	ctx := context.Background()
	var c store.Case
	e.tx(t, func(tx *store.Tx) (err error) {
		if c, err = tx.OpenCase(ctx, p.ID, user); err != nil {
			return err
		}
		if _, err := tx.IssueChallenge(ctx, c.ID, "ch-"+c.ID[:8], "turn_left,closer", 5); err != nil {
			return err
		}
		front, f0, f1 := uuid.NewString(), uuid.NewString(), uuid.NewString()
		seal := func(id, data string) []byte {
			b, err := e.keys.Seal([]byte(data), store.ImageAAD(id))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		if err := tx.PutImages(ctx, c.ID, store.ImageFront, []store.Image{{ID: front, PartnerID: p.ID, ContentType: "image/jpeg",
			Sealed: seal(front, "front of "+user)}}); err != nil {
			return err
		}
		if err := tx.PutImages(ctx, c.ID, store.ImageLiveness, []store.Image{
			{ID: f0, PartnerID: p.ID, ContentType: "image/jpeg", Frame: 0, Step: 0, AtMS: 100, Sealed: seal(f0, "selfie0")},
			{ID: f1, PartnerID: p.ID, ContentType: "image/jpeg", Frame: 1, Step: 1, AtMS: 900, Sealed: seal(f1, "selfie1")},
		}); err != nil {
			return err
		}
		if ok, err := tx.SubmitCase(ctx, c.ID); err != nil || !ok {
			return errors.Join(err, errors.New("not submitted"))
		}
		prof, err := tx.Profile(ctx, p.ID, user)
		if err != nil {
			return err
		}
		if _, err := tx.Transition(ctx, prof, store.Transition{To: kyc.Pending, CaseID: c.ID, Actor: "widget", Reason: "submitted"}); err != nil {
			return err
		}
		if err := tx.MarkForReview(ctx, c.ID, reasons); err != nil {
			return err
		}
		c, err = tx.CaseByID(ctx, c.ID)
		return err
	})
	return c
}

// entries is the whole audit log, oldest first.
func (e *env) entries(t *testing.T) []store.AuditEntry {
	t.Helper()
	list, err := e.st.Read().ListAudit(context.Background(), store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

func wantAPIErr(t *testing.T, what string, err error, code apierr.Code) {
	t.Helper()
	if ae, ok := apierr.As(err); !ok || ae.Code != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}
