package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	browsertest "github.com/rampart-id/rampart/internal/browser"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/locale"
)

// dialogPage is a partner page that opens the widget without a host element (the
// dialog) from a button, on a page long enough to scroll.
func dialogPage(e *pageEnv, s session, lang string) string {
	return e.page("/dialog-"+lang, `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>
<script src="`+e.srv.URL+`/embed/rampart.js"></script></head><body>
<button id="open">Verify my identity</button><div style="height:3000px"></div>
<script>
window.events = [];
document.getElementById('open').addEventListener('click', function () {
  Rampart.open({initToken: `+jsString(s.InitToken)+`, widgetId: `+jsString(s.WidgetID)+`, lang: `+jsString(lang)+`,
    onEvent: function (e) { window.events.push(e.type); }});
});
</script></body></html>`)
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// TestDialogHasNameCloseButtonEscapeAndTrapsFocus: without a host the widget opens in a
// modal dialog named in the user's language, with a labelled close button (axe-core
// finds no serious violation in it); Tab never
// leaves it, the page behind does not scroll, Escape (with focus inside the widget)
// closes it and focus returns to the button that opened it. At laptop size the dialog
// is never taller than the window.
func TestDialogHasNameCloseButtonEscapeAndTrapsFocus(t *testing.T) {
	e := newPageEnv(t)
	axeSrc := browsertest.AxeSource(t)
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera})
	for _, tc := range []struct {
		lang string
		vp   viewport
	}{{"es", viewport{1280, 800}}, {"en", viewport{360, 740}}} {
		tx := locale.New(tc.lang)
		x := &w{t: t, ctx: ctx}
		x.do("open page", chromedp.EmulateViewport(tc.vp.w, tc.vp.h), chromedp.Navigate(dialogPage(e, e.session(t, "dialog-"+tc.lang), tc.lang)),
			chromedp.Click(chromedp.CSS("#open"), chromedp.NodeVisible))
		// Before the ready event the frame may still hold its initial empty document.
		ctx2, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err := chromedp.Run(ctx2, chromedp.Poll[bool](`window.events.includes('ready')`, chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err != nil {
			t.Fatalf("%s: the widget never said ready: %v", tc.lang, err)
		}
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("[role=dialog] iframe")))
		if err != nil {
			t.Fatal(err)
		}
		x.frame = nodes[0]
		firstScreen(x)
		got := eval[struct{ Modal, Label, Title, Close, Focused string }](t, ctx, `(() => {
		  const d = document.querySelector('[role=dialog]');
		  const b = d.querySelector('button');
		  return {Modal: d.getAttribute('aria-modal'), Label: d.getAttribute('aria-label') || '', Title: d.querySelector('iframe').title,
		          Close: b.getAttribute('aria-label') || '', Focused: d.contains(document.activeElement) ? 'inside' : document.activeElement.tagName};
		})()`)
		want := struct{ Modal, Label, Title, Close, Focused string }{"true", tx.T("header"), tx.T("header"), tx.T("close"), "inside"}
		if got != want {
			t.Errorf("%s dialog %+v, want %+v", tc.lang, got, want)
		}
		// The close button is visible: inside the window and drawn over nothing else.
		if !eval[bool](t, ctx, `(() => { const r = document.querySelector('[role=dialog] button').getBoundingClientRect();
		  return r.width >= 24 && r.height >= 24 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight &&
		    document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2).closest('button') !== null; })()`) {
			t.Errorf("%s: the close button is not visible", tc.lang)
		}
		// The page behind does not scroll under the wheel, over the dialog or beside it.
		for _, at := range [][2]float64{{4, 4}, {float64(tc.vp.w) / 2, float64(tc.vp.h) / 2}} {
			if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
				Type: input.DispatchMouseEventTypeMouseWheel, X: at[0], Y: at[1], DeltaX: 1, DeltaY: 900}); err != nil {
				t.Fatal(err)
			}
		}
		inWidget[bool](x, settleJS)
		if y := eval[float64](t, ctx, `window.scrollY`); y != 0 {
			t.Errorf("%s: the page behind the dialog scrolled to %v", tc.lang, y)
		}
		// The dialog fits the window; the widget scrolls inside it when it must.
		if !eval[bool](t, ctx, `(() => { const r = document.querySelector('[role=dialog] iframe').getBoundingClientRect();
		  return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5; })()`) {
			t.Errorf("%s %v: the dialog is larger than the window", tc.lang, tc.vp)
		}
		checkLayout(x, "dialog "+tc.lang+" "+tc.vp.String())
		// The loader's part of the dialog, on the partner's page, passes axe-core too.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSrc+";true")); err != nil {
			t.Fatalf("inject axe-core: %v", err)
		}
		ctxA, cancelA := context.WithTimeout(ctx, 60*time.Second)
		bad, err := chromedp.Run(ctxA, chromedp.Evaluate[[]string](`axe.run(document.querySelector('[role=dialog]'), {iframes: false}).then(res =>
		  res.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))`,
			chromedp.EvalAwaitPromise))
		cancelA()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range bad {
			t.Errorf("%s: axe on the dialog: %s", tc.lang, v)
		}
		// Tab cycles through the dialog only: the close button and the widget's frame.
		for i := range 12 {
			x.do("tab", chromedp.KeyEvent(kb.Tab))
			where := eval[string](t, ctx, `(() => { const a = document.activeElement; const d = document.querySelector('[role=dialog]');
			  return a && d.contains(a) ? (a.tagName === 'IFRAME' ? 'frame' : 'dialog') : (a ? a.tagName + '#' + a.id : 'none'); })()`)
			if where != "frame" && where != "dialog" {
				t.Fatalf("%s: Tab %d left the dialog for %s", tc.lang, i+1, where)
			}
		}
		// Escape with the focus inside the widget closes the dialog.
		x.do("focus the widget", chromedp.Focus(chromedp.CSS("main#rampart h1"), x.opts()...))
		x.do("escape", chromedp.KeyEvent(kb.Escape))
		ctx2, cancel = context.WithTimeout(ctx, 10*time.Second)
		_, err = chromedp.Run(ctx2, chromedp.Poll[bool](`!document.querySelector('[role=dialog]')`, chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err != nil {
			t.Fatalf("%s: Escape did not close the dialog", tc.lang)
		}
		if after := eval[string](t, ctx, `document.activeElement.id + ' ' + window.events.includes('close') + ' ' + getComputedStyle(document.documentElement).overflow`); after != "open true visible" {
			t.Errorf("%s: after Escape (focus, close event, page overflow) = %q, want \"open true visible\"", tc.lang, after)
		}
	}
}

// TestTopLevelCloseGoesToRedirectURL: opened directly (as a mobile app does), Close goes
// to the redirect_url on a registered origin with the KYC status; a redirect_url on any
// other origin is ignored and the widget says the page can be closed.
func TestTopLevelCloseGoesToRedirectURL(t *testing.T) {
	e := newPageEnv(t)
	done := e.page("/done", `<!doctype html><title>Back in the shop</title><p id="back">Back in the shop</p>`)
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera})
	for _, tc := range []struct{ user, redirect, want string }{
		{"close-ok", done, done + "?status=verified"},
		{"close-evil", "https://evil.example/phish", ""},
	} {
		e.srv.ForceStatus(t, e.partner.PartnerID, tc.user, kyc.Verified, time.Now())
		s := e.session(t, tc.user)
		x := &w{t: t, ctx: ctx}
		x.do("open", chromedp.Navigate(s.WidgetURL+"&redirect_url="+url.QueryEscape(tc.redirect)))
		x.screen("payment")
		x.click("close")
		if tc.want == "" {
			x.screen("closed")
			if body := x.text("main#rampart"); !strings.Contains(body, locale.New("en").T("closed_title")) {
				t.Errorf("closed screen says %q", body)
			}
			continue
		}
		x.do("back in the shop", chromedp.Query(chromedp.CSS("#back")))
		if href := eval[string](t, ctx, `location.href`); href != tc.want {
			t.Fatalf("Close went to %s, want %s", href, tc.want)
		}
	}
}
