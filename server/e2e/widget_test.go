package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	browsertest "github.com/rampart-id/rampart/internal/browser"
	"github.com/rampart-id/rampart/kyc"
)

// faceVideo is the fake camera's picture for the selfie step: a real face that turns
// and comes closer in a loop (see liveFaceVideo).
func faceVideo() []image.Image {
	v, err := liveFaceVideo()
	if err != nil {
		panic(fmt.Sprintf("camera video: %v", err))
	}
	return v
}

// ScreenTimeout bounds the wait for a screen; the selfie step, with a face that makes
// the moves in a 12 s loop and the detector running in WebAssembly, takes longest.
const ScreenTimeout = 3 * time.Minute

// w runs actions inside the widget: in the iframe when frame is set, else top-level.
type w struct {
	t     *testing.T
	ctx   context.Context
	frame *chromedp.Node
}

func (x *w) opts() []chromedp.QueryOption {
	if x.frame == nil {
		return nil
	}
	return []chromedp.QueryOption{chromedp.FromNode(x.frame)}
}

func (x *w) do(what string, a ...chromedp.Action[chromedp.Void]) {
	x.t.Helper()
	x.doWithin(30*time.Second, what, a...)
}

func (x *w) doWithin(d time.Duration, what string, a ...chromedp.Action[chromedp.Void]) {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(x.ctx, d)
	defer cancel()
	if err := chromedp.Do(ctx, a...); err != nil {
		x.t.Fatalf("%s: %v\nscreen: %s", what, err, x.screenNow())
	}
}

func (x *w) screen(name string) {
	x.t.Helper()
	// The selfie step ends when the person has made the moves: that takes a while.
	x.doWithin(ScreenTimeout, "wait for screen "+name, chromedp.Query(chromedp.CSS(`main#rampart[data-screen="`+name+`"]`), x.opts()...))
}

func (x *w) click(id string) {
	x.t.Helper()
	sel := "#" + id
	if id == "agree" {
		// The server's consent button works once app.js has armed it; the widget's own
		// once the widget runs. A tap before either (a page still loading) does nothing.
		sel = `#agree[data-armed], html[data-widget="live"] #agree`
	}
	if x.frame != nil {
		// The frame takes each new screen's height (and the page's scroll may follow):
		// a click aimed before that lands would hit whatever moved under it.
		x.do("find "+sel, chromedp.Query(chromedp.CSS(sel), append(x.opts(), chromedp.NodeVisible)...))
		ctx, cancel := context.WithTimeout(x.ctx, 10*time.Second)
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](frameSettledJS, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil {
			x.t.Fatalf("the frame never settled: %v", err)
		}
	}
	x.do("click "+sel, chromedp.Click(chromedp.CSS(sel), append(x.opts(), chromedp.NodeVisible)...))
}

// frameSettledJS resolves once the widget's frame and the page's scroll have kept
// still for five animation frames.
const frameSettledJS = `new Promise(done => {
  let last = '', still = 0;
  (function tick() {
    const f = document.querySelector('iframe'), r = f ? f.getBoundingClientRect() : {top: 0, height: 0};
    const now = r.top + ',' + r.height + ',' + scrollY;
    still = now === last ? still + 1 : 0;
    last = now;
    if (still >= 5) done(true); else requestAnimationFrame(tick);
  })();
})`

func (x *w) upload(path string) {
	x.t.Helper()
	x.do("upload", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{path}, append(x.opts(), chromedp.NodeReady)...))
}

func (x *w) has(sel string) bool {
	ctx, cancel := context.WithTimeout(x.ctx, 3*time.Second)
	defer cancel()
	return chromedp.Do(ctx, chromedp.Query(chromedp.CSS(sel), x.opts()...)) == nil
}

func (x *w) text(sel string) string {
	ctx, cancel := context.WithTimeout(x.ctx, 10*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), x.opts()...))
	return s
}

func (x *w) screenNow() string {
	ctx, cancel := context.WithTimeout(x.ctx, 2*time.Second)
	defer cancel()
	r, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("main#rampart"), "data-screen", x.opts()...))
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	return r.Value
}

// openFromShop loads the partner page, asks for a session for user and returns the
// widget iframe.
func openFromShop(t *testing.T, ctx context.Context, e *env, user string) *w {
	t.Helper()
	x := &w{t: t, ctx: ctx}
	x.do("open shop", chromedp.Navigate(e.shopURL+"/"),
		chromedp.SetValue(chromedp.CSS("#user"), user),
		chromedp.Click(chromedp.CSS("#buy-btn")))
	// Wait for the widget's "ready" event: before it, the iframe node may still hold its
	// initial empty document.
	ctx2, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx2, chromedp.Poll[bool](`window.rampartEvents.some(e => e.type === 'ready')`,
		chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("widget never said ready: %v", err)
	}
	nodes, err := chromedp.Run(ctx2, chromedp.Nodes(chromedp.CSS("#kyc iframe")))
	if err != nil {
		t.Fatalf("no widget iframe: %v", err)
	}
	x.frame = nodes[0]
	return x
}

func (e *env) kycStatus(t *testing.T, user string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/widget/users/"+user+"/kyc-status", nil)
	req.Header.Set("Authorization", "Bearer "+e.partner.ClientToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v struct{ Status string }
	_ = json.NewDecoder(res.Body).Decode(&v)
	return v.Status
}

func TestFirstTimeUserToPendingThenReturning(t *testing.T) {
	e := newEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Video: faceVideo()})
	x := openFromShop(t, ctx, e, "alice+review")
	x.screen("consent")
	x.click("agree")
	x.screen("doc-type")
	x.click("doc-national_id")
	x.screen("capture-front")
	x.upload(documentFile(t, 11))
	x.screen("review-image")
	x.click("accept")
	x.screen("capture-back")
	x.upload(documentFile(t, 12))
	x.screen("review-image")
	x.click("accept")
	x.screen("liveness-intro")
	x.click("start-liveness")
	x.screen("verifying")
	if got := e.kycStatus(t, "alice+review"); got != "pending" {
		t.Fatalf("partner sees %q after submission, want pending", got)
	}
	events, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.rampartEvents.map(e => e.type)`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ready", "kyc_started", "kyc_submitted"} {
		if !slices.Contains(events, want) {
			t.Errorf("host page did not get %q; got %v", want, events)
		}
	}
	// The same user comes back: the widget shows the pending state.
	x = openFromShop(t, ctx, e, "alice+review")
	x.screen("pending")
}

func TestCameraDeniedShowsGuidanceAndUploadStillWorks(t *testing.T) {
	e := newEnv(t)
	// The camera exists, but the user presses "Block" on the permission prompt.
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.DeniedCamera, Video: faceVideo()})
	x := &w{t: t, ctx: ctx}
	x.do("open widget", chromedp.Navigate(widgetURL(t, e, "bob")))
	x.screen("consent")
	x.click("agree")
	x.screen("doc-type")
	x.click("doc-passport")
	x.screen("camera-denied")
	// Chromium on a computer: its own steps first, the others one tap away.
	if body := x.text("main#rampart"); !strings.Contains(body, "Chrome on a computer") || strings.Contains(body, "Settings › Safari") {
		t.Errorf("guidance does not put this browser first: %s", body)
	}
	x.do("open other devices", chromedp.Click(chromedp.CSS("#other-devices > summary"), append(x.opts(), chromedp.NodeVisible)...))
	if body := x.text("main#rampart"); !strings.Contains(body, "Settings › Safari") || !strings.Contains(body, "Android (Chrome)") {
		t.Errorf("other devices' guidance missing: %s", body)
	}
	if !x.has("#retry-camera") {
		t.Error("no retry button")
	}
	x.upload(documentFile(t, 21))
	x.screen("review-image")
	x.click("accept")
	x.screen("liveness-intro")
}

func TestNoCameraUploadsDocumentsAndExplainsLiveness(t *testing.T) {
	e := newEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera})
	x := &w{t: t, ctx: ctx}
	x.do("open widget", chromedp.Navigate(widgetURL(t, e, "carol")))
	x.screen("consent")
	x.click("agree")
	x.screen("doc-type")
	x.click("doc-passport")
	x.screen("capture-front")
	x.upload(documentFile(t, 31))
	x.screen("review-image")
	x.click("accept")
	x.screen("liveness-intro")
	x.click("start-liveness")
	x.screen("no-camera")
	if body := x.text("main#rampart"); !strings.Contains(strings.ToLower(body), "camera") {
		t.Errorf("no-camera screen does not mention the camera: %s", body)
	}
}

func TestReusedInitTokenShowsClearError(t *testing.T) {
	e := newEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera})
	x := &w{t: t, ctx: ctx}
	u := widgetURL(t, e, "dave")
	x.do("first open", chromedp.Navigate(u))
	x.screen("consent") // the server's page: the token is not spent yet
	x.click("agree")
	x.screen("doc-type") // the widget started the session: now it is
	x.do("second open", chromedp.Navigate("about:blank"), chromedp.Navigate(u))
	x.screen("error")
	code, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("main#rampart"), "data-error-code"))
	if err != nil || code.Value != "session_already_used" {
		t.Fatalf("error code %q (%v)", code.Value, err)
	}
	if body := x.text("main#rampart"); !strings.Contains(strings.ToLower(body), "already") {
		t.Errorf("message does not say the link was used: %s", body)
	}
}

func TestUnregisteredOriginCannotFrameWidget(t *testing.T) {
	e := newEnv(t)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><iframe id="f" src="` + e.srv.URL + `/embed/app?widget_id=` + e.partner.WidgetID + `"></iframe>`))
	}))
	defer evil.Close()
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera})
	x := &w{t: t, ctx: ctx}
	x.do("open evil page", chromedp.Navigate(evil.URL))
	time.Sleep(1500 * time.Millisecond)
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.FrameTree.ChildFrames) != 1 {
		t.Fatalf("child frames: %d", len(tree.FrameTree.ChildFrames))
	}
	child := tree.FrameTree.ChildFrames[0].Frame
	if strings.HasPrefix(child.URL, e.srv.URL) && child.UnreachableURL == "" {
		// Loaded: then it must not be the widget (CSP would have blocked it).
		nodes, _ := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#f")))
		fx := &w{t: t, ctx: ctx, frame: nodes[0]}
		if fx.has("main#rampart") {
			t.Fatalf("the widget rendered inside a page on an unregistered origin (frame %s)", child.URL)
		}
	}
	// The registered shop can frame it.
	y := openFromShop(t, ctx, e, "erin")
	y.screen("consent")
}

// widgetURL asks for a session over REST and returns the widget URL for a top-level open
// (the mobile-app way: /embed/app?widget_id=…#token=…).
func widgetURL(t *testing.T, e *env, user string) string {
	t.Helper()
	return newSession(t, e.srv.URL, e.partner.ClientToken, user).WidgetURL
}

// TestShellPaintsBeforeTheWidgetRuns: the server-rendered first screen paints and is
// interactive before the wasm widget takes over (times are logged for the record; speed
// targets live in `make bench`).
func TestShellPaintsBeforeTheWidgetRuns(t *testing.T) {
	e := newEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera})
	lt, err := browsertest.MeasureLoad(ctx, widgetURL(t, e, "ivan"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first contentful paint %.0f ms, interactive %.0f ms, widget %.0f ms; %d bytes first, %d lazy",
		lt.FirstPaint, lt.Interactive, lt.WidgetReady, lt.FirstScreenBytes, lt.LazyBytes)
	if lt.FirstPaint <= 0 || lt.Interactive >= lt.WidgetReady || lt.FirstScreenBytes <= 0 || lt.LazyBytes <= lt.FirstScreenBytes {
		t.Fatalf("the first screen did not come before the widget: %+v", lt)
	}
}

// TestNewTokenInTheSameWebviewRestarts: an app that loads a second widget_url into the
// same webview changes only the URL fragment; the widget starts the new session.
func TestNewTokenInTheSameWebviewRestarts(t *testing.T) {
	e := newEnv(t)
	e.srv.ForceStatus(t, e.partner.PartnerID, "judy", kyc.Verified, time.Now())
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera})
	x := &w{t: t, ctx: ctx}
	x.do("first session", chromedp.Navigate(widgetURL(t, e, "karl")))
	x.screen("consent")
	x.do("second session, same page", chromedp.Navigate(widgetURL(t, e, "judy")))
	x.screen("payment")
}
