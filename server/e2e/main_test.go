// Package e2e drives the real widget (Go → WebAssembly) in headless Chromium against a
// real server and database, from a partner page on its own origin.
package e2e

import (
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/document/doctest"
	"github.com/rampart-id/rampart/face/facetest"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/demo"
	"github.com/rampart-id/rampart/server/embed/wasmbuild"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
)

// staticDir holds the widget built once for this test binary.
var staticDir, buildErr = "", error(nil)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rampart-widget-")
	if err != nil {
		panic(err)
	}
	if !testingShort() {
		staticDir, buildErr = dir, buildWidget(dir)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func testingShort() bool {
	for _, a := range os.Args {
		if a == "-test.short" || a == "-test.short=true" {
			return true
		}
	}
	return false
}

// buildWidget copies the page assets and compiles the widget into dir.
func buildWidget(dir string) error {
	src := filepath.Join("..", "embed", "static")
	for _, name := range []string{"app.js", "widget.css", "rampart.js"} {
		if err := copyFile(filepath.Join(src, name), filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	sizes, err := wasmbuild.Build(context.Background(), filepath.Join("..", ".."), dir)
	if err == nil {
		fmt.Printf("widget.wasm: %d bytes raw, %d gzip, %d brotli\n", sizes.Raw, sizes.Gzip, sizes.Brotli)
	}
	return err
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return out.Close()
}

// env is a server, a partner and its shop page on another origin.
type env struct {
	srv     *testserver.Server
	partner partner.Created
	shopURL string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	testenv.Chromium(t) // skip early (and loudly) without a browser
	if buildErr != nil {
		t.Fatalf("build widget: %v", buildErr)
	}
	srv := testserver.Start(t, testenv.PostgresURL(t), testserver.Options{StaticDir: staticDir})
	t.Cleanup(func() {
		if t.Failed() {
			logChecks(t, srv)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	shopURL := "http://" + ln.Addr().String()
	p := srv.NewPartner(t, "Shop", shopURL)
	ctx, cancel := context.WithCancel(context.Background())
	shop := &demo.Shop{RampartURL: srv.URL, ClientToken: p.ClientToken, WidgetID: p.WidgetID}
	go func() { _ = shop.Serve(ctx, ln) }()
	t.Cleanup(cancel)
	return &env{srv: srv, partner: p, shopURL: shopURL}
}

// documentFile writes, as a JPEG, a passport page of the person the fake camera
// shows (see liveFaceVideo) and returns its path.
func documentFile(t *testing.T, seed int64) string {
	t.Helper()
	return imageFile(t, fmt.Sprintf("doc-%d.jpg", seed), cameraPersonPassport(t, seed))
}

// blurryDocumentFile is an out-of-focus capture of that passport.
func blurryDocumentFile(t *testing.T, seed int64) string {
	t.Helper()
	return imageFile(t, fmt.Sprintf("blurry-%d.jpg", seed), qualitytest.Blur(cameraPersonPassport(t, seed), 3))
}

func cameraPersonPassport(t *testing.T, seed int64) image.Image {
	t.Helper()
	ps, err := facetest.Portraits()
	if err != nil {
		t.Fatal(err)
	}
	d := doctest.Random(doctest.Passport, seed, time.Now())
	d.Person.Portrait = ps[0]
	d.Number = fmt.Sprintf("W%08d", seed) // one passport per seed
	page, _ := doctest.Render(d)
	return doctest.Photograph(page, 1, seed)
}

func imageFile(t *testing.T, name string, img image.Image) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return p
}

// logChecks prints every stored check, to tell why a case was not decided as expected.
func logChecks(t *testing.T, srv *testserver.Server) {
	rows, err := srv.Store.DB().Query(`SELECT c.partner_user_id, k.name, k.result, k.reason, k.score
		FROM case_checks k JOIN kyc_cases c ON c.id = k.case_id ORDER BY c.created_at, k.name`)
	if err != nil {
		t.Logf("checks: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var user, name, result, reason string
		var score float64
		if rows.Scan(&user, &name, &result, &reason, &score) == nil {
			t.Logf("check %s %s: %s %s %.3f", user, name, result, reason, score)
		}
	}
	for _, line := range strings.Split(srv.Logs.String(), "\n") {
		if strings.Contains(line, `"case checks"`) {
			t.Logf("server: %s", line)
		}
	}
	frames, err := srv.Store.DB().Query(`SELECT c.partner_user_id, c.challenge, i.at_ms, i.step
		FROM case_images i JOIN kyc_cases c ON c.id = i.case_id WHERE i.kind = 'liveness' ORDER BY c.created_at, i.at_ms`)
	if err != nil {
		t.Logf("frames: %v", err)
		return
	}
	defer frames.Close()
	for frames.Next() {
		var user, challenge string
		var at, step int
		if frames.Scan(&user, &challenge, &at, &step) == nil {
			t.Logf("frame %s %s: %d ms step %d", user, challenge, at, step)
		}
	}
}
