// Package locale holds every user-facing text of the widget and the pages the server
// renders for it, in each language, and the language choice.
package locale

import (
	"sort"
	"strings"
)

// catalogs are the languages spoken. Every user-facing string goes through T; a test
// checks that each language has every English key.
var catalogs = map[string]map[string]string{"en": en, "es": es, "fr": fr, "de": de}

// Languages lists the supported language codes, English first.
func Languages() []string {
	out := []string{"en"}
	for l := range catalogs {
		if l != "en" {
			out = append(out, l)
		}
	}
	sort.Strings(out[1:])
	return out
}

// Pick returns the first supported language of the lang option and the browser's
// language (navigator.language), falling back to English. "es-MX" counts as "es",
// "fr-CA" as "fr", "de-AT" as "de".
func Pick(candidates ...string) string {
	for _, c := range candidates {
		c = strings.ToLower(strings.TrimSpace(c))
		if i := strings.IndexAny(c, "-_"); i > 0 {
			c = c[:i]
		}
		if _, ok := catalogs[c]; ok {
			return c
		}
	}
	return "en"
}

// Texts translates into one language.
type Texts struct {
	Lang string
	m    map[string]string
}

// New returns the texts of lang (a code Pick returned; others speak English).
func New(lang string) Texts {
	if _, ok := catalogs[lang]; !ok {
		lang = "en"
	}
	return Texts{Lang: lang, m: catalogs[lang]}
}

// T returns the text for key with {name} placeholders replaced by the given name, value
// pairs. A key missing in the language falls back to English, then to the key itself.
func (t Texts) T(key string, kv ...string) string {
	s, ok := t.m[key]
	if !ok {
		if s, ok = en[key]; !ok {
			s = key
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}

// Attempts says how many attempts remain, with the right plural.
func (t Texts) Attempts(n int) string {
	if n == 1 {
		return t.T("attempts_one")
	}
	return t.T("attempts_other", "n", t.Int(n))
}

// Reason turns a failure reason code into advice; unknown codes get a generic text.
func (t Texts) Reason(code string) string {
	if _, ok := en["reason_"+code]; ok {
		return t.T("reason_" + code)
	}
	return t.T("reason_unknown")
}

// ErrorMessage is the plain-language text of an error slug.
func (t Texts) ErrorMessage(slug string) string {
	if _, ok := en["err_"+slug]; ok {
		return t.T("err_" + slug)
	}
	return t.T("err_internal_error")
}
