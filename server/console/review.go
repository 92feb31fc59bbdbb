package console

import (
	"context"
	"io"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/review"
	"github.com/rampart-id/rampart/server/store"
)

// FromReview adapts the review domain to Reviews. The console keeps its own copies of
// the review types so its handlers test against fakes; the shapes are the same.
func FromReview(m *review.Manager) Reviews { return reviews{m} }

type reviews struct{ m *review.Manager }

func (r reviews) Queue(ctx context.Context, a audit.Actor, f QueueFilter) ([]store.QueueEntry, QueueCounts, error) {
	es, c, err := r.m.Queue(ctx, a, review.QueueFilter(f))
	return es, QueueCounts(c), err
}

func (r reviews) Case(ctx context.Context, a audit.Actor, caseID string) (CaseView, error) {
	v, err := r.m.Case(ctx, a, caseID)
	out := CaseView{Case: v.Case, PartnerName: v.PartnerName, Status: v.Status, ReviewReasons: v.ReviewReasons, Checks: v.Checks,
		Identity: v.Identity, History: v.History, ConsentedAt: v.ConsentedAt, ConsentVersion: v.ConsentVersion}
	for _, im := range v.Images {
		out.Images = append(out.Images, CaseImage(im))
	}
	return out, err
}

func (r reviews) Image(ctx context.Context, a audit.Actor, caseID, imageID string) (CaseImage, error) {
	im, err := r.m.Image(ctx, a, caseID, imageID)
	return CaseImage(im), err
}

func (r reviews) Decide(ctx context.Context, a audit.Actor, caseID string, d Decision) (kyc.Status, error) {
	return r.m.Decide(ctx, a, caseID, review.Decision(d))
}

func (r reviews) Reset(ctx context.Context, a audit.Actor, partnerID, userID, note string) (kyc.Status, error) {
	return r.m.Reset(ctx, a, partnerID, userID, note)
}

func (r reviews) Find(ctx context.Context, a audit.Actor, partnerID, userID string) ([]store.Case, error) {
	return r.m.Find(ctx, a, partnerID, userID)
}

func (r reviews) Partners(ctx context.Context, a audit.Actor) ([]store.Partner, error) {
	return r.m.Partners(ctx, a)
}

func (r reviews) Audit(ctx context.Context, a audit.Actor, f store.AuditFilter) ([]store.AuditEntry, error) {
	return r.m.Audit(ctx, a, f)
}

func (r reviews) ExportAudit(ctx context.Context, a audit.Actor, f store.AuditFilter, w io.Writer) error {
	return r.m.ExportAudit(ctx, a, f, w)
}
