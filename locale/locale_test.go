package locale

import (
	"strings"
	"testing"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality"
)

func TestPick(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"es-MX"}, "es"}, {[]string{"", "es_ES"}, "es"}, {[]string{"xx", "en-GB"}, "en"}, {[]string{"zz"}, "en"},
	} {
		if got := Pick(tc.in...); got != tc.want {
			t.Errorf("Pick(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if New("zz").Lang != "en" || New("es").T("agree") == New("en").T("agree") {
		t.Error("New does not pick the catalog")
	}
}

func TestCatalogsComplete(t *testing.T) {
	for lang, m := range catalogs {
		for k := range en {
			if m[k] == "" {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				t.Errorf("%s has %q, which English lacks", lang, k)
			}
		}
	}
	// Every status has a label and every quality reason code has advice.
	for _, s := range []kyc.Status{kyc.NotStarted, kyc.Pending, kyc.Verified, kyc.Failed} {
		if _, ok := en["st_"+string(s)]; !ok {
			t.Errorf("no label for status %s", s)
		}
	}
	for _, r := range []string{quality.ReasonTooSmall, quality.ReasonBlurry, quality.ReasonTooDark, quality.ReasonTooBright, quality.ReasonGlare} {
		if _, ok := en["reason_"+r]; !ok {
			t.Errorf("no advice for quality reason %s", r)
		}
	}
	// Every reason a user may be shown has its own plain-language text in each language.
	for _, r := range kyc.UserReasons {
		for lang, m := range catalogs {
			txt := m["reason_"+r]
			if txt == "" || txt == m["reason_unknown"] || strings.Contains(txt, "_") {
				t.Errorf("%s: no proper text for user reason %s: %q", lang, r, txt)
			}
		}
	}
	for _, c := range []string{quality.CheckResolution, quality.CheckBlur, quality.CheckExposure, quality.CheckGlare} {
		if _, ok := en["ok_"+c]; !ok {
			t.Errorf("no label for passed check %s", c)
		}
	}
}

func TestPickFrenchGerman(t *testing.T) {
	for in, want := range map[string]string{"fr-CA": "fr", "FR": "fr", "de-AT": "de", "de_CH": "de", "it-IT": "en"} {
		if got := Pick(in); got != want {
			t.Errorf("Pick(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Languages(); strings.Join(got, ",") != "en,de,es,fr" {
		t.Errorf("Languages() = %q", got)
	}
}

// shortKeys are the texts shown on buttons, in titles and labels of a 320 px screen;
// each bound is what fits there in the widget's type sizes (two lines for a title).
var shortKeys = map[string]int{
	"close": 22, "back": 22, "agree": 22, "cap_shutter": 22, "upload": 26, "upload_instead": 28, "accept": 26,
	"accept_anyway": 26, "retake": 22, "retry_camera": 26, "start_liveness": 26, "keep_trying": 22,
	"new_challenge": 22, "continue": 22, "try_again": 22, "retry": 22, "cap_auto": 24, "den_other": 24,
	"step_1": 14, "step_2": 14, "step_3": 14, "st_not_started": 22, "st_pending": 22, "st_verified": 22, "st_failed": 22,
	"test": 16, "check_passed": 14, "check_failed": 14, "cap_captured": 20,
	"header": 30, "intro_title": 40, "doc_title": 40, "rev_title": 40, "den_title": 44, "nocam_title": 40,
	"live_intro": 40, "live_title": 40, "sub_title": 40, "ver_title": 40, "pend_title": 44, "ok_title": 40,
	"fail_title": 44, "pay_title": 40, "done_title": 40, "err_title": 40, "err_title_link": 40,
	"cap_passport_front": 44, "cap_national_id_front": 44, "cap_national_id_back": 44,
	"cap_drivers_licence_front": 44, "cap_drivers_licence_back": 44,
	"doc_passport": 28, "doc_national_id": 28, "doc_drivers_licence": 28,
	"den_ios_t": 30, "den_android_t": 30, "den_app_t": 30, "den_desktop_t": 30, "den_chrome_t": 30,
	"den_firefox_t": 30, "den_safari_t": 30,
}

func TestShortTextsFit(t *testing.T) {
	for k, limit := range shortKeys {
		if _, ok := en[k]; !ok {
			t.Errorf("short key %q is not in the catalog", k)
			continue
		}
		// Translations may run longer than English, but not by more than 40% (or two short words).
		rel := max(len([]rune(en[k]))*14/10, len([]rune(en[k]))+10)
		for _, lang := range Languages() {
			s := []rune(New(lang).T(k))
			if len(s) > limit || len(s) > rel {
				t.Errorf("%s %q is %d characters (%q), over %d (English %d)", lang, k, len(s), string(s), min(limit, rel), len([]rune(en[k])))
			}
		}
	}
}

// sameAsEnglish are the texts a language legitimately writes as English does (names,
// formats, loanwords); any other text equal to English is an untranslated leftover.
var sameAsEnglish = map[string]map[string]bool{
	"es": {"den_android_t": true, "den_firefox_t": true, "upload_hint": false},
	"fr": {"den_android_t": true, "den_firefox_t": true, "step_1": true, "step_2": true, "live_title": true},
	"de": {"den_android_t": true, "den_firefox_t": true, "step_2": true, "live_title": true, "check_failed": true,
		"status_now": true, "pay_wallet": true},
}

func TestNoEnglishLeft(t *testing.T) {
	for _, lang := range Languages()[1:] {
		for k, v := range catalogs[lang] {
			if v == en[k] && !sameAsEnglish[lang][k] {
				t.Errorf("%s %q is still English: %q", lang, k, v)
			}
		}
	}
}

func TestFrenchTypography(t *testing.T) {
	for k, v := range fr {
		r := []rune(v)
		for i, c := range r {
			switch c {
			case ':', ';', '!', '?', '»':
				if i == 0 || (r[i-1] != '\u00a0' && r[i-1] != '\u202f') {
					t.Errorf("fr %q: no no-break space before %q: %q", k, c, v)
				}
			case '«':
				if i+1 == len(r) || r[i+1] != '\u00a0' {
					t.Errorf("fr %q: no no-break space after «: %q", k, v)
				}
			case '\'', '"':
				t.Errorf("fr %q: typewriter quote: %q", k, v)
			}
		}
	}
	for k, v := range de {
		if strings.ContainsAny(v, "\"«»“") && !strings.Contains(v, "„") {
			t.Errorf("de %q: quotes are not „…“: %q", k, v)
		}
	}
}

// A word cannot wrap: the longest must fit a 320 px screen's line (about 24 characters
// of body text, 17 of a title).
func TestNoWordTooLongForAPhone(t *testing.T) {
	for lang, m := range catalogs {
		for k, v := range m {
			limit := 24
			if _, short := shortKeys[k]; short {
				limit = 17
			}
			for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '-' || r == '/' }) {
				if n := len([]rune(w)); n > limit {
					t.Errorf("%s %q: %q is %d characters, over %d", lang, k, w, n, limit)
				}
			}
		}
	}
}
