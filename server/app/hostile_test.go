package app_test

// Hostile input against one real server: callers holding the wrong partner's ids or the
// wrong kind of token, request ids chosen by the client, protocols at the edge (Connect
// GET, gRPC-Web, unknown procedures), and the operations endpoints (gRPC health and
// reflection). The scan of the logs for PII and secrets is in logs_test.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	reviewv1 "github.com/rampart-id/rampart/gen/rampart/review/v1"
	"github.com/rampart-id/rampart/gen/rampart/review/v1/reviewv1connect"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// TestCrossPartnerIsolation: partner A holds ids that belong to partner B (the same
// partner_user_id strings, B's verified user, B's idempotency keys) and uses every
// surface it has — its client token over REST, Connect and gRPC, the widget tokens of its
// own users, its init tokens — and never sees or changes anything of B's.
func TestCrossPartnerIsolation(t *testing.T) {
	testenv.SkipUnderRace(t, "it waits for decisions of the real pipeline (face and document models)")
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		hooksA, hooksB := newHookSink(t), newHookSink(t)
		a := hookPartner(t, srv, "Acme", hooksA.URL, "https://acme.example")
		b := hookPartner(t, srv, "Other", hooksB.URL, "https://other.example")

		// B's users: "shared" failed (with reasons), "vip" verified, "buyer" verified, and
		// "shared-open" with an open case holding a document A will upload too.
		srv.ForceStatus(t, b.PartnerID, "shared", kyc.Pending, time.Time{})
		srv.ForceStatus(t, b.PartnerID, "shared", kyc.Failed, time.Time{}, "image_blurry")
		srv.ForceStatus(t, b.PartnerID, "vip", kyc.Verified, time.Time{})
		srv.ForceStatus(t, b.PartnerID, "buyer", kyc.Verified, time.Time{})
		srv.ForceStatus(t, a.PartnerID, "buyer", kyc.Verified, time.Time{})
		startDeliverer(t, srv)
		uploadDocument(t, srv.Widget(t, b, "shared-open"), 21)
		before := snapshot(t, srv, b.PartnerID)
		if r := newConnectClient(srv.URL, "connect").status(t, call{token: b.ClientToken}, "shared"); r.status.GetStatus() != kyc.Failed.Proto() {
			t.Fatalf("B's own view of its user: %v %q", r.status, r.code)
		}

		// 1. A asks for B's users by id: A's own view (never seen), over every protocol.
		okA := call{token: a.ClientToken}
		for _, user := range []string{"shared", "shared-open", "vip"} {
			for _, c := range clients(t, srv) {
				r := c.status(t, okA, user)
				s := r.status
				if r.code != "" || s.GetPartnerUserId() != user || s.GetStatus() != kyc.NotStarted.Proto() || s.GetVerifiedAt() != nil ||
					s.AttemptsRemaining != nil || len(s.GetFailureReasons()) != 0 || s.GetUpdatedAt() != nil {
					t.Errorf("%s: A's status(%s) = %v %q, want A's own not_started", c.name(), user, s, r.code)
				}
				if want := fmt.Sprintf(`{"partner_user_id":%q,"status":"not_started"}`, user); r.raw != nil && string(r.raw) != want {
					t.Errorf("REST: A's status(%s) = %s, want %s", user, r.raw, want)
				}
			}
		}

		// 2. A opens a payment session for B's verified user: kyc_required, on A's widget.
		var vipTokens []string
		for _, c := range clients(t, srv) {
			r := c.session(t, okA, order("vip"))
			if r.code != apierr.KycRequired || r.kycReq.GetWidgetId() != a.WidgetID || r.kycReq.GetPartnerUserId() != "vip" ||
				r.kycReq.GetInitTokenType() != "kyc" || !strings.Contains(r.kycReq.GetWidgetUrl(), "widget_id="+a.WidgetID) {
				t.Fatalf("%s: A's CreateSession(vip) = %q %v, want kyc_required on A's widget", c.name(), r.code, r.kycReq)
			}
			vipTokens = append(vipTokens, r.kycReq.GetInitToken())
		}
		shared := (&restClient{base: srv.URL}).session(t, okA, order("shared"))
		if shared.code != apierr.KycRequired {
			t.Fatalf("A's CreateSession(shared): %q", shared.code)
		}

		// 3. The widget of A's "shared" shows A's user, whatever B knows under that id.
		api := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient))
		start, err := api.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: shared.kycReq.GetInitToken()})
		if err != nil {
			t.Fatal(err)
		}
		if start.GetPartnerName() != "Acme" || !slices.Equal(start.GetPartnerOrigins(), []string{"https://acme.example"}) ||
			start.GetState().GetStatus() != kyc.NotStarted.Proto() || len(start.GetState().GetFailureReasons()) != 0 ||
			start.GetState().GetAttemptsRemaining() != 3 {
			t.Errorf("A's widget for shared: %v", start)
		}
		widgetTok := start.GetWidgetToken()
		api.SetToken(widgetTok)
		if _, err := api.RecordConsent(ctx, &widgetv1.RecordConsentRequest{Language: "en"}); err != nil {
			t.Fatal(err)
		}
		if st, err := api.GetStatus(ctx, &widgetv1.GetStatusRequest{}); err != nil || st.GetState().GetStatus() != kyc.NotStarted.Proto() ||
			len(st.GetState().GetFailureReasons()) != 0 {
			t.Errorf("A's widget GetStatus: %v %v", st, err)
		}
		// A's init tokens are single use, over every protocol the widget API speaks.
		for name, wc := range widgetClients(t, srv) {
			_, err := wc.StartSession(ctx, connect.NewRequest(&widgetv1.StartSessionRequest{InitToken: shared.kycReq.GetInitToken()}))
			if c := connectErr(t, err).code; c != apierr.SessionAlreadyUsed {
				t.Errorf("%s: second exchange of A's init token: %q", name, c)
			}
		}
		// The init token A got for B's verified "vip" opens A's "vip", who has not started.
		vip, err := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient)).StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: vipTokens[0]})
		if err != nil || vip.GetState().GetStatus() != kyc.NotStarted.Proto() || vip.GetPartnerName() != "Acme" {
			t.Errorf("A's widget for vip: %v %v", vip, err)
		}

		// 4. A's widget submits the very document B's open case holds: it lands in A's own
		// case, and the document-reuse check (per partner) does not see B's copy.
		if err := srv.SubmitCase(t, api, testserver.Capture{Seed: 21}); err != nil {
			t.Fatal(err)
		}
		if p := waitDecided(t, srv, a.PartnerID, "shared"); p.Status != kyc.Verified {
			t.Errorf("A's shared after submitting: %+v (B's identical document must not count as reuse)", p)
		}
		uploadDocument(t, srv.Widget(t, a, "shared-open"), 21)

		// Tokens do not cross surfaces: a widget token is no client token, and neither a
		// client token nor an init token opens the widget API.
		for _, c := range clients(t, srv) {
			if r := c.status(t, call{token: widgetTok}, "shared"); r.code != apierr.Unauthorized {
				t.Errorf("%s: widget token as a client token: %q", c.name(), r.code)
			}
		}
		for name, tok := range map[string]string{"A's client token": a.ClientToken, "B's client token": b.ClientToken, "an init token": vipTokens[1]} {
			wc := widgetv1connect.NewWidgetServiceClient(http.DefaultClient, srv.URL)
			req := connect.NewRequest(&widgetv1.GetStatusRequest{})
			req.Header().Set("Authorization", "Bearer "+tok)
			if _, err := wc.GetStatus(ctx, req); connectErr(t, err).code != apierr.Unauthorized {
				t.Errorf("widget GetStatus with %s: %v", name, err)
			}
		}

		// Nothing of B's changed: profiles, cases, images (byte for byte), history,
		// sessions, widget tokens, jobs, checks, outbox.
		if after := snapshot(t, srv, b.PartnerID); after != before {
			t.Errorf("partner B's data changed:\n%s", lineDiff(before, after))
		}
		mixed := count(t, srv, `SELECT COUNT(*) FROM case_images i JOIN kyc_cases c ON c.id = i.case_id WHERE i.partner_id <> c.partner_id`)
		imagesA := count(t, srv, `SELECT COUNT(*) FROM case_images WHERE partner_id = $1`, a.PartnerID)
		framesA := count(t, srv, `SELECT COUNT(*) FROM case_images WHERE partner_id = $1 AND kind = 'liveness'`, a.PartnerID)
		// Two documents of the submitted case, two uploads of the hostile tries, and the
		// selfie: two frames straight ahead, two per move of a 2- or 3-move challenge.
		if mixed != 0 || imagesA != 4+framesA || framesA != 6 && framesA != 8 {
			t.Errorf("images: %d filed under another partner's case; A holds %d with %d frames, want 4 + 6 or 8", mixed, imagesA, framesA)
		}

		// 5. Idempotency keys are per partner: the same key (even the same body) gives each
		// partner its own session, and each replays its own.
		rc := &restClient{base: srv.URL}
		keyA, keyB := call{token: a.ClientToken, idemKey: "order-1"}, call{token: b.ClientToken, idemKey: "order-1"}
		sa, sb := rc.session(t, keyA, order("buyer")), rc.session(t, keyB, order("buyer"))
		if sa.code != "" || sb.code != "" {
			t.Fatalf("same key at two partners: %q %q", sa.code, sb.code)
		}
		if sa.session.GetInitToken() == sb.session.GetInitToken() || sa.session.GetMerchantTransactionId() == sb.session.GetMerchantTransactionId() ||
			sa.session.GetWidgetId() != a.WidgetID || sb.session.GetWidgetId() != b.WidgetID {
			t.Errorf("same key at two partners shares a session:\n%s\n%s", sa.raw, sb.raw)
		}
		if again := rc.session(t, keyA, order("buyer")); !bytes.Equal(again.raw, sa.raw) {
			t.Errorf("A's replay: %s, want %s", again.raw, sa.raw)
		}
		if g := newGRPCClient(t, srv.Addr).session(t, keyB, order("buyer")); g.session.GetInitToken() != sb.session.GetInitToken() {
			t.Errorf("B's replay over gRPC returned another session: %q", g.code)
		}
		// A key A used with one body is free at B for another body (no idempotency_conflict).
		other := order("buyer")
		other.FiatAmount = "999.00"
		if r := rc.session(t, call{token: b.ClientToken, idemKey: "order-2"}, other); r.code != "" {
			t.Fatalf("B order-2: %q", r.code)
		}
		if r := rc.session(t, call{token: a.ClientToken, idemKey: "order-2"}, order("buyer")); r.code != "" || r.session.GetOrder().GetFiatAmount() != "100.00" {
			t.Errorf("A's order-2 after B used the key with another body: %q %s", r.code, r.raw)
		}
		ka, kb := rc.session(t, call{token: a.ClientToken, idemKey: "kyc-1"}, order("newbie")), rc.session(t, call{token: b.ClientToken, idemKey: "kyc-1"}, order("newbie"))
		if ka.code != apierr.KycRequired || kb.code != apierr.KycRequired || ka.kycReq.GetInitToken() == kb.kycReq.GetInitToken() ||
			ka.kycReq.GetWidgetId() != a.WidgetID || kb.kycReq.GetWidgetId() != b.WidgetID {
			t.Errorf("kyc_required under one key at two partners: %v / %v", ka.kycReq, kb.kycReq)
		}

		// 6. Webhooks: every event of A's users goes to A's endpoint signed with A's secret,
		// B's to B's, and the outbox files each under its own partner.
		waitUntil(t, "every webhook event delivered", func() bool {
			total := count(t, srv, `SELECT COUNT(*) FROM webhook_events`)
			return total > 0 && count(t, srv, `SELECT COUNT(*) FROM webhook_events WHERE state <> 'delivered'`) == 0
		})
		owner, statuses := outbox(t, srv)
		if got := statuses[a.PartnerID+"/shared"]; !slices.Equal(got, []string{"pending", "verified"}) {
			t.Errorf("A's outbox for shared: %v, want [pending verified]", got)
		}
		if got := statuses[b.PartnerID+"/shared"]; !slices.Equal(got, []string{"pending", "failed"}) {
			t.Errorf("B's outbox for shared: %v, want [pending failed]", got)
		}
		for _, sink := range []struct {
			name, partnerID, secret, otherSecret string
			hooks                                *hookSink
		}{{"A", a.PartnerID, a.WebhookSecret, b.WebhookSecret, hooksA}, {"B", b.PartnerID, b.WebhookSecret, a.WebhookSecret, hooksB}} {
			got := map[string]bool{}
			for _, d := range sink.hooks.deliveries() {
				id := d.header.Get("webhook-id")
				got[id] = true
				if owner[id].partnerID != sink.partnerID {
					t.Errorf("event %s of partner %s (user %s) was sent to %s", id, owner[id].partnerID, owner[id].user, sink.name)
				}
				var ev struct {
					Data struct {
						PartnerUserID string `json:"partner_user_id"`
					} `json:"data"`
				}
				if err := json.Unmarshal(d.body, &ev); err != nil || ev.Data.PartnerUserID != owner[id].user {
					t.Errorf("event %s body names %q, outbox %q (%v)", id, ev.Data.PartnerUserID, owner[id].user, err)
				}
				if wh, _ := standardwebhooks.NewWebhook(sink.secret); wh == nil || wh.Verify(d.body, d.header) != nil {
					t.Errorf("event %s to %s does not verify with %s's secret", id, sink.name, sink.name)
				}
				if wh, _ := standardwebhooks.NewWebhook(sink.otherSecret); wh != nil && wh.Verify(d.body, d.header) == nil {
					t.Errorf("event %s to %s verifies with the other partner's secret", id, sink.name)
				}
			}
			for id, o := range owner {
				if o.partnerID == sink.partnerID && !got[id] {
					t.Errorf("event %s of %s never reached %s's endpoint", id, o.user, sink.name)
				}
			}
		}
	})
}

// TestReviewAPIRequiresOperatorToken: every review procedure, over Connect, gRPC and
// gRPC-Web, refuses every credential but an unexpired operator token, and the refused
// calls change nothing.
func TestReviewAPIRequiresOperatorToken(t *testing.T) {
	testenv.SkipUnderRace(t, "it waits for decisions of the real pipeline (face and document models)")
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		p := srv.NewPartner(t, "Acme", "https://acme.example")
		if err := srv.SubmitCase(t, srv.Widget(t, p, "held+review"), testserver.Capture{Seed: 9}); err != nil {
			t.Fatal(err)
		}
		op := operatorToken(t, srv, time.Hour)
		expired := operatorToken(t, srv, -time.Minute)
		var caseID string
		waitUntil(t, "the case in the review queue", func() bool {
			req := connect.NewRequest(&reviewv1.ListQueueRequest{})
			req.Header().Set("Authorization", "Bearer "+op)
			res, err := reviewv1connect.NewReviewServiceClient(http.DefaultClient, srv.URL).ListQueue(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Msg.GetCases()) == 1 {
				caseID = res.Msg.GetCases()[0].GetCaseId()
			}
			return caseID != ""
		})
		kycReq := (&restClient{base: srv.URL}).session(t, call{token: p.ClientToken}, order("someone")).kycReq
		start, err := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient)).StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: kycReq.GetInitToken()})
		if err != nil {
			t.Fatal(err)
		}
		unused := (&restClient{base: srv.URL}).session(t, call{token: p.ClientToken}, order("someone-else")).kycReq.GetInitToken()
		before := snapshot(t, srv, p.PartnerID)
		creds := []struct{ name, header string }{
			{"no credentials", ""},
			{"partner client token", "Bearer " + p.ClientToken},
			{"widget token", "Bearer " + start.GetWidgetToken()},
			{"init token", "Bearer " + unused},
			{"webhook secret", "Bearer " + p.WebhookSecret},
			{"unknown operator token", "Bearer rpo_" + strings.Repeat("k", 43)},
			{"expired operator token", "Bearer " + expired},
			{"operator token, not as a bearer", "Basic " + op},
		}
		calls := map[string]func(reviewv1connect.ReviewServiceClient, string) error{
			"ListQueue": func(c reviewv1connect.ReviewServiceClient, h string) error {
				_, err := c.ListQueue(ctx, withAuth(connect.NewRequest(&reviewv1.ListQueueRequest{}), h))
				return err
			},
			"GetCase": func(c reviewv1connect.ReviewServiceClient, h string) error {
				_, err := c.GetCase(ctx, withAuth(connect.NewRequest(&reviewv1.GetCaseRequest{CaseId: caseID}), h))
				return err
			},
			"DecideCase": func(c reviewv1connect.ReviewServiceClient, h string) error {
				_, err := c.DecideCase(ctx, withAuth(connect.NewRequest(&reviewv1.DecideCaseRequest{CaseId: caseID, Decision: reviewv1.Decision_DECISION_VERIFIED, Reason: "looks fine"}), h))
				return err
			},
			"ResetProfile": func(c reviewv1connect.ReviewServiceClient, h string) error {
				_, err := c.ResetProfile(ctx, withAuth(connect.NewRequest(&reviewv1.ResetProfileRequest{PartnerId: p.PartnerID, PartnerUserId: "held+review", Reason: "x"}), h))
				return err
			},
		}
		for i, cred := range creds {
			// Each credential calls from its own loopback address: the per-address limit
			// on failed authentications must not turn these answers into 429s.
			ip := fmt.Sprintf("127.0.0.%d", 10+i)
			for proto, rc := range map[string]reviewv1connect.ReviewServiceClient{
				"connect":  reviewv1connect.NewReviewServiceClient(loopbackClient(t, ip, false), srv.URL),
				"grpc":     reviewv1connect.NewReviewServiceClient(loopbackClient(t, ip, true), srv.URL, connect.WithGRPC()),
				"grpc-web": reviewv1connect.NewReviewServiceClient(loopbackClient(t, ip, false), srv.URL, connect.WithGRPCWeb()),
			} {
				for name, call := range calls {
					err := call(rc, cred.header)
					if connect.CodeOf(err) != connect.CodeUnauthenticated {
						t.Errorf("%s %s with %s: %v, want unauthenticated", proto, name, cred.name, err)
						continue
					}
					if r := connectErr(t, err); r.code != apierr.Unauthorized {
						t.Errorf("%s %s with %s: slug %q", proto, name, cred.name, r.code)
					}
				}
			}
		}
		if after := snapshot(t, srv, p.PartnerID); after != before {
			t.Errorf("refused review calls changed data:\n%s", lineDiff(before, after))
		}
		// The operator token still works, from any protocol.
		for proto, rc := range map[string]reviewv1connect.ReviewServiceClient{
			"connect": reviewv1connect.NewReviewServiceClient(http.DefaultClient, srv.URL),
			"grpc":    reviewv1connect.NewReviewServiceClient(loopbackClient(t, "", true), srv.URL, connect.WithGRPC()),
		} {
			res, err := rc.GetCase(ctx, withAuth(connect.NewRequest(&reviewv1.GetCaseRequest{CaseId: caseID}), "Bearer "+op))
			if err != nil || res.Msg.GetCase().GetPartnerUserId() != "held+review" {
				t.Errorf("%s GetCase with the operator token: %v", proto, err)
			}
		}
	})
}
