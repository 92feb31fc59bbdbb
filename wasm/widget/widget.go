// Package widget is the end-user KYC flow: screens, their order and the calls to the
// widget API. It knows the page only through the Browser interface, so the same code runs
// in WebAssembly (browser_js.go) and in native unit tests (fakebrowser.go).
package widget

import (
	"context"
	"errors"
	"github.com/rampart-id/rampart/locale"
	"strings"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// Widget runs the flow. All state is owned by the loop goroutine in Run: user events,
// API results and timers are posted to it as closures, so nothing needs a lock.
type Widget struct {
	b    Browser
	api  rpc.API
	opts Options
	t    locale.Texts

	queue chan func()
	root  context.Context

	sess   *widgetv1.StartSessionResponse
	state  *widgetv1.KycState
	status kyc.Status // last status announced to the host page

	// The current screen. gen changes on every render so results of work started for an
	// earlier screen are dropped; cancel stops that work (camera, status stream, timers).
	screen  string
	gen     int
	sctx    context.Context
	cancel  context.CancelFunc
	actions map[string]func()
	onFile  func(Photo, error)

	doc  widgetv1.DocumentType
	side widgetv1.DocumentSide

	faces *faceCache // the face networks of the selfie step, loaded once
	auto  autoCapture

	keptDocument bool // a retry after a selfie-only failure: the server kept the document
	height       int  // content height last measured, sent to the host as the resize event
	agreed       bool // the user tapped "I agree" (perhaps before the session was known)
}

// New builds a widget; Run starts it.
func New(b Browser, api rpc.API, opts Options) *Widget {
	if opts.Lang == "" {
		opts.Lang = "en"
	}
	w := &Widget{b: b, api: api, opts: opts, t: locale.New(opts.Lang), queue: make(chan func(), 64)}
	w.faces = &faceCache{load: func(ctx context.Context) (poseFinder, error) { return loadNets(ctx, b) }}
	return w
}

// Run shows the widget and handles events until ctx ends.
func (w *Widget) Run(ctx context.Context) error {
	w.root = ctx
	w.sctx, w.cancel = context.WithCancel(ctx)
	w.actions = map[string]func(){}
	w.takeOver()
	w.b.Listen(func(e Event) { w.post(func() { w.handle(e) }) })
	w.watchHeight()
	w.b.SetTheme(w.t.Lang, w.opts.Accent, onAccent(w.opts.Accent))
	w.b.Patch("brand-title", esc(w.t.T("header")))
	w.startSession()
	for {
		select {
		case <-ctx.Done():
			w.cancel()
			w.b.StopCamera()
			return ctx.Err()
		case f := <-w.queue:
			f()
		}
	}
}

// post runs f on the loop. Only goroutines other than the loop may call it.
func (w *Widget) post(f func()) {
	select {
	case w.queue <- f:
	case <-w.root.Done():
	}
}

// later returns a function that runs f on the loop if the current screen is still shown.
func (w *Widget) later() func(f func()) {
	gen := w.gen
	return func(f func()) {
		w.post(func() {
			if w.gen == gen {
				f()
			}
		})
	}
}

// async runs work off the loop and its returned continuation (if any) back on the loop,
// unless the screen changed meanwhile. work gets the screen's context.
func (w *Widget) async(work func(ctx context.Context) func()) {
	ctx, then := w.sctx, w.later()
	go func() {
		if f := work(ctx); f != nil {
			then(f)
		}
	}()
}

func (w *Widget) handle(e Event) {
	switch e.Type {
	case Click:
		if f := w.actions[e.ID]; f != nil {
			f()
		}
	case FilePicked:
		if w.onFile != nil {
			w.onFile(e.Photo, e.Err)
		}
	case Escape:
		if w.opts.Dialog { // Escape closes a dialog, never a widget placed in the page
			w.close("")
		}
	}
}

// render shows a new screen: it stops the previous screen's work and handlers.
func (w *Widget) render(name, html string, attrs map[string]string, announce string) {
	w.cancel()
	w.b.StopCamera()
	w.gen++
	w.sctx, w.cancel = context.WithCancel(w.root)
	w.actions = map[string]func(){}
	w.onFile = nil
	w.screen = name
	w.b.Render(View{Name: name, HTML: html, Attrs: attrs, Announce: announce})
}

// on binds a click handler to a button of the current screen.
func (w *Widget) on(id string, f func()) { w.actions[id] = f }

// emit posts an event to every registered origin of the partner, never to "*": the
// messages must not leak to a page that merely framed the widget.
func (w *Widget) emit(typ string, kv ...string) {
	msg := map[string]string{"source": "rampart", "type": typ}
	for i := 0; i+1 < len(kv); i += 2 {
		msg[kv[i]] = kv[i+1]
	}
	for _, o := range w.sess.GetPartnerOrigins() {
		if strings.HasPrefix(o, "https://") || strings.HasPrefix(o, "http://") {
			w.b.PostMessage(msg, o)
		}
	}
}

func (w *Widget) startSession() {
	if w.opts.Token == "" && w.opts.Handoff == "" {
		w.showError("missing_token", nil)
		return
	}
	if !w.prerendered() {
		w.showLoading()
	}
	// Not bound to the screen: a tap on the server's "I agree" while this runs shows
	// "preparing", and the session must still arrive.
	ctx := w.root
	go func() {
		res, err := w.openSession(ctx)
		w.post(func() {
			switch {
			case err != nil && w.viaHandoff():
				w.handoffFailed(err)
			case err != nil:
				w.fail(err, w.startSession)
			default:
				w.started(res)
			}
		})
	}()
}

// openSession exchanges the page's init token, or on a phone the handoff code, for a
// widget session.
func (w *Widget) openSession(ctx context.Context) (*widgetv1.StartSessionResponse, error) {
	if w.viaHandoff() {
		res, err := w.api.RedeemHandoff(ctx, &widgetv1.RedeemHandoffRequest{Code: w.opts.Handoff, WidgetId: w.opts.WidgetID})
		return res.GetSession(), err
	}
	return w.api.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: w.opts.Token, WidgetId: w.opts.WidgetID})
}

// viaHandoff reports whether this page continues, on a phone, a session begun on a
// computer.
func (w *Widget) viaHandoff() bool { return w.opts.Handoff != "" }

// started takes the session StartSession (or RedeemHandoff) opened.
func (w *Widget) started(res *widgetv1.StartSessionResponse) {
	w.sess = res
	w.api.SetToken(res.GetWidgetToken())
	w.emit("ready")
	w.emitHeight()
	w.state = res.GetState()
	w.status = kyc.FromProto(w.state.GetStatus())
	w.route()
}

// route shows the screen for the current KYC state.
func (w *Widget) route() {
	switch w.status {
	case kyc.Verified:
		w.showPayment()
	case kyc.Pending:
		w.showPending()
	case kyc.Failed:
		w.showFailed()
	default:
		w.consentStep()
	}
}

// setState records a new state and tells the host page when the status changed.
func (w *Widget) setState(st *widgetv1.KycState) {
	if st == nil {
		return
	}
	w.state = st
	if s := kyc.FromProto(st.GetStatus()); s != "" && s != w.status {
		w.status = s
		w.emit("kyc_status_changed", "status", string(s))
	}
}

// fail shows the error screen for an API error; retry (if allowed for the error) repeats
// the failed step.
func (w *Widget) fail(err error, retry func()) {
	slug := slugOf(err)
	if slug == "consent_required" && w.sess != nil {
		// The case lacks the user's consent (a case from before consent was asked for):
		// ask for it, then start over.
		w.sess.ConsentGiven = false
		w.showConsent()
		return
	}
	switch slug {
	case "session_already_used", "session_expired", "unauthorized", "forbidden_origin", "not_found":
		retry = nil // repeating cannot help; the user needs a new link
	}
	w.showErrorRef(slug, requestIDOf(err), retry)
}

// requestIDOf is the id of the failed request, "" when the server never answered.
func requestIDOf(err error) string {
	var re *rpc.Error
	if errors.As(err, &re) {
		return re.RequestID
	}
	return ""
}

// slugOf maps an API error to Rampart's error slug.
func slugOf(err error) string {
	var re *rpc.Error
	if !errors.As(err, &re) {
		return "internal_error"
	}
	if re.Slug != "" {
		return re.Slug
	}
	switch re.Code {
	case "unauthenticated", "permission_denied":
		return "unauthorized"
	case "unavailable", "deadline_exceeded":
		return "unavailable"
	case "resource_exhausted":
		return "rate_limit_exceeded"
	case "invalid_argument":
		return "invalid_request"
	case "not_found":
		return "not_found"
	}
	return "internal_error"
}
