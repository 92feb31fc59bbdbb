package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"
	"github.com/chromedp/chromedp"

	browsertest "github.com/rampart-id/rampart/internal/browser"
)

// TestHandoffToPhoneThenPaymentOnDesktop: a computer without a camera shows a QR code
// for the phone link; a second browser (the phone, with a camera) opens the link and
// does the capture; the computer follows to the decision and the payment step. The
// link opens once.
func TestHandoffToPhoneThenPaymentOnDesktop(t *testing.T) {
	e := newEnv(t)
	dctx := browsertest.New(t, browsertest.Options{Camera: browsertest.NoCamera, Width: 1280, Height: 800})
	desk := openFromShop(t, dctx, e, "hana")
	desk.screen("consent")
	desk.click("agree")
	desk.screen("doc-type")
	desk.click("handoff")
	desk.screen("handoff")
	attr, err := chromedp.Run(dctx, chromedp.AttributeValue(chromedp.CSS("#handoff-qr"), "data-handoff-url", desk.opts()...))
	link := attr.Value
	if err != nil || !strings.HasPrefix(link, e.srv.URL+"/embed/app?widget_id="+e.partner.WidgetID+"#handoff=rph_") {
		t.Fatalf("handoff link %q", link)
	}
	if body := desk.text("main#rampart"); !strings.Contains(body, link) {
		t.Errorf("the link is not shown as text: %s", body)
	}
	assertQRShows(t, desk, link)

	pctx := browsertest.New(t, browsertest.Options{Video: faceVideo()})
	phone := &w{t: t, ctx: pctx}
	phone.do("open the link on the phone", chromedp.Navigate(link))
	// The page the server renders asks for consent; the widget, once it knows the phone
	// continues a case the user agreed to on the computer, goes on without asking again.
	phone.screen("doc-type")
	if phone.has("#handoff") {
		t.Error("the phone offers to continue on a phone")
	}
	passport(phone, documentFile(t, 91))
	phone.screen("verified")
	if body := phone.text("main#rampart"); !strings.Contains(body, "computer") {
		t.Errorf("the phone does not send the user back to the computer: %s", body)
	}

	desk.screen("verified")
	desk.click("continue")
	desk.screen("payment")
	if got := e.kycStatus(t, "hana"); got != "verified" {
		t.Fatalf("partner sees %q", got)
	}

	// The link was used: opened again, it says so.
	phone.do("open the link again", chromedp.Navigate("about:blank"), chromedp.Navigate(link))
	phone.screen("error")
	if body := phone.text("main#rampart"); !strings.Contains(body, "already used") {
		t.Errorf("reused link: %s", body)
	}
}

// assertQRShows checks the QR code on screen, module by module from a screenshot, against
// the QR code of link.
func assertQRShows(t *testing.T, x *w, link string) {
	t.Helper()
	code, err := qr.Encode(link, qr.M, qr.Auto)
	if err != nil {
		t.Fatal(err)
	}
	n := code.Bounds().Dx()
	// The code's box on the page, and a picture of the page's viewport (an element
	// screenshot inside a frame clips at the wrong place).
	box, err := chromedp.Run(x.ctx, chromedp.Dimensions(chromedp.CSS("#handoff-qr svg"), append(x.opts(), chromedp.NodeVisible)...))
	if err != nil {
		t.Fatal(err)
	}
	frame, err := chromedp.Run(x.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	full, err := png.Decode(bytes.NewReader(frame))
	if err != nil {
		t.Fatal(err)
	}
	q := box.Content
	r := image.Rect(int(q[0]+0.5), int(q[1]+0.5), int(q[4]+0.5), int(q[5]+0.5))
	img, ok := full.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok || !r.In(full.Bounds()) {
		t.Fatalf("QR code at %v, outside the frame's picture %v", r, full.Bounds())
	}
	crop := img.SubImage(r)
	b := crop.Bounds()
	scale := float64(b.Dx()) / float64(n+8) // 4 modules of quiet zone each side
	if scale < 2 {
		t.Fatalf("QR code drawn %d px wide for %d modules", b.Dx(), n)
	}
	wrong := 0
	for y := -4; y < n+4; y++ {
		for xx := -4; xx < n+4; xx++ {
			px := crop.At(b.Min.X+int((float64(xx+4)+0.5)*scale), b.Min.Y+int((float64(y+4)+0.5)*scale))
			dark := color.GrayModel.Convert(px).(color.Gray).Y < 128
			want := xx >= 0 && y >= 0 && xx < n && y < n && code.At(xx, y) == color.Black
			if dark != want {
				wrong++
			}
		}
	}
	if wrong > 0 {
		t.Fatalf("%d of %d modules differ from the QR code of %s (screenshot %v)", wrong, (n+8)*(n+8), link, b)
	}
}
