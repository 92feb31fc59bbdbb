package e2e

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	browsertest "github.com/rampart-id/rampart/internal/browser"
)

// focusJS describes the focused element of the widget's document: where it is, whether
// its focus is visible (an outline of at least 2 px, as widget.css draws on
// :focus-visible) and what it is.
const focusJS = `function () {
  const a = document.activeElement;
  if (!a || a === document.body) return {ID: 'body'};
  const s = getComputedStyle(a);
  const r = a.getBoundingClientRect();
  const sy = window.scrollY;
  // A visually hidden file input shows its focus on the label button after it.
  const shown = a.classList.contains('file-input') && a.nextElementSibling ? getComputedStyle(a.nextElementSibling) : s;
  return {ID: a.id || a.tagName.toLowerCase(), Top: r.top + sy, Left: r.left, Bottom: r.bottom + sy,
    Visible: (shown.outlineStyle !== 'none' && parseFloat(shown.outlineWidth) >= 2) || shown.boxShadow !== 'none',
    Primary: a.matches('.actions button.primary')};
}`

type focused struct {
	ID                string
	Top, Left, Bottom float64
	Visible, Primary  bool
}

// axeJS runs axe-core (injected before) on the document and lists the serious and
// critical violations.
const axeJS = `async function () {
  const res = await axe.run(document);
  const bad = res.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
  // An engine that checked (almost) nothing would pass any page.
  if (res.passes.length < 10) bad.push('axe-core passed only ' + res.passes.length + ' rules');
  return bad;
}`

// axeCheck fails the test for every serious or critical axe-core violation on the
// current screen.
func axeCheck(x *w, axeSrc string) {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(x.ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSrc+";true")); err != nil {
		x.t.Fatalf("inject axe-core: %v", err)
	}
	screen := x.screenNow()
	for _, v := range inWidget[[]string](x, axeJS) {
		x.t.Errorf("axe on %s: %s", screen, v)
	}
}

// tabTo presses Tab until stop says the focused element is the one wanted, checking on
// the way that focus is always visible and moves in reading order (down the screen,
// or rightwards within a row). It returns the focused element.
func tabTo(x *w, stop func(focused) bool) focused {
	x.t.Helper()
	var prev *focused
	for range 15 {
		x.do("tab", chromedp.KeyEvent(kb.Tab))
		f := inWidget[focused](x, focusJS)
		if f.ID == "body" {
			x.t.Fatalf("%s: Tab left the widget's controls", x.screenNow())
		}
		if !f.Visible {
			x.t.Errorf("%s: focus on #%s is not visible", x.screenNow(), f.ID)
		}
		if prev != nil && f.Top < prev.Top-1 && !(f.Bottom > prev.Top && f.Left > prev.Left) {
			x.t.Errorf("%s: focus went up from #%s to #%s (not the visual order)", x.screenNow(), prev.ID, f.ID)
		}
		if stop(f) {
			return f
		}
		prev = &f
	}
	x.t.Fatalf("%s: 15 Tabs did not reach the control", x.screenNow())
	return focused{}
}

// TestKeyboardOnlyRunThroughWithAxe: from the first screen to the selfie step with the
// keyboard only (Tab, Enter, Space), focus always visible and in visual order; axe-core
// finds no serious or critical violation on any screen on the way.
func TestKeyboardOnlyRunThroughWithAxe(t *testing.T) {
	e := newPageEnv(t)
	axeSrc := browsertest.AxeSource(t)
	doc := cameraPersonPassport(t, 51)
	ctx := browsertest.New(t, browsertest.Options{Video: []image.Image{doc, doc}, Width: 390, Height: 844})
	x := &w{t: t, ctx: ctx}
	x.do("open", chromedp.Navigate(e.session(t, "keys").WidgetURL))
	first := firstScreen(x)
	axeCheck(x, axeSrc)
	// Through the first screen(s) to the document choice with the primary action.
	for screen := first; screen != "doc-type"; screen = x.screenNow() {
		tabTo(x, func(f focused) bool { return f.Primary })
		x.do("enter", chromedp.KeyEvent(kb.Enter))
		waitLeave(x, screen)
		if s := x.screenNow(); s != "doc-type" {
			axeCheck(x, axeSrc)
		}
	}
	x.screen("doc-type")
	axeCheck(x, axeSrc)
	tabTo(x, func(f focused) bool { return f.ID == "doc-passport" })
	x.do("space", chromedp.KeyEvent(" "))
	x.screen("capture-front")
	x.do("camera ready", chromedp.Query(chromedp.CSS("#capture:not([disabled])"), x.opts()...))
	axeCheck(x, axeSrc)
	tabTo(x, func(f focused) bool { return f.ID == "capture" })
	x.do("enter", chromedp.KeyEvent(kb.Enter))
	x.screen("review-image")
	axeCheck(x, axeSrc)
	// "Use this photo" (or "Use anyway" when the in-browser check doubts the shot).
	tabTo(x, func(f focused) bool { return f.ID == "accept" })
	x.do("enter", chromedp.KeyEvent(kb.Enter))
	x.screen("liveness-intro")
	axeCheck(x, axeSrc)
	tabTo(x, func(f focused) bool { return f.Primary })
	x.do("enter", chromedp.KeyEvent(kb.Enter))
	x.screen("liveness") // the selfie step: from here the camera gesture leads
	axeCheck(x, axeSrc)
}

// waitLeave waits until the widget shows a screen other than screen (and not loading).
func waitLeave(x *w, screen string) {
	x.t.Helper()
	x.do("leave "+screen, chromedp.Query(chromedp.CSS(`main#rampart[data-screen]:not([data-screen="`+screen+`"]):not([data-screen="loading"])`), x.opts()...))
}
