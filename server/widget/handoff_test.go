package widget_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/widget"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// handoffCode is the code in a handoff link's fragment.
func handoffCode(t *testing.T, link string) string {
	t.Helper()
	_, code, ok := strings.Cut(link, "#handoff=")
	if !ok {
		t.Fatalf("no code in %q", link)
	}
	return code
}

// TestHandoffSingleUseAndExpiry: a handoff link opens the same session and case on a
// second device once; a second redemption, an expired or replaced code, a made-up code
// and another partner's widget page are refused with clear errors.
func TestHandoffSingleUseAndExpiry(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		p := srv.NewPartner(t, "Acme", "https://acme.example")
		other := srv.NewPartner(t, "Beta", "https://beta.example")
		desk, start := widgetFor(t, srv, p, "dana")

		h, err := desk.CreateHandoff(ctx, &widgetv1.CreateHandoffRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if want := srv.URL + "/embed/app?widget_id=" + p.WidgetID + "#handoff=rph_"; !strings.HasPrefix(h.GetUrl(), want) {
			t.Fatalf("link %q, want prefix %q", h.GetUrl(), want)
		}
		if ttl := time.Until(h.GetExpiresAt().AsTime()); ttl > widget.HandoffTTL || ttl < widget.HandoffTTL-time.Minute {
			t.Errorf("link valid for %v, want %v", ttl, widget.HandoffTTL)
		}
		if h.GetValidSeconds() != int32(widget.HandoffTTL.Seconds()) {
			t.Errorf("valid_seconds %d", h.GetValidSeconds())
		}
		if n := int(h.GetQrSize()); n < 21 || len(h.GetQrModules()) != n*n {
			t.Fatalf("qr: size %d, %d modules", n, len(h.GetQrModules()))
		}
		code := handoffCode(t, h.GetUrl())
		phone := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient))

		if _, err := phone.RedeemHandoff(ctx, &widgetv1.RedeemHandoffRequest{Code: code, WidgetId: other.WidgetID}); slug(err) != "unauthorized" {
			t.Fatalf("another partner's page: %v", err)
		}
		res, err := phone.RedeemHandoff(ctx, &widgetv1.RedeemHandoffRequest{Code: code, WidgetId: p.WidgetID})
		if err != nil {
			t.Fatal(err)
		}
		s := res.GetSession()
		if s.GetMerchantTransactionId() != start.GetMerchantTransactionId() || s.GetWidgetToken() == start.GetWidgetToken() ||
			s.GetPartnerName() != "Acme" || s.GetOrder().GetCurrency() != "BTC" {
			t.Fatalf("phone session %v, desktop %v", s, start)
		}
		if _, err := phone.RedeemHandoff(ctx, &widgetv1.RedeemHandoffRequest{Code: code}); slug(err) != "session_already_used" {
			t.Fatalf("second redemption: %v", err)
		}

		// The phone works on the user's case: what it uploads is the desktop user's.
		phone.SetToken(s.GetWidgetToken())
		const id, front = widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT, widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT
		if _, err := upload(phone, id, front, jpegBytes(t, qualitytest.Document(1, 1600, 1000), 90)); err != nil {
			t.Fatal(err)
		}
		c, err := srv.Store.Read().CurrentCase(ctx, p.PartnerID, "dana")
		if err != nil || c.DocumentType != kyc.DocumentName(id) {
			t.Fatalf("case after the phone's upload: %+v %v", c, err)
		}

		// Expiry: a code is refused once HandoffTTL has passed.
		h2, err := desk.CreateHandoff(ctx, &widgetv1.CreateHandoffRequest{})
		if err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(widget.HandoffTTL + time.Second)
		srv.Store.SetClock(func() time.Time { return later })
		_, err = phone.RedeemHandoff(ctx, &widgetv1.RedeemHandoffRequest{Code: handoffCode(t, h2.GetUrl())})
		srv.Store.SetClock(time.Now)
		if slug(err) != "session_expired" {
			t.Fatalf("expired code: %v", err)
		}
		// A new code revokes the unused one shown before.
		h3, err := desk.CreateHandoff(ctx, &widgetv1.CreateHandoffRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := desk.CreateHandoff(ctx, &widgetv1.CreateHandoffRequest{}); err != nil {
			t.Fatal(err)
		}
		if _, err := phone.RedeemHandoff(ctx, &widgetv1.RedeemHandoffRequest{Code: handoffCode(t, h3.GetUrl())}); slug(err) != "unauthorized" {
			t.Fatalf("a replaced code: %v", err)
		}
		made := strings.Replace(code, code[len(code)-6:], "AAAAAA", 1)
		if _, err := phone.RedeemHandoff(ctx, &widgetv1.RedeemHandoffRequest{Code: made}); slug(err) != "unauthorized" {
			t.Fatalf("made-up code: %v", err)
		}
		if _, err := phone.RedeemHandoff(ctx, &widgetv1.RedeemHandoffRequest{Code: strings.Repeat("x", 100)}); slug(err) != "unauthorized" {
			t.Fatalf("malformed code: %v", err)
		}

		// Two phones redeeming one code at once: one wins.
		h4, err := desk.CreateHandoff(ctx, &widgetv1.CreateHandoffRequest{})
		if err != nil {
			t.Fatal(err)
		}
		results := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient)).RedeemHandoff(ctx, &widgetv1.RedeemHandoffRequest{Code: handoffCode(t, h4.GetUrl())})
				results <- err
			}()
		}
		e1, e2 := <-results, <-results
		if (e1 == nil) == (e2 == nil) || slug(errors.Join(e1, e2)) != "session_already_used" {
			t.Fatalf("concurrent redemptions: %v, %v", e1, e2)
		}

		// Guessing is throttled per client address, like bad init tokens.
		limited := false
		for i := 0; i < 50 && !limited; i++ {
			_, err := phone.RedeemHandoff(ctx, &widgetv1.RedeemHandoffRequest{Code: made})
			limited = slug(err) == "rate_limit_exceeded"
		}
		if !limited {
			t.Error("50 guessed codes were not throttled")
		}

		// No handoff once there is nothing left to capture.
		srv.ForceStatus(t, p.PartnerID, "dana", kyc.Verified, time.Time{})
		if _, err := desk.CreateHandoff(ctx, &widgetv1.CreateHandoffRequest{}); slug(err) != "case_not_open" {
			t.Fatalf("handoff when verified: %v", err)
		}
	})
}
