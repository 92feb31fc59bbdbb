package widget

import (
	"context"
	"strconv"
	"strings"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
)

// The consent screen comes before any capture. The server renders it into the page (so
// it shows before this widget has even downloaded); the widget takes that screen over,
// or renders the same one itself when the page had none (no widget_id in its URL) or
// the server asks for consent again.

// takeOver adopts the page the server rendered: its "I agree" is the widget's from now on.
func (w *Widget) takeOver() {
	pre, agreed := w.b.TakeOver()
	w.agreed = agreed
	switch {
	case agreed:
		w.screen = "preparing"
	case pre == "consent":
		w.screen = "consent"
		w.actions = map[string]func(){"agree": w.agree}
	}
}

// prerendered reports whether a screen the server rendered (or app.js's "preparing"
// state after an early tap) is still shown.
func (w *Widget) prerendered() bool { return w.gen == 0 && w.screen != "" }

// consentStep continues a user who has not started: straight to the document when the
// case holds their consent, else through the consent screen.
func (w *Widget) consentStep() {
	switch {
	case w.sess.GetConsentGiven():
		w.begin()
	case w.agreed:
		w.recordConsent()
	case w.prerendered() && w.screen == "consent":
		// The server's consent screen stays; its button is already bound to agree.
	default:
		w.showConsent()
	}
}

// agree is the tap on "I agree". Before the session is known the tap is remembered.
func (w *Widget) agree() {
	if w.sess == nil {
		w.agreed = true
		w.showPreparing()
		return
	}
	w.recordConsent()
}

func (w *Widget) showPreparing() {
	html := `<div class="content center"><div class="spinner" aria-hidden="true"></div>` +
		`<h1 tabindex="-1" class="quiet">` + esc(w.t.T("preparing")) + `</h1></div>`
	w.render("preparing", html, nil, w.t.T("preparing"))
}

// recordConsent stores the consent, then starts the capture.
func (w *Widget) recordConsent() {
	w.agreed = true
	if w.screen == "consent" {
		w.b.Patch("actions", busyButton("agree", "primary", w.t.T("agree")))
	}
	w.async(func(ctx context.Context) func() {
		_, err := w.api.RecordConsent(ctx, &widgetv1.RecordConsentRequest{Language: w.t.Lang})
		return func() {
			if err != nil {
				w.fail(err, w.recordConsent)
				return
			}
			w.sess.ConsentGiven = true
			w.begin()
		}
	})
}

// begin starts the capture.
func (w *Widget) begin() {
	w.emit("kyc_started")
	w.showDocType()
}

// showConsent renders the consent screen: the same texts and markup as the server's page.
func (w *Widget) showConsent() {
	w.agreed = false
	partner := w.sess.GetPartnerName()
	var b strings.Builder
	b.WriteString(`<dl class="consent">`)
	item := func(term, text string) {
		b.WriteString(`<div><dt>` + esc(term) + `</dt><dd>` + esc(text) + `</dd></div>`)
	}
	item(w.t.T("consent_what_h"), w.t.T("consent_what"))
	item(w.t.T("consent_why_h"), w.t.T("consent_why", "partner", partner))
	item(w.t.T("consent_who_h"), w.t.T("consent_who", "partner", partner))
	item(w.t.T("consent_keep_h"), w.t.T("consent_keep",
		"image_days", strconv.Itoa(int(w.sess.GetImageRetentionDays())),
		"identity_days", strconv.Itoa(int(w.sess.GetIdentityRetentionDays()))))
	b.WriteString(`</dl>`)
	if u := webURL(w.sess.GetPrivacyUrl()); u != "" {
		b.WriteString(`<p class="fine">` + externalLink(u, w.t.T("consent_privacy", "partner", partner), w.t.T("new_tab")) + `</p>`)
	}
	b.WriteString(`<p class="fine">` + esc(w.t.T("consent_note")) + `</p>`)
	html := w.layout(page{title: w.t.T("intro_title"), lead: w.t.T("intro_lead_partner", "partner", partner),
		body: b.String(), actions: button("agree", "primary", w.t.T("agree"))})
	w.render("consent", html, nil, w.t.T("intro_title"))
	w.on("agree", w.agree)
}

// webURL returns u when it is an http(s) URL, else "": a javascript: link from anywhere
// would run in the widget's origin.
func webURL(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

// externalLink opens u in a new tab that cannot reach back into the widget.
func externalLink(u, label, newTab string) string {
	return `<a href="` + esc(u) + `" target="_blank" rel="noopener noreferrer">` + esc(label) +
		`<span class="sr-only"> ` + esc(newTab) + `</span></a>`
}
