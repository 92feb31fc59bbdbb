package embed_test

import (
	"strings"
	"testing"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/locale"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

// TestLoaderSpeaksEveryLanguage: the loader's dialog and frame titles come from the
// widget's own texts, in each of its languages.
func TestLoaderSpeaksEveryLanguage(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t), testserver.Options{})
	res, body := get(t, srv.URL+"/embed/rampart.js")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("rampart.js: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	js := string(body)
	if strings.Contains(js, "LOADER_TEXTS") {
		t.Fatal("the texts placeholder was not filled in")
	}
	for _, l := range locale.Languages() {
		tx := locale.New(l)
		want := `"` + l + `":{"close":"` + tx.T("close") + `","title":"` + tx.T("header") + `"}`
		if !strings.Contains(js, want) {
			t.Errorf("loader lacks %s", want)
		}
	}
	again, _ := get(t, srv.URL+"/embed/rampart.js", "If-None-Match", res.Header.Get("ETag"))
	if again.StatusCode != 304 {
		t.Errorf("revalidation: %d, want 304", again.StatusCode)
	}
}
