package widget

import (
	"context"
	"strconv"
	"strings"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/kyc"
)

// offerHandoff reports whether to offer "Continue on your phone": on a computer, unless
// this page already is the phone a handoff opened.
func (w *Widget) offerHandoff() bool { return w.b.Device().Desktop() && !w.viaHandoff() }

// handoffFailed explains why a phone link cannot be used: it says what to do on the
// computer, since the phone has no other way in.
func (w *Widget) handoffFailed(err error) {
	slug := slugOf(err)
	var msg string
	switch slug {
	case "session_already_used":
		msg = w.t.T("ho_err_used")
	case "session_expired":
		msg = w.t.T("ho_err_expired")
	case "unauthorized", "invalid_request":
		msg = w.t.T("ho_err_bad")
	default:
		w.fail(err, w.startSession)
		return
	}
	html := w.layout(page{icon: `<div class="hero-bad">` + iconFailed + `</div>`, title: w.t.T("ho_err_title"), lead: msg, center: true})
	w.render("error", html, map[string]string{"data-error-code": slug}, msg)
	w.emit("error", "code", slug)
}

// startHandoff asks for a phone link; back is where "Continue on this device" returns.
func (w *Widget) startHandoff(back func()) {
	w.showLoading()
	w.async(func(ctx context.Context) func() {
		res, err := w.api.CreateHandoff(ctx, &widgetv1.CreateHandoffRequest{})
		return func() {
			if err != nil {
				w.fail(err, func() { w.startHandoff(back) })
				return
			}
			w.showHandoff(res, back)
		}
	})
}

// showHandoff shows the phone link as a QR code and follows the user's progress on the
// phone: verifying once it submits, then the verified screen and the payment step.
func (w *Widget) showHandoff(h *widgetv1.CreateHandoffResponse, back func()) {
	minutes := (int(h.GetValidSeconds()) + 30) / 60
	var b strings.Builder
	b.WriteString(`<figure class="qr" id="handoff-qr" data-handoff-url="` + esc(h.GetUrl()) + `">`)
	b.WriteString(qrSVG(int(h.GetQrSize()), h.GetQrModules(), w.t.T("ho_qr_label")))
	b.WriteString(`</figure><p class="handoff-note">` + esc(w.t.T("ho_link")) + `</p><p class="handoff-link">` + esc(h.GetUrl()) + `</p>`)
	b.WriteString(`<p class="handoff-note">` + esc(w.t.T("ho_expires", "minutes", strconv.Itoa(max(1, minutes)))) + `</p>`)
	b.WriteString(`<p id="status-line" class="status-line">` + esc(w.t.T("ho_waiting")) + `</p>`)
	actions := button("handoff-new", "secondary", w.t.T("ho_new")) + button("handoff-here", "secondary", w.t.T("ho_here"))
	html := w.layout(page{title: w.t.T("ho_title"), lead: w.t.T("ho_lead"), body: b.String(), actions: actions})
	w.render("handoff", html, nil, w.t.T("ho_title")+". "+w.t.T("ho_lead"))
	w.on("handoff-new", func() { w.startHandoff(back) })
	w.on("handoff-here", back)
	w.followPhone()
}

// followPhone watches the status while the phone captures: once the phone submits the
// case the computer shows the verifying screen, which follows on to the decision. A
// decision can come before a pending state is seen: a failure is new when the user was
// not failed before or has fewer attempts left.
func (w *Widget) followPhone() {
	ctx, then := w.sctx, w.later()
	wasFailed, left := w.status == kyc.Failed, w.state.GetAttemptsRemaining()
	update := func(st *widgetv1.KycState) {
		then(func() {
			w.setState(st)
			switch w.status {
			case kyc.Pending:
				w.showVerifying()
			case kyc.Verified:
				w.showVerified()
			case kyc.Failed:
				if !wasFailed || st.GetAttemptsRemaining() < left {
					w.showFailed()
				}
			}
		})
	}
	go func() {
		_ = w.api.WatchStatus(ctx, update)
		for ctx.Err() == nil {
			if res, err := w.api.GetStatus(ctx, &widgetv1.GetStatusRequest{}); err == nil {
				update(res.GetState())
			} else if slugOf(err) == "unauthorized" {
				return
			}
			if w.b.Sleep(ctx, PollInterval) != nil {
				return
			}
		}
	}()
}

// maxQRSize is the largest QR code (version 40) has 177 modules a side.
const maxQRSize = 177

// qrSVG draws a QR code as SVG rectangles (one per run of dark modules in a row) on a
// white square with the 4-module quiet zone scanners need, dark on light in either
// theme. It holds only numbers it computed; a malformed code draws nothing.
func qrSVG(n int, modules []byte, label string) string {
	if n <= 0 || n > maxQRSize || len(modules) != n*n {
		return ""
	}
	side := strconv.Itoa(n + 8)
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="` + esc(label) + `" width="200" height="200" viewBox="0 0 ` +
		side + ` ` + side + `" shape-rendering="crispEdges"><rect width="` + side + `" height="` + side + `" fill="#fff"/>`)
	for y := range n {
		for x := 0; x < n; {
			if modules[y*n+x] == 0 {
				x++
				continue
			}
			run := 0
			for x+run < n && modules[y*n+x+run] != 0 {
				run++
			}
			b.WriteString(`<rect x="` + strconv.Itoa(x+4) + `" y="` + strconv.Itoa(y+4) + `" width="` + strconv.Itoa(run) + `" height="1"/>`)
			x += run
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}
