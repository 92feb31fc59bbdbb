// Package embed serves the widget: the loader script partners include, the widget page
// (an HTML shell that paints at once, then the Go WebAssembly widget), and its assets,
// with the security headers that keep it framable only by the partner's origins.
package embed

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/rampart-id/rampart/server/origin"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/widget"
)

//go:embed static
var static embed.FS

// CSP of widget pages: no third-party anything; wasm needs 'wasm-unsafe-eval'.
const basePolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; " +
	"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"

// Handler serves /embed/…
type Handler struct {
	store     *store.Store
	files     fs.FS
	etags     sync.Map // name → ETag
	gzips     sync.Map // name.gz → gzipped text asset
	retention widget.Retention
}

// New serves the embedded assets, or those in dir when it is not empty (development and
// tests build the widget into a directory of their own). ret is the retention the
// consent screen states.
func New(st *store.Store, dir string, ret widget.Retention) *Handler {
	var files fs.FS
	if dir != "" {
		files = os.DirFS(dir)
	} else {
		files, _ = fs.Sub(static, "static")
	}
	return &Handler{store: st, files: files, retention: ret}
}

// assets maps public names to content types.
var assets = map[string]string{
	"rampart.js":   "text/javascript; charset=utf-8",
	"app.js":       "text/javascript; charset=utf-8",
	"wasm_exec.js": "text/javascript; charset=utf-8",
	"widget.css":   "text/css; charset=utf-8",
	"widget.wasm":  "application/wasm",
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/embed/")
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if name == "app" {
		h.page(w, r)
		return
	}
	if name == "rampart.js" {
		h.loader(w, r)
		return
	}
	if rest, ok := strings.CutPrefix(name, "models/"); ok {
		h.model(w, r, rest)
		return
	}
	ctype, ok := assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr.Set("Content-Security-Policy", basePolicy+"; frame-ancestors 'none'")
	h.serveFile(w, r, name, ctype)
}

// page serves the widget shell. frame-ancestors lists the partner's registered origins
// (picked by widget_id), so only their pages can frame it; the camera is for this
// origin alone.
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	ancestors := "'none'"
	var partner *store.Partner
	if id := r.URL.Query().Get("widget_id"); id != "" {
		if len(id) > 64 {
			http.Error(w, "unknown widget", http.StatusNotFound)
			return
		}
		p, err := h.store.Read().PartnerByWidgetID(r.Context(), id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			http.Error(w, "unknown widget", http.StatusNotFound)
			return
		case err != nil:
			http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
			return
		}
		if list := cspOrigins(p); len(list) > 0 {
			ancestors = strings.Join(list, " ")
		}
		partner = &p
	}
	hdr := w.Header()
	// 'self' lets the widget open itself top-level (mobile webviews, Custom Tabs).
	hdr.Set("Content-Security-Policy", basePolicy+"; frame-ancestors 'self' "+strings.TrimPrefix(ancestors, "'none'"))
	if ancestors == "'none'" {
		hdr.Set("Content-Security-Policy", basePolicy+"; frame-ancestors 'none'")
	}
	hdr.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=()")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Add("Vary", "Accept-Language")
	hdr.Add("Vary", "Accept-Encoding")
	if r.Method == http.MethodHead {
		return
	}
	body := renderPage(pageLang(r), partner, h.retention)
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		// The page is the first thing a user on a slow link waits for: a few kB less.
		hdr.Set("Content-Encoding", "gzip")
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		return
	}
	_, _ = w.Write(body)
}

// cspOrigins returns the partner's origins that are fit for the policy: each must pass
// the same parser as at registration, so a stored value such as
// "https://a.example;script-src …" can never add a directive.
func cspOrigins(p store.Partner) []string {
	out := make([]string, 0, len(p.Origins))
	for _, o := range p.Origins {
		if n, err := origin.Parse(o, p.TestMode); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// serveFile serves a static file, precompressed (brotli, then gzip) when the client
// accepts it and a compressed copy exists.
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, name, ctype string) {
	hdr := w.Header()
	file, enc := name, ""
	accept := r.Header.Get("Accept-Encoding")
	for _, c := range []struct{ enc, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if strings.Contains(accept, c.enc) {
			if _, err := fs.Stat(h.files, name+c.ext); err == nil {
				file, enc = name+c.ext, c.enc
				break
			}
		}
	}
	data, err := fs.ReadFile(h.files, file)
	if err != nil {
		if name == "widget.wasm" {
			http.Error(w, "the widget is not built: run `make wasm`", http.StatusServiceUnavailable)
			return
		}
		http.NotFound(w, r)
		return
	}
	if enc == "" && strings.HasPrefix(ctype, "text/") && strings.Contains(accept, "gzip") {
		// Scripts and styles without a precompressed copy: gzip once, keep it.
		file, enc, data = name+".gz", "gzip", h.gzipped(name+".gz", data)
	}
	etag := h.etag(file, data)
	hdr.Set("Content-Type", ctype)
	hdr.Add("Vary", "Accept-Encoding")
	if enc != "" {
		hdr.Set("Content-Encoding", enc)
	}
	if hdr.Get("Cache-Control") == "" {
		// Short max-age plus ETag: a new release is picked up within minutes and an
		// unchanged widget costs a 304.
		hdr.Set("Cache-Control", "public, max-age=300")
	}
	writeTagged(w, r, etag, data)
}

// writeTagged sends data under its ETag: a 304 when the client holds it already, the
// headers alone for HEAD.
func writeTagged(w http.ResponseWriter, r *http.Request, etag string, data []byte) {
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(data)
}

// gzipped returns data gzipped, compressing it on first use only.
func (h *Handler) gzipped(key string, data []byte) []byte {
	if v, ok := h.gzips.Load(key); ok {
		return v.([]byte)
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = zw.Write(data)
	_ = zw.Close()
	h.gzips.Store(key, b.Bytes())
	return b.Bytes()
}

func (h *Handler) etag(name string, data []byte) string {
	if v, ok := h.etags.Load(name); ok {
		return v.(string)
	}
	sum := sha256.Sum256(data)
	tag := `"` + hex.EncodeToString(sum[:8]) + `"`
	h.etags.Store(name, tag)
	return tag
}
