package widget

import (
	"strconv"
	"strings"
)

// Screens are rendered as HTML strings. Every dynamic value goes through esc; markup
// carries classes only, never style attributes (the page's CSP forbids inline styles).
// html/template would be safer by construction but costs too much WebAssembly size.

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func esc(s string) string { return escaper.Replace(s) }

// button renders a real <button> (keyboard-operable) with an id the flow listens to.
func button(id, class, label string) string {
	return `<button type="button" id="` + id + `" class="btn ` + class + `">` + esc(label) + `</button>`
}

// busyButton is a disabled button with a spinner, shown while its action runs.
func busyButton(id, class, label string) string {
	return `<button type="button" id="` + id + `" class="btn ` + class + `" disabled aria-busy="true">` +
		`<span class="spinner small" aria-hidden="true"></span>` + esc(label) + `</button>`
}

// choice is a large option button with an icon, a title and a hint.
func choice(id, icon, title, hint string) string {
	return `<button type="button" id="` + id + `" class="choice">` + icon +
		`<span class="choice-text"><strong>` + esc(title) + `</strong><span>` + esc(hint) + `</span></span>` +
		iconChevron + `</button>`
}

// stepper renders "Step N of 3" with a three-segment bar (1 document, 2 selfie, 3 review).
func (w *Widget) stepper(n int) string {
	var b strings.Builder
	b.WriteString(`<div class="steps"><p class="steps-text">`)
	b.WriteString(esc(w.t.T("step", "n", w.t.Int(n))))
	b.WriteString(` · ` + esc(w.t.T("step_"+strconv.Itoa(n))) + `</p><ol class="steps-bar" aria-hidden="true">`)
	for i := 1; i <= 3; i++ {
		switch {
		case i < n:
			b.WriteString(`<li class="done"></li>`)
		case i == n:
			b.WriteString(`<li class="on"></li>`)
		default:
			b.WriteString(`<li></li>`)
		}
	}
	b.WriteString(`</ol></div>`)
	return b.String()
}

// page lays out one screen: optional step indicator, heading (focused on render), lead
// text, body, and the actions pinned to the bottom.
type page struct {
	step    int // 0: no step indicator
	icon    string
	title   string
	lead    string
	body    string
	actions string
	center  bool // status screens: content centred vertically
}

func (w *Widget) layout(p page) string {
	var b strings.Builder
	if w.sess.GetTestMode() {
		b.WriteString(`<p class="badge">` + esc(w.t.T("test")) + `</p>`)
	}
	if p.step > 0 {
		b.WriteString(w.stepper(p.step))
	}
	if p.center {
		b.WriteString(`<div class="content center">`)
	} else {
		b.WriteString(`<div class="content">`)
	}
	if p.icon != "" {
		b.WriteString(`<div class="hero">` + p.icon + `</div>`)
	}
	b.WriteString(`<h1 tabindex="-1">` + esc(p.title) + `</h1>`)
	if p.lead != "" {
		b.WriteString(`<p class="lead">` + esc(p.lead) + `</p>`)
	}
	b.WriteString(p.body)
	b.WriteString(`</div>`)
	if p.actions != "" {
		b.WriteString(`<div class="actions" id="actions">` + p.actions + `</div>`)
	}
	return b.String()
}

// uploadControl is the file picker: a visually hidden but focusable input and a label
// styled as a button, so it needs no script to open the picker (iOS requires a direct tap).
func (w *Widget) uploadControl(primary bool, label string) string {
	class := "secondary"
	if primary {
		class = "primary"
	}
	return `<div class="upload"><input type="file" id="file-input" class="file-input" accept="image/jpeg,image/png">` +
		`<label for="file-input" id="upload-file" class="btn ` + class + `">` + iconUpload + esc(label) + `</label>` +
		`<p class="hint">` + esc(w.t.T("upload_hint")) + `</p></div>`
}

// notice is an empty region for messages that appear later (a bad file, a camera error).
const notice = `<p id="notice" class="notice" role="alert"></p>`

// Inline icons: decorative, so hidden from screen readers; they inherit currentColor.
const (
	svgOpen       = `<svg class="icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">`
	iconChevron   = `<svg class="icon chevron" aria-hidden="true" focusable="false" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="m9 6 6 6-6 6"/></svg>`
	iconPassport  = svgOpen + `<rect x="5" y="3" width="14" height="18" rx="2"/><circle cx="12" cy="10" r="3"/><path d="M9 17h6"/></svg>`
	iconIDCard    = svgOpen + `<rect x="2.5" y="5" width="19" height="14" rx="2"/><circle cx="8" cy="11" r="2"/><path d="M5.5 16c.6-1.4 1.5-2 2.5-2s1.9.6 2.5 2M13.5 10h5M13.5 13h4"/></svg>`
	iconLicence   = svgOpen + `<rect x="2.5" y="5" width="19" height="14" rx="2"/><path d="M6 9h12M6 12.5h6M6 15.5h4"/><circle cx="16.5" cy="14.5" r="2"/></svg>`
	iconUpload    = svgOpen + `<path d="M12 16V4m0 0-4 4m4-4 4 4M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2"/></svg>`
	iconCheck     = `<svg class="icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"><path d="m5 12.5 4.5 4.5L19 7.5"/></svg>`
	iconAlert     = `<svg class="icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M12 8v5m0 3.5v.01"/><circle cx="12" cy="12" r="9.5"/></svg>`
	iconShield    = svgOpen + `<path d="M12 3 4.5 6v5.5c0 4.6 3.2 8.3 7.5 9.5 4.3-1.2 7.5-4.9 7.5-9.5V6z"/><path d="m8.8 12 2.2 2.2 4.3-4.4"/></svg>`
	iconFace      = svgOpen + `<ellipse cx="12" cy="11" rx="6" ry="7.5"/><path d="M9.5 10v.5M14.5 10v.5M10 14.5c1.2.8 2.8.8 4 0"/></svg>`
	iconCamera    = svgOpen + `<path d="M4 8h3l1.5-2h7L17 8h3a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1z"/><circle cx="12" cy="13" r="3.5"/></svg>`
	iconCameraOff = svgOpen + `<path d="M4 8h3l1.5-2h7L17 8h3a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1z"/><path d="M3 3l18 18"/></svg>`
	iconClock     = svgOpen + `<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/></svg>`
	iconDone      = svgOpen + `<circle cx="12" cy="12" r="9.5"/><path d="m7.5 12.5 3 3 6-6.5"/></svg>`
	iconFailed    = svgOpen + `<circle cx="12" cy="12" r="9.5"/><path d="M12 7.5v5.5m0 3.2v.01"/></svg>`
)
