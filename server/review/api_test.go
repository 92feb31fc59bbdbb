package review_test

import (
	"context"
	"strings"
	"testing"

	"connectrpc.com/connect"

	reviewv1 "github.com/rampart-id/rampart/gen/rampart/review/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/store"
)

// TestReviewAPI: the ReviewService over Connect: queue filters, counts and page tokens,
// a case with its images, a decision that needs a note, search, and the audit log for
// admins only, each entry naming the operator and the client's address.
func TestReviewAPI(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		e := &env{st: srv.Store, keys: srv.Keys}
		a, b := e.partner(t, "acme", false), e.partner(t, "bolt", false)
		c := e.queued(t, a, "u1", kyc.ReasonFaceMismatch)
		e.queued(t, a, "u2", kyc.ReasonDuplicateIdentity)
		e.queued(t, b, "u3", kyc.ReasonFaceMismatch)
		rc, rtok := client(t, srv, "rita")
		_, atok := clientAs(t, srv, "alice", store.RoleAdmin)

		q, err := rc.ListQueue(ctx, authed(&reviewv1.ListQueueRequest{PartnerId: a.ID, Reason: kyc.ReasonFaceMismatch}, rtok))
		if err != nil || len(q.Msg.GetCases()) != 1 || q.Msg.GetCases()[0].GetCaseId() != c.ID {
			t.Fatalf("filtered queue: %v %v", q, err)
		}
		if n := q.Msg.GetCounts(); n.GetTotal() != 2 || n.GetByReason()[kyc.ReasonFaceMismatch] != 1 || n.GetByPartner()[b.ID] != 1 || n.GetByPartner()[a.ID] != 2 {
			t.Errorf("counts: %v", n)
		}
		if q, err := rc.ListQueue(ctx, authed(&reviewv1.ListQueueRequest{OlderThanSeconds: 3600}, rtok)); err != nil || len(q.Msg.GetCases()) != 0 {
			t.Errorf("older than an hour: %v %v", q, err)
		}
		_, err = rc.ListQueue(ctx, authed(&reviewv1.ListQueueRequest{OlderThanSeconds: -1}, rtok))
		wantCode(t, "negative age", err, connect.CodeInvalidArgument)
		var walked []string
		tok := ""
		for range 5 {
			q, err := rc.ListQueue(ctx, authed(&reviewv1.ListQueueRequest{PageSize: 2, PageToken: tok}, rtok))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range q.Msg.GetCases() {
				walked = append(walked, s.GetPartnerUserId())
			}
			if tok = q.Msg.GetNextPageToken(); tok == "" {
				break
			}
		}
		if strings.Join(walked, " ") != "u1 u2 u3" {
			t.Errorf("pages: %v", walked)
		}

		got, err := rc.GetCase(ctx, authed(&reviewv1.GetCaseRequest{CaseId: c.ID}, rtok))
		if err != nil {
			t.Fatal(err)
		}
		data := map[string]string{}
		for _, im := range got.Msg.GetImages() {
			data[im.GetKind()+"/"+im.GetStep()] = string(im.GetData())
		}
		if data["document_front/"] != "front of u1" || data["liveness/straight"] != "selfie0" || data["liveness/turn_left"] != "selfie1" {
			t.Errorf("images: %v", data)
		}

		_, err = rc.DecideCase(ctx, authed(&reviewv1.DecideCaseRequest{CaseId: c.ID, Decision: reviewv1.Decision_DECISION_FAILED, Reason: kyc.ReasonFaceMismatch}, rtok))
		wantCode(t, "decision without a note", err, connect.CodeInvalidArgument)
		d, err := rc.DecideCase(ctx, authed(&reviewv1.DecideCaseRequest{CaseId: c.ID, Decision: reviewv1.Decision_DECISION_FAILED,
			Reason: kyc.ReasonFaceMismatch, RetryAllowed: true, Note: "a different person"}, rtok))
		if err != nil || d.Msg.GetStatus() != kyc.Failed.Proto() {
			t.Fatalf("decide: %v %v", d, err)
		}
		found, err := rc.FindCases(ctx, authed(&reviewv1.FindCasesRequest{PartnerId: a.ID, PartnerUserId: "u1"}, rtok))
		if err != nil || len(found.Msg.GetCases()) != 1 || found.Msg.GetCases()[0].GetState() != store.CaseDecided || found.Msg.GetCases()[0].GetDecidedAt() == nil {
			t.Errorf("find: %v %v", found, err)
		}

		_, err = rc.ListAudit(ctx, authed(&reviewv1.ListAuditRequest{}, rtok))
		wantCode(t, "reviewer ListAudit", err, connect.CodePermissionDenied)
		var entries []*reviewv1.AuditEntry
		tok = ""
		for range 10 {
			l, err := rc.ListAudit(ctx, authed(&reviewv1.ListAuditRequest{CaseId: c.ID, PageSize: 2, PageToken: tok}, atok))
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, l.Msg.GetEntries()...)
			if tok = l.Msg.GetNextPageToken(); tok == "" {
				break
			}
		}
		count := map[string]int{}
		for _, x := range entries {
			count[x.GetAction()]++
			if x.GetActor() != "operator:rita" || x.GetAddress() != "127.0.0.1" || x.GetPartnerUserId() != "u1" || x.GetAt() == nil {
				t.Errorf("entry %v", x)
			}
		}
		if len(entries) != 5 || count[audit.CaseView] != 1 || count[audit.ImageView] != 3 || count[audit.CaseDecide] != 1 || entries[0].GetDetail() != "failed face_mismatch retry" {
			t.Errorf("audit of the case: %v", entries)
		}
		l, err := rc.ListAudit(ctx, authed(&reviewv1.ListAuditRequest{Action: audit.CaseDecide}, atok))
		if err != nil || len(l.Msg.GetEntries()) != 1 {
			t.Errorf("audit by action: %v %v", l, err)
		}
		_, err = rc.ListAudit(ctx, authed(&reviewv1.ListAuditRequest{PageToken: "bm9wZQ"}, atok))
		wantCode(t, "bad audit page token", err, connect.CodeInvalidArgument)
	})
}
