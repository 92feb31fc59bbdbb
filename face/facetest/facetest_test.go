package facetest

import (
	"bytes"
	"hash/fnv"
	"image"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rampart-id/rampart/face"
	"github.com/rampart-id/rampart/liveness"
)

// testIDs are the portraits the slow tests use: three people from three photos.
var testIDs = []string{"sample3/1", "sample5/3", "sample2/0"}

func portrait(t *testing.T, id string) Portrait {
	t.Helper()
	p, err := PortraitByID(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// measured is the Go pipeline's view of one image: the largest face's pose,
// landmarks and box.
type measured struct {
	pose liveness.Pose
	lm   *face.Landmarks
	box  face.Rect
}

var (
	poseMu    sync.Mutex
	poseCache = map[uint64]measured{} // by image content: videos repeat frames
)

func measure(t *testing.T, img image.Image) measured {
	t.Helper()
	rgba := toRGBA(img)
	h := fnv.New64a()
	h.Write(rgba.Pix)
	key := h.Sum64() ^ uint64(rgba.Rect.Dx())<<48
	poseMu.Lock()
	m, ok := poseCache[key]
	poseMu.Unlock()
	if ok {
		return m
	}
	dets, err := face.Detect(rgba, face.DetectOptions{InputSize: 416, ScoreThreshold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	best := -1
	for i, d := range dets {
		if best < 0 || d.Box.Width > dets[best].Box.Width {
			best = i
		}
	}
	if best >= 0 {
		ln, err := face.DefaultLandmarkNet()
		if err != nil {
			t.Fatal(err)
		}
		lm, err := ln.Landmarks(rgba, dets[best].Box)
		if err != nil {
			t.Fatal(err)
		}
		b := rgba.Rect
		m = measured{liveness.PoseOf(lm, dets[best].Box, b.Dx(), b.Dy()), lm, dets[best].Box}
	}
	poseMu.Lock()
	poseCache[key] = m
	poseMu.Unlock()
	return m
}

func observe(t *testing.T, frames []Frame) []liveness.Observed {
	t.Helper()
	obs := make([]liveness.Observed, len(frames))
	for i, f := range frames {
		obs[i] = liveness.Observed{AtMS: f.AtMS, Step: f.Step, Pose: measure(t, f.Image).pose}
	}
	return obs
}

// maxYawShift is the largest |yaw − straight yaw| over the frames after step 0,
// with the straight yaw the median of step 0's frames (as Verify takes it).
func maxYawShift(obs []liveness.Observed) float64 {
	var base []float64
	for _, o := range obs {
		if o.Step == 0 && o.Pose.Found {
			base = append(base, o.Pose.Yaw)
		}
	}
	if len(base) == 0 {
		return math.NaN()
	}
	ref := base[len(base)/2]
	if len(base) == 2 {
		ref = math.Max(base[0], base[1]) // Verify's median of two is the upper one
	}
	shift := 0.0
	for _, o := range obs {
		if o.Step > 0 && o.Pose.Found {
			shift = math.Max(shift, math.Abs(o.Pose.Yaw-ref))
		}
	}
	return shift
}

var allChallenges = func() []liveness.Challenge {
	var out []liveness.Challenge
	for _, a := range liveness.Moves {
		for _, b := range liveness.Moves {
			if a == b {
				continue
			}
			out = append(out, liveness.Challenge{a, b}) // every pair holds a turn
			for _, c := range liveness.Moves {
				if c != a && c != b {
					out = append(out, liveness.Challenge{a, b, c})
				}
			}
		}
	}
	if len(out) != 12 {
		panic("not every challenge")
	}
	return out
}()

func TestPortraits(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the detector on the demo photos")
	}
	ps, err := Portraits()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 10 {
		t.Fatalf("only %d portraits", len(ps))
	}
	ids := map[string]bool{}
	for _, p := range ps {
		if ids[p.ID] {
			t.Errorf("duplicate ID %s", p.ID)
		}
		ids[p.ID] = true
		if p.Box.Width < MinBoxWidth || p.Score < MinScore {
			t.Errorf("%s: box %.0f score %.2f", p.ID, p.Box.Width, p.Score)
		}
		b := p.Image.Bounds()
		if b.Min != (image.Point{}) || p.Box.X < 0 || p.Box.X+p.Box.Width > float64(b.Dx())+1 {
			t.Errorf("%s: box %+v outside crop %v", p.ID, p.Box, b)
		}
	}
	for _, id := range append(testIDs, LiveIDs...) {
		if !ids[id] {
			t.Errorf("test portrait %s missing", id)
		}
	}
}

func TestLiveVideoPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the face pipeline on video frames")
	}
	for i, id := range LiveIDs {
		p := portrait(t, id)
		cs := allChallenges
		if i > 0 {
			cs = []liveness.Challenge{{liveness.TurnLeft, liveness.Closer, liveness.TurnRight}, {liveness.TurnRight, liveness.TurnLeft}}
		}
		for _, c := range cs {
			frames := LiveVideo(p, c)
			if len(frames) != 2+2*len(c) {
				t.Fatalf("%d frames", len(frames))
			}
			for _, f := range frames {
				if b := f.Image.Bounds(); b.Dx() != FrameW || b.Dy() != FrameH {
					t.Fatalf("frame %v", b)
				}
			}
			obs := observe(t, frames)
			if r := liveness.Verify(c, obs); !r.Passed {
				t.Errorf("%s %v: %+v", id, c, r)
			}
		}
		// The numbers behind it, from one video with every move.
		obs := observe(t, LiveVideo(p, liveness.Challenge{liveness.TurnLeft, liveness.TurnRight, liveness.Closer}))
		st := obs[1].Pose
		t.Logf("%s: straight yaw %+.3f (photo %+.3f, frontalised by %+.1f°), width %.2f; turned ±%.0f°: yaw %+.3f / %+.3f; closer size ×%.2f",
			id, st.Yaw, p.Yaw, p.FrontalDeg, st.Width, TurnDeg, obs[3].Pose.Yaw, obs[5].Pose.Yaw, obs[7].Pose.Size/st.Size)
	}
}

func TestStillPhotoVideoFails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the face pipeline on video frames")
	}
	for _, id := range testIDs {
		p := portrait(t, id)
		for _, c := range []liveness.Challenge{
			{liveness.TurnLeft, liveness.TurnRight, liveness.Closer},
			{liveness.Closer, liveness.TurnRight},
		} {
			obs := observe(t, StillPhotoVideo(p, c))
			if r := liveness.Verify(c, obs); r.Passed {
				t.Errorf("%s %v: a still photo passed", id, c)
			} else {
				t.Logf("%s %v: %s; max |Δyaw| %.3f", id, c, r.Why, maxYawShift(obs))
			}
			if !obs[0].Pose.Found || liveness.Frame(obs[0].Pose) != liveness.FrameOK {
				t.Errorf("%s: the photo's first frame is not framed: %+v", id, obs[0].Pose)
			}
		}
	}
}

func TestPassportFaceFound(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the face pipeline")
	}
	rn, err := face.DefaultRecognitionNet()
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range testIDs {
		p := portrait(t, id)
		doc := Passport(p, int64(i+1))
		if b := doc.Bounds(); b.Dx() != PassportW || b.Dy() != PassportH {
			t.Fatalf("page %v", b)
		}
		m := measure(t, doc)
		if !m.pose.Found {
			t.Fatalf("%s: no face on the passport page", id)
		}
		c := image.Pt(int(m.box.X+m.box.Width/2), int(m.box.Y+m.box.Height/2))
		if !c.In(PassportPhoto) {
			t.Errorf("%s: face at %v, not in the photo box %v", id, c, PassportPhoto)
		}
		d, err := rn.Descriptor(doc, m.lm)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: face box %.0f px (%.0f%% of the page), distance to the photo's descriptor %.3f", id, m.box.Width, 100*m.box.Width/PassportW, d.Distance(&p.Descriptor))
		if dist := d.Distance(&p.Descriptor); dist > 0.6 {
			t.Errorf("%s: passport face distance %.3f", id, dist)
		}
	}
}

func TestHeldUpDocumentVideoFails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the face pipeline on video frames")
	}
	for i, id := range testIDs[:2] {
		doc := Passport(portrait(t, id), int64(10+i))
		for _, c := range []liveness.Challenge{
			{liveness.TurnLeft, liveness.TurnRight, liveness.Closer},
			{liveness.TurnRight, liveness.Closer},
		} {
			frames := HeldUpDocumentVideo(doc, c)
			obs := observe(t, frames)
			if r := liveness.Verify(c, obs); r.Passed {
				t.Errorf("%s %v: a held-up document passed", id, c)
			} else {
				t.Logf("%s %v: %s; face width %.2f of the frame; max |Δyaw| %.3f", id, c, r.Why, obs[0].Pose.Width, maxYawShift(obs))
			}
		}
	}
}

// TestTurnNumbers reports, per portrait, how the landmark net's yaw follows the
// synthetic turn and how far the turn moves the descriptor: a report, run with
// FACETEST_REPORT=1 (the test portraits) or FACETEST_REPORT=all (every portrait).
func TestTurnNumbers(t *testing.T) {
	report := os.Getenv("FACETEST_REPORT")
	if report == "" || testing.Short() {
		t.Skip("a report: set FACETEST_REPORT=1 or all")
	}
	ids := testIDs
	if report == "all" {
		ps, err := Portraits()
		if err != nil {
			t.Fatal(err)
		}
		ids = nil
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
	}
	rn, err := face.DefaultRecognitionNet()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		p := portrait(t, id)
		src := portraitLayer(&p, false)
		m := newHeadModel(&p)
		bg := wall(seedOf(p.ID), FrameW, FrameH)
		var yaw [5]float64
		var dist [5]float64
		var straight *face.Descriptor
		for k, deg := range []float64{0, -25, 25, -TurnDeg, TurnDeg} {
			img := liveFrame(&p, src, m, bg, pose{deg: p.FrontalDeg + deg, scale: 1}, jitter(p.ID, "", 0), FrameW, FrameH)
			me := measure(t, img)
			if !me.pose.Found {
				yaw[k], dist[k] = math.NaN(), math.NaN()
				continue
			}
			d, err := rn.Descriptor(img, me.lm)
			if err != nil {
				t.Fatal(err)
			}
			if k == 0 {
				straight = d
			}
			yaw[k] = me.pose.Yaw
			if straight != nil {
				dist[k] = d.Distance(straight)
			}
		}
		t.Logf("%-9s straight %+.3f (photo %+.3f) | ±25°: Δyaw %+.3f %+.3f, dist %.3f %.3f | ±%.0f°: Δyaw %+.3f %+.3f, dist %.3f %.3f",
			id, yaw[0], p.Yaw, yaw[1]-yaw[0], yaw[2]-yaw[0], dist[1], dist[2], TurnDeg, yaw[3]-yaw[0], yaw[4]-yaw[0], dist[3], dist[4])
	}
}

func TestNoise(t *testing.T) {
	a, b := Noise(1, 64, 48).(*image.RGBA), Noise(1, 64, 48).(*image.RGBA)
	if !bytes.Equal(a.Pix, b.Pix) || a.Rect.Dx() != 64 || a.Rect.Dy() != 48 {
		t.Fatal("noise not deterministic or wrong size")
	}
	if c := Noise(2, 64, 48).(*image.RGBA); bytes.Equal(a.Pix, c.Pix) {
		t.Fatal("seeds give the same noise")
	}
}

func TestWriteLoopY4M(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the detector on the demo photos")
	}
	p := portrait(t, testIDs[0])
	path := filepath.Join(t.TempDir(), "loop.y4m")
	const w, h, fps = 320, 240, 10
	if err := WriteLoopY4M(path, p, w, h, fps); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header := "YUV4MPEG2 W320 H240 F10:1 Ip A1:1 C420jpeg\n"
	if !bytes.HasPrefix(data, []byte(header)) {
		t.Fatalf("header %q", data[:min(len(data), 60)])
	}
	frame := len("FRAME\n") + w*h*3/2
	n := (len(data) - len(header)) / frame
	if n*frame != len(data)-len(header) {
		t.Fatalf("%d bytes is not a whole number of frames", len(data))
	}
	secs := 0.0
	for _, ph := range loopScript(0) {
		secs += ph.secs
	}
	if n != int(math.Round(secs*fps)) {
		t.Fatalf("%d frames, want %.0f", n, secs*fps)
	}
	t.Logf("%d frames (%.1f s), %.1f MB", n, secs, float64(len(data))/1e6)
}
