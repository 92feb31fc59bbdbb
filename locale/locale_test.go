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
	if New("zz").Lang != "en" || New("es").T("start") == New("en").T("start") {
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
