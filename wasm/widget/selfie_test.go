//go:build !js

package widget

import (
	"bytes"
	"context"
	"github.com/rampart-id/rampart/locale"
	"image"
	"image/jpeg"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-id/rampart/face"
	"github.com/rampart-id/rampart/face/facetest"
	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/models"
)

// fakeUser is a person in front of the fake camera who does what the selfie screen
// asks, a few frames after it asks: the move is read from the arrow on screen. absent
// is nobody in front of the camera.
type fakeUser struct {
	b      *FakeBrowser
	absent bool

	mu    sync.Mutex
	move  string
	since int
}

func (u *fakeUser) pose(*image.RGBA) liveness.Pose {
	if u.absent {
		return liveness.Pose{}
	}
	m := ""
	if html := u.b.HTML(); strings.Contains(html, `data-move="`) {
		m = strings.SplitN(strings.SplitN(html, `data-move="`, 2)[1], `"`, 2)[0]
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if m != u.move {
		u.move, u.since = m, 0
	}
	u.since++
	p := liveness.Pose{Found: true, Yaw: 0.02, Size: 0.1, Width: 0.3, Inside: true}
	if u.since > 3 {
		switch liveness.Move(m) {
		case liveness.TurnLeft:
			p.Yaw += 0.3
		case liveness.TurnRight:
			p.Yaw -= 0.3
		case liveness.Closer:
			p.Size, p.Width = p.Size*1.5, p.Width*1.5
		}
	}
	return p
}

func straight(yaw, width float64) liveness.Pose {
	return liveness.Pose{Found: true, Yaw: yaw, Size: width / 2.6, Width: width, Inside: true}
}

// TestSelfieSteps feeds the challenge's state machine a person who first needs
// guidance, then looks straight ahead and makes the moves; the kept frames pass the
// server's rule.
func TestSelfieSteps(t *testing.T) {
	s := &selfie{moves: liveness.Challenge{liveness.TurnRight, liveness.Closer, liveness.TurnLeft}}
	var obs []liveness.Observed
	at := time.Duration(0)
	feed := func(p liveness.Pose, dark bool, want string) verdict {
		t.Helper()
		at += 100 * time.Millisecond
		v := s.observe(p, dark, at)
		if v.prompt != want {
			t.Fatalf("at %v, pose %+v: prompt %q, want %q", at, p, v.prompt, want)
		}
		if v.keep {
			obs = append(obs, liveness.Observed{AtMS: int(at / time.Millisecond), Step: v.step, Pose: p})
		}
		return v
	}
	feed(liveness.Pose{}, false, "live_noface")
	feed(liveness.Pose{}, true, "live_dark")
	feed(liveness.Pose{Found: true, Width: 0.3, Size: 0.1}, false, "live_outside")
	feed(straight(0, 0.12), false, "live_far")
	feed(straight(0, 0.7), false, "live_near")
	feed(straight(0.2, 0.3), false, "live_straight")
	feed(straight(0.11, 0.3), false, "live_straight") // within the server's bound, not the widget's
	if len(obs) != 0 {
		t.Fatalf("kept %d frames before the face was framed", len(obs))
	}
	feed(straight(0.02, 0.3), false, "live_hold")
	feed(straight(0.04, 0.3), false, "live_turn_right")
	// The right turn: too soon after the prompt, it does not count (nobody moves that
	// fast); the turn must reach the widget's margin.
	turned := straight(0.04-0.3, 0.3)
	feed(turned, false, "live_turn_right")
	feed(straight(0.04-0.17, 0.3), false, "live_turn_right")
	feed(straight(0.04-0.17, 0.3), false, "live_turn_right")
	feed(straight(0.04-0.17, 0.3), false, "live_turn_right")
	feed(liveness.Pose{}, false, "live_noface")
	if v := feed(turned, false, "live_turn_right"); !v.keep || v.step != 1 {
		t.Fatalf("the turn was not kept: %+v", v)
	}
	feed(turned, false, "live_closer") // the second frame of the turn
	feed(straight(0.03, 0.3*1.6), false, "live_closer")
	feed(straight(0.03, 0.3*1.6), false, "live_closer")
	feed(straight(0.03, 0.3*1.6), false, "live_closer")
	if v := feed(straight(0.03, 0.3*1.6), false, "live_closer"); !v.keep || v.step != 2 {
		t.Fatalf("closer was not kept: %+v", v)
	}
	feed(straight(0.03, 0.3), false, "live_closer") // moved back after one frame: not yet
	feed(straight(0.03, 0.3*1.6), false, "live_turn_left")
	// One frame shows it, then the person looks back: one frame is not enough, however
	// clear, so the step waits for another sighting.
	feed(straight(0.03, 0.3), false, "live_turn_left")
	for range 3 {
		feed(straight(0.03, 0.3), false, "live_turn_left")
	}
	if v := feed(straight(0.35, 0.3), false, "live_turn_left"); !v.keep || v.step != 3 {
		t.Fatalf("the turn was not kept: %+v", v)
	}
	feed(straight(0.03, 0.3), false, "live_turn_left")
	feed(straight(0.03, 0.3), false, "live_turn_left")
	borderline := straight(0.03+liveness.TurnYaw+yawMargin+0.01, 0.3)
	if v := feed(borderline, false, "live_done"); !v.done || !v.keep {
		t.Fatalf("not done: %+v", v)
	}
	if len(obs) < liveness.MinFrames || len(obs) > liveness.MaxFrames {
		t.Fatalf("%d frames", len(obs))
	}
	if r := liveness.Verify(s.moves, obs); !r.Passed {
		t.Fatalf("the server's rule refuses the kept frames: %s", r.Why)
	}
}

// TestSelfieRebase: straight-ahead frames taken with the face near are taken again when
// the person moves back before the first move.
func TestSelfieRebase(t *testing.T) {
	s := &selfie{moves: liveness.Challenge{liveness.Closer, liveness.TurnLeft}}
	near, far := straight(0, 0.45), straight(0, 0.3)
	s.observe(near, false, 100*time.Millisecond)
	s.observe(near, false, 200*time.Millisecond)
	if s.step != 1 {
		t.Fatalf("step %d", s.step)
	}
	if v := s.observe(straight(0, 0.42), false, 300*time.Millisecond); v.restart || s.step != 1 {
		t.Fatalf("a small change started again: %+v", v)
	}
	v := s.observe(far, false, 400*time.Millisecond)
	if !v.restart || !v.keep || v.step != 0 || s.step != 0 {
		t.Fatalf("not started again: %+v, step %d", v, s.step)
	}
	s.observe(far, false, 500*time.Millisecond)
	if s.step != 1 || s.base.Size != far.Size {
		t.Fatalf("step %d, base %+v", s.step, s.base)
	}
}

// selfieFlow goes through the documents to the selfie screen.
func selfieFlow(h *harness) {
	h.t.Helper()
	h.click("agree")
	h.click("doc-passport")
	h.screen("capture-front")
	h.click("capture")
	h.screen("review-image")
	h.click("accept")
	h.screen("liveness-intro")
	h.click("start-liveness")
	h.screen("liveness")
}

func TestSelfieGuidesEachMove(t *testing.T) {
	api := &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED),
		moves: liveness.Challenge{liveness.Closer, liveness.TurnRight, liveness.TurnLeft}.Proto()}
	h := run(t, api, Options{Lang: "es"})
	selfieFlow(h)
	h.screen("verifying")
	// Each prompt is announced, in this order.
	ann := h.b.Announced()
	for _, k := range []string{"live_loading", "live_hold", "live_closer", "live_turn_right", "live_turn_left", "live_done"} {
		i := slices.Index(ann, locale.New("es").T(k))
		if i < 0 {
			t.Fatalf("%s was never announced: %q", k, ann)
		}
		ann = ann[i:]
	}
	h.api.mu.Lock()
	lv := h.api.liveness
	h.api.mu.Unlock()
	last := int32(-1)
	for _, f := range lv.GetFrames() {
		if f.GetAtMs() <= last {
			t.Errorf("at_ms not increasing: %d after %d", f.GetAtMs(), last)
		}
		last = f.GetAtMs()
		if _, err := jpeg.Decode(bytes.NewReader(f.GetImage())); err != nil {
			t.Errorf("frame is not a JPEG: %v", err)
		}
	}
	if n := len(lv.GetFrames()); n != StraightFrames+3*MoveFrames {
		t.Errorf("%d frames", n)
	}
	if len(h.b.Logged()) == 0 || !strings.Contains(h.b.Logged()[len(h.b.Logged())-1], "face detection") {
		t.Errorf("no detection rate in the console: %q", h.b.Logged())
	}
}

// TestSelfieArrowsFollowTheMirror: the preview is mirrored, so the person's own left is
// on the left of the screen.
func TestSelfieArrowsFollowTheMirror(t *testing.T) {
	if !strings.Contains(arrow(liveness.TurnLeft), `d="M15 5 8 12l7 7"`) || !strings.Contains(arrow(liveness.TurnRight), `d="m9 5 7 7-7 7"`) {
		t.Error("arrows point the wrong way")
	}
	if arrow("") != "" {
		t.Error("an arrow without a move")
	}
}

func TestSelfieNoFaceDoesNotAdvance(t *testing.T) {
	api := &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}
	var user *fakeUser
	h := runWith(t, api, Options{}, func(b *FakeBrowser) poseFinder { user = &fakeUser{b: b, absent: true}; return user })
	selfieFlow(h)
	if err := h.b.Wait(5*time.Second, "no-face prompt", func() bool { return strings.Contains(h.b.html, "We can&#39;t see your face") }); err != nil {
		t.Fatal(err)
	}
	// Nothing advances, nothing is sent; after a while the person may keep trying or
	// start again with new moves.
	h.click("keep-trying")
	if err := h.b.Wait(5*time.Second, "options gone", func() bool { return !strings.Contains(h.b.html, `id="keep-trying"`) }); err != nil {
		t.Fatal(err)
	}
	h.click("new-challenge")
	h.screen("liveness")
	if err := h.b.Wait(5*time.Second, "second challenge", func() bool {
		n := 0
		for _, c := range h.api.Calls() {
			if c == "challenge" {
				n++
			}
		}
		return n == 2
	}); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(h.api.Calls(), "liveness") || strings.Contains(h.b.HTML(), `<span class="on">`) {
		t.Errorf("the challenge advanced without a face: %q\n%s", h.api.Calls(), h.b.HTML())
	}
	if !slices.Contains(h.b.Announced(), locale.New("en").T("live_stuck")) {
		t.Error("the stall options were not announced")
	}
}

func TestSelfieTooDark(t *testing.T) {
	dark := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for i := range dark.Pix {
		dark.Pix[i] = 12
	}
	api := &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}
	h := runWith(t, api, Options{}, func(b *FakeBrowser) poseFinder { return &fakeUser{b: b, absent: true} },
		func(b *FakeBrowser) { b.Faces = []image.Image{dark} })
	selfieFlow(h)
	if err := h.b.Wait(5*time.Second, "more light", func() bool { return strings.Contains(h.b.html, "too dark") }); err != nil {
		t.Fatal(err)
	}
}

// TestModelFiles: the widget names the weight files by their real hashes and fetches
// the detector and the landmark net only, once per session.
func TestModelFiles(t *testing.T) {
	for _, f := range modelFiles {
		if !strings.HasPrefix(models.SHA256[f.name], f.hash) || len(f.hash) != 16 {
			t.Errorf("%s: hash %s, models says %s", f.name, f.hash, models.SHA256[f.name])
		}
	}
	b := NewFakeBrowser()
	c := &faceCache{load: func(ctx context.Context) (poseFinder, error) { return loadNets(ctx, b) }}
	for range 2 {
		if _, err := c.get(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	got := b.Fetched()
	if len(got) != 4 || slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, "recognition") }) {
		t.Errorf("fetched %q", got)
	}
}

// TestSelfieWithRealNetworks runs the real detector and landmark net of the widget on
// a synthetic recording of a person doing the challenge (facetest), through the
// selfie step to SubmitLiveness, and checks the server's rule accepts what was sent,
// measured as the server measures it.
func TestSelfieWithRealNetworks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the face networks")
	}
	ps, err := facetest.Portraits()
	if err != nil {
		t.Fatal(err)
	}
	ch := liveness.Challenge{liveness.TurnLeft, liveness.Closer}
	// The camera holds each phase of the recording for a few frames.
	var cam []image.Image
	for _, f := range facetest.LiveVideo(ps[0], ch) {
		for range 6 {
			cam = append(cam, f.Image)
		}
	}
	api := &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED), moves: ch.Proto()}
	start := time.Now()
	h := runWith(t, api, Options{}, nil, func(b *FakeBrowser) { b.Faces = cam })
	h.click("agree")
	h.click("doc-passport")
	h.captureDocument("capture-front")
	h.click("start-liveness")
	if err := h.b.Wait(60*time.Second, "submission", func() bool { return slices.Contains(h.api.Calls(), "liveness") }); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", h.b.Logged())
	h.api.mu.Lock()
	lv := h.api.liveness
	h.api.mu.Unlock()
	det, _ := face.DefaultDetector()
	lmn, _ := face.DefaultLandmarkNet()
	var obs []liveness.Observed
	for _, f := range lv.GetFrames() {
		img, err := jpeg.Decode(bytes.NewReader(f.GetImage()))
		if err != nil {
			t.Fatal(err)
		}
		p := liveness.Pose{}
		if ds, _ := det.Detect(img, face.DetectOptions{InputSize: 320}); len(ds) > 0 {
			lm, _ := lmn.Landmarks(img, ds[0].Box)
			p = liveness.PoseOf(lm, ds[0].Box, img.Bounds().Dx(), img.Bounds().Dy())
		}
		obs = append(obs, liveness.Observed{AtMS: int(f.GetAtMs()), Step: int(f.GetStep()), Pose: p})
	}
	if r := liveness.Verify(ch, obs); !r.Passed {
		t.Fatalf("the server's rule refuses the frames: %s (%+v)", r.Why, obs)
	}
	t.Logf("%d frames accepted in %v", len(obs), time.Since(start).Round(time.Millisecond))
}
