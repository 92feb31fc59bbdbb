package app_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

func clients(t *testing.T, srv *testserver.Server) []client {
	return []client{
		newConnectClient(srv.URL, "connect-proto"),
		newConnectClient(srv.URL, "connect-json-get", connect.WithProtoJSON(), connect.WithHTTPGet()),
		newGRPCClient(t, srv.Addr),
		&restClient{base: srv.URL},
	}
}

func order(user string) *partnerv1.CreateSessionRequest {
	return &partnerv1.CreateSessionRequest{PartnerUserId: user, UserEmail: "user@example.com", Currency: "BTC",
		FiatCurrency: "EUR", FiatAmount: "100.00", WalletAddress: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"}
}

// TestPartnerAPIEveryProtocol drives every partner endpoint through Connect, gRPC and
// REST against one real server and requires the same answers from all of them.
func TestPartnerAPIEveryProtocol(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL)
		acme := srv.NewPartner(t, "Acme", "https://acme.example")
		other := srv.NewPartner(t, "Other", "https://other.example")
		verifiedAt := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
		srv.ForceStatus(t, acme.PartnerID, "user-123", kyc.Verified, verifiedAt)
		srv.ForceStatus(t, acme.PartnerID, "user-pending", kyc.Pending, time.Now())
		srv.ForceStatus(t, acme.PartnerID, "user-failed", kyc.Pending, time.Now())
		srv.ForceStatus(t, acme.PartnerID, "user-failed", kyc.Failed, time.Now(), "document_blurry")
		// The other partner's user-456 is verified; for Acme, user-456 has never been seen.
		srv.ForceStatus(t, other.PartnerID, "user-456", kyc.Verified, time.Now())
		ok := call{token: acme.ClientToken}

		want := map[string]string{
			"user-123":     `{"partner_user_id":"user-123","status":"verified","verified_at":"2026-03-15T10:00:00Z"}`,
			"user-new":     `{"partner_user_id":"user-new","status":"not_started"}`,
			"user-pending": `{"partner_user_id":"user-pending","status":"pending"}`,
			"user-failed":  `{"partner_user_id":"user-failed","status":"failed","attempts_remaining":2,"failure_reasons":["document_blurry"]}`,
			"user-456":     `{"partner_user_id":"user-456","status":"not_started"}`,
		}
		for user, body := range want {
			var first result
			for i, c := range clients(t, srv) {
				r := c.status(t, ok, user)
				if r.code != "" {
					t.Fatalf("%s status(%s): error %s", c.name(), user, r.code)
				}
				r.status.UpdatedAt = nil // REST leaves it out to keep the documented shape
				if i == 0 {
					first = r
				} else if !proto.Equal(first.status, r.status) {
					t.Errorf("status(%s): %s says %v, %s says %v", user, clients(t, srv)[0].name(), first.status, c.name(), r.status)
				}
				if r.raw != nil && string(r.raw) != body {
					t.Errorf("REST status(%s):\n got %s\nwant %s", user, r.raw, body)
				}
			}
		}

		// CreateSession for a verified user: a session token and the echoed order.
		for _, c := range clients(t, srv) {
			r := c.session(t, ok, order("user-123"))
			if r.code != "" {
				t.Fatalf("%s session: %s", c.name(), r.code)
			}
			s := r.session
			if s.GetInitTokenType() != "session" || !strings.HasPrefix(s.GetInitToken(), "rpi_") || s.GetWidgetId() != acme.WidgetID ||
				s.GetPartnerUserId() != "user-123" || s.GetOrder().GetType() != "buy" || s.GetOrder().GetFiatAmount() != "100.00" ||
				s.GetOrder().GetWalletAddress() != "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4" || s.GetMerchantTransactionId() == "" ||
				!strings.HasPrefix(s.GetWidgetUrl(), srv.URL+"/embed/app?widget_id="+acme.WidgetID+"#token=rpi_") {
				t.Errorf("%s session: %v", c.name(), s)
			}
			if d := time.Until(s.GetExpiresAt().AsTime()); d < 59*time.Minute || d > 61*time.Minute {
				t.Errorf("%s session expires in %v, want 1h", c.name(), d)
			}
		}

		// CreateSession for users who cannot transact: kyc_required with a KYC token.
		const seed422 = `{"error":"kyc_required","message":"User must complete KYC verification before transacting","partner_user_id":"user-pending",`
		for _, user := range []string{"user-new", "user-pending", "user-failed"} {
			for _, c := range clients(t, srv) {
				r := c.session(t, ok, order(user))
				if r.code != apierr.KycRequired || r.kycReq == nil {
					t.Fatalf("%s session(%s): code %q detail %v", c.name(), user, r.code, r.kycReq)
				}
				if r.kycReq.GetInitTokenType() != "kyc" || r.kycReq.GetPartnerUserId() != user || r.kycReq.GetWidgetId() != acme.WidgetID ||
					!strings.HasPrefix(r.kycReq.GetInitToken(), "rpi_") || !strings.Contains(r.kycReq.GetWidgetUrl(), "#token="+r.kycReq.GetInitToken()) {
					t.Errorf("%s session(%s): detail %v", c.name(), user, r.kycReq)
				}
				if r.raw == nil && (r.info == nil || r.info.GetReason() != "KYC_REQUIRED" || r.info.GetMetadata()["partner_user_id"] != user) {
					t.Errorf("%s session(%s): ErrorInfo %v", c.name(), user, r.info)
				}
				if r.raw != nil && user == "user-pending" && !bytes.HasPrefix(r.raw, []byte(seed422)) {
					t.Errorf("REST 422 body does not start with the documented body:\n%s", r.raw)
				}
			}
		}
	})
}

func TestPartnerAPIBadInput(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL)
		acme := srv.NewPartner(t, "Acme", "https://acme.example")
		rotated, err := srv.App.Partners.RotateToken(context.Background(), acme.PartnerID, 0)
		if err != nil {
			t.Fatal(err)
		}
		ok := call{token: rotated}
		cases := []struct {
			name string
			call call
			user string
			want apierr.Code
		}{
			{"no token", call{}, "u1", apierr.Unauthorized},
			{"garbage token", call{token: "nope"}, "u1", apierr.Unauthorized},
			{"well-formed unknown token", call{token: "rp_test_" + strings.Repeat("A", 43)}, "u1", apierr.Unauthorized},
			{"rotated-out token", call{token: acme.ClientToken}, "u1", apierr.Unauthorized},
			{"wrong origin", call{token: rotated, origin: "https://evil.example"}, "u1", apierr.ForbiddenOrigin},
			{"registered origin", call{token: rotated, origin: "https://acme.example"}, "u1", ""},
			{"user id too long", ok, strings.Repeat("x", 129), apierr.InvalidRequest},
		}
		for _, tc := range cases {
			for _, c := range clients(t, srv) {
				if r := c.status(t, tc.call, tc.user); r.code != tc.want {
					t.Errorf("%s / %s: got %q want %q", tc.name, c.name(), r.code, tc.want)
				}
			}
		}
		// Empty user id: REST path with an empty segment, and an empty field elsewhere.
		for _, c := range clients(t, srv) {
			if r := c.status(t, ok, ""); r.code != apierr.InvalidRequest {
				t.Errorf("%s empty user id: %q", c.name(), r.code)
			}
		}
		badSessions := map[string]*partnerv1.CreateSessionRequest{
			"missing email":     {PartnerUserId: "u", Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "1"},
			"missing currency":  {PartnerUserId: "u", UserEmail: "a@b.c", FiatCurrency: "EUR", FiatAmount: "1"},
			"both amounts":      {PartnerUserId: "u", UserEmail: "a@b.c", Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "1", Amount: "1"},
			"no amount":         {PartnerUserId: "u", UserEmail: "a@b.c", Currency: "BTC", FiatCurrency: "EUR"},
			"negative amount":   {PartnerUserId: "u", UserEmail: "a@b.c", Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "-5"},
			"bad type":          {PartnerUserId: "u", UserEmail: "a@b.c", Type: "steal", Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "1"},
			"missing user":      {UserEmail: "a@b.c", Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "1"},
			"not an email":      {PartnerUserId: "u", UserEmail: "nope", Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "1"},
			"not an IP address": {PartnerUserId: "u", UserEmail: "a@b.c", Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "1", ClientIp: "1.2.3"},
		}
		for name, req := range badSessions {
			for _, c := range clients(t, srv) {
				if r := c.session(t, ok, req); r.code != apierr.InvalidRequest {
					t.Errorf("%s / %s: got %q", name, c.name(), r.code)
				}
			}
		}
		rc := &restClient{base: srv.URL}
		for name, body := range map[string]string{
			"malformed JSON": `{"partner_user_id":`, "unknown field": `{"partner_user_id":"u","hax":1}`,
			"wrong type": `{"partner_user_id":5}`, "not JSON": `partner_user_id=u`,
		} {
			if r := rc.sessionRaw(t, ok, []byte(body)); r.code != apierr.InvalidRequest {
				t.Errorf("REST %s: got %q", name, r.code)
			}
		}
		if r := rc.sessionRaw(t, ok, bytes.Repeat([]byte(" "), 70<<10)); r.code != apierr.PayloadTooLarge {
			t.Errorf("REST oversize body: got %q", r.code)
		}
		big := order("u")
		big.WalletAddress = strings.Repeat("x", 17<<20)
		if r := newConnectClient(srv.URL, "connect").session(t, ok, big); r.code != apierr.PayloadTooLarge {
			t.Errorf("Connect oversize message: got %q", r.code)
		}
		if r := rc.sessionRaw(t, ok, []byte(`{}`)); r.code != apierr.InvalidRequest || !strings.Contains(string(r.raw), "partner_user_id") {
			t.Errorf("REST empty object: %q %s", r.code, r.raw)
		}
		res, b := rc.do(t, http.MethodGet, "/widget/nope", ok, nil)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(string(b), `"error":"not_found"`) {
			t.Errorf("unknown route: %d %s", res.StatusCode, b)
		}
		// Internal error text never reaches a client, and no token reaches the log.
		if srv.Logs.Contains(rotated) || srv.Logs.Contains(acme.ClientToken) {
			t.Error("a client token appears in the logs")
		}
	})
}

func TestInitTokenSingleUse(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL)
		acme := srv.NewPartner(t, "Acme", "https://acme.example")
		r := (&restClient{base: srv.URL}).session(t, call{token: acme.ClientToken}, order("first-timer"))
		if r.code != apierr.KycRequired {
			t.Fatalf("want kyc_required, got %q", r.code)
		}
		w := widgetv1connect.NewWidgetServiceClient(http.DefaultClient, srv.URL)
		start := func(tok string) (*widgetv1.StartSessionResponse, apierr.Code) {
			res, err := w.StartSession(context.Background(), connect.NewRequest(&widgetv1.StartSessionRequest{InitToken: tok}))
			if err != nil {
				return nil, connectErr(t, err).code
			}
			return res.Msg, ""
		}
		// Two concurrent exchanges of one token: exactly one wins.
		var wg sync.WaitGroup
		codes := make([]apierr.Code, 2)
		msgs := make([]*widgetv1.StartSessionResponse, 2)
		for i := range 2 {
			wg.Add(1)
			go func() { defer wg.Done(); msgs[i], codes[i] = start(r.kycReq.GetInitToken()) }()
		}
		wg.Wait()
		wins := 0
		for i, c := range codes {
			switch c {
			case "":
				wins++
				m := msgs[i]
				if m.GetInitTokenType() != "kyc" || !strings.HasPrefix(m.GetWidgetToken(), "rpw_") || m.GetState().GetStatus() != kyc.NotStarted.Proto() ||
					m.GetOrder().GetCurrency() != "BTC" || m.GetPartnerOrigins()[0] != "https://acme.example" {
					t.Errorf("start session: %v", m)
				}
			case apierr.SessionAlreadyUsed:
			default:
				t.Errorf("exchange: unexpected %q", c)
			}
		}
		if wins != 1 {
			t.Fatalf("init token exchanged %d times", wins)
		}
		if _, c := start(r.kycReq.GetInitToken()); c != apierr.SessionAlreadyUsed {
			t.Errorf("reuse: got %q", c)
		}
		if _, c := start("rpi_" + strings.Repeat("Z", 43)); c != apierr.Unauthorized {
			t.Errorf("unknown init token: got %q", c)
		}
		// An expired token says so.
		r2 := (&restClient{base: srv.URL}).session(t, call{token: acme.ClientToken}, order("late"))
		srv.Store.SetClock(func() time.Time { return time.Now().Add(61 * time.Minute) })
		_, c := start(r2.kycReq.GetInitToken())
		srv.Store.SetClock(time.Now)
		if c != apierr.SessionExpired {
			t.Errorf("expired init token: got %q", c)
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL)
		acme := srv.NewPartner(t, "Acme")
		srv.ForceStatus(t, acme.PartnerID, "buyer", kyc.Verified, time.Now())
		rc := &restClient{base: srv.URL}
		k := call{token: acme.ClientToken, idemKey: "order-42"}
		first := rc.session(t, k, order("buyer"))
		if first.code != "" {
			t.Fatalf("first: %q", first.code)
		}
		again := rc.session(t, k, order("buyer"))
		if !bytes.Equal(first.raw, again.raw) {
			t.Errorf("replay differs:\n%s\n%s", first.raw, again.raw)
		}
		// The same key over gRPC replays too: one store of truth for every protocol.
		if g := newGRPCClient(t, srv.Addr).session(t, k, order("buyer")); g.session.GetInitToken() != first.session.GetInitToken() {
			t.Errorf("gRPC replay returned another session")
		}
		changed := order("buyer")
		changed.FiatAmount = "200.00"
		for _, c := range clients(t, srv) {
			if r := c.session(t, k, changed); r.code != apierr.IdempotencyConflict {
				t.Errorf("%s different body same key: %q", c.name(), r.code)
			}
		}
		// kyc_required outcomes are replayed as well.
		nk := call{token: acme.ClientToken, idemKey: "kyc-1"}
		a, b := rc.session(t, nk, order("newbie")), rc.session(t, nk, order("newbie"))
		if a.code != apierr.KycRequired || a.kycReq.GetInitToken() != b.kycReq.GetInitToken() {
			t.Errorf("kyc_required replay: %q %v %v", a.code, a.kycReq, b.kycReq)
		}

		// 50 concurrent calls with one key create exactly one session.
		var wg sync.WaitGroup
		tokens := make([]string, 50)
		for i := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rc.session(t, call{token: acme.ClientToken, idemKey: "race"}, order("buyer"))
				if r.code != "" {
					t.Errorf("concurrent call %d: %q %s", i, r.code, r.raw)
					return
				}
				tokens[i] = r.session.GetInitToken()
			}()
		}
		wg.Wait()
		for _, tok := range tokens[1:] {
			if tok != tokens[0] {
				t.Fatalf("concurrent calls with one key got different sessions")
			}
		}
		var n int
		if err := srv.Store.DB().QueryRow(`SELECT COUNT(*) FROM sessions WHERE partner_user_id = 'buyer'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		// first (replayed by 2 calls) + 50 racing calls = 2 sessions in all.
		if n != 2 {
			t.Errorf("sessions stored for buyer: %d, want 2", n)
		}
	})
}

func TestRateLimit(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t), testserver.Options{RatePerSec: 1, RateBurst: 3})
	acme := srv.NewPartner(t, "Acme")
	rc := &restClient{base: srv.URL}
	var limited result
	for range 10 {
		if r := rc.status(t, call{token: acme.ClientToken}, "u"); r.code == apierr.RateLimitExceeded {
			limited = r
			break
		}
	}
	if limited.code != apierr.RateLimitExceeded || limited.header.Get("Retry-After") == "" {
		t.Fatalf("no 429 with Retry-After after a burst: %+v", limited)
	}
	// Another partner's token has its own bucket.
	other := srv.NewPartner(t, "Other")
	if r := rc.status(t, call{token: other.ClientToken}, "u"); r.code != "" {
		t.Errorf("other partner throttled: %q", r.code)
	}
	// Guessing tokens from one address is throttled too.
	var guessed apierr.Code
	for range 40 {
		if guessed = rc.status(t, call{token: "rp_live_" + strings.Repeat("Q", 43)}, "u").code; guessed == apierr.RateLimitExceeded {
			break
		}
	}
	if guessed != apierr.RateLimitExceeded {
		t.Errorf("token guessing not throttled: last %q", guessed)
	}
}

func TestCORSAndHealth(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	srv.NewPartner(t, "Acme", "https://acme.example")
	pre := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/widget/session", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := pre("https://acme.example"); res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "https://acme.example" ||
		!strings.Contains(res.Header.Get("Access-Control-Allow-Headers"), "Idempotency-Key") {
		t.Errorf("allowed preflight: %d %v", res.StatusCode, res.Header)
	}
	if res := pre("https://evil.example"); res.StatusCode != http.StatusForbidden || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign preflight: %d %v", res.StatusCode, res.Header)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want || res.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
}
