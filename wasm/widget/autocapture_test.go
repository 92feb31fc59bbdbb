//go:build !js

package widget

import (
	"image"
	"image/color"
	"image/draw"
	"slices"
	"strings"
	"testing"
	"time"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	"github.com/rampart-id/rampart/quality"
	"github.com/rampart-id/rampart/quality/qualitytest"
)

// onDesk is a 640×480 preview frame: a plain dark desk with a synthetic ID card of the
// given width laid on it, its centre moved by dx pixels.
func onDesk(cardW, dx int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{40, 36, 32, 255}), image.Point{}, draw.Src)
	if cardW > 0 {
		card := qualitytest.Document(5, cardW, cardW*54/86)
		at := image.Pt(320-cardW/2+dx, 240-card.Rect.Dy()/2)
		draw.Draw(img, card.Rect.Add(at), card, image.Point{}, draw.Src)
	}
	return img
}

func frames(imgs ...image.Image) []image.Image { return imgs }

func repeat(img image.Image, n int) []image.Image {
	out := make([]image.Image, n)
	for i := range out {
		out[i] = img
	}
	return out
}

func TestJudgeFrame(t *testing.T) {
	good := onDesk(520, 0)
	blurry := qualitytest.Blur(good, 4)
	dark, glare := qualitytest.Darken(good, 0.55), qualitytest.AddGlare(good, 0.2)
	for _, tc := range []struct {
		name      string
		prev, cur image.Image
		want      frameVerdict
	}{
		{"steady sharp card in the guide", good, good, frameVerdict{true, true, true, true}},
		{"first frame", nil, good, frameVerdict{false, true, true, true}},
		{"a pixel of tremor", onDesk(520, 1), good, frameVerdict{true, true, true, true}},
		{"moved 12 px", onDesk(520, 12), good, frameVerdict{false, true, true, true}},
		{"blurry", blurry, blurry, frameVerdict{true, false, true, false}},                             // its print no longer makes edges either
		{"card far too small", onDesk(200, 0), onDesk(200, 0), frameVerdict{true, true, false, false}}, // mostly dark desk
		{"card past the guide", onDesk(760, 0), onDesk(760, 0), frameVerdict{true, true, true, false}},
		{"bare desk", onDesk(0, 0), onDesk(0, 0), frameVerdict{true, false, false, false}},
		{"too dark", dark, dark, frameVerdict{true, true, false, true}},
		{"glare", glare, glare, frameVerdict{true, true, false, true}},
	} {
		var prev *image.Gray
		if tc.prev != nil {
			prev = quality.Gray(tc.prev, AutoSteadySide)
		}
		g := quality.Gray(tc.cur, quality.AnalysisSide)
		if got := judgeFrame(prev, quality.Gray(g, AutoSteadySide), g, true); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// autoRun opens the ID card capture with the camera showing the frames.
func autoRun(t *testing.T, docFrames []image.Image) *harness {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{}, func(b *FakeBrowser) {
		b.DocFrames = docFrames
		b.DocImage = docFrames[len(docFrames)-1]
	})
	h.click("agree")
	h.click("doc-national_id")
	h.screen("capture-front")
	return h
}

func TestAutoCaptureSteadySharpCard(t *testing.T) {
	// The user brings the card in (moving), then holds it still.
	moving := frames(onDesk(520, -60), onDesk(520, -30), onDesk(520, -10))
	h := autoRun(t, append(moving, repeat(onDesk(520, 0), 3)...))
	h.screen("review-image")
	ann := h.b.Announced()
	hold, captured := slices.Index(ann, "Hold still…"), slices.Index(ann, "Captured")
	if hold < 0 || captured < hold {
		t.Errorf("announcements %q: want Hold still… then Captured", ann)
	}
	if n := h.b.DocGrabs(); n < len(moving)+AutoSteadyFrames {
		t.Errorf("captured after %d frames, before %d steady ones", n, AutoSteadyFrames)
	}
	h.contains("In focus")
}

// frameBudget is how many frames a test lets automatic capture look at: three times
// what a capture needs.
const frameBudget = 3 * AutoSteadyFrames

// Moving, blurry or badly placed cards are never shot automatically, however long the
// camera looks; the shutter still works.
func TestAutoCaptureWaits(t *testing.T) {
	var moving []image.Image
	left, right := onDesk(520, -12), onDesk(520, 12)
	for range frameBudget / 2 {
		moving = append(moving, left, right)
	}
	blurry := qualitytest.Blur(onDesk(520, 0), 4)
	for name, fs := range map[string][]image.Image{
		"moving":   moving,
		"blurry":   repeat(blurry, 1),
		"too far":  repeat(onDesk(200, 0), 1),
		"too near": repeat(onDesk(760, 0), 1),
	} {
		t.Run(name, func(t *testing.T) {
			h := autoRun(t, fs)
			if err := h.b.Wait(time.Minute, "frames", func() bool { return h.b.docGrabs >= frameBudget }); err != nil {
				t.Fatalf("screen %s after %d frames", h.b.Screen(), h.b.DocGrabs())
			}
			if h.b.Screen() != "capture-front" || slices.Contains(h.b.Announced(), "Captured") {
				t.Fatalf("shot automatically: screen %s, announced %q", h.b.Screen(), h.b.Announced())
			}
			h.click("capture")
			h.screen("review-image")
		})
	}
}

// The user can turn automatic capture off; it stays off for the next side.
func TestAutoCaptureOff(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{}, func(b *FakeBrowser) {
		b.DocImage = onDesk(520, 0)
	})
	h.click("agree")
	h.click("doc-national_id")
	h.screen("capture-front")
	h.click("auto-capture")
	if err := h.b.Wait(time.Second, "toggle off", func() bool {
		return elementTag(h.b.html, "auto-capture") != "" && !strings.Contains(elementTag(h.b.html, "auto-capture"), `aria-pressed="true"`)
	}); err != nil {
		t.Fatal(err)
	}
	// Only now does the preview show a perfect card: nothing happens without the shutter.
	h.b.mu.Lock()
	h.b.DocFrames = repeat(onDesk(520, 0), 1)
	h.b.mu.Unlock()
	time.Sleep(50 * time.Millisecond)
	if h.b.Screen() != "capture-front" || h.b.DocGrabs() != 0 {
		t.Fatalf("looked at %d frames while off; screen %s", h.b.DocGrabs(), h.b.Screen())
	}
	h.click("capture")
	h.screen("review-image")
	h.click("accept")
	h.screen("capture-back")
	if tag := elementTag(h.b.HTML(), "auto-capture"); !strings.Contains(tag, `aria-pressed="false"`) {
		t.Errorf("the back side's toggle: %s", tag)
	}
}
