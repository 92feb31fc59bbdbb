package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	browsertest "github.com/rampart-id/rampart/internal/browser"
	"github.com/rampart-id/rampart/server/store"
)

// cspWatch records Content-Security-Policy violations of every page from its start.
const cspWatch = `window.__csp = []; document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`

const axeRun = `axe.run(document).then(res => {
  const bad = res.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
  if (res.passes.length < 10) bad.push('axe-core passed only ' + res.passes.length + ' rules');
  return bad;
})`

// TestPagesInChromium loads every page in headless Chromium under the real CSP: the
// stylesheet and script load, nothing is blocked, axe-core finds no serious problem,
// and the script's zoom and decide-form behaviour work.
func TestPagesInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	e := newEnv(t)
	tok := e.operator("ana", store.RoleAdmin)
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera, Width: 1280, Height: 800})
	axe := browsertest.AxeSource(t)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch}); err != nil {
		t.Fatal(err)
	}
	eval := func(js string) string {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		v, err := chromedp.Run(c, chromedp.Evaluate[json.RawMessage](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("eval %.60s: %v", js, err)
		}
		return string(v)
	}
	open := func(path, sel string) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(c, chromedp.Navigate(e.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
	}
	check := func(what string) {
		t.Helper()
		if got := eval(`JSON.stringify(window.__csp)`); got != `"[]"` {
			t.Errorf("%s: CSP violations %s", what, got)
		}
		if bg := eval(`getComputedStyle(document.body).backgroundColor`); bg != `"rgb(244, 245, 247)"` {
			t.Errorf("%s: stylesheet not applied (body background %s)", what, bg)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
			t.Fatal(err)
		}
		var bad []string
		_ = json.Unmarshal([]byte(eval(axeRun)), &bad)
		for _, b := range bad {
			t.Errorf("axe on %s: %s", what, b)
		}
	}

	open("/console/", "#token")
	check("sign-in")
	eval(fmt.Sprintf(`document.querySelector("#token").value = %q; document.querySelector("#token").form.requestSubmit(); ""`, tok))
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	if err := chromedp.Do(c, chromedp.WaitVisible(chromedp.CSS("h1 .count"))); err != nil {
		t.Fatalf("queue after sign-in: %v", err)
	}
	cancel()
	check("queue")

	open("/console/cases/"+caseID, "form.decide")
	check("case")
	if got := eval(`(() => { const b = document.querySelector(".zoomable .zoom"); b.click();
		return b.closest(".zoomable").classList.contains("zoomed") + " " + b.getAttribute("aria-pressed"); })()`); got != `"true true"` {
		t.Errorf("zoom: %s", got)
	}
	if got := eval(`(() => { document.querySelector("input[name=outcome][value=verified]").click();
		const hidden = getComputedStyle(document.querySelector(".when-failed")).display === "none";
		document.querySelector("input[name=outcome][value=failed]").click();
		return hidden + " " + (getComputedStyle(document.querySelector(".when-failed")).display !== "none"); })()`); got != `"true true"` {
		t.Errorf("decide form: %s", got)
	}
	if got := eval(`[...document.images].length > 0 && [...document.images].every(i => i.complete)`); got != "true" {
		t.Errorf("images: %s", got)
	}

	open("/console/search", "#s-user")
	check("search")
	open("/console/audit", "table.grid")
	check("audit")
}
