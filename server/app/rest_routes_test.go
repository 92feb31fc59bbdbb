package app_test

// The REST routes as a partner meets them: user ids that are not plain words,
// percent-encoded in the path; a known path with the wrong method; bodies that are not
// the request they should be.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

// pathSegment percent-encodes a user id as one path segment, dots included: "." and ".."
// would otherwise be dot-segments that clients and servers resolve away.
func pathSegment(id string) string {
	return strings.ReplaceAll(url.PathEscape(id), ".", "%2E")
}

// TestRESTEncodedUserIDs: ids with "/", "%", spaces, dots and non-ASCII letters go
// through CreateSession, GET kyc-status, GET identity and DELETE over REST, each reaching
// that very user (and not the user named by the id's first part).
func TestRESTEncodedUserIDs(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL)
		p := srv.NewPartner(t, "Acme")
		rc := &restClient{base: srv.URL}
		ok := call{token: p.ClientToken}
		ids := []string{"a/b", "/lead", "trail/", "a//b", "a/kyc-status", "50%", "a%2Fb", "100% sure/ok", "with space",
			"ünï/cödé", "ユーザー/一", "a+b", "q?x=1#frag", "semi;colon,comma", "..", ".", "a/../b", "emoji 🙂/x"}
		// The plain "a" exists with its own status: an id starting "a/" must not reach it.
		srv.ForceStatus(t, p.PartnerID, "a", kyc.Pending, time.Time{})
		for i, id := range ids {
			seg := pathSegment(id)
			// Half the ids verified (CreateSession 200), half new (422 kyc_required):
			// both answers echo the id.
			want := kyc.NotStarted
			if i%2 == 0 {
				srv.ForceStatus(t, p.PartnerID, id, kyc.Verified, time.Time{})
				want = kyc.Verified
			}
			r := rc.session(t, ok, order(id))
			switch {
			case want == kyc.Verified && (r.code != "" || r.session.GetPartnerUserId() != id):
				t.Errorf("%q: CreateSession for a verified user: %q %s", id, r.code, r.raw)
			case want == kyc.NotStarted && (r.code != apierr.KycRequired || r.kycReq.GetPartnerUserId() != id):
				t.Errorf("%q: CreateSession for a new user: %q %s", id, r.code, r.raw)
			}
			st := rc.status(t, ok, seg)
			if st.code != "" || st.status.GetPartnerUserId() != id || kyc.FromProto(st.status.GetStatus()) != want {
				t.Errorf("%q: GET /widget/users/%s/kyc-status: %q %s, want %s", id, seg, st.code, st.raw, want)
			}
			// The partner may not read identities: a 403 shows the route took the id.
			if r := rc.identity(t, ok, seg); r.code != apierr.Forbidden {
				t.Errorf("%q: GET /widget/users/%s/identity: %q %s, want forbidden", id, seg, r.code, r.raw)
			}
			var first string
			for range 2 {
				res, b := rc.do(t, http.MethodDelete, "/widget/users/"+seg, ok, nil)
				var v struct {
					PartnerUserID string `json:"partner_user_id"`
					RedactedAt    string `json:"redacted_at"`
				}
				if res.StatusCode == http.StatusOK {
					mustJSON(t, b, &v)
				}
				if res.StatusCode != http.StatusOK || v.PartnerUserID != id || v.RedactedAt == "" || (first != "" && v.RedactedAt != first) {
					t.Errorf("%q: DELETE /widget/users/%s: %d %s", id, seg, res.StatusCode, b)
				}
				first = v.RedactedAt
			}
			if st := rc.status(t, ok, seg); kyc.FromProto(st.status.GetStatus()) != want {
				t.Errorf("%q: status after the redaction: %s, want %s (it stays)", id, st.raw, want)
			}
		}
		if st := rc.status(t, ok, "a"); kyc.FromProto(st.status.GetStatus()) != kyc.Pending {
			t.Errorf(`user "a" after the "a/…" users: %s, want pending`, st.raw)
		}
		// Nobody named "b" or "lead" came into being through a path split.
		for _, other := range []string{"b", "lead", "trail", "kyc-status"} {
			if res, b := rc.do(t, http.MethodDelete, "/widget/users/"+other, ok, nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("DELETE of the never-seen %q: %d %s", other, res.StatusCode, b)
			}
		}
	})
}

// restRoute is one route of the REST contract.
type restRoute struct{ method, path string }

// restRoutes reads every REST route from the gateway's HTTP rules, so a route added there
// is covered here without anyone remembering to.
func restRoutes(t *testing.T) []restRoute {
	t.Helper()
	b, err := os.ReadFile("../../proto/gateway.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out []restRoute
	for _, m := range regexp.MustCompile(`(?m)^\s+(get|post|put|patch|delete):\s*(\S+)\s*$`).FindAllStringSubmatch(string(b), -1) {
		out = append(out, restRoute{strings.ToUpper(m[1]), m[2]})
	}
	if len(out) < 4 {
		t.Fatalf("only %d routes in gateway.yaml: %v", len(out), out)
	}
	return out
}

// TestRESTWrongMethod: on every REST route, with plain and percent-encoded ids, any
// other method is 405 method_not_allowed with an Allow header naming exactly the methods
// the path has, and the usual JSON error body. Neither a form body nor
// X-HTTP-Method-Override turns a POST into the GET of the same path.
func TestRESTWrongMethod(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	p := srv.NewPartner(t, "Acme")
	srv.ForceStatus(t, p.PartnerID, "a/b", kyc.Verified, time.Time{})
	rc := &restClient{base: srv.URL}
	ok := call{token: p.ClientToken}
	routes := restRoutes(t)
	allowed := map[string][]string{} // concrete path -> methods
	var paths []string
	for _, r := range routes {
		for _, id := range []string{"user-1", "a%2Fb", "%C3%BC%20x"} {
			path := strings.ReplaceAll(r.path, "{partner_user_id}", id)
			if !slices.Contains(paths, path) {
				paths = append(paths, path)
			}
			if !slices.Contains(allowed[path], r.method) {
				allowed[path] = append(allowed[path], r.method)
			}
		}
	}
	for _, path := range paths {
		want := allowed[path]
		slices.Sort(want)
		for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "BREW"} {
			if slices.Contains(want, m) {
				continue
			}
			res, b := rc.do(t, m, path, ok, []byte(`{}`))
			allow := strings.Split(res.Header.Get("Allow"), ", ")
			slices.Sort(allow)
			if res.StatusCode != http.StatusMethodNotAllowed || !slices.Equal(allow, want) {
				t.Errorf("%s %s: %d Allow %q, want 405 Allow %q: %s", m, path, res.StatusCode, res.Header.Get("Allow"), want, b)
				continue
			}
			if m == http.MethodHead {
				continue // no body
			}
			if r := restErr(t, res, b); r.code != apierr.MethodNotAllowed || res.Header.Get("Content-Type") != "application/json" {
				t.Errorf("%s %s: body %s (%s)", m, path, b, res.Header.Get("Content-Type"))
			}
		}
	}
	// Form bodies and method overrides do not reach the GET route.
	for _, h := range []map[string]string{{"Content-Type": "application/x-www-form-urlencoded"}, {"X-HTTP-Method-Override": "GET"},
		{"Content-Type": "application/x-www-form-urlencoded", "X-HTTP-Method-Override": "GET"}} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/widget/users/a%2Fb/kyc-status", strings.NewReader("x=1"))
		setHeaders(req.Header, ok)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET" {
			t.Errorf("POST kyc-status with %v: %d Allow %q, want 405 GET", h, res.StatusCode, res.Header.Get("Allow"))
		}
	}
	// Unknown paths stay 404, with no Allow.
	for _, path := range []string{"/widget/nope", "/widget/users/a/b/c", "/widget/users/x/identity/more", "/widget/sessions"} {
		res, b := rc.do(t, http.MethodGet, path, ok, nil)
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Allow") != "" || !strings.Contains(string(b), `"error":"not_found"`) {
			t.Errorf("GET %s: %d Allow %q %s", path, res.StatusCode, res.Header.Get("Allow"), b)
		}
	}
}

// TestBadJSONBodies: a body that is not the request (bad JSON, unknown fields, wrong
// types) is 400 invalid_request with a message naming the problem and the field as sent,
// over REST and Connect JSON alike, never with protojson's text or positions.
func TestBadJSONBodies(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	p := srv.NewPartner(t, "Acme")
	ok := call{token: p.ClientToken}
	rc := &restClient{base: srv.URL}
	good, _ := json.Marshal(map[string]string{"partner_user_id": "u", "user_email": "a@b.co", "currency": "BTC",
		"fiat_currency": "EUR", "fiat_amount": "5"})
	with := func(extra string) string { return string(good[:len(good)-1]) + "," + extra + "}" }
	cases := []struct {
		body       string
		rest, conn string // wanted in the message; conn "" = Connect takes the body
	}{
		{with(`"amout":"1"`), `unknown field "amout"`, ""}, // Connect ignores unknown fields
		{`{"amount":5}`, `field "amount": expected a string`, `field "amount": expected a string`},
		{`{"partnerUserId":["u"]}`, `field "partnerUserId": expected a string`, `field "partnerUserId": expected a string`},
		{with(`"type":true`), `field "type": expected a string`, `field "type": expected a string`},
		{`{"partner_user_id":"u","partnerUserId":"v"}`, `field "partnerUserId" is given twice`, `field "partnerUserId" is given twice`},
		{`{"partner_user_id":`, `not valid JSON`, `not valid JSON`},
		{`{"partner_user_id":"u",}`, `not valid JSON`, `not valid JSON`},
		{`partner_user_id=u`, `not valid JSON`, `not valid JSON`},
		{`[{"partner_user_id":"u"}]`, `must be a JSON object`, `must be a JSON object`},
		{`{}{}`, `has more after its JSON object`, `has more after its JSON object`},
		{"{\"partner_user_id\":\"\xff\"}", `not valid UTF-8`, `not valid UTF-8`},
	}
	for _, c := range cases {
		r := rc.sessionRaw(t, ok, []byte(c.body))
		var v struct{ Message string }
		_ = json.Unmarshal(r.raw, &v)
		if r.code != apierr.InvalidRequest || !strings.Contains(v.Message, c.rest) {
			t.Errorf("REST %s: %q %s, want invalid_request with %q", c.body, r.code, r.raw, c.rest)
		}
		noParserText(t, "REST "+c.body, v.Message)

		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/rampart.partner.v1.PartnerService/CreateSession", bytes.NewReader([]byte(c.body)))
		req.Header.Set("Content-Type", "application/json")
		setHeaders(req.Header, ok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var ce struct{ Code, Message string }
		err = json.NewDecoder(res.Body).Decode(&ce)
		res.Body.Close()
		if c.conn == "" {
			if ce.Code == "invalid_argument" {
				t.Errorf("Connect %s: %+v, want the unknown field ignored", c.body, ce)
			}
			continue
		}
		if err != nil || res.StatusCode != http.StatusBadRequest || ce.Code != "invalid_argument" || !strings.Contains(ce.Message, c.conn) {
			t.Errorf("Connect %s: %d %+v, want invalid_argument with %q", c.body, res.StatusCode, ce, c.conn)
		}
		noParserText(t, "Connect "+c.body, ce.Message)
	}
}

func noParserText(t *testing.T, what, msg string) {
	t.Helper()
	for _, leak := range []string{"proto:", "(line", "line 1", "column", "unmarshal into", "*partnerv1", "syntax error"} {
		if strings.Contains(msg, leak) {
			t.Errorf("%s: message %q carries parser text %q", what, msg, leak)
		}
	}
}
