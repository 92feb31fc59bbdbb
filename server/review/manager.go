package review

import (
	"context"
	"errors"
	"time"

	"github.com/rampart-id/rampart/document"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
)

// Actor is who calls the Manager (an operator, as the audit log names them).
type Actor = audit.Actor

// Manager is the review domain: the queue, cases, decisions, resets and the audit log,
// with the role checks and audit entries that go with them. The review API and the
// console both call it.
type Manager struct {
	store *store.Store
	keys  Opener
}

// NewManager returns a Manager that opens sealed data with keys.
func NewManager(st *store.Store, keys Opener) *Manager {
	return &Manager{store: st, keys: keys}
}

// QueueFilter narrows the queue; zero fields match everything.
type QueueFilter struct {
	PartnerID string        // "" = every partner
	Reason    string        // "" = every reason; else a kyc reason code in review_reasons
	OlderThan time.Duration // 0 = any age; else only cases submitted at least this long ago
	AfterAt   int64         // keyset cursor (submitted_at micros, id) of the previous page
	AfterID   string
	Limit     int // 1..200, 0 = 50
}

// QueueCounts sums up the queue.
type QueueCounts struct {
	Total     int            // cases in the queue matching PartnerID/OlderThan (all reasons)
	ByReason  map[string]int // same cases, per review reason
	ByPartner map[string]int // every queued case, per partner id
}

// CaseImage is one image of a case.
type CaseImage struct {
	ID, Kind, ContentType string // Kind: store.ImageFront/ImageBack/ImageLiveness
	Step                  string // liveness move the frame answered ("" for documents)
	AtMS                  int
	Data                  []byte // decrypted; nil once retention purged it
}

// CaseView is everything a reviewer sees of a case.
type CaseView struct {
	Case           store.Case
	PartnerName    string
	Status         kyc.Status
	ReviewReasons  []string
	Checks         []store.Check
	Images         []CaseImage        // metadata only: Data is nil here (load bytes with Image)
	Identity       *document.Identity // extracted data, nil when none
	History        []store.HistoryEntry
	ConsentedAt    time.Time
	ConsentVersion string
}

// may refuses an actor whose role may not do what is asked.
func may(a Actor, adminOnly bool) error {
	switch {
	case a.Role == store.RoleAdmin:
		return nil
	case a.Role == store.RoleReviewer && !adminOnly:
		return nil
	case a.Role == store.RoleReviewer:
		return apierr.New(apierr.Forbidden, "Only an admin may do this")
	}
	return apierr.New(apierr.Forbidden, "Only operators may do this")
}

// Queue lists cases waiting for a reviewer, oldest first, with the queue's counts.
func (m *Manager) Queue(ctx context.Context, a Actor, f QueueFilter) ([]store.QueueEntry, QueueCounts, error) {
	if err := may(a, false); err != nil {
		return nil, QueueCounts{}, err
	}
	q := store.QueueQuery{Reason: f.Reason, AfterAt: f.AfterAt, Limit: f.Limit}
	if f.PartnerID != "" {
		id, ok := store.CanonicalID(f.PartnerID)
		if !ok {
			return nil, QueueCounts{}, apierr.Invalid("partner_id", "must be a partner id (a UUID)")
		}
		q.PartnerID = id
	}
	if f.Reason != "" && !reasonShaped(f.Reason) {
		return nil, QueueCounts{}, apierr.Invalid("reason", "must be a reason code (e.g. face_mismatch)")
	}
	if f.OlderThan < 0 {
		return nil, QueueCounts{}, apierr.Invalid("older_than", "must not be negative")
	}
	if f.AfterID != "" {
		id, ok := store.CanonicalID(f.AfterID)
		if !ok {
			return nil, QueueCounts{}, apierr.Invalid("page_token", "is not a token from a previous page")
		}
		q.AfterID = id
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 200)
	rd := m.store.Read()
	if f.OlderThan > 0 {
		q.SubmittedBefore = rd.Now().Add(-f.OlderThan).UnixMicro()
	}
	entries, err := rd.ReviewQueue(ctx, q)
	if err != nil {
		return nil, QueueCounts{}, err
	}
	c, err := rd.CountQueue(ctx, q)
	return entries, QueueCounts(c), err
}

// Case opens a case with everything a reviewer sees (images as metadata) and records
// the view.
func (m *Manager) Case(ctx context.Context, a Actor, caseID string) (CaseView, error) {
	if err := may(a, false); err != nil {
		return CaseView{}, err
	}
	var v CaseView
	err := m.store.InTx(ctx, func(tx *store.Tx) error {
		v = CaseView{}
		c, err := caseByID(ctx, tx, caseID)
		if err != nil {
			return err
		}
		v.Case, v.ConsentedAt, v.ConsentVersion = c, c.ConsentedAt, c.ConsentVer
		if p, err := tx.PartnerByID(ctx, c.PartnerID); err == nil {
			v.PartnerName = p.Name
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if v.ReviewReasons, err = tx.ReviewReasons(ctx, c.ID); err != nil {
			return err
		}
		prof, err := tx.Profile(ctx, c.PartnerID, c.PartnerUserID)
		if err != nil {
			return err
		}
		v.Status = prof.Status
		if v.Checks, err = tx.Checks(ctx, c.ID); err != nil {
			return err
		}
		imgs, err := tx.CaseImages(ctx, c.ID, false)
		if err != nil {
			return err
		}
		for _, im := range imgs {
			v.Images = append(v.Images, caseImage(c, im))
		}
		switch ci, err := tx.CaseIdentityByID(ctx, c.ID); {
		case err == nil:
			id, err := verify.OpenIdentity(m.keys, ci)
			if err != nil {
				return err
			}
			v.Identity = &id
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if v.History, err = tx.History(ctx, c.PartnerID, c.PartnerUserID); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, a.Entry(audit.CaseView, c.ID, c.PartnerID, c.PartnerUserID, ""))
	})
	return v, err
}

// Image loads one image of a case, decrypted, and records the view.
func (m *Manager) Image(ctx context.Context, a Actor, caseID, imageID string) (CaseImage, error) {
	if err := may(a, false); err != nil {
		return CaseImage{}, err
	}
	imageID, ok := store.CanonicalID(imageID)
	if !ok {
		return CaseImage{}, apierr.Invalid("image_id", "must be an image id (a UUID)")
	}
	var out CaseImage
	err := m.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := caseByID(ctx, tx, caseID)
		if err != nil {
			return err
		}
		im, err := tx.CaseImage(ctx, c.ID, imageID)
		if errors.Is(err, store.ErrNotFound) {
			return apierr.New(apierr.NotFound, "No such image in this case")
		} else if err != nil {
			return err
		}
		out = caseImage(c, im)
		if im.Sealed != nil {
			if out.Data, err = m.keys.Open(im.Sealed, store.ImageAAD(im.ID)); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, a.Entry(audit.ImageView, c.ID, c.PartnerID, c.PartnerUserID, im.Kind))
	})
	return out, err
}

// Find lists a user's cases, newest first.
func (m *Manager) Find(ctx context.Context, a Actor, partnerID, userID string) ([]store.Case, error) {
	if err := may(a, false); err != nil {
		return nil, err
	}
	partnerID, ok := store.CanonicalID(partnerID)
	if !ok {
		return nil, apierr.Invalid("partner_id", "must be a partner id (a UUID)")
	}
	if err := kyc.ValidateUserID(userID); err != nil {
		return nil, fieldErr(err)
	}
	return m.store.Read().UserCases(ctx, partnerID, userID)
}

// Partners lists every partner (for the queue's filters).
func (m *Manager) Partners(ctx context.Context, a Actor) ([]store.Partner, error) {
	if err := may(a, false); err != nil {
		return nil, err
	}
	return m.store.Read().Partners(ctx)
}

func caseByID(ctx context.Context, tx *store.Tx, id string) (store.Case, error) {
	id, ok := store.CanonicalID(id)
	if !ok {
		return store.Case{}, apierr.Invalid("case_id", "must be a case id (a UUID)")
	}
	c, err := tx.CaseByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, apierr.New(apierr.NotFound, "No such case")
	}
	return c, err
}

// caseImage names the move a selfie frame answered: step 0 is the straight look, step
// k the challenge's k-th move.
func caseImage(c store.Case, im store.Image) CaseImage {
	out := CaseImage{ID: im.ID, Kind: im.Kind, ContentType: im.ContentType, AtMS: im.AtMS}
	if im.Kind == store.ImageLiveness {
		out.Step = "straight"
		if ch, err := liveness.Parse(c.Challenge); err == nil && im.Step > 0 && im.Step <= len(ch) {
			out.Step = string(ch[im.Step-1])
		}
	}
	return out
}

func fieldErr(err error) error {
	var fe *kyc.FieldError
	if errors.As(err, &fe) {
		return apierr.Invalid(fe.Field, fe.Reason)
	}
	return err
}

func reasonShaped(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
