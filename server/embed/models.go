package embed

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync"

	"github.com/rampart-id/rampart/models"
)

// ModelHashLen is how many hex digits of a weight file's SHA-256 name it in its URL.
const ModelHashLen = 16

// modelTypes are the weight files the widget may fetch: the manifests and shards of
// the three networks (the widget needs only the detector and the landmark net).
var modelTypes = map[string]string{
	"tiny_face_detector_model-weights_manifest.json": "application/json",
	"tiny_face_detector_model.bin":                   "application/octet-stream",
	"face_landmark_68_model-weights_manifest.json":   "application/json",
	"face_landmark_68_model.bin":                     "application/octet-stream",
	"face_recognition_model-weights_manifest.json":   "application/json",
	"face_recognition_model.bin":                     "application/octet-stream",
}

// ModelPath is the path, under /embed/, of a weight file: its content's hash is part
// of it, so the file can be cached for good and a new version gets a new URL.
func ModelPath(name string) string {
	return "models/" + models.SHA256[name][:ModelHashLen] + "/" + name
}

// gzipped holds the gzip copy of each weight file, made on first request.
var gzipped sync.Map // name → func() []byte

func gzipOf(name string) []byte {
	f, _ := gzipped.LoadOrStore(name, sync.OnceValue(func() []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = zw.Write(models.Files[name])
		_ = zw.Close()
		return b.Bytes()
	}))
	return f.(func() []byte)()
}

// model serves a weight file at its content-addressed path (rest is what follows
// "models/"); any other hash or name is not found.
func (h *Handler) model(w http.ResponseWriter, r *http.Request, rest string) {
	hash, name, ok := strings.Cut(rest, "/")
	ctype, known := modelTypes[name]
	if !ok || !known || hash != models.SHA256[name][:ModelHashLen] {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", basePolicy+"; frame-ancestors 'none'")
	hdr.Set("Content-Type", ctype)
	hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	hdr.Set("ETag", `"`+hash+`"`)
	hdr.Add("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == `"`+hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	data := models.Files[name]
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		data = gzipOf(name)
		hdr.Set("Content-Encoding", "gzip")
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(data)
}
