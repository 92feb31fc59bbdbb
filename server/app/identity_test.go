package app_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/rampart-id/rampart/document/doctest"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
)

// TestIdentityEveryProtocol verifies a real person with a generated passport, then
// reads the identity through Connect, gRPC and REST: the same data from all, for a
// partner created to share identities only; every read is in the audit log.
func TestIdentityEveryProtocol(t *testing.T) {
	if testing.Short() {
		t.Skip("verifies a real case (face networks, document reading)")
	}
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL)
		sharing := srv.CreatePartner(t, partner.NewPartner{Name: "Sharing", Test: true, ShareIdentity: true})
		closed := srv.NewPartner(t, "Closed")
		doc := doctest.Random(doctest.Passport, 11, time.Now())
		ctx := context.Background()
		cs := clients(t, srv)
		for _, c := range cs {
			if r := c.identity(t, call{token: sharing.ClientToken}, "ana"); r.code != apierr.NotFound {
				t.Errorf("%s: identity before verification: %q, want not_found", c.name(), r.code)
			}
		}
		if err := srv.SubmitCase(t, srv.Widget(t, sharing, "ana"), testserver.Capture{Seed: 1, Doc: &doc}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			prof, err := srv.Store.Read().Profile(ctx, sharing.PartnerID, "ana")
			if err != nil {
				t.Fatal(err)
			}
			if prof.Status == kyc.Verified {
				break
			}
			if prof.Status == kyc.Failed || time.Now().After(deadline) {
				t.Fatalf("not verified: %+v", prof)
			}
			time.Sleep(100 * time.Millisecond)
		}
		var first *result
		for _, c := range cs {
			r := c.identity(t, call{token: sharing.ClientToken}, "ana")
			if r.code != "" {
				t.Fatalf("%s: %s", c.name(), r.code)
			}
			id := r.ident.GetIdentity()
			if id.GetSurname() == "" || id.GetDateOfBirth() != doc.Person.BirthDate.Format(time.DateOnly) ||
				id.GetExpiryDate() != doc.Expiry.Format(time.DateOnly) || id.GetDocumentType() != kyc.Passport ||
				id.GetIssuingCountry() != doc.Country || id.GetDocumentNumberLast4() != doc.Number[len(doc.Number)-4:] ||
				id.GetDocumentNumber() != "" || id.GetSource() != "mrz" || r.ident.GetVerifiedAt() == nil {
				t.Errorf("%s: identity %v, made from %+v", c.name(), r.ident, doc)
			}
			if r.header != nil && r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: an identity answer may be cached: Cache-Control %q", c.name(), r.header.Get("Cache-Control"))
			}
			if first == nil {
				first = &r
			} else if !proto.Equal(first.ident, r.ident) {
				t.Errorf("%s answers %v, %s answered %v", c.name(), r.ident, cs[0].name(), first.ident)
			}
			if r := c.identity(t, call{token: closed.ClientToken}, "ana"); r.code != apierr.Forbidden {
				t.Errorf("%s: a partner without identity sharing got %q, want forbidden", c.name(), r.code)
			}
		}
		reads, err := srv.Store.Read().IdentityReads(ctx, sharing.PartnerID, "ana")
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, r := range reads {
			count[r.Outcome]++
			if r.RequestID == "" {
				t.Errorf("audit entry without request id: %+v", r)
			}
		}
		if count[partner.ReadNotFound] != len(cs) || count[partner.ReadReturned] != len(cs) {
			t.Errorf("audit log of ana: %v, want %d not_found and %d returned", count, len(cs), len(cs))
		}
		refused, err := srv.Store.Read().IdentityReads(ctx, closed.PartnerID, "ana")
		if err != nil {
			t.Fatal(err)
		}
		if len(refused) != len(cs) || refused[0].Outcome != partner.ReadForbidden {
			t.Errorf("audit log of the closed partner: %+v", refused)
		}
	})
}
