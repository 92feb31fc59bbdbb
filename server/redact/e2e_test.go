package redact_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/rampart-id/rampart/document/doctest"
	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/redact/dbscan"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/webhook"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// hooks is a partner's webhook endpoint that keeps every body whose signature verifies.
type hooks struct {
	*httptest.Server
	mu     sync.Mutex
	secret string
	bodies [][]byte
}

func newHooks(t *testing.T) *hooks {
	h := &hooks{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		wh, err := standardwebhooks.NewWebhook(h.secret)
		if err == nil {
			err = wh.Verify(body, r.Header)
		}
		if err != nil {
			t.Errorf("webhook does not verify: %v", err)
		}
		h.bodies = append(h.bodies, body)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

// of returns the received events of one type.
func (h *hooks) of(typ string) []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]any
	for _, b := range h.bodies {
		var ev map[string]any
		if json.Unmarshal(b, &ev) == nil && ev["type"] == typ {
			out = append(out, ev)
		}
	}
	return out
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// rest calls the partner REST API and returns the status code and decoded JSON body.
func rest(t *testing.T, method, url, token string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatalf("%s %s: body: %v", method, url, err)
	}
	return res.StatusCode, body
}

// TestRedactionErasesEverything verifies a real person through the widget API, redacts
// them over REST and then reads every cell of every table of the database: the name (as
// printed and as in the machine-readable zone), email, document number, wallet address
// and any 64-byte piece of the uploaded pictures or of the stored sealed blobs is gone.
// The status stays, the kyc.redacted webhook arrives once, a repeat changes nothing and
// another partner cannot redact (or learn about) the user.
func TestRedactionErasesEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("verifies a real case (face networks, document reading)")
	}
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		hk := newHooks(t)
		shop := srv.CreatePartner(t, partner.NewPartner{Name: "Shop", Test: true, WebhookURL: hk.URL})
		secret := shop.WebhookSecret
		if _, err := standardwebhooks.NewWebhook(secret); err != nil {
			var err error // an old-style secret: a rotation gives one the library reads
			if secret, err = webhook.NewAdmin(srv.Store, srv.Keys).RotateSecret(ctx, shop.PartnerID, 0); err != nil {
				t.Fatal(err)
			}
		}
		hk.mu.Lock()
		hk.secret = secret
		hk.mu.Unlock()
		other := srv.NewPartner(t, "Other")
		dctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			webhook.New(srv.Store, srv.Keys, webhook.WithPollInterval(5*time.Millisecond), webhook.WithLogger(slog.New(slog.DiscardHandler)),
				webhook.WithBackoff(func(int) time.Duration { return time.Millisecond })).Run(dctx)
		}()
		t.Cleanup(func() { stop(); <-done })

		const user, email, wallet = "cust-4711", "zelda.quimby@mail.example", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
		doc := doctest.Random(doctest.IDCard, 5, time.Now())
		doc.Person.Surname, doc.Person.GivenNames, doc.Number = "QUIMBY", "ZELDA", "ZQ7731942"
		capture := testserver.Capture{Seed: 5, Doc: &doc}

		// The partner opens a session with the user's email, order and name.
		pt, err := srv.Store.Read().PartnerByID(ctx, shop.PartnerID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = srv.App.Partners.CreateSession(ctx, pt, &partnerv1.CreateSessionRequest{PartnerUserId: user, UserEmail: email,
			Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "250.00", WalletAddress: wallet, ClientIp: "198.51.100.77",
			ExpectedName: "Zelda Quimby", ExpectedDateOfBirth: doc.Person.BirthDate.Format(time.DateOnly)}, "idem-4711")
		e, ok := apierr.As(err)
		if !ok || e.Code != apierr.KycRequired {
			t.Fatalf("create session: %v", err)
		}
		api := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient))
		started, err := api.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: e.Detail.(*kycv1.KycRequired).GetInitToken()})
		if err != nil {
			t.Fatal(err)
		}
		api.SetToken(started.GetWidgetToken())
		if _, err := api.RecordConsent(ctx, &widgetv1.RecordConsentRequest{Language: "en"}); err != nil {
			t.Fatal(err)
		}

		// The user photographs the card and records the selfie; every uploaded byte is kept.
		uploaded := map[string][]byte{}
		front, back := doctest.Render(capture.Document(t))
		for i, side := range []struct {
			side widgetv1.DocumentSide
			jpg  []byte
		}{{widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, testserver.JPEG(t, doctest.Photograph(front, 0, 5))},
			{widgetv1.DocumentSide_DOCUMENT_SIDE_BACK, testserver.JPEG(t, doctest.Photograph(back, 0, 6))}} {
			uploaded["document side "+string(rune('1'+i))] = side.jpg
			if _, err := api.UploadDocument(ctx, &widgetv1.UploadDocumentRequest{DocumentType: testserver.DocumentType(doc.Kind),
				Side: side.side, Image: side.jpg}); err != nil {
				t.Fatal(err)
			}
		}
		selfie := testserver.Selfie(t, api, capture)
		for i, f := range selfie.GetFrames() {
			uploaded["selfie frame "+string(rune('a'+i))] = f.GetImage()
		}
		if _, err := api.SubmitLiveness(ctx, selfie); err != nil {
			t.Fatal(err)
		}
		if _, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "verification", func() bool {
			prof, err := srv.Store.Read().Profile(ctx, shop.PartnerID, user)
			if err != nil || prof.Status == kyc.Failed {
				t.Fatalf("not verified: %+v %v", prof, err)
			}
			return prof.Status == kyc.Verified
		})
		waitFor(t, "the verified webhook", func() bool { return len(hk.of(store.EventStatusChanged)) >= 2 })

		needles := dbscan.Needles{
			Text: map[string]string{"surname": "quimby", "given name": "zelda", "name in the zone": "QUIMBY<<ZELDA",
				"email": email, "document number": doc.Number, "wallet": wallet, "client ip": "198.51.100.77"},
			Blobs: uploaded,
		}
		// Every sealed blob the store holds for the user, taken before the erasure.
		sealed := 0
		cells, err := dbscan.Cells(ctx, srv.Store)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cells {
			if (c.Column == "sealed" || c.Column == "response") && len(c.Value) >= dbscan.Window {
				needles.Blobs[c.Table+"."+c.Column+" #"+string(rune('A'+i%26))+string(rune('A'+i/26%26))] = c.Value
				sealed++
			}
		}
		if sealed < 6 { // document sides, selfie frames, face template, identity, expected identity, idempotency
			t.Fatalf("only %d sealed blobs before redaction", sealed)
		}
		if hits := dbscan.Match(cells, needles); len(hits) < sealed+2 {
			t.Fatalf("the scan misses data that is there before redaction: %v", hits)
		}

		base := srv.URL + "/widget/users/" + user
		code, body := rest(t, http.MethodDelete, base, other.ClientToken)
		if code != http.StatusNotFound || body["error"] == nil {
			t.Fatalf("another partner's DELETE: %d %v", code, body)
		}
		code, body = rest(t, http.MethodDelete, base, shop.ClientToken)
		if code != http.StatusOK || body["partner_user_id"] != user || body["redacted_at"] == nil {
			t.Fatalf("DELETE: %d %v", code, body)
		}
		redactedAt := body["redacted_at"]

		hits, err := dbscan.Find(ctx, srv.Store, needles)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			t.Errorf("after redaction: %s", h)
		}

		code, body = rest(t, http.MethodGet, base+"/kyc-status", shop.ClientToken)
		if code != http.StatusOK || body["status"] != "verified" {
			t.Fatalf("kyc-status after redaction: %d %v", code, body)
		}
		waitFor(t, "the kyc.redacted webhook", func() bool { return len(hk.of(store.EventRedacted)) == 1 })
		ev := hk.of(store.EventRedacted)[0]
		if data, _ := ev["data"].(map[string]any); data["partner_user_id"] != user {
			t.Fatalf("kyc.redacted event: %v", ev)
		}

		code, body = rest(t, http.MethodDelete, base, shop.ClientToken)
		if code != http.StatusOK || body["redacted_at"] != redactedAt {
			t.Fatalf("second DELETE: %d %v (first said %v)", code, body, redactedAt)
		}
		code, body = rest(t, http.MethodDelete, srv.URL+"/widget/users/nobody", shop.ClientToken)
		if code != http.StatusNotFound {
			t.Fatalf("DELETE of an unknown user: %d %v", code, body)
		}
		// The repeat enqueued nothing: once the outbox is empty, one event was ever sent.
		waitFor(t, "the outbox to drain", func() bool {
			evs, err := srv.Store.Read().WebhookEvents(ctx, shop.PartnerID, time.Time{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if e.State == store.WebhookPending {
					return false
				}
			}
			return true
		})
		if n := len(hk.of(store.EventRedacted)); n != 1 {
			t.Fatalf("kyc.redacted delivered %d times", n)
		}
		entries, err := srv.Store.Read().ListAudit(ctx, store.AuditFilter{PartnerUserID: user})
		if err != nil || len(entries) != 2 || entries[0].Actor != "partner:"+shop.PartnerID {
			t.Fatalf("audit entries: %+v %v", entries, err)
		}
	})
}
