package widget_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	reviewv1 "github.com/rampart-id/rampart/gen/rampart/review/v1"
	"github.com/rampart-id/rampart/gen/rampart/review/v1/reviewv1connect"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/locale"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/store"
)

// Nothing is captured before the user agreed: upload and selfie are refused with
// consent_required, and the consent's time and text version are stored with the case
// and shown to reviewers.
func TestCaptureNeedsConsent(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		p := srv.CreatePartner(t, partner.NewPartner{Name: "Acme", Origins: []string{"https://acme.example"}, Test: true,
			PrivacyURL: "https://acme.example/privacy", SupportURL: "https://acme.example/help"})
		api, start := widgetNoConsent(t, srv, p, "carol")
		if start.GetConsentGiven() || start.GetPrivacyUrl() != "https://acme.example/privacy" ||
			start.GetSupportUrl() != "https://acme.example/help" || start.GetImageRetentionDays() < 1 || start.GetIdentityRetentionDays() < 1 {
			t.Fatalf("session: %v", start)
		}
		const id, front = widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID, widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT
		img := jpegBytes(t, qualitytest.Document(1, 1600, 1000), 90)
		if _, err := upload(api, id, front, img); slug(err) != "consent_required" {
			t.Fatalf("upload before consent: %v", err)
		}
		if _, err := api.StartLiveness(ctx, &widgetv1.StartLivenessRequest{}); slug(err) != "consent_required" {
			t.Fatalf("selfie before consent: %v", err)
		}
		if _, err := api.RecordConsent(ctx, &widgetv1.RecordConsentRequest{Language: "xx"}); slug(err) != "invalid_request" {
			t.Fatalf("consent in an unknown language: %v", err)
		}
		before := time.Now().Add(-time.Second)
		res, err := api.RecordConsent(ctx, &widgetv1.RecordConsentRequest{Language: "es"})
		if err != nil || res.GetTextVersion() != locale.ConsentVersion("es") || !strings.HasPrefix(res.GetTextVersion(), "es-") {
			t.Fatalf("record consent: %v %v", res, err)
		}
		if _, err := upload(api, id, front, img); err != nil {
			t.Fatalf("upload after consent: %v", err)
		}
		c, err := srv.Store.Read().CurrentCase(ctx, p.PartnerID, "carol")
		if err != nil {
			t.Fatal(err)
		}
		if c.ConsentVer != locale.ConsentVersion("es") || c.ConsentedAt.Before(before) || c.ConsentedAt.After(time.Now().Add(time.Second)) {
			t.Fatalf("stored consent: %v %q", c.ConsentedAt, c.ConsentVer)
		}

		// A new widget session of the same user knows the consent.
		_, again := widgetNoConsent(t, srv, p, "carol")
		if !again.GetConsentGiven() {
			t.Error("a second session asks for consent again")
		}

		tok, hash := auth.New(auth.PrefixOperator)
		if err := srv.Store.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateOperatorToken(ctx, hash, store.Operator{Name: "ops", Role: store.RoleReviewer}, tx.Now().Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
		req := connect.NewRequest(&reviewv1.GetCaseRequest{CaseId: c.ID})
		req.Header().Set("Authorization", "Bearer "+tok)
		got, err := reviewv1connect.NewReviewServiceClient(http.DefaultClient, srv.URL).GetCase(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if got.Msg.GetConsentVersion() != c.ConsentVer || !got.Msg.GetConsentedAt().AsTime().Equal(c.ConsentedAt) {
			t.Errorf("review case consent: %v %q", got.Msg.GetConsentedAt(), got.Msg.GetConsentVersion())
		}
	})
}

func TestPartnerLinksValidated(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	for _, np := range []partner.NewPartner{
		{Name: "A", PrivacyURL: "javascript:alert(1)"},
		{Name: "B", SupportURL: "http://acme.example/help"},
		{Name: "C", PrivacyURL: "https://acme.example/privacy policy"},
	} {
		if _, err := srv.App.Partners.CreatePartner(context.Background(), np); err == nil {
			t.Errorf("%+v accepted", np)
		}
	}
	// Updating: checked the same way; nil leaves a link, "" removes it.
	p := srv.CreatePartner(t, partner.NewPartner{Name: "D", Origins: []string{"https://d.example"}, Test: true, SupportURL: "https://d.example/help"})
	ctx := context.Background()
	bad, good, none := "javascript:x", "https://d.example/privacy", ""
	if err := srv.App.Partners.UpdateLinks(ctx, p.PartnerID, partner.Links{PrivacyURL: &bad}); err == nil {
		t.Error("bad privacy URL accepted on update")
	}
	if err := srv.App.Partners.UpdateLinks(ctx, p.PartnerID, partner.Links{PrivacyURL: &good}); err != nil {
		t.Fatal(err)
	}
	_, start := widgetNoConsent(t, srv, p, "dora")
	if start.GetPrivacyUrl() != good || start.GetSupportUrl() != "https://d.example/help" {
		t.Errorf("after update: %q %q", start.GetPrivacyUrl(), start.GetSupportUrl())
	}
	if err := srv.App.Partners.UpdateLinks(ctx, p.PartnerID, partner.Links{SupportURL: &none}); err != nil {
		t.Fatal(err)
	}
	if st, _ := srv.Store.Read().PartnerByID(ctx, p.PartnerID); st.SupportURL != "" || st.PrivacyURL != good {
		t.Errorf("after removing the support URL: %+v", st)
	}
}
