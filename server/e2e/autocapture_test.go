package e2e

import (
	"image"
	"image/color"
	"image/draw"
	"testing"

	"github.com/chromedp/chromedp"

	browsertest "github.com/rampart-id/rampart/internal/browser"
	"github.com/rampart-id/rampart/quality/qualitytest"
)

// cardInGuide is a camera picture of an ID card lying on a plain dark desk, filling the
// widget's card guide: what a user holding still over the card shows the camera.
func cardInGuide(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{40, 36, 32, 255}), image.Point{}, draw.Src)
	cw := w * 13 / 16
	card := qualitytest.Document(31, cw, cw*54/86)
	at := image.Pt((w-cw)/2, (h-card.Rect.Dy())/2)
	draw.Draw(img, card.Rect.Add(at), card, image.Point{}, draw.Src)
	return img
}

// TestDocumentAutoCapture: in the real widget, a steady, sharp card inside the guide is
// photographed without the shutter being pressed.
func TestDocumentAutoCapture(t *testing.T) {
	e := newEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Video: []image.Image{cardInGuide(1280, 960)}})
	x := &w{t: t, ctx: ctx}
	x.do("open widget", chromedp.Navigate(widgetURL(t, e, "ada")))
	x.screen("consent")
	x.click("agree")
	x.screen("doc-type")
	x.click("doc-national_id")
	x.screen("capture-front")
	x.do("wait for the camera", chromedp.WaitEnabled(chromedp.CSS("#capture"), x.opts()...))
	if !x.has(`#auto-capture[aria-pressed="true"]`) {
		t.Fatal("automatic capture is not on")
	}
	x.screen("review-image") // nobody pressed the shutter
	if !x.has("img.preview") {
		t.Error("no photo on the review screen")
	}
}
