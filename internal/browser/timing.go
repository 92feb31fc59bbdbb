package browser

import (
	"context"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// observeInteractive is injected before any page script (CDP-injected scripts are not
// subject to the page's CSP): it notes when the widget first leaves its loading screen.
const observeInteractive = `new MutationObserver(function () {
  var m = document.getElementById('rampart');
  if (m && m.dataset.screen && m.dataset.screen !== 'loading' && !window.__rampartInteractive) {
    window.__rampartInteractive = performance.now();
  }
}).observe(document, {subtree: true, attributes: true, childList: true});`

// LoadTimes are milliseconds from navigation start.
type LoadTimes struct {
	FirstPaint  float64 // first contentful paint: the HTML/CSS shell
	Interactive float64 // the widget rendered its first real screen (wasm running)
}

// MeasureLoad opens url in the tab and reports when it painted and became interactive.
func MeasureLoad(ctx context.Context, url string) (LoadTimes, error) {
	var lt LoadTimes
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: observeInteractive}); err != nil {
		return lt, err
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return lt, err
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var err error
	if lt.Interactive, err = chromedp.Run(wctx, chromedp.Poll[float64](`window.__rampartInteractive`, chromedp.WithPollingInterval(10*time.Millisecond))); err != nil {
		return lt, err
	}
	lt.FirstPaint, err = chromedp.Run(wctx, chromedp.Poll[float64](
		`(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime`, chromedp.WithPollingInterval(10*time.Millisecond)))
	return lt, err
}
