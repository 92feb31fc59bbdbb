package console_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/console"
	"github.com/rampart-id/rampart/server/reqctx"
	"github.com/rampart-id/rampart/server/store"
)

type env struct {
	t        *testing.T
	st       *store.Store
	srv      *httptest.Server
	reviews  *fakeReviews
	redactor *fakeRedactor
	tokens   *auth.Tagger
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, testenv.SQLiteURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, reviews: newFakeReviews(), redactor: &fakeRedactor{}, tokens: auth.NewTagger([]byte("0123456789abcdef0123456789abcdef"))}
	authn := &auth.Authenticator{Store: st, PerToken: auth.NewLimiter(100, 100), Failures: auth.NewLimiter(1, 5), Tokens: e.tokens}
	e.srv = httptest.NewUnstartedServer(nil)
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	e.srv.Config.Handler = withClientIP(console.New(console.Config{Store: st, Auth: authn, Reviews: e.reviews, Redactor: e.redactor, PublicURL: e.srv.URL}))
	return e
}

// withClientIP records the caller's address as the server's middleware does.
func withClientIP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		h.ServeHTTP(w, r.WithContext(reqctx.WithHTTP(r.Context(), &reqctx.HTTP{RemoteAddr: r.RemoteAddr, ClientIP: host, Header: r.Header})))
	})
}

// operator issues an operator token of the role.
func (e *env) operator(name string, role store.Role) string {
	tok, hash := e.tokens.New(auth.PrefixOperator)
	err := e.st.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.CreateOperatorToken(context.Background(), hash, store.Operator{Name: name, Role: role}, time.Now().Add(time.Hour))
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(method, path string, form url.Values, origin string) (*http.Response, string) {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.e.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(raw); m != nil {
		b.csrf = string(m[1])
	}
	return res, string(raw)
}

func (b *browser) get(path string) (*http.Response, string) { return b.do("GET", path, nil, "") }

// post sends a form from the console's own origin with the session's CSRF token.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	return b.do("POST", path, form, b.e.srv.URL)
}

func (b *browser) signIn(tok string) {
	b.e.t.Helper()
	res, _ := b.post("/console/sign-in", url.Values{"token": {tok}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/queue" {
		b.e.t.Fatalf("sign in: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := b.get("/console/queue"); res.StatusCode != 200 || b.csrf == "" {
		b.e.t.Fatalf("queue after sign in: %d, csrf %q", res.StatusCode, b.csrf)
	}
}

func (e *env) auditActions() []string {
	entries, err := e.st.Read().ListAudit(context.Background(), store.AuditFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, a := range entries {
		out = append(out, a.Action+" "+a.Actor)
	}
	return out
}

func TestSignInSessionCookieAndSignOut(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	// Without a session every page leads to the sign-in page.
	if res, _ := b.get("/console/queue"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/sign-in" {
		t.Fatalf("queue signed out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := b.get("/console/sign-in")
	if res.StatusCode != 200 || !strings.Contains(body, `<label for="token">`) {
		t.Fatalf("sign-in page: %d", res.StatusCode)
	}
	if got := res.Header.Get("Content-Security-Policy"); got != console.CSP {
		t.Fatalf("CSP %q", got)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "style=") {
		t.Fatal("inline script or style in the page")
	}
	// A wrong token is refused.
	if res, body := b.post("/console/sign-in", url.Values{"token": {"rpo_" + strings.Repeat("A", 43)}}); res.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(body, "not accepted") {
		t.Fatalf("bad token: %d", res.StatusCode)
	}
	// A sign-in from another origin is refused even with a good token.
	tok := e.operator("ana", store.RoleAdmin)
	if res, _ := b.do("POST", "/console/sign-in", url.Values{"token": {tok}}, "https://evil.example"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin sign-in: %d", res.StatusCode)
	}
	res, _ = b.post("/console/sign-in", url.Values{"token": {tok}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	var ck *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "rampart_console" {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/console" || ck.Secure ||
		ck.MaxAge != int(12*time.Hour/time.Second) || len(ck.Value) < 40 {
		t.Fatalf("session cookie: %+v", ck)
	}
	if strings.Contains(ck.Value, tok) {
		t.Fatal("the cookie carries the operator token")
	}
	res, body = b.get("/console/queue")
	if res.StatusCode != 200 || !strings.Contains(body, "user-42") || !strings.Contains(body, "/console/cases/"+caseID) {
		t.Fatalf("queue: %d", res.StatusCode)
	}
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("headers: %v", res.Header)
	}
	if a := e.reviews.actors[len(e.reviews.actors)-1]; a.ID != "operator:ana" || a.Role != store.RoleAdmin || a.Address != "127.0.0.1" {
		t.Fatalf("actor %+v", a)
	}
	// Sign out: the old cookie no longer opens anything.
	old := *ck
	if res, _ := b.post("/console/sign-out", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.StatusCode)
	}
	replay := e.browser()
	u, _ := url.Parse(e.srv.URL + "/console/")
	replay.c.Jar.SetCookies(u, []*http.Cookie{&old})
	if res, _ := replay.get("/console/queue"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signed-out cookie reached the queue: %d", res.StatusCode)
	}
	replay.csrf = b.csrf
	if res, _ := replay.post("/console/cases/"+caseID+"/decide", url.Values{"outcome": {"verified"}, "note": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("signed-out cookie posted a decision: %d", res.StatusCode)
	}
	got := strings.Join(e.auditActions(), "|")
	if !strings.Contains(got, audit.SignIn+" operator:ana") || !strings.Contains(got, audit.SignOut+" operator:ana") {
		t.Fatalf("audit: %s", got)
	}
}

func TestRevokedTokenEndsSession(t *testing.T) {
	e := newEnv(t)
	tok := e.operator("rev", store.RoleReviewer)
	b := e.browser()
	b.signIn(tok)
	if _, err := e.st.Read().RevokeOperatorTokens(context.Background(), "rev", nil); err != nil {
		t.Fatal(err)
	}
	if res, _ := b.get("/console/queue"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/sign-in" {
		t.Fatalf("revoked token's session: %d", res.StatusCode)
	}
}

func TestCSRFAndOrigin(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.operator("ana", store.RoleReviewer))
	decide := "/console/cases/" + caseID + "/decide"
	form := func() url.Values { return url.Values{"outcome": {"verified"}, "note": {"documents look genuine"}} }
	for name, f := range map[string]url.Values{
		"missing": form(),
		"forged":  func() url.Values { v := form(); v.Set("csrf", strings.Repeat("x", len(b.csrf))); return v }(),
	} {
		if name == "missing" {
			f.Set("csrf", "")
			res, _ := b.do("POST", decide, f, e.srv.URL)
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("%s csrf: %d", name, res.StatusCode)
			}
			continue
		}
		if res, _ := b.post(decide, f); res.StatusCode != http.StatusForbidden {
			t.Fatalf("%s csrf: %d", name, res.StatusCode)
		}
	}
	// The right token from another origin, or with neither Origin nor Referer.
	f := form()
	f.Set("csrf", b.csrf)
	if res, _ := b.do("POST", decide, f, "https://evil.example"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: %d", res.StatusCode)
	}
	if res, _ := b.do("POST", decide, f, ""); res.StatusCode != http.StatusForbidden {
		t.Fatalf("no origin: %d", res.StatusCode)
	}
	if n := e.reviews.called("Decide"); n != 0 {
		t.Fatalf("a refused post reached the domain %d times", n)
	}
	res, _ := b.post(decide, form())
	if res.StatusCode != http.StatusSeeOther || e.reviews.decision.Note != "documents look genuine" || !e.reviews.decision.Verified {
		t.Fatalf("decide: %d %+v", res.StatusCode, e.reviews.decision)
	}
	res, _ = b.post(decide, url.Values{"outcome": {"failed"}, "reason": {"face_mismatch"}, "retry": {"final"}, "note": {"another person"}})
	if d := e.reviews.decision; res.StatusCode != http.StatusSeeOther || d.Verified || d.Reason != "face_mismatch" || d.RetryAllowed {
		t.Fatalf("fail final: %d %+v", res.StatusCode, d)
	}
	// A note is required.
	if res, _ := b.post(decide, url.Values{"outcome": {"verified"}, "note": {"  "}}); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("no note: %d", res.StatusCode)
	}
}

func TestCasePageAndImages(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.operator("rev", store.RoleReviewer))
	res, body := b.get("/console/cases/" + caseID)
	if res.StatusCode != 200 {
		t.Fatalf("case: %d", res.StatusCode)
	}
	for _, want := range []string{
		"Face match:</strong> distance 0.47 between the selfie and the document photo; the same person at most 0.40 — needs a reviewer",
		"Document front: sharpness", "MUSTERMANN", "C01X00T47", "/console/cases/" + caseID + "/images/" + frontID + "/mrz",
		`action="/console/cases/` + caseID + `/decide"`, `<label for="note">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	if strings.Contains(body, "/console/redact") {
		t.Error("a reviewer sees the redact button")
	}
	res, raw := b.get("/console/cases/" + caseID + "/images/" + frontID)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || res.Header.Get("Cache-Control") != "no-store" ||
		res.Header.Get("X-Content-Type-Options") != "nosniff" || !bytes.Equal([]byte(raw), e.reviews.images[frontID].Data) {
		t.Fatalf("image: %d %v", res.StatusCode, res.Header)
	}
	// An image stored with a type the console does not render is a download, never HTML.
	res, _ = b.get("/console/cases/" + caseID + "/images/" + frameID)
	if res.Header.Get("Content-Type") != "application/octet-stream" || res.Header.Get("Content-Disposition") != "attachment" {
		t.Fatalf("odd image type served as %v", res.Header)
	}
	// The MRZ crop is the bottom zone: dark, and a third of the height.
	res, raw = b.get("/console/cases/" + caseID + "/images/" + frontID + "/mrz")
	crop, err := jpeg.Decode(strings.NewReader(raw))
	if res.StatusCode != 200 || err != nil {
		t.Fatalf("mrz crop: %d %v", res.StatusCode, err)
	}
	if bnd := crop.Bounds(); bnd.Dx() != 300 || bnd.Dy() < 55 || bnd.Dy() > 70 {
		t.Fatalf("crop size %v", bnd)
	}
	if r, _, _, _ := crop.At(150, crop.Bounds().Dy()-5).RGBA(); r > 0x2000 {
		t.Fatalf("crop's bottom is not the dark zone: %x", r)
	}
	if res, _ := b.get("/console/cases/" + caseID + "/images/66666666-6666-4666-8666-666666666666"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("image of another case: %d", res.StatusCode)
	}
	if res, _ := b.get("/console/cases/not-a-uuid"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("bad case id: %d", res.StatusCode)
	}
}

func TestQueueFilters(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.operator("rev", store.RoleReviewer))
	res, body := b.get("/console/queue?partner=" + partID + "&reason=face_match_uncertain&age=4h")
	if res.StatusCode != 200 {
		t.Fatalf("queue: %d", res.StatusCode)
	}
	if f := e.reviews.filter; f.PartnerID != partID || f.Reason != "face_match_uncertain" || f.OlderThan != 4*time.Hour {
		t.Fatalf("filter %+v", f)
	}
	if !strings.Contains(body, "Face match uncertain") || !strings.Contains(body, "Acme Wallet") {
		t.Fatal("counts missing")
	}
	if res, _ := b.get("/console/queue?reason=nonsense"); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown reason: %d", res.StatusCode)
	}
}

func TestSearchIsAPostAndReset(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.operator("rev", store.RoleReviewer))
	b.get("/console/search")
	res, body := b.post("/console/search", url.Values{"partner_id": {partID}, "user_id": {"user-42"}})
	if res.StatusCode != 200 || !strings.Contains(body, "/console/cases/"+caseID) {
		t.Fatalf("search: %d", res.StatusCode)
	}
	res, _ = b.post("/console/reset", url.Values{"partner_id": {partID}, "user_id": {"user-42"}, "note": {"support ticket 9"}})
	if res.StatusCode != 200 || e.reviews.reset != [3]string{partID, "user-42", "support ticket 9"} {
		t.Fatalf("reset: %d %v", res.StatusCode, e.reviews.reset)
	}
}

func TestRolesRedactAndAudit(t *testing.T) {
	e := newEnv(t)
	rev := e.browser()
	rev.signIn(e.operator("rev", store.RoleReviewer))
	if res, _ := rev.post("/console/redact", url.Values{"partner_id": {partID}, "user_id": {"user-42"}, "confirm": {"yes"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("reviewer redact: %d", res.StatusCode)
	}
	for _, p := range []string{"/console/audit", "/console/audit.csv"} {
		if res, _ := rev.get(p); res.StatusCode != http.StatusForbidden {
			t.Fatalf("reviewer %s: %d", p, res.StatusCode)
		}
	}
	if len(e.redactor.calls) != 0 || e.reviews.called("ExportAudit") != 0 {
		t.Fatal("a reviewer reached redaction or export")
	}

	adm := e.browser()
	adm.signIn(e.operator("ana", store.RoleAdmin))
	_, body := adm.get("/console/cases/" + caseID)
	if !strings.Contains(body, `action="/console/redact"`) {
		t.Fatal("an admin sees no redact button")
	}
	// The first post asks to confirm; only the second erases.
	res, body := adm.post("/console/redact", url.Values{"partner_id": {partID}, "user_id": {"user-42"}})
	if res.StatusCode != 200 || !strings.Contains(body, "cannot be undone") || len(e.redactor.calls) != 0 {
		t.Fatalf("confirm step: %d, %d calls", res.StatusCode, len(e.redactor.calls))
	}
	res, _ = adm.post("/console/redact", url.Values{"partner_id": {partID}, "user_id": {"user-42"}, "confirm": {"yes"}})
	if res.StatusCode != 200 || len(e.redactor.calls) != 1 || e.redactor.calls[0] != [2]string{partID, "user-42"} {
		t.Fatalf("redact: %d %v", res.StatusCode, e.redactor.calls)
	}
	res, body = adm.get("/console/audit?action=case.view&since=2026-01-01")
	if res.StatusCode != 200 || !strings.Contains(body, "operator:ana") || !strings.Contains(body, "/console/audit.csv?action=case.view&amp;since=2026-01-01") {
		t.Fatalf("audit page: %d", res.StatusCode)
	}
	res, body = adm.get("/console/audit.csv?action=case.view")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(body, "id,at,actor,action\n") ||
		!strings.Contains(body, "case.view") {
		t.Fatalf("export: %d %v %q", res.StatusCode, res.Header, body)
	}
	if res, _ := adm.get("/console/audit?case=nope"); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad filter: %d", res.StatusCode)
	}
}

func TestStaticAssets(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	for _, p := range []string{"/console/static/console.css", "/console/static/console.js"} {
		res, body := b.get(p)
		if res.StatusCode != 200 || len(body) < 100 {
			t.Fatalf("%s: %d", p, res.StatusCode)
		}
	}
	if res, _ := b.get("/console/static/"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("directory listing: %d", res.StatusCode)
	}
}

// Behind TLS the cookie takes the __Host- prefix, which requires Secure and Path=/.
func TestSecureCookieBehindHTTPS(t *testing.T) {
	e := newEnv(t)
	const public = "https://console.example"
	e.srv.Config.Handler = console.New(console.Config{Store: e.st, Auth: &auth.Authenticator{Store: e.st, PerToken: auth.NewLimiter(100, 100),
		Failures: auth.NewLimiter(1, 5), Tokens: e.tokens}, Reviews: e.reviews, PublicURL: public})
	b := e.browser()
	// The public origin is the only one a post may come from.
	if res, _ := b.do("POST", "/console/sign-in", url.Values{"token": {e.operator("ana", store.RoleAdmin)}}, e.srv.URL); res.StatusCode != http.StatusForbidden {
		t.Fatalf("post from another origin than the public URL: %d", res.StatusCode)
	}
	res, _ := b.do("POST", "/console/sign-in", url.Values{"token": {e.operator("ana", store.RoleAdmin)}}, public)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	cks := res.Cookies()
	if len(cks) != 1 || cks[0].Name != "__Host-rampart_console" || !cks[0].Secure || cks[0].Path != "/" || !cks[0].HttpOnly ||
		cks[0].SameSite != http.SameSiteStrictMode || cks[0].Domain != "" {
		t.Fatalf("cookie %+v", cks)
	}
}
