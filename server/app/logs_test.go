package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	reviewv1 "github.com/rampart-id/rampart/gen/rampart/review/v1"
	"github.com/rampart-id/rampart/gen/rampart/review/v1/reviewv1connect"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// Every PII value and secret of the flow below carries this marker, so one substring
// search finds any of them in the logs.
const canary = "pii-canary"

// TestNoPIIOrSecretsInLogs runs a realistic flow through the real server — sessions over
// every protocol, the widget uploading and submitting, the worker deciding, an operator
// reviewing, webhooks delivered and failing, bad tokens and hostile input everywhere, an
// internal error and an unavailable database — then reads every log line the server
// wrote: each is JSON, HTTP lines carry a request id, and none holds a token, a secret,
// an email, a partner_user_id, an Authorization value or image bytes.
func TestNoPIIOrSecretsInLogs(t *testing.T) {
	testenv.SkipUnderRace(t, "it waits for decisions of the real pipeline (face and document models)")
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		hooks := newHookSink(t)
		broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }))
		t.Cleanup(broken.Close)
		p := hookPartner(t, srv, "Acme", hooks.URL+"/hooks?token="+canary+"-hook-query", "https://acme.example")
		q := hookPartner(t, srv, "Broken", broken.URL+"/"+canary+"-hook-path?token="+canary+"-hook-query")
		gone := hookPartner(t, srv, "Gone", "http://"+canary+"-user:"+canary+"-pass@127.0.0.1:9/hooks")
		stopHooks := startDeliverer(t, srv)
		rotated, err := srv.App.Partners.RotateToken(ctx, p.PartnerID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		secrets := []string{p.ClientToken, rotated, p.WebhookSecret, q.ClientToken, q.WebhookSecret, gone.ClientToken, gone.WebhookSecret}
		user, email := canary+"-user", canary+"@example.com"
		// Orders are checked, so the wallet cannot carry the canary: look for it by value.
		const wallet = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
		secrets = append(secrets, wallet)
		canaryOrder := func(u string) *partnerv1.CreateSessionRequest {
			return &partnerv1.CreateSessionRequest{PartnerUserId: u, UserEmail: email, Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "100.00",
				WalletAddress: wallet, ClientIp: "203.0.113.77",
				RedirectUrl: "https://acme.example/return?" + canary + "=1"}
		}
		// Other partners' users change status too (their webhooks fail: 500, refused).
		srv.ForceStatus(t, q.PartnerID, user, kyc.Verified, time.Time{})
		srv.ForceStatus(t, gone.PartnerID, user, kyc.Verified, time.Time{})

		// 1. Sessions over every protocol, with the old and the rotated token, with an
		// idempotency key and a registered origin.
		var initTokens []string
		for i, c := range clients(t, srv) {
			tok := []string{p.ClientToken, rotated}[i%2]
			r := c.session(t, call{token: tok, origin: "https://acme.example", idemKey: canary + "-idem-" + c.name()}, canaryOrder(user))
			if r.code != apierr.KycRequired {
				t.Fatalf("%s: session: %q", c.name(), r.code)
			}
			initTokens = append(initTokens, r.kycReq.GetInitToken())
		}
		secrets = append(secrets, initTokens...)

		// 2. The widget: exchange (twice), hostile uploads, then a good capture.
		api := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient))
		start, err := api.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: initTokens[0]})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := api.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: initTokens[0]}); err == nil {
			t.Fatal("an init token was exchanged twice")
		}
		secrets = append(secrets, start.GetWidgetToken())
		api.SetToken(start.GetWidgetToken())
		if _, err := api.RecordConsent(ctx, &widgetv1.RecordConsentRequest{Language: "en"}); err != nil {
			t.Fatal(err)
		}
		good := testserver.JPEG(t, qualitytest.Document(5, 1600, 1000))
		for name, img := range map[string][]byte{
			"not an image": []byte(canary + "-not-an-image " + email),
			"truncated":    good[:len(good)/2],
			"too small":    testserver.JPEG(t, qualitytest.Document(6, 200, 120)),
		} {
			if _, err := api.UploadDocument(ctx, &widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT,
				Side: widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, Image: img}); err == nil {
				t.Errorf("upload %s accepted", name)
			}
		}
		if _, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); err == nil {
			t.Error("an empty case was submitted")
		}
		if err := srv.SubmitCase(t, api, testserver.Capture{Seed: 31}); err != nil {
			t.Fatal(err)
		}
		if prof := waitDecided(t, srv, p.PartnerID, user); prof.Status != kyc.Verified {
			t.Fatalf("decision: %+v", prof)
		}
		watchCtx, cancel := context.WithCancel(ctx)
		_ = api.WatchStatus(watchCtx, func(*widgetv1.KycState) { cancel() })
		cancel()

		// 3. The verified user: status and a payment session over every protocol.
		for _, c := range clients(t, srv) {
			if r := c.status(t, call{token: rotated}, user); r.status.GetStatus() != kyc.Verified.Proto() {
				t.Errorf("%s status: %v %q", c.name(), r.status, r.code)
			}
			r := c.session(t, call{token: p.ClientToken}, canaryOrder(user))
			if r.code != "" {
				t.Fatalf("%s payment session: %q", c.name(), r.code)
			}
			secrets = append(secrets, r.session.GetInitToken())
		}

		// 4. A case for review, opened and decided by an operator.
		reviewUser := user + "+review"
		rr := (&restClient{base: srv.URL}).session(t, call{token: p.ClientToken}, canaryOrder(reviewUser))
		rapi := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient))
		rstart, err := rapi.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: rr.kycReq.GetInitToken()})
		if err != nil {
			t.Fatal(err)
		}
		rapi.SetToken(rstart.GetWidgetToken())
		if _, err := rapi.RecordConsent(ctx, &widgetv1.RecordConsentRequest{Language: "en"}); err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, rr.kycReq.GetInitToken(), rstart.GetWidgetToken())
		if err := srv.SubmitCase(t, rapi, testserver.Capture{Seed: 32}); err != nil {
			t.Fatal(err)
		}
		op := operatorToken(t, srv, time.Hour)
		secrets = append(secrets, op)
		review := reviewv1connect.NewReviewServiceClient(http.DefaultClient, srv.URL)
		var caseID string
		waitUntil(t, "the review queue", func() bool {
			res, err := review.ListQueue(ctx, withAuth(connect.NewRequest(&reviewv1.ListQueueRequest{}), "Bearer "+op))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Msg.GetCases()) > 0 {
				caseID = res.Msg.GetCases()[0].GetCaseId()
			}
			return caseID != ""
		})
		if res, err := review.GetCase(ctx, withAuth(connect.NewRequest(&reviewv1.GetCaseRequest{CaseId: caseID}), "Bearer "+op)); err != nil || len(res.Msg.GetImages()) == 0 {
			t.Fatalf("GetCase: %v", err)
		}
		if _, err := review.DecideCase(ctx, withAuth(connect.NewRequest(&reviewv1.DecideCaseRequest{CaseId: caseID, Decision: reviewv1.Decision_DECISION_FAILED,
			Reason: "document_expired", RetryAllowed: true, Note: "photo page shows an expiry in the past"}), "Bearer "+op)); err != nil {
			t.Fatalf("DecideCase: %v", err)
		}

		// 5. Wrong credentials on every surface (each kind from its own address, so they
		// reach the token check instead of the failed-attempt limit).
		creds := []string{
			"Bearer rp_live_" + strings.Repeat("P", 43), "Bearer rp_test_" + strings.Repeat("q", 43), "Bearer " + canary + "-garbage-token",
			"Bearer " + start.GetWidgetToken(), "Bearer " + op, "Bearer " + p.WebhookSecret, "Bearer " + initTokens[1],
			"Basic " + base64.StdEncoding.EncodeToString([]byte(canary+":hunter2")), "Bearer " + p.ClientToken + "x",
		}
		for i, cred := range creds {
			hc := loopbackClient(t, fmt.Sprintf("127.0.2.%d", i+1), false)
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/widget/users/"+user+"/kyc-status", nil)
			req.Header.Set("Authorization", cred)
			res, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("REST with %.12s…: %d", cred, res.StatusCode)
			}
			for name, do := range map[string]func() error{
				"partner": func() error {
					req := connect.NewRequest(&partnerv1.GetKycStatusRequest{PartnerUserId: user})
					req.Header().Set("Authorization", cred)
					_, err := partnerv1connect.NewPartnerServiceClient(hc, srv.URL).GetKycStatus(ctx, req)
					return err
				},
				"partner grpc": func() error {
					req := connect.NewRequest(canaryOrder(user))
					req.Header().Set("Authorization", cred)
					_, err := partnerv1connect.NewPartnerServiceClient(loopbackClient(t, fmt.Sprintf("127.0.2.%d", i+1), true), srv.URL, connect.WithGRPC()).CreateSession(ctx, req)
					return err
				},
				"widget": func() error {
					req := connect.NewRequest(&widgetv1.GetStatusRequest{})
					req.Header().Set("Authorization", cred)
					_, err := widgetv1connect.NewWidgetServiceClient(hc, srv.URL).GetStatus(ctx, req)
					return err
				},
				"review": func() error {
					_, err := reviewv1connect.NewReviewServiceClient(hc, srv.URL).ListQueue(ctx, withAuth(connect.NewRequest(&reviewv1.ListQueueRequest{}), cred))
					return err
				},
			} {
				err := do()
				allowed := (name == "widget" && cred == "Bearer "+start.GetWidgetToken()) || (name == "review" && cred == "Bearer "+op)
				if allowed != (err == nil) {
					t.Errorf("%s with %.12s…: %v", name, cred, err)
				}
			}
		}

		// 6. Hostile input that carries PII: bodies, origins, paths.
		rc := &restClient{base: srv.URL}
		for _, body := range []string{
			`{"partner_user_id":"` + user + `","user_email":"` + email + `","hax":"` + canary + `"}`,
			`{"partner_user_id":"` + user + `","user_email":"` + canary + `-not-an-email","currency":"BTC","fiat_currency":"EUR","fiat_amount":"1"}`,
			`{"partner_user_id":"` + user + `","user_email":"` + email + `","currency":"BTC","fiat_currency":"EUR","fiat_amount":"` + canary + `"}`,
			`{"partner_user_id":"` + strings.Repeat("u", 200) + canary + `"}`,
			canary + " " + email,
		} {
			if r := rc.sessionRaw(t, call{token: p.ClientToken}, []byte(body)); r.code != apierr.InvalidRequest {
				t.Errorf("REST bad body %.40s…: %q", body, r.code)
			}
		}
		if r := rc.status(t, call{token: p.ClientToken, origin: "https://" + canary + ".example"}, user); r.code != apierr.ForbiddenOrigin {
			t.Errorf("foreign origin: %q", r.code)
		}
		if r := rc.status(t, call{token: p.ClientToken}, user+"\u00a0"+email); r.code != "" {
			t.Errorf("odd user id: %q", r.code)
		}
		for _, path := range []string{
			"/embed/" + email, "/embed/app?widget_id=" + canary + "&token=" + initTokens[2],
			"/rampart.partner.v1.PartnerService/" + user, "/rampart.widget.v1.WidgetService/" + email,
			"/grpc." + canary + "/" + email, "/" + canary + "/" + email, "/widget/users/" + user, "/widget/" + email,
		} {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(email))
				req.Header.Set("Authorization", "Bearer "+p.ClientToken)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Request-Id", canary+"-request-id-with-an-email@example.com")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode < 400 {
					t.Errorf("%s %s: %d", method, path, res.StatusCode)
				}
			}
		}

		// 7. An internal error: the idempotency table is gone for a moment. The client
		// learns only "internal_error" and a request id; the log has the cause under it.
		db := srv.Store.DB()
		if _, err := db.Exec(`ALTER TABLE idempotency_keys RENAME TO idempotency_keys_away`); err != nil {
			t.Fatal(err)
		}
		var failedIDs []string
		for _, c := range clients(t, srv) {
			r := c.session(t, call{token: p.ClientToken, idemKey: canary + "-idem-broken"}, canaryOrder(user))
			if r.code != apierr.Internal {
				t.Errorf("%s with the idempotency table gone: %q", c.name(), r.code)
			}
			if strings.Contains(string(r.raw), "idempotency_keys") {
				t.Errorf("%s: the internal cause reached the client: %s", c.name(), r.raw)
			}
			if id := r.header.Get("X-Request-Id"); id != "" {
				failedIDs = append(failedIDs, id)
			}
		}
		if _, err := db.Exec(`ALTER TABLE idempotency_keys_away RENAME TO idempotency_keys`); err != nil {
			t.Fatal(err)
		}
		for _, id := range failedIDs {
			if !strings.Contains(srv.Logs.String(), `"msg":"request failed","request_id":"`+id+`"`) {
				t.Errorf("internal error %s is not logged under its request id", id)
			}
		}
		if len(failedIDs) == 0 {
			t.Error("no request id came back with the internal errors")
		}

		// 8. The database goes away: readiness says unavailable, requests fail cleanly.
		waitUntil(t, "webhook attempts (delivered, refused, 500)", func() bool {
			return len(hooks.deliveries()) > 0 &&
				count(t, srv, `SELECT COUNT(*) FROM webhook_events WHERE last_error <> '' AND partner_id IN ($1, $2)`, q.PartnerID, gone.PartnerID) == 2
		})
		stopHooks()
		_ = srv.Store.Close() // the pool itself: DB is only a view of it on PostgreSQL
		res, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"error":"unavailable"`) {
			t.Errorf("readyz without a database: %d %s", res.StatusCode, body)
		}
		for _, c := range clients(t, srv) {
			if r := c.status(t, call{token: rotated}, user); r.code != apierr.Internal && r.code != apierr.Unavailable {
				t.Errorf("%s without a database: %q", c.name(), r.code)
			}
		}

		scanLogs(t, srv.Logs.String(), secrets)
	})
}

var (
	clientTokenRE = regexp.MustCompile(`rp_(test|live)_[0-9A-Za-z]{5,}`) // more than the 4-character display prefix
	otherTokenRE  = regexp.MustCompile(`\b(rp[iwo]_[0-9A-Za-z]|whsec_)`)
	base64RunRE   = regexp.MustCompile(`[A-Za-z0-9+/]{120,}`) // image bytes, base64-encoded
	inboundIDRE   = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
)

// scanLogs checks every log line: JSON, a request id on HTTP lines, and nothing secret.
func scanLogs(t *testing.T, logs string, secrets []string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(logs, "\n"), "\n")
	if len(lines) < 50 {
		t.Fatalf("only %d log lines: the flow did not run", len(lines))
	}
	msgs := map[string]int{}
	for n, line := range lines {
		where := fmt.Sprintf("log line %d", n+1)
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("%s is not JSON: %q", where, line)
			continue
		}
		msg, _ := v["msg"].(string)
		msgs[msg]++
		if _, ok := v["time"]; !ok || v["level"] == nil || msg == "" {
			t.Errorf("%s lacks time, level or msg: %s", where, line)
		}
		if rid, _ := v["request_id"].(string); (msg == "http" || msg == "request failed" || msg == "panic") && !inboundIDRE.MatchString(rid) {
			t.Errorf("%s (%s) has no request_id: %s", where, msg, line)
		}
		lower := strings.ToLower(line)
		for _, bad := range []string{canary, "@example.com", "203.0.113.77", "bearer", "basic ", "authorization", "hunter2", "/9j/", "ivborw0kggo"} {
			if strings.Contains(lower, strings.ToLower(bad)) {
				t.Errorf("%s contains %q: %s", where, bad, line)
			}
		}
		for _, s := range secrets {
			if s != "" && strings.Contains(line, s) {
				t.Errorf("%s contains a secret (%.8s…): %s", where, s, line)
			}
		}
		if m := clientTokenRE.FindString(line); m != "" {
			t.Errorf("%s contains a client token %q: %s", where, m, line)
		}
		if m := otherTokenRE.FindString(line); m != "" {
			t.Errorf("%s contains a token or secret %q: %s", where, m, line)
		}
		if m := base64RunRE.FindString(line); m != "" || len(line) > 4096 {
			t.Errorf("%s looks like it carries binary data (%d bytes): %.200s", where, len(line), line)
		}
	}
	// The scan only means something if the flow's events were logged at all.
	for _, want := range []string{"http", "request failed", "case decided", "webhook delivered", "webhook attempt failed"} {
		if msgs[want] == 0 {
			t.Errorf("no %q log line (lines by message: %v)", want, msgs)
		}
	}
}
