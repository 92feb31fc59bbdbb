package e2e

import (
	"strings"
	"testing"

	browsertest "github.com/rampart-id/rampart/internal/browser"
	"github.com/rampart-id/rampart/quality/qualitytest"
)

// TestUnreadableZoneSaidRightAfterTheShot: in the real widget (WebAssembly in Chromium),
// a passport photo whose zone cannot be read is flagged on the review screen, before
// anything is sent, with words saying which part to show; the readable passport then
// passes the same read.
func TestUnreadableZoneSaidRightAfterTheShot(t *testing.T) {
	e := newEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Video: faceVideo()})
	x := openFromShop(t, ctx, e, "zoe")
	x.screen("consent")
	x.click("agree")
	x.screen("doc-type")
	x.click("doc-passport")
	x.screen("capture-front")
	// A sharp, well-lit page with printed fields but no machine-readable zone.
	x.upload(imageFile(t, "no-zone.jpg", qualitytest.Document(7, 1600, 1000)))
	x.screen("review-image")
	if body := x.text("main#rampart"); !strings.Contains(body, "We can't read the lines at the bottom of the photo page") {
		t.Errorf("review screen does not say the zone is unreadable: %s", body)
	}
	if !x.has("#data-unreadable") {
		t.Error("no unreadable-data item on the review screen")
	}
	x.click("retake")
	x.screen("capture-front")
	x.upload(documentFile(t, 81))
	x.screen("review-image")
	if !x.has("#data-read") {
		t.Errorf("the generated passport's zone was not read in the browser: %s", x.text("main#rampart"))
	}
}
