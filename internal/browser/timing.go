package browser

import (
	"context"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// observeWidget is injected before any page script (CDP-injected scripts are not subject
// to the page's CSP): it notes when the WebAssembly widget takes the page over.
const observeWidget = `new MutationObserver(function () {
  if (!window.__rampartWidget && document.documentElement.getAttribute('data-widget') === 'live') {
    window.__rampartWidget = performance.now();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-widget']});`

// LoadTimes are milliseconds from navigation start, and bytes on the wire.
type LoadTimes struct {
	FirstPaint float64 // first contentful paint: the server-rendered first screen
	// Interactive is when the first screen is painted and its "I agree" handled: the
	// later of the first paint and app.js arming the button (performance mark
	// "rampart-interactive").
	Interactive float64
	WidgetReady float64 // the WebAssembly widget took the page over
	// FirstScreenBytes are the bytes transferred (encoded, with headers) for responses
	// complete by Interactive; LazyBytes those of everything after (the widget).
	FirstScreenBytes, LazyBytes int
}

// Throttle is DevTools emulation of a slow device: network conditions for every request
// and a CPU slowdown factor.
type Throttle struct {
	DownloadBps, UploadBps float64 // bits per second
	Latency                time.Duration
	CPUSlowdown            float64
}

// SlowPhone is the budget's reference: 1.6 Mbps down, 750 kbps up, 150 ms, 4× CPU.
var SlowPhone = &Throttle{DownloadBps: 1.6e6, UploadBps: 750e3, Latency: 150 * time.Millisecond, CPUSlowdown: 4}

const loadReport = `(() => {
  const mark = performance.getEntriesByName('rampart-interactive')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  if (!mark || !fcp || !window.__rampartWidget) return null;
  const interactive = Math.max(mark.startTime, fcp.startTime);
  const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
  let first = 0, lazy = 0;
  for (const e of entries) {
    if (e.responseEnd <= interactive) first += e.transferSize; else lazy += e.transferSize;
  }
  return {FirstPaint: fcp.startTime, Interactive: interactive, WidgetReady: window.__rampartWidget,
          FirstScreenBytes: first, LazyBytes: lazy};
})()`

// MeasureLoad opens url in the tab (cache disabled), throttled when th is not nil, and
// reports when it painted, became interactive and when the widget took over.
func MeasureLoad(ctx context.Context, url string, th *Throttle) (LoadTimes, error) {
	var lt LoadTimes
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: observeWidget}); err != nil {
		return lt, err
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		return lt, err
	}
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		return lt, err
	}
	if th != nil {
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Latency: float64(th.Latency.Milliseconds()),
				DownloadThroughput: th.DownloadBps / 8, UploadThroughput: th.UploadBps / 8}}}); err != nil {
			return lt, err
		}
		if _, err := chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: th.CPUSlowdown}); err != nil {
			return lt, err
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return lt, err
	}
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var err error
	lt, err = chromedp.Run(wctx, chromedp.Poll[LoadTimes](loadReport, chromedp.WithPollingInterval(50*time.Millisecond)))
	return lt, err
}
