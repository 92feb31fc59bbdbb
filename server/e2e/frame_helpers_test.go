package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
)

// pageEnv is a server and a partner whose registered origin serves the pages a test
// sets (the README's embed snippet, a page opening the dialog, a redirect target).
type pageEnv struct {
	srv     *testserver.Server
	partner partner.Created
	origin  string

	mu    sync.Mutex
	pages map[string]string // path → HTML
}

func newPageEnv(t *testing.T) *pageEnv {
	t.Helper()
	testenv.Chromium(t)
	if buildErr != nil {
		t.Fatalf("build widget: %v", buildErr)
	}
	e := &pageEnv{pages: map[string]string{}}
	e.srv = testserver.Start(t, testenv.PostgresURL(t), testserver.Options{StaticDir: staticDir})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.origin = "http://" + ln.Addr().String()
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		body, ok := e.pages[r.URL.Path]
		e.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(body))
	})}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	e.partner = e.srv.NewPartner(t, "Shop", e.origin)
	return e
}

func (e *pageEnv) page(path, body string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pages[path] = body
	return e.origin + path
}

// session is what POST /widget/session answers (200 or 422).
type session struct {
	InitToken string `json:"init_token"`
	WidgetID  string `json:"widget_id"`
	WidgetURL string `json:"widget_url"`
}

func (e *pageEnv) session(t *testing.T, user string) session {
	t.Helper()
	return newSession(t, e.srv.URL, e.partner.ClientToken, user)
}

// newSession asks the server, as the partner's backend does, for a widget session.
func newSession(t *testing.T, serverURL, clientToken, user string) session {
	t.Helper()
	body := `{"partner_user_id":"` + user + `","user_email":"u@example.com","currency":"BTC","fiat_currency":"EUR","fiat_amount":"25"}`
	req, _ := http.NewRequest(http.MethodPost, serverURL+"/widget/session", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+clientToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var s session
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil || s.WidgetURL == "" {
		t.Fatalf("no session (%d): %v", res.StatusCode, err)
	}
	return s
}

// readmeSnippet is the embed snippet of README.md, verbatim, for this server and widget.
func readmeSnippet(t *testing.T, e *pageEnv) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "## Embedding the widget")
	if i < 0 {
		t.Fatal("README has no embedding section")
	}
	s = s[i:]
	start := strings.Index(s, "```html\n")
	end := strings.Index(s[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("README's embedding section has no html block")
	}
	snippet := s[start+8 : start+8+end]
	if !strings.Contains(snippet, "https://DOMAIN/embed/rampart.js") || !strings.Contains(snippet, "Rampart.open(") {
		t.Fatalf("unexpected snippet:\n%s", snippet)
	}
	snippet = strings.ReplaceAll(snippet, "https://DOMAIN", e.srv.URL)
	return strings.ReplaceAll(snippet, "wdg_…", e.partner.WidgetID)
}

// inWidget runs a JavaScript function declaration in the widget's document (this is
// <main id="rampart">) and decodes its result; the widget is framed when x.frame is set.
func inWidget[T any](x *w, fn string) T {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(x.ctx, 60*time.Second)
	defer cancel()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("main#rampart"), x.opts()...))
	if err != nil {
		x.t.Fatalf("widget document: %v", err)
	}
	obj, err := chromedp.Call(ctx, dom.ResolveNode, dom.ResolveNodeParams{BackendNodeID: nodes[0].BackendNodeID})
	if err != nil {
		x.t.Fatalf("resolve main: %v", err)
	}
	yes := true
	v, err := chromedp.Run(ctx, chromedp.CallFunctionOn[T](fn, func(p *runtime.CallFunctionOnParams) {
		p.ObjectID = obj.Object.ObjectID
		p.AwaitPromise = &yes
	}))
	if err != nil {
		x.t.Fatalf("in widget: %v", err)
	}
	return v
}

// colorScheme emulates prefers-color-scheme.
func colorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		t.Fatal(err)
	}
}

// viewport is a browser window size.
type viewport struct{ w, h int64 }

func (v viewport) String() string { return fmt.Sprintf("%dx%d", v.w, v.h) }

// layoutViewports span a small phone to a desktop.
var layoutViewports = []viewport{{320, 568}, {360, 740}, {768, 1024}, {1280, 800}, {1440, 900}}

// jsString quotes s for a JavaScript or HTML-embedded script literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
