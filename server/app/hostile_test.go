package app_test

// Hostile input against one real server: callers holding the wrong partner's ids or the
// wrong kind of token, request ids chosen by the client, protocols at the edge (Connect
// GET, gRPC-Web, unknown procedures), and the operations endpoints (gRPC health and
// reflection). The scan of the logs for PII and secrets is in logs_test.go.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	reflectionalphapb "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/emptypb"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	reviewv1 "github.com/rampart-id/rampart/gen/rampart/review/v1"
	"github.com/rampart-id/rampart/gen/rampart/review/v1/reviewv1connect"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/internal/testenv"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/webhook"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// TestCrossPartnerIsolation: partner A holds ids that belong to partner B (the same
// partner_user_id strings, B's verified user, B's idempotency keys) and uses every
// surface it has — its client token over REST, Connect and gRPC, the widget tokens of its
// own users, its init tokens — and never sees or changes anything of B's.
func TestCrossPartnerIsolation(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		hooksA, hooksB := newHookSink(t), newHookSink(t)
		a := hookPartner(t, srv, "Acme", hooksA.URL, "https://acme.example")
		b := hookPartner(t, srv, "Other", hooksB.URL, "https://other.example")

		// B's users: "shared" failed (with reasons), "vip" verified, "buyer" verified, and
		// "shared-open" with an open case holding a document A will upload too.
		force(t, srv, b.PartnerID, "shared", kyc.Pending)
		force(t, srv, b.PartnerID, "shared", kyc.Failed, "image_blurry")
		force(t, srv, b.PartnerID, "vip", kyc.Verified)
		force(t, srv, b.PartnerID, "buyer", kyc.Verified)
		force(t, srv, a.PartnerID, "buyer", kyc.Verified)
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
		if mixed != 0 || imagesA != 2+8+2 {
			t.Errorf("images: %d filed under another partner's case; A holds %d, want 12", mixed, imagesA)
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

// TestRequestIDs: a sane inbound X-Request-Id is used and echoed; anything else is
// replaced by a fresh id; every error body (REST) or error detail (Connect, gRPC) carries
// the id of the X-Request-Id header, and the access log line the same id.
func TestRequestIDs(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	p := srv.NewPartner(t, "Acme", "https://acme.example")
	force(t, srv, p.PartnerID, "vip", kyc.Verified)
	tok := "Bearer " + p.ClientToken

	sane := []string{"client-req.42_A", "a", strings.Repeat("x", 64), "0f8fad5b-d9cb-469f-a165-70867728950e"}
	insane := []string{strings.Repeat("x", 65), "has space", "semi;colon", "<script>", "ünïcode", "a/b", "rp_test_" + strings.Repeat("Z", 43) + "!"}
	type probe struct {
		name, method, path, body, auth, origin, ctype string
		want                                          int
	}
	probes := []probe{
		{"ok", "GET", "/widget/users/vip/kyc-status", "", tok, "", "", 200},
		{"no token", "GET", "/widget/users/vip/kyc-status", "", "", "", "", 401},
		{"bad origin", "GET", "/widget/users/vip/kyc-status", "", tok, "https://evil.example", "", 403},
		{"bad JSON", "POST", "/widget/session", `{"partner_user_id":`, tok, "", "application/json", 400},
		{"kyc required", "POST", "/widget/session", `{"partner_user_id":"new","user_email":"a@b.co","currency":"BTC","fiat_currency":"EUR","fiat_amount":"5"}`, tok, "", "application/json", 422},
		{"too large", "POST", "/widget/session", strings.Repeat(" ", 70<<10), tok, "", "application/json", 413},
		{"no route", "GET", "/widget/nope", "", tok, "", "", 404},
		{"unknown procedure", "POST", "/rampart.partner.v1.PartnerService/DeleteEverything", "{}", tok, "", "application/json", 404},
		{"unknown service", "POST", "/rampart.nope.v1.Nope/Do", "{}", tok, "", "application/json", 404},
		{"connect error", "POST", "/rampart.partner.v1.PartnerService/GetKycStatus", `{"partnerUserId":"vip"}`, "", "", "application/json", 401},
		{"connect ok", "POST", "/rampart.partner.v1.PartnerService/GetKycStatus", `{"partnerUserId":"vip"}`, tok, "", "application/json", 200},
	}
	inbound := append(append([]string{""}, sane...), insane...)
	// One loopback address per inbound id, so the failed-authentication limit per address
	// does not turn the 401 probes into 429s.
	var from []*http.Client
	for i := range inbound {
		from = append(from, loopbackClient(t, fmt.Sprintf("127.0.1.%d", i+1), false))
	}
	for _, pr := range probes {
		for i, in := range inbound {
			req, err := http.NewRequest(pr.method, srv.URL+pr.path, strings.NewReader(pr.body))
			if err != nil {
				t.Fatal(err)
			}
			if in != "" {
				req.Header["X-Request-Id"] = []string{in}
			}
			for k, v := range map[string]string{"Authorization": pr.auth, "Origin": pr.origin, "Content-Type": pr.ctype} {
				if v != "" {
					req.Header.Set(k, v)
				}
			}
			res, err := from[i].Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			got := res.Header.Get("X-Request-Id")
			if res.StatusCode != pr.want {
				t.Errorf("%s (X-Request-Id %q): HTTP %d, want %d: %s", pr.name, in, res.StatusCode, pr.want, body)
			}
			switch {
			case slices.Contains(sane, in) && got != in:
				t.Errorf("%s: sane X-Request-Id %q answered with %q", pr.name, in, got)
			case !slices.Contains(sane, in) && (got == in || !generatedID(got)):
				t.Errorf("%s: X-Request-Id %q answered with %q, want a fresh req_ id", pr.name, in, got)
			}
			if res.StatusCode != 200 {
				if rid := errorBodyRequestID(t, res.Header.Get("Content-Type"), body); rid != got {
					t.Errorf("%s (X-Request-Id %q): error body request_id %q, header %q: %s", pr.name, in, rid, got, body)
				}
			}
			if !logLineWithID(srv, got) {
				t.Errorf("%s: no access log line carries request_id %q", pr.name, got)
			}
		}
	}

	// Connect and gRPC clients: the id comes back in the header and in the error detail.
	for _, in := range []string{"client-req.7", strings.Repeat("y", 65)} {
		cc := partnerv1connect.NewPartnerServiceClient(http.DefaultClient, srv.URL)
		req := connect.NewRequest(&partnerv1.GetKycStatusRequest{PartnerUserId: "vip"})
		req.Header().Set("X-Request-Id", in)
		_, err := cc.GetKycStatus(context.Background(), req)
		var ce *connect.Error
		if !errors.As(err, &ce) {
			t.Fatalf("Connect without a token: %v", err)
		}
		_, detail, _ := apierr.FromConnect(ce)
		if h := ce.Meta().Get("X-Request-Id"); detail.GetRequestId() != h || (in == "client-req.7") != (h == in) {
			t.Errorf("Connect error: detail request_id %q, header %q, sent %q", detail.GetRequestId(), h, in)
		}

		conn, err := grpc.NewClient(srv.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		gc := partnerv1.NewPartnerServiceClient(conn)
		for _, auth := range []string{"", tok} {
			md := metadata.Pairs("x-request-id", in)
			if auth != "" {
				md.Set("authorization", auth)
			}
			var hdr, trl metadata.MD
			_, err := gc.GetKycStatus(metadata.NewOutgoingContext(context.Background(), md), &partnerv1.GetKycStatusRequest{PartnerUserId: "vip"},
				grpc.Header(&hdr), grpc.Trailer(&trl))
			h := first(hdr.Get("x-request-id"), trl.Get("x-request-id"))
			if (in == "client-req.7") != (h == in) || !(h == in || generatedID(h)) {
				t.Errorf("gRPC (auth %v): x-request-id %q, sent %q", auth != "", h, in)
			}
			if auth == "" {
				st, _ := status.FromError(err)
				var rid string
				for _, d := range st.Details() {
					if e, ok := d.(*kycv1.ErrorDetail); ok {
						rid = e.GetRequestId()
					}
				}
				if st.Code() != codes.Unauthenticated || rid != h {
					t.Errorf("gRPC error: %v, detail request_id %q, header %q", st.Code(), rid, h)
				}
			}
		}
	}
}

// TestConnectEdges: Connect GET with query encoding (and its auth checks), unknown
// procedures, and gRPC-Web, all on the one listener.
func TestConnectEdges(t *testing.T) {
	ctx := context.Background()
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	a := srv.NewPartner(t, "Acme", "https://acme.example")
	b := srv.NewPartner(t, "Other")
	force(t, srv, a.PartnerID, "user-123", kyc.Verified)
	force(t, srv, b.PartnerID, "b-user", kyc.Verified)

	// Connect GET, binary and JSON: the request really is a GET with the message in the
	// query, and it passes through the same authentication and origin checks as a POST.
	for _, codec := range []struct {
		name     string
		opts     []connect.ClientOption
		encoding string
	}{{"proto", nil, "proto"}, {"json", []connect.ClientOption{connect.WithProtoJSON()}, "json"}} {
		rec := &recorder{}
		c := &connectClient{label: "connect-get-" + codec.name, c: partnerv1connect.NewPartnerServiceClient(&http.Client{Transport: rec}, srv.URL,
			append(codec.opts, connect.WithHTTPGet())...)}
		r := c.status(t, call{token: a.ClientToken}, "user-123")
		if r.code != "" || r.status.GetStatus() != kyc.Verified.Proto() || r.status.GetVerifiedAt() == nil {
			t.Errorf("%s: %v %q", c.name(), r.status, r.code)
		}
		for _, req := range rec.all() {
			q := req.URL.Query()
			if req.Method != http.MethodGet || req.ContentLength > 0 || q.Get("encoding") != codec.encoding || q.Get("message") == "" || q.Get("connect") != "v1" {
				t.Errorf("%s was sent as %s %s", c.name(), req.Method, req.URL.RequestURI())
			}
		}
		for _, tc := range []struct {
			name string
			call call
			user string
			want apierr.Code
		}{
			{"no token", call{}, "user-123", apierr.Unauthorized},
			{"unknown token", call{token: "rp_test_" + strings.Repeat("G", 43)}, "user-123", apierr.Unauthorized},
			{"widget-shaped token", call{token: "rpw_" + strings.Repeat("G", 43)}, "user-123", apierr.Unauthorized},
			{"foreign origin", call{token: a.ClientToken, origin: "https://evil.example"}, "user-123", apierr.ForbiddenOrigin},
			{"registered origin", call{token: a.ClientToken, origin: "https://acme.example"}, "user-123", ""},
			{"another partner's user", call{token: a.ClientToken}, "b-user", ""},
			{"empty user", call{token: a.ClientToken}, "", apierr.InvalidRequest},
		} {
			r := c.status(t, tc.call, tc.user)
			if r.code != tc.want {
				t.Errorf("%s %s: %q, want %q", c.name(), tc.name, r.code, tc.want)
			}
			if tc.user == "b-user" && r.status.GetStatus() != kyc.NotStarted.Proto() {
				t.Errorf("%s: A sees B's user as %v", c.name(), r.status)
			}
		}
	}
	// By hand, the way curl or a browser fetch would call it.
	get := func(procedure, message, token string) (*http.Response, []byte) {
		u := srv.URL + "/rampart.partner.v1.PartnerService/" + procedure + "?connect=v1&encoding=json&message=" + url.QueryEscape(message)
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, body
	}
	res, body := get("GetKycStatus", `{"partnerUserId":"user-123"}`, a.ClientToken)
	var got partnerv1.GetKycStatusResponse
	if res.StatusCode != 200 || protojson.Unmarshal(body, &got) != nil || got.GetStatus() != kyc.Verified.Proto() {
		t.Errorf("hand-made Connect GET: %d %s", res.StatusCode, body)
	}
	if res, body := get("GetKycStatus", `{"partnerUserId":"user-123"}`, ""); res.StatusCode != 401 || !strings.Contains(string(body), `"code":"unauthenticated"`) {
		t.Errorf("hand-made Connect GET without a token: %d %s", res.StatusCode, body)
	}
	// CreateSession has side effects: no GET.
	sessions := count(t, srv, `SELECT COUNT(*) FROM sessions`)
	if res, body := get("CreateSession", `{"partnerUserId":"user-123","userEmail":"a@b.co","currency":"BTC","fiatCurrency":"EUR","fiatAmount":"5"}`, a.ClientToken); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("Connect GET of CreateSession: %d %s", res.StatusCode, body)
	}
	if count(t, srv, `SELECT COUNT(*) FROM sessions`) != sessions {
		t.Errorf("a GET created a session")
	}

	// Unknown procedures, of a known service and of no service: 404 with the not_found
	// body (and its request id); Connect clients read it as Unimplemented (not_found).
	for _, path := range []string{"/rampart.partner.v1.PartnerService/DeleteEverything", "/rampart.review.v1.ReviewService/Nope", "/rampart.nope.v1.Nope/Do", "/grpc.nope.v1.X/Y"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+a.ClientToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var v map[string]string
		if res.StatusCode != 404 || json.Unmarshal(body, &v) != nil || v["error"] != "not_found" || v["message"] == "" ||
			v["request_id"] != res.Header.Get("X-Request-Id") {
			t.Errorf("POST %s: %d %q %s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		_, err = connect.NewClient[emptypb.Empty, emptypb.Empty](http.DefaultClient, srv.URL+path).CallUnary(ctx, connect.NewRequest(&emptypb.Empty{}))
		if connect.CodeOf(err) != connect.CodeUnimplemented || apierr.CodeFromConnect(connect.CodeOf(err)) != apierr.NotFound {
			t.Errorf("Connect client calling %s: %v", path, err)
		}
	}

	// gRPC-Web on the same port: a framed binary request, a framed answer and trailers.
	msg, _ := proto.Marshal(&partnerv1.GetKycStatusRequest{PartnerUserId: "user-123"})
	for _, tc := range []struct {
		name, token string
		status      string
	}{{"ok", a.ClientToken, "0"}, {"no token", "", "16"}, {"another partner's user", b.ClientToken, "0"}} {
		hdr, frames := grpcWeb(t, srv.URL+"/rampart.partner.v1.PartnerService/GetKycStatus", tc.token, msg)
		trailers := http.Header{}
		var data []byte
		for _, f := range frames {
			if f.flag&0x80 != 0 {
				for _, line := range strings.Split(strings.TrimSpace(string(f.data)), "\r\n") {
					if k, v, ok := strings.Cut(line, ":"); ok {
						trailers.Add(strings.TrimSpace(k), strings.TrimSpace(v))
					}
				}
			} else {
				data = f.data
			}
		}
		st := first(trailers.Values("Grpc-Status"), hdr.Values("Grpc-Status"))
		if st != tc.status {
			t.Errorf("gRPC-Web %s: grpc-status %q (trailers %v, headers %v)", tc.name, st, trailers, hdr)
			continue
		}
		if tc.status != "0" {
			continue
		}
		var out partnerv1.GetKycStatusResponse
		if err := proto.Unmarshal(data, &out); err != nil {
			t.Fatalf("gRPC-Web %s: message frame: %v", tc.name, err)
		}
		want := kyc.Verified.Proto()
		if tc.token == b.ClientToken {
			want = kyc.NotStarted.Proto()
		}
		if out.GetPartnerUserId() != "user-123" || out.GetStatus() != want {
			t.Errorf("gRPC-Web %s: %v", tc.name, &out)
		}
	}
}

// TestGRPCHealthAndReflection: standard gRPC tooling (grpc-go's health and reflection
// clients, as grpcurl and Kubernetes probes use) works against the one port.
func TestGRPCHealthAndReflection(t *testing.T) {
	ctx := context.Background()
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	conn, err := grpc.NewClient(srv.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	services := []string{"rampart.partner.v1.PartnerService", "rampart.widget.v1.WidgetService", "rampart.review.v1.ReviewService"}

	health := healthpb.NewHealthClient(conn)
	for _, svc := range append([]string{""}, services...) {
		res, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: svc})
		if err != nil || res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("health %q: %v %v", svc, res, err)
		}
	}
	if _, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: "rampart.nope.v1.Nope"}); status.Code(err) != codes.NotFound {
		t.Errorf("health of an unknown service: %v", err)
	}

	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ask := func(req *reflectionpb.ServerReflectionRequest) *reflectionpb.ServerReflectionResponse {
		if err := stream.Send(req); err != nil {
			t.Fatal(err)
		}
		res, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	var listed []string
	for _, s := range ask(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}).GetListServicesResponse().GetService() {
		listed = append(listed, s.GetName())
	}
	for _, s := range services {
		if !slices.Contains(listed, s) {
			t.Errorf("reflection lists %v, missing %s", listed, s)
		}
	}
	// The descriptors resolve: the file defining PartnerService names its methods.
	files := ask(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_FileContainingSymbol{
		FileContainingSymbol: "rampart.partner.v1.PartnerService"}}).GetFileDescriptorResponse().GetFileDescriptorProto()
	var methods []string
	for _, raw := range files {
		var fd descriptorpb.FileDescriptorProto
		if err := proto.Unmarshal(raw, &fd); err != nil {
			t.Fatal(err)
		}
		for _, s := range fd.GetService() {
			if fd.GetPackage()+"."+s.GetName() == "rampart.partner.v1.PartnerService" {
				for _, m := range s.GetMethod() {
					methods = append(methods, m.GetName())
				}
			}
		}
	}
	if !slices.Contains(methods, "GetKycStatus") || !slices.Contains(methods, "CreateSession") {
		t.Errorf("reflected PartnerService methods: %v", methods)
	}
	_ = stream.CloseSend()

	// Older tools (grpcurl before 1.9) ask v1alpha.
	alpha, err := reflectionalphapb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := alpha.Send(&reflectionalphapb.ServerReflectionRequest{MessageRequest: &reflectionalphapb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	res, err := alpha.Recv()
	if err != nil || len(res.GetListServicesResponse().GetService()) < len(services) {
		t.Errorf("v1alpha reflection: %v %v", res, err)
	}
	_ = alpha.CloseSend()
}

// --- helpers ---

// force moves a profile the way a decision would, without touching the store's clock
// (so it is safe while the server's workers run).
func force(t *testing.T, srv *testserver.Server, partnerID, user string, to kyc.Status, reasons ...string) {
	t.Helper()
	ctx := context.Background()
	err := srv.Store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Profile(ctx, partnerID, user)
		if err != nil {
			return err
		}
		_, err = tx.Transition(ctx, p, store.Transition{To: to, FailureReasons: reasons, UseAttempt: to == kyc.Failed, Actor: "test"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func hookPartner(t *testing.T, srv *testserver.Server, name, hookURL string, origins ...string) partner.Created {
	t.Helper()
	c, err := srv.App.Partners.CreatePartner(context.Background(), partner.NewPartner{Name: name, Origins: origins, WebhookURL: hookURL, Test: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startDeliverer runs a webhook Deliverer (as `rampart serve` does) that logs into the
// server's log, until the test ends.
func startDeliverer(t *testing.T, srv *testserver.Server) (stop func()) {
	d := webhook.New(srv.Store, srv.Keys, webhook.WithLogger(slog.New(slog.NewJSONHandler(srv.Logs, nil))),
		webhook.WithPollInterval(10*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

// hookSink is a partner's webhook endpoint that records what it receives.
type hookSink struct {
	*httptest.Server
	mu  sync.Mutex
	got []hookDelivery
}

type hookDelivery struct {
	header http.Header
	body   []byte
}

func newHookSink(t *testing.T) *hookSink {
	h := &hookSink{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, hookDelivery{header: r.Header.Clone(), body: b})
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookSink) deliveries() []hookDelivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

type eventOwner struct{ partnerID, user string }

// outbox returns each event's owner, and the statuses of each partner/user's events in
// sequence order.
func outbox(t *testing.T, srv *testserver.Server) (map[string]eventOwner, map[string][]string) {
	rows, err := srv.Store.DB().Query(`SELECT id, partner_id, partner_user_id, payload FROM webhook_events ORDER BY partner_id, partner_user_id, seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	owner, statuses := map[string]eventOwner{}, map[string][]string{}
	for rows.Next() {
		var id, pid, user string
		var payload []byte
		if err := rows.Scan(&id, &pid, &user, &payload); err != nil {
			t.Fatal(err)
		}
		var body struct {
			Data struct {
				PartnerUserID string `json:"partner_user_id"`
				Status        string `json:"status"`
			} `json:"data"`
		}
		if err := json.Unmarshal(payload, &body); err != nil || body.Data.PartnerUserID != user {
			t.Errorf("outbox row %s of %s/%s has body %s", id, pid, user, payload)
		}
		owner[id] = eventOwner{pid, user}
		statuses[pid+"/"+user] = append(statuses[pid+"/"+user], body.Data.Status)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return owner, statuses
}

// snapshot renders everything stored for a partner that another partner's calls could
// conceivably touch; images are compared by the hash of their sealed bytes.
func snapshot(t *testing.T, srv *testserver.Server, partnerID string) string {
	t.Helper()
	queries := []string{
		`SELECT partner_user_id, status, attempts_used, failure_reasons, final, verified_at, seq, updated_at FROM kyc_profiles WHERE partner_id = $1 ORDER BY partner_user_id`,
		`SELECT id, partner_user_id, state, document_type, liveness_ms, submitted_at, decided_at, decision, needs_review FROM kyc_cases WHERE partner_id = $1 ORDER BY id`,
		`SELECT id, case_id, kind, frame, width, height, phash, sealed FROM case_images WHERE partner_id = $1 ORDER BY id`,
		`SELECT id, partner_user_id, case_id, from_status, to_status, actor FROM status_history WHERE partner_id = $1 ORDER BY id`,
		`SELECT id, partner_user_id, seq, payload FROM webhook_events WHERE partner_id = $1 ORDER BY id`,
		`SELECT id, partner_user_id, kind, used_at FROM sessions WHERE partner_id = $1 ORDER BY id`,
		`SELECT token_hash, partner_user_id, expires_at FROM widget_tokens WHERE partner_id = $1 ORDER BY token_hash`,
		`SELECT idem_key, request_hash, outcome FROM idempotency_keys WHERE partner_id = $1 ORDER BY idem_key`,
		`SELECT c.id, j.state, j.attempts FROM verification_jobs j JOIN kyc_cases c ON c.id = j.case_id WHERE c.partner_id = $1 ORDER BY c.id`,
		`SELECT k.id, k.name, k.result, k.reason FROM case_checks k JOIN kyc_cases c ON c.id = k.case_id WHERE c.partner_id = $1 ORDER BY k.id`,
		`SELECT name, allowed_origins, webhook_url, max_attempts FROM partners WHERE id = $1`,
	}
	var b strings.Builder
	for _, q := range queries {
		rows, err := srv.Store.DB().Query(q, partnerID)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		fmt.Fprintf(&b, "# %s\n", q[:strings.Index(q, " WHERE")])
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					sum := sha256.Sum256(bs)
					v = hex.EncodeToString(sum[:8])
				}
				fmt.Fprintf(&b, "%s=%v ", cols[i], v)
			}
			b.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return b.String()
}

// count runs a COUNT query.
func count(t *testing.T, srv *testserver.Server, q string, args ...any) int {
	t.Helper()
	var n int
	if err := srv.Store.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // only keeps a broken test from hanging
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitDecided waits for the verification worker to decide the user's case.
func waitDecided(t *testing.T, srv *testserver.Server, partnerID, user string) store.Profile {
	t.Helper()
	var p store.Profile
	waitUntil(t, user+"'s decision", func() bool {
		var err error
		if p, err = srv.Store.Read().Profile(context.Background(), partnerID, user); err != nil {
			t.Fatal(err)
		}
		return p.Status == kyc.Verified || p.Status == kyc.Failed
	})
	return p
}

// uploadDocument uploads the front and back of a synthetic ID card (the seed of
// testserver.Capture picks the same pictures), without submitting.
func uploadDocument(t *testing.T, api rpc.API, seed int64) {
	t.Helper()
	for side, s := range map[widgetv1.DocumentSide]int64{widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT: seed*2 + 1, widgetv1.DocumentSide_DOCUMENT_SIDE_BACK: seed*2 + 2} {
		_, err := api.UploadDocument(context.Background(), &widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID,
			Side: side, Image: testserver.JPEG(t, qualitytest.Document(s, 1600, 1000))})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// operatorToken issues an operator (review) token valid for ttl (negative: expired).
func operatorToken(t *testing.T, srv *testserver.Server, ttl time.Duration) string {
	t.Helper()
	ctx := context.Background()
	tok, hash := auth.New(auth.PrefixOperator)
	if err := srv.Store.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOperatorToken(ctx, hash, "rita", time.Now().Add(ttl)) }); err != nil {
		t.Fatal(err)
	}
	return tok
}

func withAuth[T any](req *connect.Request[T], header string) *connect.Request[T] {
	if header != "" {
		req.Header().Set("Authorization", header)
	}
	return req
}

// widgetClients are the widget API over Connect (binary and JSON), gRPC and gRPC-Web.
func widgetClients(t *testing.T, srv *testserver.Server) map[string]widgetv1connect.WidgetServiceClient {
	return map[string]widgetv1connect.WidgetServiceClient{
		"connect":      widgetv1connect.NewWidgetServiceClient(http.DefaultClient, srv.URL),
		"connect-json": widgetv1connect.NewWidgetServiceClient(http.DefaultClient, srv.URL, connect.WithProtoJSON()),
		"grpc":         widgetv1connect.NewWidgetServiceClient(loopbackClient(t, "", true), srv.URL, connect.WithGRPC()),
		"grpc-web":     widgetv1connect.NewWidgetServiceClient(http.DefaultClient, srv.URL, connect.WithGRPCWeb()),
	}
}

// loopbackClient dials from a chosen loopback address ("" = any), over HTTP/1.1 or,
// with h2c, HTTP/2 without TLS (what gRPC needs).
func loopbackClient(t *testing.T, ip string, h2c bool) *http.Client {
	d := &net.Dialer{}
	if ip != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(ip)}
	}
	tr := &http.Transport{DialContext: d.DialContext}
	if h2c {
		var p http.Protocols
		p.SetUnencryptedHTTP2(true)
		tr.Protocols = &p
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// recorder is a RoundTripper that remembers the requests it sent.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) all() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

type frame struct {
	flag byte
	data []byte
}

// grpcWeb posts one gRPC-Web (binary) request and splits the answer into frames.
func grpcWeb(t *testing.T, u, token string, msg []byte) (http.Header, []frame) {
	t.Helper()
	body := make([]byte, 5+len(msg))
	binary.BigEndian.PutUint32(body[1:5], uint32(len(msg)))
	copy(body[5:], msg)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/grpc-web+proto")
	req.Header.Set("X-Grpc-Web", "1")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/grpc-web") {
		t.Fatalf("gRPC-Web: HTTP %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var frames []frame
	for len(raw) > 0 {
		if len(raw) < 5 {
			t.Fatalf("gRPC-Web: truncated frame header %x", raw)
		}
		n := binary.BigEndian.Uint32(raw[1:5])
		if uint32(len(raw)-5) < n {
			t.Fatalf("gRPC-Web: frame of %d bytes, %d left", n, len(raw)-5)
		}
		frames = append(frames, frame{flag: raw[0], data: raw[5 : 5+n]})
		raw = raw[5+n:]
	}
	return res.Header, frames
}

func first(lists ...[]string) string {
	for _, l := range lists {
		if len(l) > 0 {
			return l[0]
		}
	}
	return ""
}

// generatedID reports whether id looks like one the server made (reqctx.NewID).
func generatedID(id string) bool {
	if !strings.HasPrefix(id, "req_") || len(id) != 20 {
		return false
	}
	return !strings.ContainsFunc(id[4:], func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z') })
}

// errorBodyRequestID reads the request id of an error body: Rampart's REST shape, or a
// Connect error whose ErrorDetail carries it.
func errorBodyRequestID(t *testing.T, ctype string, body []byte) string {
	t.Helper()
	var v struct {
		RequestID string `json:"request_id"`
		Code      string `json:"code"`
		Details   []struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"details"`
	}
	if !strings.HasPrefix(ctype, "application/json") || json.Unmarshal(body, &v) != nil {
		t.Errorf("error body is not JSON (%s): %q", ctype, body)
		return ""
	}
	if v.Code == "" {
		return v.RequestID
	}
	for _, d := range v.Details {
		if d.Type == "rampart.kyc.v1.ErrorDetail" {
			raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(d.Value, "="))
			var detail kycv1.ErrorDetail
			if err == nil && proto.Unmarshal(raw, &detail) == nil {
				return detail.GetRequestId()
			}
		}
	}
	return ""
}

// logLineWithID reports whether an access log line carries the request id.
func logLineWithID(srv *testserver.Server, id string) bool {
	for _, line := range strings.Split(srv.Logs.String(), "\n") {
		var v struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal([]byte(line), &v) == nil && v.Msg == "http" && v.RequestID == id {
			return true
		}
	}
	return false
}

// lineDiff lists the lines only one of two snapshots has.
func lineDiff(before, after string) string {
	var out []string
	bl, al := strings.Split(before, "\n"), strings.Split(after, "\n")
	for _, l := range bl {
		if !slices.Contains(al, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range al {
		if !slices.Contains(bl, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
