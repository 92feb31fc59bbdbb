package embed_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/models"
	"github.com/rampart-id/rampart/server/embed"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

func get(t *testing.T, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	// No transparent decompression: we check what the server sends.
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// TestWidgetPageHeaders checks the security headers of every widget route.
func TestWidgetPageHeaders(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"app.html": "<!doctype html><main id=rampart>", "widget.wasm": "\x00asm-raw", "app.js": "1", "widget.css": "a{}", "rampart.js": "x", "wasm_exec.js": "y"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("\x00asm-raw"))
	zw.Close()
	os.WriteFile(filepath.Join(dir, "widget.wasm.gz"), gz.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "widget.wasm.br"), []byte("brotli-bytes"), 0o644)

	srv := testserver.Start(t, testenv.SQLiteURL(t), testserver.Options{StaticDir: dir})
	p := srv.NewPartner(t, "Shop", "https://shop.example", "https://m.shop.example")

	res, body := get(t, srv.URL+"/embed/app?widget_id="+p.WidgetID)
	csp := res.Header.Get("Content-Security-Policy")
	if res.StatusCode != 200 || !strings.Contains(string(body), "rampart") {
		t.Fatalf("page: %d %s", res.StatusCode, body)
	}
	if !strings.Contains(csp, "frame-ancestors 'self' https://shop.example https://m.shop.example") ||
		!strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP: %s", csp)
	}
	if pp := res.Header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=(self)") {
		t.Errorf("Permissions-Policy: %q", pp)
	}
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("page headers: %v", res.Header)
	}
	// No widget_id: nobody may frame it. Unknown widget_id: 404.
	if res, _ := get(t, srv.URL+"/embed/app"); !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("no widget_id CSP: %s", res.Header.Get("Content-Security-Policy"))
	}
	if res, _ := get(t, srv.URL+"/embed/app?widget_id=wdg_nope"); res.StatusCode != 404 {
		t.Errorf("unknown widget: %d", res.StatusCode)
	}
	// The wasm is served precompressed with the right type.
	for _, tc := range []struct{ accept, enc, body string }{{"br, gzip", "br", "brotli-bytes"}, {"gzip", "gzip", gz.String()}, {"", "", "\x00asm-raw"}} {
		res, body := get(t, srv.URL+"/embed/widget.wasm", "Accept-Encoding", tc.accept)
		if res.Header.Get("Content-Type") != "application/wasm" || res.Header.Get("Content-Encoding") != tc.enc || string(body) != tc.body ||
			!strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") || res.Header.Get("ETag") == "" {
			t.Errorf("wasm with Accept-Encoding %q: %v", tc.accept, res.Header)
		}
		if res2, _ := get(t, srv.URL+"/embed/widget.wasm", "Accept-Encoding", tc.accept, "If-None-Match", res.Header.Get("ETag")); res2.StatusCode != http.StatusNotModified {
			t.Errorf("ETag revalidation: %d", res2.StatusCode)
		}
	}
	for path, ctype := range map[string]string{"/embed/rampart.js": "text/javascript", "/embed/app.js": "text/javascript", "/embed/widget.css": "text/css", "/embed/wasm_exec.js": "text/javascript"} {
		res, _ := get(t, srv.URL+path)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), ctype) || !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: %d %v", path, res.StatusCode, res.Header)
		}
	}
	if res, _ := get(t, srv.URL+"/embed/../go.mod"); res.StatusCode == 200 {
		t.Error("path traversal served a file")
	}
	if res, _ := get(t, srv.URL+"/embed/secret.txt"); res.StatusCode != 404 {
		t.Errorf("unknown asset: %d", res.StatusCode)
	}
}

// TestModelWeights: the widget's weight files are served at content-addressed URLs,
// cached for good, gzip-compressed when asked, and nothing else is under /embed/models/.
func TestModelWeights(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t), testserver.Options{StaticDir: t.TempDir()})
	for _, name := range []string{"tiny_face_detector_model-weights_manifest.json", "tiny_face_detector_model.bin",
		"face_landmark_68_model-weights_manifest.json", "face_landmark_68_model.bin"} {
		res, body := get(t, srv.URL+"/embed/"+embed.ModelPath(name), "Accept-Encoding", "gzip, br")
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: %d %q", name, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", name, cc)
		}
		if !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'self'") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: security headers %v", name, res.Header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(zr)
		if !bytes.Equal(raw, models.Files[name]) {
			t.Errorf("%s: served %d bytes that differ from the embedded file", name, len(raw))
		}
		t.Logf("%s: %d bytes, %d gzip", name, len(raw), len(body))
		if res, _ := get(t, srv.URL+"/embed/"+embed.ModelPath(name), "If-None-Match", res.Header.Get("ETag")); res.StatusCode != http.StatusNotModified {
			t.Errorf("%s: revalidation %d", name, res.StatusCode)
		}
	}
	res, body := get(t, srv.URL+"/embed/"+embed.ModelPath("face_landmark_68_model.bin"))
	if res.StatusCode != 200 || !bytes.Equal(body, models.FaceLandmark68Bin) {
		t.Errorf("uncompressed: %d, %d bytes", res.StatusCode, len(body))
	}
	for _, bad := range []string{"models/0000000000000000/face_landmark_68_model.bin", "models/" + models.SHA256["LICENSE-face-api"][:16] + "/LICENSE-face-api",
		"models/face_landmark_68_model.bin", "models/"} {
		if res, _ := get(t, srv.URL+"/embed/"+bad); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", bad, res.StatusCode)
		}
	}
}
