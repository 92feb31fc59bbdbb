package e2e

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	browsertest "github.com/rampart-id/rampart/internal/browser"
	"github.com/rampart-id/rampart/locale"
)

// outsideCardJS lists what breaks the layout of the widget's document: content outside
// the card (<main id="rampart">, the whole width on phones) or the header, text wider
// than its box, a page that scrolls sideways. Elements inside a box that clips its
// overflow are judged by that box.
const outsideCardJS = `function () {
  const bad = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) bad.push('page scrolls sideways: ' + doc.scrollWidth + ' > ' + doc.clientWidth);
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined && el.className ? '.' + String(el.className).trim().replace(/\s+/g, '.') : '');
  const r2s = (r) => '[' + Math.round(r.left) + ',' + Math.round(r.top) + ' ' + Math.round(r.right) + ',' + Math.round(r.bottom) + ']';
  const check = (box) => {
    const card = box.getBoundingClientRect();
    if (card.left < -0.5 || card.right > doc.clientWidth + 0.5) bad.push(name(box) + ' ' + r2s(card) + ' wider than the page ' + doc.clientWidth);
    const clipped = (el) => {
      for (let p = el.parentElement; p && p !== box; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX !== 'visible' || s.overflowY !== 'visible') return true;
      }
      return false;
    };
    for (const el of box.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      if (!el.checkVisibility({contentVisibilityAuto: true}) || s.display === 'none' || s.visibility === 'hidden' || el.closest('.sr-only') || el.classList.contains('file-input')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || clipped(el)) continue;
      if (r.left < card.left - 0.5 || r.right > card.right + 0.5 || r.top < card.top - 0.5 || r.bottom > card.bottom + 0.5) {
        bad.push(name(el) + ' ' + r2s(r) + ' outside ' + name(box) + ' ' + r2s(card));
      }
      if ((s.overflowX === 'visible') && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'svg') {
        bad.push(name(el) + ' text overflows: ' + el.scrollWidth + ' > ' + el.clientWidth);
      }
    }
  };
  check(this);
  const bar = document.querySelector('.bar');
  if (bar) check(bar);
  return bad.slice(0, 8);
}`

// settle waits for two animation frames, so a viewport or media change is laid out.
const settleJS = `function () { return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))); }`

// checkLayout fails the test for anything outside the card at the current viewport.
func checkLayout(x *w, what string) {
	x.t.Helper()
	inWidget[bool](x, settleJS)
	if bad := inWidget[[]string](x, outsideCardJS); len(bad) > 0 {
		x.t.Errorf("%s: %s", what, strings.Join(bad, "; "))
	}
}

// checkScreenshot compares a screenshot with the page background: outside the card and
// below the header, every pixel must be the plain background (nothing drawn outside).
func checkScreenshot(x *w, what string) {
	x.t.Helper()
	type rect struct{ L, T, R, B float64 }
	geo := inWidget[struct {
		Card rect
		Bar  float64
		DPR  float64
	}](x, `function () {
	  window.scrollTo(0, 0);
	  const r = this.getBoundingClientRect();
	  return {Card: {L: r.left, T: r.top, R: r.right, B: r.bottom}, Bar: document.querySelector('.bar').getBoundingClientRect().bottom, DPR: devicePixelRatio};
	}`)
	inWidget[bool](x, settleJS)
	ctx, cancel := context.WithTimeout(x.ctx, 30*time.Second)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		x.t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		x.t.Fatal(err)
	}
	b := img.Bounds()
	// The background is what the corner below the header shows.
	bg := img.At(b.Min.X+2, b.Max.Y-2)
	br, bgG, bb, _ := bg.RGBA()
	off := 0
	var first image.Point
	s := geo.DPR
	for y := int(geo.Bar*s) + 2; y < b.Max.Y; y++ {
		for xx := b.Min.X; xx < b.Max.X; xx++ {
			// Leave out the card and its shadow (24 px blur).
			fx, fy := float64(xx)/s, float64(y)/s
			if fx > geo.Card.L-28 && fx < geo.Card.R+28 && fy > geo.Card.T-28 && fy < geo.Card.B+28 {
				continue
			}
			r, g, bl, _ := img.At(xx, y).RGBA()
			if absDiff(r, br) > 0x0800 || absDiff(g, bgG) > 0x0800 || absDiff(bl, bb) > 0x0800 {
				if off == 0 {
					first = image.Pt(xx, y)
				}
				off++
			}
		}
	}
	if off > 0 {
		x.t.Errorf("%s: %d pixels drawn outside the card (first at %v)", what, off, first)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// firstScreen waits until the widget shows a screen other than loading and returns it.
func firstScreen(x *w) string {
	x.t.Helper()
	x.do("wait for the first screen", chromedp.Query(chromedp.CSS(`main#rampart[data-screen]:not([data-screen="loading"])`), x.opts()...))
	return x.screenNow()
}

// TestLayoutFitsEveryViewportLanguageAndTheme: no part of the widget leaves its card (or
// the page) on the first screen, the document choice and the camera-blocked help (the
// tallest screen), at phone
// to laptop sizes, in every language, light and dark; on the card layouts a screenshot
// shows nothing drawn outside the card.
func TestLayoutFitsEveryViewportLanguageAndTheme(t *testing.T) {
	e := newPageEnv(t)
	still := image.NewRGBA(image.Rect(0, 0, 64, 48))
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.DeniedCamera, Video: []image.Image{still}})
	for _, lang := range locale.Languages() {
		x := &w{t: t, ctx: ctx}
		s := e.session(t, "layout-"+lang)
		x.do("open "+lang, chromedp.EmulateViewport(360, 740), chromedp.Navigate(s.WidgetURL+"&lang="+lang))
		first := firstScreen(x)
		screens := []struct {
			name string
			next func()
		}{
			// One tap on "I agree" leads to the document choice. (Pressing whatever
			// primary button shows until that screen comes raced the widget taking
			// over the server's page: a press aimed at the consent could wait on the
			// document choice, which has none.)
			{first, func() { x.click("agree") }},
			{"doc-type", func() { x.click("doc-passport") }},
			{"camera-denied", nil},
		}
		for _, sc := range screens {
			x.screen(sc.name)
			for _, scheme := range []string{"light", "dark"} {
				colorScheme(t, ctx, scheme)
				for _, vp := range layoutViewports {
					x.do("viewport", chromedp.EmulateViewport(vp.w, vp.h))
					what := lang + " " + sc.name + " " + scheme + " " + vp.String()
					checkLayout(x, what)
					if vp.w >= 560 && scheme == "dark" {
						checkScreenshot(x, what)
					}
				}
			}
			x.do("viewport", chromedp.EmulateViewport(360, 740))
			if sc.next != nil {
				sc.next()
			}
		}
	}
}

// TestReadmeSnippetShowsTheWholeFirstScreen: the README's embed snippet, verbatim, on a
// partner page: the frame takes the height of the first screen, so nothing is cut off
// and the widget does not scroll inside it.
func TestReadmeSnippetShowsTheWholeFirstScreen(t *testing.T) {
	e := newPageEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera})
	for _, vp := range []viewport{{320, 568}, {360, 740}, {1280, 800}} {
		s := e.session(t, "readme-"+vp.String())
		url := e.page("/readme-"+vp.String(), `<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head><body>
<script>var initToken = `+jsString(s.InitToken)+`, widgetId = `+jsString(s.WidgetID)+`;</script>
`+readmeSnippet(t, e)+`</body></html>`)
		x := &w{t: t, ctx: ctx}
		x.do("open", chromedp.EmulateViewport(vp.w, vp.h), chromedp.Navigate(url))
		// The loader resizes the frame to the height the widget reports.
		ctx2, cancel := context.WithTimeout(ctx, 20*time.Second)
		fits, err := chromedp.Run(ctx2, chromedp.Poll[bool](`(() => { const f = document.querySelector('#kyc iframe');
		  return !!f && f.getBoundingClientRect().height >= 200 && f.getBoundingClientRect().height !== 560; })()`, chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err != nil || !fits {
			t.Fatalf("%v: the frame was never resized: %v", vp, err)
		}
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#kyc iframe")))
		if err != nil {
			t.Fatal(err)
		}
		x.frame = nodes[0]
		first := firstScreen(x)
		// The screen's own resize event makes its way to the loader within a moment.
		got := inWidget[struct{ Scroll, Inner float64 }](x, `async function () {
		  for (let i = 0; i < 100 && document.documentElement.scrollHeight > innerHeight + 1; i++) await new Promise(r => setTimeout(r, 50));
		  return {Scroll: document.documentElement.scrollHeight, Inner: innerHeight}; }`)
		if got.Scroll > got.Inner+1 {
			t.Errorf("%v %s: the frame (%v px) cuts the screen off (%v px)", vp, first, got.Inner, got.Scroll)
		}
		frameBox, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ L, R, W float64 }](`(() => {
		  const r = document.querySelector('#kyc iframe').getBoundingClientRect();
		  return {L: r.left, R: r.right, W: document.documentElement.clientWidth}; })()`))
		if err != nil {
			t.Fatal(err)
		}
		if frameBox.L < 0 || frameBox.R > frameBox.W+0.5 {
			t.Errorf("%v: the frame [%v,%v] is wider than the page %v", vp, frameBox.L, frameBox.R, frameBox.W)
		}
		checkLayout(x, "readme "+vp.String()+" "+first)
		events, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#kyc iframe').length`))
		if events != 1 {
			t.Errorf("%v: %d frames", vp, events)
		}
	}
}
