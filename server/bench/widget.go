package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/rampart-id/rampart/internal/browser"
)

type widgetResult struct {
	Transferred map[string]int // asset → bytes on the wire (brotli where offered)
	Total       int
	// One entry per throttled cold load, each sorted.
	FirstPaint, Interactive, WidgetReady []float64 // ms
	FirstScreenBytes, LazyBytes          []int
}

// widgetLoads is how many throttled cold loads the medians are taken over.
const widgetLoads = 5

// measureWidget loads the widget in headless Chromium on loopback, throttled as a slow
// phone (browser.SlowPhone: DevTools network and CPU emulation), several times.
func measureWidget(ctx context.Context, c config) (widgetResult, error) {
	var res widgetResult
	s := &server{db: "sqlite://" + tempDB(), env: append(os.Environ(), "RAMPART_MASTER_KEY="+masterKey)}
	if err := s.start(c); err != nil {
		return res, err
	}
	defer s.stop()
	res.Transferred = map[string]int{}
	page, err := s.widgetURL(ctx, "bench-assets")
	if err != nil {
		return res, err
	}
	page, _, _ = strings.Cut(strings.TrimPrefix(page, s.url), "#")
	for _, asset := range []string{"app", "app.js", "widget.css", "wasm_exec.js", "widget.wasm"} {
		path := "/embed/" + asset
		if asset == "app" {
			path = page // the consent page of the partner's widget_id
		}
		req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
		req.Header.Set("Accept-Encoding", "br, gzip")
		r, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			return res, err
		}
		n, _ := io.Copy(io.Discard, r.Body)
		r.Body.Close()
		res.Transferred[asset] = int(n)
		res.Total += int(n)
	}
	exe := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		return res, fmt.Errorf("no Chromium on PATH: widget timings skipped")
	}
	for i := 0; i < widgetLoads; i++ {
		lt, err := s.loadOnce(ctx, exe, fmt.Sprintf("load-%d", i))
		if err != nil {
			return res, err
		}
		fmt.Fprintf(os.Stderr, "load %d: %+v\n", i, lt)
		res.FirstPaint = append(res.FirstPaint, lt.FirstPaint)
		res.Interactive = append(res.Interactive, lt.Interactive)
		res.WidgetReady = append(res.WidgetReady, lt.WidgetReady)
		res.FirstScreenBytes = append(res.FirstScreenBytes, lt.FirstScreenBytes)
		res.LazyBytes = append(res.LazyBytes, lt.LazyBytes)
	}
	slices.Sort(res.FirstPaint)
	slices.Sort(res.Interactive)
	slices.Sort(res.WidgetReady)
	slices.Sort(res.FirstScreenBytes)
	slices.Sort(res.LazyBytes)
	return res, nil
}

// loadOnce opens the widget in a fresh browser (cold cache) and times it.
func (s *server) loadOnce(ctx context.Context, exe, user string) (lt browser.LoadTimes, err error) {
	tb := &benchTB{}
	defer tb.cleanup()
	defer func() {
		if r := recover(); r != nil {
			if r != any(tb) {
				panic(r)
			}
			err = fmt.Errorf("%s", tb.err)
		}
	}()
	bctx := browser.New(tb, browser.Options{ExecPath: exe, Camera: browser.NoCamera})
	wurl, err := s.widgetURL(ctx, user)
	if err != nil {
		return lt, err
	}
	return browser.MeasureLoad(bctx, wurl, browser.SlowPhone)
}

func (s *server) widgetURL(ctx context.Context, user string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/widget/session",
		strings.NewReader(`{"partner_user_id":"`+user+`","user_email":"b@example.com","currency":"BTC","fiat_currency":"EUR","fiat_amount":"1"}`))
	req.Header.Set("Authorization", "Bearer "+s.token)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	i := strings.Index(string(b), `"widget_url":"`)
	if i < 0 {
		return "", fmt.Errorf("no widget_url: %s", b)
	}
	rest := string(b)[i+len(`"widget_url":"`):]
	return rest[:strings.IndexByte(rest, '"')], nil
}

func tempDB() string {
	dir, _ := os.MkdirTemp("", "rampart-bench-widget-")
	return dir + "/w.db"
}

// benchTB lets the test browser harness run outside `go test`.
type benchTB struct {
	cleanups []func()
	dirs     []string
	err      string
}

func (b *benchTB) Helper() {}
func (b *benchTB) TempDir() string {
	d, _ := os.MkdirTemp("", "rampart-bench-chrome-")
	b.dirs = append(b.dirs, d)
	return d
}
func (b *benchTB) Cleanup(f func())                  { b.cleanups = append(b.cleanups, f) }
func (b *benchTB) Fatalf(format string, args ...any) { b.err = fmt.Sprintf(format, args...); panic(b) }
func (b *benchTB) Logf(string, ...any)               {}
func (b *benchTB) Failed() bool                      { return b.err != "" }
func (b *benchTB) cleanup() {
	for i := len(b.cleanups) - 1; i >= 0; i-- {
		b.cleanups[i]()
	}
	for _, d := range b.dirs {
		os.RemoveAll(d)
	}
}
