package widget

import (
	"github.com/rampart-id/rampart/locale"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// Options are what the page's URL fragment says: #token=rpi_…&lang=es&accent=%23ff5a00.
// They travel in the fragment so they never reach a server log or a Referer header.
type Options struct {
	Token    string // the partner's single-use init token
	Lang     string // a supported language code
	Accent   string // "#rrggbb", or "" for the default
	WidgetID string // the page's widget_id (its query, see WidgetIDFromQuery)
	Handoff  string // a handoff code: this page continues a session begun on another device
	// Dialog: the loader shows the widget in its own full-screen dialog (no host element).
	Dialog bool
	// RedirectURL is where Close goes when the widget is the top-level page; it is used
	// only if its origin is one of the partner's registered origins (see closeTarget).
	RedirectURL string
}

// MaxRedirectURL bounds the redirect_url option; longer values are ignored.
const MaxRedirectURL = 2048

// WidgetIDFromQuery reads widget_id from the page's query string ("?widget_id=wdg_…").
// The widget sends it with the init token, which the server accepts only when it
// belongs to that widget's partner: the page is framed by that partner's origins.
func WidgetIDFromQuery(search string) string {
	q, _ := url.ParseQuery(strings.TrimPrefix(search, "?"))
	return strings.TrimSpace(q.Get("widget_id"))
}

// ParseOptions reads the URL fragment (with or without its leading '#'). navigatorLang is
// the browser's language, used when the fragment names no supported language.
func ParseOptions(fragment, navigatorLang string) Options {
	q, _ := url.ParseQuery(strings.TrimPrefix(fragment, "#"))
	return Options{
		Token:   strings.TrimSpace(q.Get("token")),
		Handoff: strings.TrimSpace(q.Get("handoff")),
		Lang:    locale.Pick(q.Get("lang"), navigatorLang),
		Accent:  normalizeColor(q.Get("accent")),
		Dialog:  q.Get("dialog") == "1",
		RedirectURL: func() string {
			if r := strings.TrimSpace(q.Get("redirect_url")); len(r) <= MaxRedirectURL {
				return r
			}
			return ""
		}(),
	}
}

// normalizeColor accepts #rgb or #rrggbb (with or without '#') and returns "#rrggbb";
// anything else is "" so no partner input ever reaches CSS unchecked.
func normalizeColor(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return ""
	}
	if _, err := strconv.ParseUint(s, 16, 32); err != nil {
		return ""
	}
	return "#" + strings.ToLower(s)
}

// onAccent picks black or white text for a "#rrggbb" background, whichever contrasts
// more (WCAG relative luminance), so any partner colour keeps buttons readable.
func onAccent(hex string) string {
	if len(hex) != 7 {
		return ""
	}
	lin := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[i:i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(1) + 0.7152*lin(3) + 0.0722*lin(5)
	// Contrast with white is 1.05/(l+0.05), with black (l+0.05)/0.05; equal at l≈0.179.
	if l > 0.179 {
		return "#111111"
	}
	return "#ffffff"
}
