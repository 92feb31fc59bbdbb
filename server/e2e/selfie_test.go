package e2e

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rampart-id/rampart/face/facetest"
	browsertest "github.com/rampart-id/rampart/internal/browser"
	"github.com/rampart-id/rampart/server/store"
)

// liveFaceVideo is the fake camera's picture of a real face (cut from a demo photo): it
// looks straight ahead, turns to its left, to its right and comes closer, in a loop of
// about 12 s, so any challenge comes round. facetest renders it at 10 frames a second;
// Chromium plays 30, so each frame is shown three times.
var liveFaceVideo = sync.OnceValues(func() ([]image.Image, error) {
	ps, err := facetest.Portraits()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "rampart-face-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "loop.y4m")
	if err := facetest.WriteLoopY4M(path, ps[0], 320, 240, 10); err != nil {
		return nil, err
	}
	frames, err := readY4M(path)
	if err != nil {
		return nil, err
	}
	out := make([]image.Image, 0, 3*len(frames))
	for _, f := range frames {
		out = append(out, f, f, f)
	}
	return out, nil
})

// readY4M reads a YUV4MPEG2 4:2:0 video.
func readY4M(path string) ([]image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	header, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	var w, h int
	for _, field := range strings.Fields(header) {
		switch field[0] {
		case 'W':
			w, _ = strconv.Atoi(field[1:])
		case 'H':
			h, _ = strconv.Atoi(field[1:])
		}
	}
	if w <= 0 || h <= 0 || !strings.Contains(header, "C420") {
		return nil, fmt.Errorf("y4m header %q", header)
	}
	var out []image.Image
	for {
		if _, err := r.ReadString('\n'); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
		for _, p := range [][]byte{img.Y, img.Cb, img.Cr} {
			if _, err := io.ReadFull(r, p); err != nil {
				return nil, err
			}
		}
		out = append(out, img)
	}
}

// noFaceVideo is a camera that sees no face: noise, changing every frame.
func noFaceVideo() []image.Image {
	var out []image.Image
	for i := range 30 {
		out = append(out, facetest.Noise(int64(i), 320, 240))
	}
	return out
}

// toSelfie takes the widget, opened top-level, through a passport upload to the
// selfie screen.
func toSelfie(t *testing.T, x *w, e *env, user string, seed int64) {
	t.Helper()
	x.do("open widget", chromedp.Navigate(widgetURL(t, e, user)))
	x.screen("consent")
	x.click("agree")
	x.screen("doc-type")
	x.click("doc-passport")
	x.screen("capture-front")
	x.upload(documentFile(t, seed))
	x.screen("review-image")
	x.click("accept")
	x.screen("liveness-intro")
	x.click("start-liveness")
	x.screen("liveness")
}

var rateLine = regexp.MustCompile(`face detection ([0-9.]+)/s \((\d+) in ([0-9.]+) s\)`)

// detectionRate logs the widget's detection-rate console lines and returns the last rate.
func detectionRate(t *testing.T, console func() []string) float64 {
	t.Helper()
	rate := 0.0
	for _, l := range console() {
		if m := rateLine.FindStringSubmatch(l); m != nil {
			rate, _ = strconv.ParseFloat(m[1], 64)
			t.Logf("widget: face detection %s/s (%s detections in %s s)", m[1], m[2], m[3])
		}
	}
	return rate
}

// livenessImages returns the selfie frames the server stored for the user's case.
func livenessImages(t *testing.T, e *env, user string) []store.Image {
	t.Helper()
	ctx := context.Background()
	c, err := e.srv.Store.Read().CurrentCase(ctx, e.partner.PartnerID, user)
	if err != nil {
		t.Fatalf("case of %s: %v", user, err)
	}
	imgs, err := e.srv.Store.Read().CaseImages(ctx, c.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Image
	for _, im := range imgs {
		if im.Kind == store.ImageLiveness {
			out = append(out, im)
		}
	}
	return out
}

// TestSelfieChallengeWithLiveFace: in front of a camera showing a face that turns and
// comes closer, the widget guides the server's challenge to the end by itself and the
// server stores the frames of every step.
func TestSelfieChallengeWithLiveFace(t *testing.T) {
	e := newEnv(t)
	video, err := liveFaceVideo()
	if err != nil {
		t.Fatalf("camera video: %v", err)
	}
	ctx := browsertest.New(t, browsertest.Options{Video: video})
	console := browsertest.Console(ctx)
	x := &w{t: t, ctx: ctx}
	toSelfie(t, x, e, "sofia", 81)
	start := time.Now()
	wctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	if _, err := chromedp.Run(wctx, chromedp.Poll[bool](`document.querySelector('main#rampart').getAttribute('data-screen') !== 'liveness'`,
		chromedp.WithPollingInterval(250*time.Millisecond))); err != nil {
		detectionRate(t, console)
		t.Fatalf("the challenge did not end: %v; prompt %q", err, x.text("#live-prompt"))
	}
	took := time.Since(start)
	rate := detectionRate(t, console)
	t.Logf("challenge answered in %v; then screen %q", took.Round(100*time.Millisecond), x.screenNow())
	if rate > 0 && rate < 2 {
		t.Logf("NOTE: %.1f detections/s is slow for live guidance", rate)
	}
	if s := x.screenNow(); s == "error" || s == "liveness" {
		t.Fatalf("after the challenge: screen %s: %s", s, x.text("main#rampart"))
	}
	sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
	defer scancel()
	if _, err := chromedp.Run(sctx, chromedp.Poll[bool](`document.querySelector('main#rampart').getAttribute('data-screen') !== 'submitting'`,
		chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		t.Fatalf("still submitting: %v", err)
	}
	if s := x.screenNow(); s == "error" {
		t.Fatalf("submission failed: %s", x.text("main#rampart"))
	}
	imgs := livenessImages(t, e, "sofia")
	if len(imgs) < 3 || len(imgs) > 12 {
		t.Fatalf("the server stored %d selfie frames", len(imgs))
	}
	step, at := 0, -1
	for _, im := range imgs {
		if im.Step != step && im.Step != step+1 || im.AtMS <= at {
			t.Fatalf("frames out of order: %+v", imgs)
		}
		step, at = im.Step, im.AtMS
		if im.Width > 640 || im.Height > 640 {
			t.Errorf("frame %dx%d larger than 640 px", im.Width, im.Height)
		}
	}
	if step < 2 {
		t.Fatalf("frames reach step %d only", step)
	}
	t.Logf("%d frames stored, steps 0–%d, last at %d ms", len(imgs), step, at)
}

// TestSelfieNoFaceSaysSoAndWaits: with no face in front of the camera the widget says it
// cannot see one, and nothing advances or is sent.
func TestSelfieNoFaceSaysSoAndWaits(t *testing.T) {
	e := newEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Video: noFaceVideo()})
	console := browsertest.Console(ctx)
	x := &w{t: t, ctx: ctx}
	toSelfie(t, x, e, "nadia", 82)
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if _, err := chromedp.Run(wctx, chromedp.Poll[bool](`(document.getElementById('live-prompt')?.textContent || '').includes("can't see your face")`,
		chromedp.WithPollingInterval(250*time.Millisecond))); err != nil {
		t.Fatalf("the widget never said it sees no face: %v; prompt %q", err, x.text("#live-prompt"))
	}
	time.Sleep(8 * time.Second)
	detectionRate(t, console)
	if s := x.screenNow(); s != "liveness" {
		t.Fatalf("screen %s without a face", s)
	}
	if p := x.text("#live-prompt"); !strings.Contains(p, "can't see your face") {
		t.Errorf("prompt changed to %q", p)
	}
	if x.has("#live-progress span.on") {
		t.Error("the challenge advanced without a face")
	}
	if imgs := livenessImages(t, e, "nadia"); len(imgs) != 0 {
		t.Errorf("the server got %d selfie frames", len(imgs))
	}
}
