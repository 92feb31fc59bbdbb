package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/rampart-id/rampart/document/doctest"
	"github.com/rampart-id/rampart/face/facetest"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	browsertest "github.com/rampart-id/rampart/internal/browser"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/webhook"
)

// hooks records the webhooks a partner receives.
type hooks struct {
	mu     sync.Mutex
	events []map[string]any
}

func (h *hooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ev map[string]any
	body, _ := io.ReadAll(r.Body)
	if json.Unmarshal(body, &ev) == nil {
		h.mu.Lock()
		h.events = append(h.events, ev)
		h.mu.Unlock()
	}
	w.WriteHeader(http.StatusNoContent)
}

// statusOf is the last status a kyc.status_changed webhook reported for user.
func (h *hooks) statusOf(user string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := ""
	for _, ev := range h.events {
		d, _ := ev["data"].(map[string]any)
		if ev["type"] == "kyc.status_changed" && d["partner_user_id"] == user {
			st, _ = d["status"].(string)
		}
	}
	return st
}

// has reports whether an event of the type was received for user.
func (h *hooks) has(typ, user string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ev := range h.events {
		if d, _ := ev["data"].(map[string]any); ev["type"] == typ && d["partner_user_id"] == user {
			return true
		}
	}
	return false
}

// consoleCase is a case made through the widget API for the console to work.
type consoleCase struct {
	user     string
	doc      *doctest.Spec
	capture  testserver.Capture
	expected string // the name the partner expects, "" for none
	reason   string // why it waits in review
	// how the reviewer decides it
	outcome, failReason, retry, note string
	want                             string // status afterwards
}

func TestConsoleWorksTheReviewQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the verifier on three cases and a browser")
	}
	srv := testserver.Start(t, testenv.PostgresURL(t))
	recv := httptest.NewServer(&hooks{})
	t.Cleanup(recv.Close)
	h := recv.Config.Handler.(*hooks)
	p := srv.CreatePartner(t, partner.NewPartner{Name: "Northwind Exchange", Test: true, WebhookURL: recv.URL})
	// Webhooks are delivered as `rampart serve` delivers them, logging to the server's log.
	hookCtx, stopHooks := context.WithCancel(context.Background())
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		webhook.New(srv.Store, srv.Keys, webhook.WithLogger(slog.New(slog.NewJSONHandler(srv.Logs, nil))),
			webhook.WithPollInterval(100*time.Millisecond)).Run(hookCtx)
	}()
	t.Cleanup(func() { stopHooks(); <-delivered })
	ctx := context.Background()
	now := time.Now()
	passport := func(seed int64, edit func(*doctest.Spec)) *doctest.Spec {
		d := doctest.Random(doctest.Passport, seed, now)
		d.Number = fmt.Sprintf("CON%06d", seed)
		if edit != nil {
			edit(&d)
		}
		return &d
	}
	// The first holder is verified automatically; the three cases after it each carry a
	// fraud signal, so each waits for a reviewer whatever else failed.
	holder := testserver.Capture{Seed: 11, Doc: passport(11, nil)}
	holderFace := holder.Portrait(t)
	cases := []consoleCase{
		// Another person's passport with the holder's face (already verified here): the
		// face does not match, and the face is a known one.
		{user: "swap-7", doc: passport(12, nil), reason: "duplicate_identity",
			capture: testserver.Capture{Seed: 12, Selfie: func(c liveness.Challenge) []facetest.Frame { return facetest.LiveVideo(holderFace, c) }},
			outcome: "failed", failReason: "face_mismatch", retry: "final", note: "Selfie is the holder of another account", want: "failed"},
		// An expired passport whose name is not the one the partner knows.
		{user: "late-3", doc: passport(13, func(d *doctest.Spec) { d.Expiry = now.AddDate(0, -3, 0).Truncate(24 * time.Hour) }),
			expected: "Zygmunt Quackenbush", reason: "identity_mismatch",
			outcome: "failed", failReason: "document_expired", retry: "retry", note: "Expired passport; ask for a current document", want: "failed"},
		// The holder's passport again, under another user id.
		{user: "dup-5", doc: holder.Doc, capture: holder, reason: "duplicate_identity",
			outcome: "verified", note: "Same holder re-registered after losing access (support ticket)", want: "verified"},
	}
	if err := srv.SubmitCase(t, srv.Widget(t, p, "holder-1"), holder); err != nil {
		t.Fatal(err)
	}
	waitConsole(t, 90*time.Second, "holder verified", func() bool {
		pr, err := srv.Store.Read().Profile(ctx, p.PartnerID, "holder-1")
		return err == nil && pr.Status == "verified"
	})
	pt, err := srv.Store.Read().PartnerByID(ctx, p.PartnerID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cases {
		c := &cases[i]
		c.capture.Doc = c.doc
		if c.expected != "" {
			_, err := srv.App.Partners.CreateSession(ctx, pt, &partnerv1.CreateSessionRequest{PartnerUserId: c.user, UserEmail: "late3@example.com",
				Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "50", ExpectedName: c.expected}, "")
			if e, ok := apierr.As(err); !ok || e.Code != apierr.KycRequired {
				t.Fatalf("session with expected name: %v", err)
			}
		}
		if err := srv.SubmitCase(t, srv.Widget(t, p, c.user), c.capture); err != nil {
			t.Fatalf("%s: %v", c.user, err)
		}
	}
	caseIDs := map[string]string{}
	for _, c := range cases {
		waitConsole(t, 90*time.Second, c.user+" in review", func() bool {
			var id string
			var needs bool
			err := srv.Store.DB().QueryRow(`SELECT id, needs_review FROM kyc_cases WHERE partner_id = $1 AND partner_user_id = $2`, p.PartnerID, c.user).Scan(&id, &needs)
			if err != nil || !needs {
				return false
			}
			reasons, _ := srv.Store.Read().ReviewReasons(ctx, id)
			if !slices.Contains(reasons, c.reason) {
				t.Fatalf("%s in review for %v, want %s", c.user, reasons, c.reason)
			}
			caseIDs[c.user] = id
			return true
		})
	}

	admin := operatorToken(t, srv, "ana", store.RoleAdmin)
	reviewer := operatorToken(t, srv, "rex", store.RoleReviewer)
	bctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera, Width: 1280, Height: 800})
	var urlsMu sync.Mutex
	var urls []string
	chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			urlsMu.Lock()
			urls = append(urls, e.Request.URL)
			urlsMu.Unlock()
		}
	})
	b := &consoleBrowser{t: t, ctx: bctx, base: srv.URL}
	if _, err := chromedp.Call(bctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}

	// Admin signs in and sees the three cases, oldest first.
	b.signIn(admin)
	rows := b.eval(`[...document.querySelectorAll("table.grid tbody tr a[href^='/console/cases/']")].map(a => a.getAttribute("href"))`)
	var hrefs []string
	_ = json.Unmarshal([]byte(rows), &hrefs)
	want := []string{}
	for _, c := range cases {
		want = append(want, "/console/cases/"+caseIDs[c.user])
	}
	if !slices.Equal(hrefs, want) {
		t.Fatalf("queue rows %v, want %v (oldest first)", hrefs, want)
	}
	b.screenshots("queue")

	for i, c := range cases {
		b.open(srv.URL+"/console/cases/"+caseIDs[c.user], "form.decide")
		page := b.eval(`document.querySelector("main").innerText`)
		for _, s := range []string{"Face match", "Checks", "History", "Document number"} {
			if !strings.Contains(page, s) {
				t.Errorf("%s: case page lacks %q", c.user, s)
			}
		}
		if ok := b.eval(`Promise.all([...document.images].map(i => i.complete ? 1 : new Promise(r => { i.onload = i.onerror = r; })))
			.then(() => [...document.images].filter(i => i.naturalWidth > 0).length >= 3)`); ok != "true" {
			t.Errorf("%s: fewer than 3 images loaded", c.user)
		}
		if i == 0 {
			b.screenshots("case")
		}
		b.eval(fmt.Sprintf(`((outcome, reason, retry, note) => { const f = document.querySelector("form.decide");
			f.querySelector("input[name=outcome][value=" + outcome + "]").click();
			if (reason) { f.querySelector("#reason").value = reason; f.querySelector("input[name=retry][value=" + retry + "]").click(); }
			f.querySelector("#note").value = note; f.requestSubmit(); return ""; })(%q, %q, %q, %q)`, c.outcome, c.failReason, c.retry, c.note))
		b.wait(".alert-ok")
	}
	for _, c := range cases {
		waitConsole(t, 30*time.Second, c.user+" webhook", func() bool { return h.statusOf(c.user) == c.want })
		pr, err := srv.Store.Read().Profile(ctx, p.PartnerID, c.user)
		if err != nil || string(pr.Status) != c.want {
			t.Errorf("%s: %s, want %s", c.user, pr.Status, c.want)
		}
	}

	// The audit page lists the views and decisions; the export downloads them.
	b.open(srv.URL+"/console/audit", "table.grid")
	audit := b.eval(`document.querySelector("table.grid").innerText`)
	for _, c := range cases {
		if !strings.Contains(audit, caseIDs[c.user]) {
			t.Errorf("audit page lacks case %s", c.user)
		}
	}
	for _, a := range []string{"case.view", "case.decide", "case.image", "console.sign_in"} {
		if !strings.Contains(audit, a) {
			t.Errorf("audit page lacks %s", a)
		}
	}
	// The export is a download: fetched with the browser's session cookie.
	if res, body := b.fetch("/console/audit.csv"); res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(body, "case.decide") {
		t.Errorf("admin export: %d %v", res.StatusCode, res.Header)
	}

	// An admin erases a user's data from the case page, after a confirmation.
	b.open(srv.URL+"/console/cases/"+caseIDs["late-3"], "#redact-h")
	b.eval(`document.querySelector("form[action='/console/redact']").requestSubmit(), ""`)
	b.wait("section.card.narrow .alert-bad")
	b.eval(`document.querySelector("input[name=confirm]").form.requestSubmit(), ""`)
	b.wait(".alert-ok")
	waitConsole(t, 30*time.Second, "kyc.redacted webhook", func() bool { return h.has("kyc.redacted", "late-3") })
	if ev, err := srv.Store.Read().ListAudit(ctx, store.AuditFilter{Action: "user.redact", Actor: "operator:ana"}); err != nil || len(ev) != 1 ||
		ev[0].PartnerUserID != "late-3" {
		t.Errorf("redaction audit: %+v %v", ev, err)
	}

	// Forged and missing CSRF tokens are refused (the page's own form, posted from the
	// console's origin, with its token changed or removed).
	for name, js := range map[string]string{"forged": `f.csrf.value = "AAAA" + f.csrf.value.slice(4);`, "missing": `f.csrf.remove();`} {
		b.open(srv.URL+"/console/search", "#s-user")
		b.eval(`(() => { const f = document.querySelector("form[action='/console/search']"); f.user_id.value = "dup-5"; ` + js + ` f.submit(); return ""; })()`)
		if got := b.refusal(); !strings.Contains(got, "403") {
			t.Errorf("%s CSRF token: %s", name, got)
		}
	}

	// Sign out: the old cookie is refused afterwards.
	old := b.cookie()
	b.eval(`document.querySelector("form[action='/console/sign-out']").requestSubmit(), ""`)
	b.wait("#token")
	req, _ := http.NewRequest("GET", srv.URL+"/console/queue", nil)
	req.AddCookie(old)
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil || res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/sign-in" {
		t.Fatalf("signed-out cookie: %v %v", res, err)
	}
	res.Body.Close()

	// A reviewer: no redact button, 403 on the redact post and on the export.
	b.signIn(reviewer)
	b.open(srv.URL+"/console/cases/"+caseIDs["dup-5"], "#hist-h")
	if n := b.eval(`document.querySelectorAll("form[action='/console/redact']").length`); n != "0" {
		t.Errorf("a reviewer sees %s redact forms", n)
	}
	b.eval(fmt.Sprintf(`(() => { const f = document.createElement("form"); f.method = "post"; f.action = "/console/redact";
		for (const [k, v] of Object.entries({csrf: document.querySelector("input[name=csrf]").value, partner_id: %q, user_id: "dup-5", confirm: "yes"})) {
			const i = document.createElement("input"); i.type = "hidden"; i.name = k; i.value = v; f.append(i);
		}
		document.body.append(f); f.submit(); return ""; })()`, p.PartnerID))
	if got := b.refusal(); !strings.Contains(got, "403") {
		t.Errorf("reviewer redact: %s", got)
	}
	for _, u := range []string{"/console/audit.csv", "/console/audit"} {
		b.open(srv.URL+u, "section.card.narrow p[role=alert]")
		if got := b.refusal(); !strings.Contains(got, "403") {
			t.Errorf("reviewer %s: %s", u, got)
		}
		if res, _ := b.fetch(u); res.StatusCode != http.StatusForbidden {
			t.Errorf("reviewer %s: %d", u, res.StatusCode)
		}
	}
	if ev, err := srv.Store.Read().ListAudit(ctx, store.AuditFilter{Action: "user.redact"}); err != nil || len(ev) != 1 {
		t.Errorf("redactions recorded after the reviewer's attempt: %v %v", ev, err)
	}

	// No personal data in any URL the browser asked for, nor in the server's log.
	var pii []string
	for _, d := range []*doctest.Spec{holder.Doc, cases[0].doc, cases[1].doc} {
		pii = append(pii, d.Number, d.Person.Surname, d.Person.GivenNames)
	}
	pii = append(pii, "u@example.com", "late3@example.com", cases[1].expected)
	urlsMu.Lock()
	defer urlsMu.Unlock()
	if len(urls) < 10 {
		t.Fatalf("only %d requests seen", len(urls))
	}
	logs := srv.Logs.String()
	if !strings.Contains(logs, `"route":"/console"`) {
		t.Fatal("the server logged no console request")
	}
	for _, s := range pii {
		if len(s) < 4 {
			continue
		}
		for _, u := range urls {
			if strings.Contains(strings.ToLower(u), strings.ToLower(s)) {
				t.Errorf("PII %q in a URL: %s", s, u)
			}
		}
		if strings.Contains(strings.ToLower(logs), strings.ToLower(s)) {
			t.Errorf("PII %q in the server log", s)
		}
	}
}

func operatorToken(t *testing.T, srv *testserver.Server, name string, role store.Role) string {
	t.Helper()
	tok, hash := srv.App.Auth.Tokens.New(auth.PrefixOperator)
	err := srv.Store.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.CreateOperatorToken(context.Background(), hash, store.Operator{Name: name, Role: role}, time.Now().Add(time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func waitConsole(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type consoleBrowser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// eval runs js in the page (awaiting a promise) and returns its JSON result.
func (b *consoleBrowser) eval(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("eval %.80s: %v", js, err)
	}
	return string(v)
}

func (b *consoleBrowser) wait(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("wait for %s: %v", sel, err)
	}
}

func (b *consoleBrowser) open(url, sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("open %s: %v", url, err)
	}
}

// refusal waits for the console's error page and returns its heading.
func (b *consoleBrowser) refusal() string {
	b.t.Helper()
	b.wait("section.card.narrow p[role=alert]")
	return b.eval(`document.querySelector("main h1").innerText`)
}

// cookie is the browser's console session cookie.
func (b *consoleBrowser) cookie() *http.Cookie {
	b.t.Helper()
	res, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.base + "/console/queue"}})
	if err != nil || len(res.Cookies) != 1 {
		b.t.Fatalf("cookies: %v %v", res, err)
	}
	c := res.Cookies[0]
	if !c.HTTPOnly || c.SameSite != network.CookieSameSiteStrict || c.Path != "/console" {
		b.t.Errorf("session cookie %+v", c)
	}
	return &http.Cookie{Name: c.Name, Value: c.Value}
}

// fetch gets path outside the page (the console's CSP allows the page no fetch) with
// the browser's session cookie.
func (b *consoleBrowser) fetch(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.base+path, nil)
	req.AddCookie(b.cookie())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func (b *consoleBrowser) signIn(token string) {
	b.t.Helper()
	b.open(b.base+"/console/", "#token")
	b.eval(fmt.Sprintf(`(() => { document.querySelector("#token").value = %q; document.querySelector("#token").form.requestSubmit(); return ""; })()`, token))
	b.wait("h1 .count")
}

// screenshots writes the page at two sizes in both themes to docs/console when
// RAMPART_UPDATE_SCREENSHOTS=1.
func (b *consoleBrowser) screenshots(name string) {
	b.t.Helper()
	if os.Getenv("RAMPART_UPDATE_SCREENSHOTS") != "1" {
		return
	}
	dir := filepath.Join("..", "..", "docs", "console")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	for _, vp := range []viewport{{1280, 800}, {1920, 1080}} {
		for _, scheme := range []string{"light", "dark"} {
			if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
				b.t.Fatal(err)
			}
			if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(vp.w, vp.h), chromedp.Sleep(300*time.Millisecond)); err != nil {
				b.t.Fatal(err)
			}
			shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
			if err != nil {
				b.t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%dx%d-%s.png", name, vp.w, vp.h, scheme)), shot, 0o644); err != nil {
				b.t.Fatal(err)
			}
		}
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}}); err != nil {
		b.t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		b.t.Fatal(err)
	}
}
