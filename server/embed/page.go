package embed

import (
	"bytes"
	_ "embed" // the page template
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/rampart-id/rampart/locale"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/widget"
)

// The widget page is rendered here, not by the WebAssembly widget: the first screen (the
// consent, or a loading shell when the partner is not known) paints from this HTML and
// the stylesheet alone, in the user's language, while the widget downloads.
//
//go:embed page.html
var pageSource string

var pageTemplate = template.Must(template.New("page").Parse(pageSource))

type pageData struct {
	Lang, Title, Loading, NoScript string
	FailTitle, FailOld, FailBroken string
	Consent                        *consentData
}

type consentData struct {
	TestMode                  bool
	TestBadge, Heading, Lead  string
	Items                     []consentItem
	PrivacyURL                template.URL
	PrivacyText, NewTab, Note string
	Agree, Preparing          string
}

type consentItem struct{ Term, Text string }

// pageLang picks the page's language: the lang query parameter the loader passes, then
// the browser's Accept-Language, then English.
func pageLang(r *http.Request) string {
	cands := []string{r.URL.Query().Get("lang")}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(part, ";")
		if tag = strings.TrimSpace(tag); tag != "" && tag != "*" {
			cands = append(cands, tag)
		}
		if len(cands) > 8 { // a long header costs nothing more than its first choices
			break
		}
	}
	// Pick falls back to English; an explicit English choice must not fall through to
	// a later candidate, so stop at the first supported one.
	for _, c := range cands {
		if l := locale.Pick(c); l != "en" || strings.HasPrefix(strings.ToLower(strings.TrimSpace(c)), "en") {
			return l
		}
	}
	return "en"
}

// renderPage renders the widget page for a partner (nil: not known, loading shell only).
func renderPage(lang string, p *store.Partner, ret widget.Retention) []byte {
	t := locale.New(lang)
	d := pageData{Lang: t.Lang, Title: t.T("header"), Loading: t.T("loading"), NoScript: t.T("noscript"),
		FailTitle: t.T("shell_fail"), FailOld: t.T("shell_old"), FailBroken: t.T("shell_broken")}
	if p != nil {
		d.Consent = consentPage(t, *p, ret)
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, d); err != nil {
		panic(err) // the template and its data are this package's own: a bug
	}
	return b.Bytes()
}

// ConsentItems are the consent screen's four statements (what, why, who, how long), as
// (heading, text) pairs; the widget shows the same ones from the same keys.
func consentPage(t locale.Texts, p store.Partner, ret widget.Retention) *consentData {
	name := p.Name
	c := &consentData{TestMode: p.TestMode, TestBadge: t.T("test"), Heading: t.T("intro_title"),
		Lead: t.T("intro_lead_partner", "partner", name), Note: t.T("consent_note"), Agree: t.T("agree"),
		Preparing: t.T("preparing"), PrivacyText: t.T("consent_privacy", "partner", name), NewTab: t.T("new_tab")}
	c.Items = []consentItem{
		{t.T("consent_what_h"), t.T("consent_what")},
		{t.T("consent_why_h"), t.T("consent_why", "partner", name)},
		{t.T("consent_who_h"), t.T("consent_who", "partner", name)},
		{t.T("consent_keep_h"), t.T("consent_keep", "image_days", strconv.Itoa(ret.ImageDays), "identity_days", strconv.Itoa(ret.IdentityDays))},
	}
	// Only web links reach the page (the partner manager stores nothing else; this is
	// the second lock).
	if u := p.PrivacyURL; strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		c.PrivacyURL = template.URL(u)
	}
	return c
}
