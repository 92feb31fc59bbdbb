package review_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/review"
	"github.com/rampart-id/rampart/server/store"
)

// TestRoles: reviewers work the queue but may not read or export the audit log; an
// actor without an operator role may do nothing; admins may do everything.
func TestRoles(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		e := setup(t, dbURL)
		p := e.partner(t, "acme", false)
		c := e.queued(t, p, "u1", kyc.ReasonFaceMismatch)
		if _, _, err := e.m.Queue(ctx, rita, review.QueueFilter{}); err != nil {
			t.Errorf("reviewer queue: %v", err)
		}
		_, err := e.m.Audit(ctx, rita, store.AuditFilter{})
		wantAPIErr(t, "reviewer Audit", err, apierr.Forbidden)
		var sb strings.Builder
		wantAPIErr(t, "reviewer ExportAudit", e.m.ExportAudit(ctx, rita, store.AuditFilter{}, &sb), apierr.Forbidden)
		if sb.Len() != 0 {
			t.Errorf("a refused export wrote %q", sb.String())
		}
		partnerActor := audit.Partner(p.ID, "203.0.113.1")
		_, err = e.m.Case(ctx, partnerActor, c.ID)
		wantAPIErr(t, "partner Case", err, apierr.Forbidden)
		_, err = e.m.Decide(ctx, partnerActor, c.ID, review.Decision{Verified: true, Note: "x"})
		wantAPIErr(t, "partner Decide", err, apierr.Forbidden)
		_, _, err = e.m.Queue(ctx, audit.Actor{ID: "operator:nobody", Role: "superuser"}, review.QueueFilter{})
		wantAPIErr(t, "unknown role Queue", err, apierr.Forbidden)
		if got := e.entries(t); len(got) != 0 {
			t.Errorf("refused calls wrote audit entries: %+v", got)
		}
		if _, err := e.m.Audit(ctx, alice, store.AuditFilter{}); err != nil {
			t.Errorf("admin Audit: %v", err)
		}
		if err := e.m.ExportAudit(ctx, alice, store.AuditFilter{}, &sb); err != nil {
			t.Errorf("admin ExportAudit: %v", err)
		}
		if _, err := e.m.Case(ctx, alice, c.ID); err != nil {
			t.Errorf("admin Case: %v", err)
		}
	})
}

// TestAuditedActions: each act writes exactly its entry (actor, address, case, user,
// detail); the queue and search write none; a decision's note goes to the history and
// never to the audit log.
func TestAuditedActions(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		e := setup(t, dbURL)
		p := e.partner(t, "acme", false)
		c := e.queued(t, p, "u1", kyc.ReasonDocumentExpired)
		if _, _, err := e.m.Queue(ctx, rita, review.QueueFilter{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.m.Find(ctx, rita, p.ID, "u1"); err != nil {
			t.Fatal(err)
		}
		if got := e.entries(t); len(got) != 0 {
			t.Fatalf("queue and search wrote %+v", got)
		}

		v, err := e.m.Case(ctx, rita, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.PartnerName != "acme" || v.Status != kyc.Pending || len(v.Images) != 3 || v.ReviewReasons[0] != kyc.ReasonDocumentExpired {
			t.Errorf("case view: %+v", v)
		}
		steps := map[string]bool{}
		for _, im := range v.Images {
			if im.Data != nil {
				t.Errorf("case view carries image bytes of %s", im.ID)
			}
			steps[im.Kind+"/"+im.Step] = true
		}
		if !steps["liveness/straight"] || !steps["liveness/turn_left"] || !steps["document_front/"] {
			t.Errorf("image steps: %v", steps)
		}
		var front review.CaseImage
		for _, im := range v.Images {
			if im.Kind == store.ImageFront {
				front = im
			}
		}
		e.now = e.now.Add(time.Second) // entries of one instant have no order
		img, err := e.m.Image(ctx, rita, c.ID, front.ID)
		if err != nil || string(img.Data) != "front of u1" {
			t.Fatalf("image: %q %v", img.Data, err)
		}

		const note = "Expiry 2021-03-04 printed on the card of Jane Roe"
		e.now = e.now.Add(time.Minute)
		st, err := e.m.Decide(ctx, rita, c.ID, review.Decision{Reason: kyc.ReasonDocumentExpired, Note: "  " + note + "\n"})
		if err != nil || st != kyc.Failed {
			t.Fatalf("decide: %s %v", st, err)
		}
		e.now = e.now.Add(time.Second)
		st, err = e.m.Reset(ctx, alice, p.ID, "u1", "support ticket, Jane Roe called")
		if err != nil || st != kyc.NotStarted {
			t.Fatalf("reset: %s %v", st, err)
		}

		got := e.entries(t)
		want := []store.AuditEntry{
			{Actor: "operator:rita", Action: audit.CaseView, CaseID: c.ID, Address: rita.Address},
			{Actor: "operator:rita", Action: audit.ImageView, CaseID: c.ID, Address: rita.Address, Detail: store.ImageFront},
			{Actor: "operator:rita", Action: audit.CaseDecide, CaseID: c.ID, Address: rita.Address, Detail: "failed document_expired final"},
			{Actor: "operator:alice", Action: audit.ProfileReset, Address: alice.Address, Detail: "reset"},
		}
		if len(got) != len(want) {
			t.Fatalf("audit log: %+v, want %d entries", got, len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.Actor != w.Actor || g.Action != w.Action || g.CaseID != w.CaseID || g.Address != w.Address || g.Detail != w.Detail ||
				g.PartnerID != p.ID || g.PartnerUserID != "u1" || g.At.IsZero() || g.ID == "" {
				t.Errorf("entry %d: %+v, want %+v", i, g, w)
			}
			if strings.Contains(g.Detail, "Jane") {
				t.Errorf("a note reached the audit log: %+v", g)
			}
		}
		hist, err := e.st.Read().History(ctx, p.ID, "u1")
		if err != nil {
			t.Fatal(err)
		}
		var decided, reset store.HistoryEntry
		for _, h := range hist {
			switch h.To {
			case kyc.Failed:
				decided = h
			case kyc.NotStarted:
				reset = h
			}
		}
		if decided.Reason != "document_expired: "+note || decided.Actor != "reviewer:rita" || decided.CaseID != c.ID {
			t.Errorf("decision history: %+v", decided)
		}
		if reset.Reason != "support ticket, Jane Roe called" || reset.Actor != "operator:alice" {
			t.Errorf("reset history: %+v", reset)
		}
		prof, _ := e.st.Read().Profile(ctx, p.ID, "u1")
		if prof.AttemptsUsed != 0 || prof.Status != kyc.NotStarted {
			t.Errorf("after reset: %+v", prof)
		}
	})
}

// TestRefusalsWriteNothing: decisions without a note or with an unknown reason, a second
// decision, an image of another case and a rolled-back transaction leave no entry.
func TestRefusalsWriteNothing(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		e := setup(t, dbURL)
		p := e.partner(t, "acme", false)
		c1 := e.queued(t, p, "u1", kyc.ReasonFaceMismatch)
		c2 := e.queued(t, p, "u2", kyc.ReasonFaceMismatch)
		for _, tc := range []struct {
			d     review.Decision
			field string
		}{
			{review.Decision{Verified: true}, "note"},
			{review.Decision{Verified: true, Note: " \n\t "}, "note"},
			{review.Decision{Verified: true, Note: strings.Repeat("a", review.MaxNoteLen+1)}, "note"},
			{review.Decision{Reason: "", Note: "blurry"}, "reason"},
			{review.Decision{Reason: "looks_fake", Note: "blurry"}, "reason"},
			{review.Decision{Reason: "Face_Mismatch", Note: "blurry"}, "reason"},
		} {
			_, err := e.m.Decide(ctx, rita, c1.ID, tc.d)
			if ae, ok := apierr.As(err); !ok || ae.Code != apierr.InvalidRequest || ae.Metadata["field"] != tc.field {
				t.Errorf("%+v: %v, want invalid %s", tc.d, err, tc.field)
			}
		}
		_, err := e.m.Reset(ctx, rita, p.ID, "u1", "")
		wantAPIErr(t, "reset without note", err, apierr.InvalidRequest)
		_, err = e.m.Reset(ctx, rita, p.ID, "u1", "because")
		wantAPIErr(t, "reset of a pending profile", err, apierr.CaseNotOpen)
		_, err = e.m.Reset(ctx, rita, p.ID, "nobody", "because")
		wantAPIErr(t, "reset of an unknown user", err, apierr.NotFound)

		imgs, err := e.st.Read().CaseImages(ctx, c2.ID, false)
		if err != nil || len(imgs) == 0 {
			t.Fatal(imgs, err)
		}
		_, err = e.m.Image(ctx, rita, c1.ID, imgs[0].ID)
		wantAPIErr(t, "image of another case", err, apierr.NotFound)
		_, err = e.m.Image(ctx, rita, c1.ID, uuid.NewString())
		wantAPIErr(t, "unknown image", err, apierr.NotFound)
		_, err = e.m.Image(ctx, rita, c1.ID, "../etc")
		wantAPIErr(t, "malformed image id", err, apierr.InvalidRequest)
		_, err = e.m.Case(ctx, rita, uuid.NewString())
		wantAPIErr(t, "unknown case", err, apierr.NotFound)
		if got := e.entries(t); len(got) != 0 {
			t.Fatalf("refusals wrote %+v", got)
		}

		if _, err := e.m.Decide(ctx, rita, c1.ID, review.Decision{Verified: true, Note: "all good"}); err != nil {
			t.Fatal(err)
		}
		_, err = e.m.Decide(ctx, rita, c1.ID, review.Decision{Verified: true, Note: "again"})
		wantAPIErr(t, "second decision", err, apierr.CaseNotOpen)
		if got := e.entries(t); len(got) != 1 || got[0].Detail != "verified" {
			t.Errorf("after one decision and a refused one: %+v", got)
		}

		// An entry appended in a transaction that fails is gone with it.
		boom := errors.New("boom")
		err = e.st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.AppendAudit(ctx, rita.Entry(audit.CaseView, c2.ID, p.ID, "u2", "")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if got := e.entries(t); len(got) != 1 {
			t.Errorf("a rolled-back entry stayed: %+v", got)
		}
	})
}

// TestQueueFiltersAndCounts: partner, reason and age filters, counts over the whole
// queue, and keyset pages that neither skip nor repeat a case.
func TestQueueFiltersAndCounts(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		e := setup(t, dbURL)
		a, b := e.partner(t, "acme", false), e.partner(t, "bolt", false)
		start := e.now
		// acme: 5 cases an hour apart; bolt: 2. Reasons vary.
		for i := range 5 {
			reasons := []string{kyc.ReasonFaceMismatch}
			if i%2 == 1 {
				reasons = []string{kyc.ReasonDuplicateIdentity, kyc.ReasonFaceUncertain}
			}
			e.queued(t, a, "a"+string(rune('0'+i)), reasons...)
			e.now = e.now.Add(time.Hour)
		}
		// b0 and b1 are submitted at the same instant: the id breaks the tie.
		e.queued(t, b, "b0", kyc.ReasonDocumentExpired)
		e.queued(t, b, "b1", kyc.ReasonDuplicateIdentity)
		// A decided case is not in the queue.
		if _, err := e.m.Decide(ctx, rita, e.queued(t, b, "b2", kyc.ReasonFaceMismatch).ID, review.Decision{Verified: true, Note: "ok"}); err != nil {
			t.Fatal(err)
		}
		e.now = start.Add(10 * time.Hour)

		ids := func(es []store.QueueEntry) []string {
			var out []string
			for _, q := range es {
				out = append(out, q.Case.PartnerUserID)
			}
			return out
		}
		for _, tc := range []struct {
			f    review.QueueFilter
			want string
		}{
			{review.QueueFilter{}, "a0 a1 a2 a3 a4 b0 b1"},
			{review.QueueFilter{PartnerID: a.ID}, "a0 a1 a2 a3 a4"},
			{review.QueueFilter{PartnerID: b.ID}, "b0 b1"},
			{review.QueueFilter{Reason: kyc.ReasonDuplicateIdentity}, "a1 a3 b1"},
			{review.QueueFilter{Reason: kyc.ReasonFaceMismatch, PartnerID: a.ID}, "a0 a2 a4"},
			{review.QueueFilter{Reason: "face%"}, ""},
			{review.QueueFilter{Reason: "face_mismatc"}, ""},
			{review.QueueFilter{OlderThan: 8 * time.Hour}, "a0 a1 a2"},
			{review.QueueFilter{OlderThan: 8 * time.Hour, Reason: kyc.ReasonFaceUncertain}, "a1"},
			{review.QueueFilter{PartnerID: uuid.NewString()}, ""},
		} {
			got, _, err := e.m.Queue(ctx, rita, tc.f)
			if tc.f.Reason == "face%" {
				wantAPIErr(t, "reason with a wildcard", err, apierr.InvalidRequest)
				continue
			}
			g := ids(got)
			if len(g) > 1 && g[len(g)-1] == "b0" && g[len(g)-2] == "b1" {
				g[len(g)-1], g[len(g)-2] = "b1", "b0" // the tie's order is the ids'
			}
			if err != nil || strings.Join(g, " ") != tc.want {
				t.Errorf("%+v: %v %v, want %s", tc.f, g, err, tc.want)
			}
		}
		all, _, err := e.m.Queue(ctx, rita, review.QueueFilter{})
		if err != nil {
			t.Fatal(err)
		}

		_, counts, err := e.m.Queue(ctx, rita, review.QueueFilter{PartnerID: a.ID, Reason: kyc.ReasonFaceMismatch})
		if err != nil {
			t.Fatal(err)
		}
		if counts.Total != 5 || counts.ByReason[kyc.ReasonFaceMismatch] != 3 || counts.ByReason[kyc.ReasonDuplicateIdentity] != 2 ||
			counts.ByReason[kyc.ReasonFaceUncertain] != 2 || counts.ByPartner[a.ID] != 5 || counts.ByPartner[b.ID] != 2 || len(counts.ByPartner) != 2 {
			t.Errorf("counts for acme: %+v", counts)
		}
		_, counts, _ = e.m.Queue(ctx, rita, review.QueueFilter{OlderThan: 8 * time.Hour})
		if counts.Total != 3 || counts.ByReason[kyc.ReasonFaceMismatch] != 2 || counts.ByPartner[b.ID] != 2 {
			t.Errorf("counts older than 8h: %+v", counts)
		}

		// Pages of 2, following the cursor, give every case once, in order.
		var seen []string
		f := review.QueueFilter{Limit: 2}
		for range 10 {
			page, _, err := e.m.Queue(ctx, rita, f)
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, ids(page)...)
			if len(page) < 2 {
				break
			}
			last := page[len(page)-1].Case
			f.AfterAt, f.AfterID = last.SubmittedAt.UnixMicro(), last.ID
		}
		if strings.Join(seen, " ") != strings.Join(ids(all), " ") {
			t.Errorf("pages: %v, want %v", seen, ids(all))
		}
		// A page boundary inside the tie: after the first of the two comes the second.
		f = review.QueueFilter{AfterAt: all[5].Case.SubmittedAt.UnixMicro(), AfterID: all[5].Case.ID}
		if rest, _, err := e.m.Queue(ctx, rita, f); err != nil || len(rest) != 1 || rest[0].Case.ID != all[6].Case.ID {
			t.Errorf("after the first of a tie: %v %v", ids(rest), err)
		}

		for _, bad := range []review.QueueFilter{{PartnerID: "acme"}, {OlderThan: -time.Hour}, {AfterID: "x", AfterAt: 1}} {
			_, _, err := e.m.Queue(ctx, rita, bad)
			wantAPIErr(t, "bad filter", err, apierr.InvalidRequest)
		}
	})
}

// TestFindAndPartners: a user's cases newest first; partners by name.
func TestFindAndPartners(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		e := setup(t, dbURL)
		p, q := e.partner(t, "zeta", false), e.partner(t, "acme", false)
		first := e.queued(t, p, "u1", kyc.ReasonFaceMismatch)
		if _, err := e.m.Decide(ctx, rita, first.ID, review.Decision{Reason: kyc.ReasonFaceMismatch, RetryAllowed: true, Note: "not the same face"}); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(time.Hour)
		second := e.queued(t, p, "u1", kyc.ReasonFaceMismatch)
		e.queued(t, q, "u1", kyc.ReasonFaceMismatch) // same user id, another partner
		cases, err := e.m.Find(ctx, rita, p.ID, "u1")
		if err != nil || len(cases) != 2 || cases[0].ID != second.ID || cases[1].ID != first.ID || cases[1].State != store.CaseDecided {
			t.Errorf("find: %+v %v", cases, err)
		}
		if got := e.entries(t); len(got) != 1 || got[0].Detail != "failed face_mismatch retry" {
			t.Errorf("audit: %+v", got)
		}
		if cases, err := e.m.Find(ctx, rita, p.ID, "nobody"); err != nil || len(cases) != 0 {
			t.Errorf("find nobody: %+v %v", cases, err)
		}
		_, err = e.m.Find(ctx, rita, "nope", "u1")
		wantAPIErr(t, "find with a bad partner id", err, apierr.InvalidRequest)
		_, err = e.m.Find(ctx, rita, p.ID, "")
		wantAPIErr(t, "find without a user", err, apierr.InvalidRequest)
		ps, err := e.m.Partners(ctx, rita)
		if err != nil || len(ps) != 2 || ps[0].Name != "acme" || ps[1].Name != "zeta" {
			t.Errorf("partners: %+v %v", ps, err)
		}
	})
}
