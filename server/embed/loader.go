package embed

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"sync"

	"github.com/rampart-id/rampart/locale"
)

// loaderMarker is the placeholder in rampart.js that the widget's texts replace, so the
// loader's dialog and frame are named in the user's language with the widget's words.
var loaderMarker = []byte("{/*LOADER_TEXTS*/}")

// loaderTexts is {"en":{"title":…,"close":…},…} for every language of the widget.
var loaderTexts = sync.OnceValue(func() []byte {
	m := map[string]map[string]string{}
	for _, l := range locale.Languages() {
		t := locale.New(l)
		m[l] = map[string]string{"title": t.T("header"), "close": t.T("close")}
	}
	b, err := json.Marshal(m) // escapes <, > and & so the text cannot end the script
	if err != nil {
		panic(err)
	}
	return b
})

// loader serves rampart.js with the texts filled in.
func (h *Handler) loader(w http.ResponseWriter, r *http.Request) {
	data, err := fs.ReadFile(h.files, "rampart.js")
	if err != nil {
		http.NotFound(w, r)
		return
	}
	data = bytes.Replace(data, loaderMarker, loaderTexts(), 1)
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", basePolicy+"; frame-ancestors 'none'")
	hdr.Set("Content-Type", "text/javascript; charset=utf-8")
	hdr.Set("Cache-Control", "public, max-age=300")
	writeTagged(w, r, h.etag("rampart.js", data), data)
}
