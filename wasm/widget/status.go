package widget

import (
	"strings"
	"time"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/kyc"
)

// PollInterval is how often the status is polled when the status stream is unavailable.
const PollInterval = 2 * time.Second

func (w *Widget) showLoading() {
	html := `<div class="content center"><div class="spinner" aria-hidden="true"></div>` +
		`<h1 tabindex="-1" class="quiet">` + esc(w.t.T("loading")) + `</h1></div>`
	w.render("loading", html, nil, w.t.T("loading"))
}

// showError shows an error that no server request caused (no reference to quote).
func (w *Widget) showError(slug string, retry func()) { w.showErrorRef(slug, "", retry) }

// showErrorRef shows an error with the id of the failed request, which the user can
// quote to support (and the server's logs carry).
func (w *Widget) showErrorRef(slug, requestID string, retry func()) {
	msg := w.t.ErrorMessage(slug)
	actions := ""
	if retry != nil {
		actions = button("retry", "primary", w.t.T("retry")) + button("close", "secondary", w.t.T("close"))
	} else {
		actions = button("close", "primary", w.t.T("close"))
	}
	title := w.t.T("err_title")
	switch slug {
	case "session_already_used", "session_expired", "unauthorized", "missing_token":
		title = w.t.T("err_title_link")
	}
	body := ""
	if requestID != "" {
		body = `<p id="request-id" class="ref">` + esc(w.t.T("ref", "id", requestID)) + `</p>`
	}
	html := w.layout(page{icon: `<div class="hero-bad">` + iconFailed + `</div>`, title: title, lead: msg, body: body, actions: actions, center: true})
	w.render("error", html, map[string]string{"data-error-code": slug}, msg)
	if retry != nil {
		w.on("retry", retry)
	}
	w.on("close", func() { w.close("") })
	w.emit("error", "code", slug)
}

func (w *Widget) showSubmitting() {
	html := w.layout(page{step: 3, icon: `<div class="spinner" aria-hidden="true"></div>`,
		title: w.t.T("sub_title"), lead: w.t.T("sub_lead"), center: true})
	w.render("submitting", html, nil, w.t.T("sub_title"))
}

// afterSubmit routes on the state SubmitCase returned (normally pending).
func (w *Widget) afterSubmit() {
	switch w.status {
	case kyc.Verified:
		w.showVerified()
	case kyc.Failed:
		w.showFailed()
	default:
		w.showVerifying()
	}
}

func (w *Widget) statusLine() string {
	return esc(w.t.T("status_now", "status", w.t.T("st_"+string(w.status))))
}

func (w *Widget) showVerifying() {
	body := `<p id="status-line" class="status-line">` + w.statusLine() + `</p>`
	html := w.layout(page{step: 3, icon: `<div class="pulse" aria-hidden="true">` + iconShield + `</div>`,
		title: w.t.T("ver_title"), lead: w.t.T("ver_lead"), body: body, center: true})
	w.render("verifying", html, nil, w.t.T("ver_title"))
	w.watch()
}

func (w *Widget) showPending() {
	body := `<p id="status-line" class="status-line">` + w.statusLine() + `</p>`
	html := w.layout(page{icon: `<div class="pulse" aria-hidden="true">` + iconClock + `</div>`,
		title: w.t.T("pend_title"), lead: w.t.T("pend_lead"), body: body, center: true,
		actions: button("close", "secondary", w.t.T("close"))})
	w.render("pending", html, nil, w.t.T("pend_title"))
	w.on("close", func() { w.close("") })
	w.watch()
}

// watch follows the status while a waiting screen is shown: the WatchStatus stream
// first, and when it breaks, GetStatus every PollInterval.
func (w *Widget) watch() {
	ctx, then := w.sctx, w.later()
	update := func(st *widgetv1.KycState) { then(func() { w.watched(st) }) }
	go func() {
		_ = w.api.WatchStatus(ctx, update)
		for ctx.Err() == nil {
			res, err := w.api.GetStatus(ctx, &widgetv1.GetStatusRequest{})
			if err == nil {
				update(res.GetState())
			} else if slugOf(err) == "unauthorized" {
				return // the widget token expired: the screen stays; polling cannot help
			}
			if w.b.Sleep(ctx, PollInterval) != nil {
				return
			}
		}
	}()
}

// watched applies a streamed or polled state on a waiting screen.
func (w *Widget) watched(st *widgetv1.KycState) {
	before := w.status
	w.setState(st)
	switch w.status {
	case kyc.Verified:
		w.showVerified()
	case kyc.Failed:
		w.showFailed()
	default:
		if w.status != before {
			w.b.Patch("status-line", w.statusLine())
			w.b.Announce(w.t.T("st_" + string(w.status)))
		}
	}
}

func (w *Widget) showVerified() {
	if w.viaHandoff() { // the order continues on the computer, which follows along
		html := w.layout(page{icon: `<div class="hero-ok">` + iconDone + `</div>`, title: w.t.T("ok_title"),
			lead: w.t.T("ho_phone_done"), center: true})
		w.render("verified", html, nil, w.t.T("ok_title")+". "+w.t.T("ho_phone_done"))
		return
	}
	html := w.layout(page{icon: `<div class="hero-ok">` + iconDone + `</div>`, title: w.t.T("ok_title"),
		lead: w.t.T("ok_lead"), center: true, actions: button("continue", "primary", w.t.T("continue"))})
	w.render("verified", html, nil, w.t.T("ok_title")+". "+w.t.T("ok_lead"))
	w.on("continue", w.showPayment)
}

func (w *Widget) showFailed() {
	var b strings.Builder
	seen := map[string]bool{}
	b.WriteString(`<ul class="reasons">`)
	reasons := w.state.GetFailureReasons()
	if len(reasons) == 0 {
		reasons = []string{""}
	}
	for _, r := range reasons {
		if txt := w.t.Reason(r); !seen[txt] {
			seen[txt] = true
			b.WriteString(`<li>` + iconAlert + `<span>` + esc(txt) + `</span></li>`)
		}
	}
	b.WriteString(`</ul>`)
	left := int(w.state.GetAttemptsRemaining())
	var actions string
	if left > 0 {
		b.WriteString(`<p class="attempts">` + esc(w.t.Attempts(left)) + `</p>`)
		actions = button("try-again", "primary", w.t.T("try_again"))
	} else {
		final := w.t.T("fail_final")
		if p := w.sess.GetPartnerName(); p != "" {
			final = w.t.T("fail_final_p", "partner", p)
		}
		b.WriteString(`<p class="attempts final">` + esc(final) + `</p>`)
		if u, p := webURL(w.sess.GetSupportUrl()), w.sess.GetPartnerName(); u != "" && p != "" {
			b.WriteString(`<p class="support">` + externalLink(u, w.t.T("fail_support", "partner", p), w.t.T("new_tab")) + `</p>`)
		}
		actions = button("close", "secondary", w.t.T("close"))
	}
	html := w.layout(page{icon: `<div class="hero-bad">` + iconFailed + `</div>`, title: w.t.T("fail_title"),
		lead: w.t.T("fail_lead"), body: b.String(), actions: actions})
	w.render("failed", html, nil, w.t.T("fail_title"))
	w.on("close", func() { w.close("") })
	w.on("try-again", func() {
		w.emit("kyc_started")
		// Only the failed step: the server carries the accepted document into the new
		// attempt when the selfie alone failed.
		w.keptDocument = !kyc.Redo(w.state.GetFailureReasons()).Document
		if w.keptDocument {
			w.showLivenessIntro()
		} else {
			w.showDocType()
		}
	})
}

// showPayment is the end of the KYC flow. Payment processing is not built yet,
// so it shows the order and says so plainly; it never pretends to take a payment.
func (w *Widget) showPayment() {
	o := w.sess.GetOrder()
	var html string
	redirect := ""
	if o.GetCurrency() == "" {
		html = w.layout(page{icon: `<div class="hero-ok">` + iconDone + `</div>`, title: w.t.T("done_title"),
			lead: w.t.T("done_lead"), center: true, actions: button("close", "primary", w.t.T("close"))})
	} else {
		redirect = o.GetRedirectUrl()
		sell := o.GetType() == "sell"
		var summary string
		switch {
		// Amounts are written the user's way ("100,50 €", "0,0025 BTC"), decimals kept.
		case o.GetAmount() != "" && sell:
			summary = w.t.T("pay_sell_crypto", "amount", w.t.Money(o.GetAmount(), o.GetCurrency()))
		case o.GetAmount() != "":
			summary = w.t.T("pay_buy_crypto", "amount", w.t.Money(o.GetAmount(), o.GetCurrency()))
		case sell:
			summary = w.t.T("pay_sell_fiat", "currency", o.GetCurrency(), "fiat_amount", w.t.Money(o.GetFiatAmount(), o.GetFiatCurrency()))
		default:
			summary = w.t.T("pay_buy_fiat", "currency", o.GetCurrency(), "fiat_amount", w.t.Money(o.GetFiatAmount(), o.GetFiatCurrency()))
		}
		fiatLabel := "pay_fiat_buy"
		if sell {
			fiatLabel = "pay_fiat_sell"
		}
		var b strings.Builder
		b.WriteString(`<dl class="order">`)
		row := func(label, value, class string) {
			if value != "" {
				b.WriteString(`<div class="row"><dt>` + esc(w.t.T(label)) + `</dt><dd class="` + class + `">` + esc(value) + `</dd></div>`)
			}
		}
		row("pay_order", summary, "strong")
		row(fiatLabel, o.GetFiatCurrency(), "")
		row("pay_network", o.GetNetwork(), "")
		row("pay_wallet", o.GetWalletAddress(), "mono")
		b.WriteString(`</dl><p class="notice info">` + esc(w.t.T("pay_unavailable")) + `</p>`)
		html = w.layout(page{title: w.t.T("pay_title"), lead: w.t.T("pay_lead"), body: b.String(),
			actions: button("close", "primary", w.t.T("close"))})
	}
	w.render("payment", html, nil, w.t.T("pay_title"))
	w.on("close", func() { w.close(redirect) })
	w.emit("payment_step")
}
