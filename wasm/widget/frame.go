package widget

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/rampart-id/rampart/kyc"
)

// Frame heights the widget reports are clamped to this range: the loader trusts them to
// size an element on the partner's page.
const (
	MinFrameHeight = 200
	MaxFrameHeight = 10000
)

// watchHeight forwards content height changes to the host as resize events. A widget
// that is the top-level page has no host to tell.
func (w *Widget) watchHeight() {
	if w.b.TopLevel() {
		return
	}
	if w.opts.Dialog {
		w.b.SetDialog()
	}
	w.b.WatchHeight(func(h int) {
		w.post(func() {
			h = min(max(h, MinFrameHeight), MaxFrameHeight)
			if h != w.height {
				w.height = h
				w.emitHeight()
			}
		})
	})
}

// emitHeight sends the last measured height; before the session starts the partner's
// origins are unknown, so startSession sends it once they are.
func (w *Widget) emitHeight() {
	if w.height > 0 && w.sess != nil {
		w.emit("resize", "height", strconv.Itoa(w.height))
	}
}

// close ends the widget. The host page gets the close event and removes the frame; a
// top-level page (where browsers refuse window.close) goes to the partner's redirect URL
// with the KYC status, or says the page can be closed. redirect is the order's
// redirect_url (set by the partner's backend), preferred over the redirect_url option.
func (w *Widget) close(redirect string) {
	w.emit("close")
	if !w.b.TopLevel() {
		return
	}
	if target := w.closeTarget(redirect); target != "" {
		w.b.Navigate(target)
		return
	}
	w.showClosed()
}

// closeTarget returns where a top-level Close goes, with status=<KYC status> added, or "".
func (w *Widget) closeTarget(redirect string) string {
	if redirect == "" {
		redirect = w.sess.GetOrder().GetRedirectUrl()
	}
	if redirect == "" && w.registeredOrigin(w.opts.RedirectURL) {
		redirect = w.opts.RedirectURL
	}
	u, err := url.Parse(redirect)
	// Only web URLs: a javascript: URL from anywhere would run in our origin.
	if redirect == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	status := w.status
	if status == "" {
		status = kyc.NotStarted
	}
	q := u.Query()
	q.Set("status", string(status))
	u.RawQuery = q.Encode()
	return u.String()
}

// registeredOrigin reports whether raw is an http(s) URL on one of the partner's
// registered origins, so the redirect_url option can never be an open redirect.
func (w *Widget) registeredOrigin(raw string) bool {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.User != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return false
	}
	origin := strings.ToLower(u.Scheme + "://" + u.Host)
	for _, o := range w.sess.GetPartnerOrigins() {
		if strings.ToLower(strings.TrimSuffix(o, "/")) == origin {
			return true
		}
	}
	return false
}

// showClosed is the end of a top-level widget that has nowhere to go back to.
func (w *Widget) showClosed() {
	html := w.layout(page{icon: `<div>` + iconShield + `</div>`, title: w.t.T("closed_title"),
		lead: w.t.T("closed_lead"), center: true})
	w.render("closed", html, nil, w.t.T("closed_title"))
}
