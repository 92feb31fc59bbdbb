package embed_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/locale"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
)

// The widget page is rendered by the server in the user's language, with the
// partner's consent screen, and every partner value escaped.
func TestWidgetPageRendersConsent(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	p := srv.CreatePartner(t, partner.NewPartner{Name: `Shop <b>"&'</b>`, Origins: []string{"https://shop.example"}, Test: true,
		PrivacyURL: "https://shop.example/privacy?a=1&b=2"})
	page := func(query string, hdr ...string) string {
		t.Helper()
		res, body := get(t, srv.URL+"/embed/app?widget_id="+p.WidgetID+query, hdr...)
		if res.StatusCode != 200 {
			t.Fatalf("page: %d", res.StatusCode)
		}
		return string(body)
	}
	es := locale.New("es")
	for name, body := range map[string]string{
		"lang query":      page("&lang=es", "Accept-Language", "en-US"),
		"Accept-Language": page("", "Accept-Language", "pt-BR, es-MX;q=0.8"),
	} {
		for _, want := range []string{`<html lang="es">`, "<title>" + es.T("header") + "</title>", `id="agree"`,
			es.T("consent_what_h"), "30 días", `Shop &lt;b&gt;&#34;&amp;&#39;&lt;/b&gt;`,
			`<a href="https://shop.example/privacy?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %q", name, want)
			}
		}
		if strings.Contains(body, "<b>") {
			t.Errorf("%s: partner name unescaped", name)
		}
	}
	if body := page("&lang=en", "Accept-Language", "es"); !strings.Contains(body, `<html lang="en">`) {
		t.Error("lang=en did not win over Accept-Language")
	}
	// Without a widget_id the partner is unknown: a loading shell, still localised.
	_, shell := get(t, srv.URL+"/embed/app?lang=es")
	if s := string(shell); !strings.Contains(s, `<html lang="es">`) || strings.Contains(s, `id="agree"`) || !strings.Contains(s, es.T("loading")) {
		t.Errorf("shell: %s", s)
	}
	// The page and the text assets travel compressed.
	res, body := get(t, srv.URL+"/embed/app?widget_id="+p.WidgetID, "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("page not gzipped: %v %q", err, res.Header.Get("Content-Encoding"))
	}
	if plain, _ := io.ReadAll(zr); !strings.Contains(string(plain), `id="agree"`) {
		t.Error("gzipped page lacks the consent")
	}
	if res, _ := get(t, srv.URL+"/embed/widget.css", "Accept-Encoding", "gzip"); res.Header.Get("Content-Encoding") != "gzip" {
		t.Error("widget.css not gzipped")
	}
}
