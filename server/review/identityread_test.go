package review_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/rampart-id/rampart/document"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/reqctx"
	"github.com/rampart-id/rampart/server/review"
	"github.com/rampart-id/rampart/server/store"
)

// TestPartnerIdentityReadIsAudited: every identity read by a partner, answered or
// refused, writes an identity.read entry with the partner as actor, its address and the
// outcome; the reviewer's case view shows the same identity.
func TestPartnerIdentityReadIsAudited(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := reqctx.WithHTTP(context.Background(), &reqctx.HTTP{ClientIP: "203.0.113.5", RemoteAddr: "203.0.113.5:4000"})
		e := setup(t, dbURL)
		sharing, closed := e.partner(t, "acme", true), e.partner(t, "bolt", false)
		c := e.queued(t, sharing, "ana", kyc.ReasonFaceUncertain)
		id := document.Identity{Surname: "ROE", GivenNames: "JANE", DocumentType: kyc.Passport, Number: "X1234567", IssuingCountry: "UTO"}
		raw, _ := json.Marshal(id)
		e.tx(t, func(tx *store.Tx) error {
			return tx.PutIdentity(ctx, c.ID, sharing.ID, "ana", append(store.IdentityAAD(c.ID), raw...), nil, e.now.AddDate(5, 0, 0))
		})
		pm := partner.NewManager(e.st, plainKeys{}, partner.Config{})
		_, err := pm.Identity(ctx, sharing, "ana") // pending: not verified yet
		wantAPIErr(t, "identity before verification", err, apierr.NotFound)
		e.now = e.now.Add(time.Second)
		if _, err := e.m.Decide(ctx, rita, c.ID, review.Decision{Verified: true, Note: "same face, checked by hand"}); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(time.Second)
		res, err := pm.Identity(ctx, sharing, "ana")
		if err != nil || res.GetIdentity().GetSurname() != "ROE" {
			t.Fatalf("identity: %v %v", res, err)
		}
		e.now = e.now.Add(time.Second)
		_, err = pm.Identity(ctx, closed, "ana")
		wantAPIErr(t, "identity for a partner without sharing", err, apierr.Forbidden)

		var reads []store.AuditEntry
		for _, x := range e.entries(t) {
			if x.Action == audit.IdentityRead {
				reads = append(reads, x)
			}
		}
		want := []struct{ actor, caseID, partnerID, detail string }{
			{"partner:" + sharing.ID, "", sharing.ID, partner.ReadNotFound},
			{"partner:" + sharing.ID, c.ID, sharing.ID, partner.ReadReturned},
			{"partner:" + closed.ID, "", closed.ID, partner.ReadForbidden},
		}
		if len(reads) != len(want) {
			t.Fatalf("identity reads in the audit log: %+v", reads)
		}
		for i, w := range want {
			r := reads[i]
			if r.Actor != w.actor || r.CaseID != w.caseID || r.PartnerID != w.partnerID || r.Detail != w.detail ||
				r.PartnerUserID != "ana" || r.Address != "203.0.113.5" {
				t.Errorf("read %d: %+v, want %+v", i, r, w)
			}
		}

		v, err := e.m.Case(ctx, rita, c.ID)
		if err != nil || v.Identity == nil || v.Identity.Number != "X1234567" {
			t.Errorf("case view identity: %+v %v", v.Identity, err)
		}
	})
}
