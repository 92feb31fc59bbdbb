package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	browsertest "github.com/rampart-id/rampart/internal/browser"
	"github.com/rampart-id/rampart/locale"
)

// TestConsentBeforeTheWidgetDownloads: the first screen is the server's. With the
// widget's download held back, the page is already in Spanish (title, html lang), shows
// the consent and takes the tap on "Acepto" (a "preparing" state); once the widget
// arrives it records that consent and goes on to the document step.
func TestConsentBeforeTheWidgetDownloads(t *testing.T) {
	e := newEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera})
	paused := make(chan fetch.RequestID, 4)
	if err := chromedp.Listen(ctx, func(ev any) {
		if p, ok := ev.(*fetch.EventRequestPaused); ok {
			select {
			case paused <- p.RequestID:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/embed/widget.wasm*"}}}); err != nil {
		t.Fatal(err)
	}
	u := widgetURL(t, e, "lena")
	u = strings.Replace(u, "#", "&lang=es#", 1) // as rampart.js passes it
	x := &w{t: t, ctx: ctx}
	x.do("open widget", chromedp.Navigate(u))
	x.screen("consent")
	var held fetch.RequestID
	select {
	case held = <-paused:
	case <-time.After(30 * time.Second):
		t.Fatal("the page never asked for the widget")
	}
	es := locale.New("es")
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.title, document.documentElement.lang,
		document.getElementById('agree').textContent, document.querySelector('h1').textContent,
		String(document.documentElement.getAttribute('data-widget')), document.querySelector('a[target=_blank]') ? 'link' : 'no link']`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{es.T("header"), "es", es.T("agree"), es.T("intro_title"), "null"}
	for i, v := range want {
		if got[i] != v {
			t.Errorf("before the widget: got %q, want %q (all: %q)", got[i], v, got)
		}
	}
	body := x.text("main#rampart")
	for _, s := range []string{es.T("consent_what_h"), "Shop", "30"} {
		if !strings.Contains(body, s) {
			t.Errorf("consent lacks %q: %s", s, body)
		}
	}
	x.click("agree")
	x.screen("preparing")
	if s := x.text("main#rampart"); !strings.Contains(s, es.T("preparing")) {
		t.Errorf("preparing screen: %q", s)
	}
	if _, err := chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: held}); err != nil {
		t.Fatal(err)
	}
	x.screen("doc-type")
	c, err := e.srv.Store.Read().CurrentCase(context.Background(), e.partner.PartnerID, "lena")
	if err != nil || c.ConsentVer != locale.ConsentVersion("es") || c.ConsentedAt.IsZero() {
		t.Fatalf("consent not stored: %v %q %v", c.ConsentedAt, c.ConsentVer, err)
	}
}
