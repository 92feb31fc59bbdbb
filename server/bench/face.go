package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/rampart-id/rampart/face"
	"github.com/rampart-id/rampart/face/facetest"
	"github.com/rampart-id/rampart/face/reference"
	"github.com/rampart-id/rampart/liveness"
)

// faceRuns is how many timed runs each stage gets, after one untimed warm-up.
const faceRuns = 10

// faceInput is one image the face stages are timed on.
type faceInput struct {
	name      string // as shown in the report
	img       image.Image
	inputSize int
	// detectOnly: the later stages were timed on another input of the same image
	// (they do not depend on the detector's input size).
	detectOnly bool
}

// faceRow is one stage on one input: Go's median and p95 over the runs, and the
// browser's, or why the browser was not measured.
type faceRow struct {
	Stage        string
	Input        string
	Faces        int
	GoN          int
	GoP50, GoP95 time.Duration
	BrN          int
	BrP50, BrP95 time.Duration
	BrSkipped    string
	PerFace      bool
}

type faceResult struct {
	Rows    []faceRow
	Threads int // GOMAXPROCS during the Go runs
	Browser string
}

// faceInputs loads sample1.jpg (three faces) and one 640×480 camera frame of a
// synthetic person looking at the camera, as the verifier receives selfie frames.
func faceInputs() ([]faceInput, error) {
	f, err := os.Open(filepath.Join(facetest.TestdataDir(), "sample1.jpg"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sample, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("sample1.jpg: %w", err)
	}
	pp, err := personFor(1)
	if err != nil {
		return nil, err
	}
	frame := facetest.LiveVideo(pp.p, liveness.Challenge{liveness.TurnLeft, liveness.Closer})[0].Image
	b := sample.Bounds()
	fb := frame.Bounds()
	return []faceInput{
		{fmt.Sprintf("sample1.jpg %d×%d @416", b.Dx(), b.Dy()), sample, 416, false},
		{fmt.Sprintf("sample1.jpg %d×%d @320", b.Dx(), b.Dy()), sample, 320, true},
		{fmt.Sprintf("selfie frame %d×%d @416", fb.Dx(), fb.Dy()), frame, 416, false},
	}, nil
}

// timeIt runs fn once untimed, then n times, and returns the sorted durations.
func timeIt(n int, fn func() error) ([]time.Duration, error) {
	if err := fn(); err != nil {
		return nil, err
	}
	out := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		if err := fn(); err != nil {
			return nil, err
		}
		out = append(out, time.Since(t0))
	}
	slices.Sort(out)
	return out, nil
}

// measureFaces times the Go face stages in this process and face-api's in headless
// Chromium on the same pixels.
func measureFaces(ctx context.Context) (faceResult, error) {
	var res faceResult
	inputs, err := faceInputs()
	if err != nil {
		return res, err
	}
	det, err := face.DefaultDetector()
	if err != nil {
		return res, err
	}
	ln, err := face.DefaultLandmarkNet()
	if err != nil {
		return res, err
	}
	rn, err := face.DefaultRecognitionNet()
	if err != nil {
		return res, err
	}
	res.Threads = runtime.GOMAXPROCS(0)
	row := func(stage string, in faceInput, faces int, perFace bool, lat []time.Duration) faceRow {
		return faceRow{Stage: stage, Input: in.name, Faces: faces, PerFace: perFace, GoN: len(lat), GoP50: pct(lat, 50), GoP95: pct(lat, 95)}
	}
	for _, in := range inputs {
		opts := face.DetectOptions{InputSize: in.inputSize}
		var dets []face.Detection
		lat, err := timeIt(faceRuns, func() (err error) { dets, err = det.Detect(in.img, opts); return err })
		if err != nil {
			return res, fmt.Errorf("%s: detect: %w", in.name, err)
		}
		res.Rows = append(res.Rows, row("detector", in, len(dets), false, lat))
		if in.detectOnly {
			continue
		}
		var lmLat, descLat []time.Duration
		for _, d := range dets {
			var lm *face.Landmarks
			l, err := timeIt(faceRuns, func() (err error) { lm, err = ln.Landmarks(in.img, d.Box); return err })
			if err != nil {
				return res, fmt.Errorf("%s: landmarks: %w", in.name, err)
			}
			lmLat = append(lmLat, l...)
			l, err = timeIt(faceRuns, func() error { _, err := rn.Descriptor(in.img, lm); return err })
			if err != nil {
				return res, fmt.Errorf("%s: descriptor: %w", in.name, err)
			}
			descLat = append(descLat, l...)
		}
		slices.Sort(lmLat)
		slices.Sort(descLat)
		if len(dets) > 0 {
			res.Rows = append(res.Rows, row("landmarks (per face)", in, len(dets), true, lmLat))
			res.Rows = append(res.Rows, row("descriptor (per face)", in, len(dets), true, descLat))
		}
	}
	res.Browser = browserFaces(ctx, inputs, res.Rows)
	return res, nil
}

// browserFaces runs face-api in Chromium faceRuns times per input (after a warm-up) and
// fills the browser columns of rows. It returns a note on the browser, or why it was
// skipped.
func browserFaces(ctx context.Context, inputs []faceInput, rows []faceRow) string {
	skip := func(why string) string {
		fmt.Fprintf(os.Stderr, "face-api in Chromium: skipped: %s\n", why)
		for i := range rows {
			rows[i].BrSkipped = why
		}
		return "skipped: " + why
	}
	for _, in := range inputs {
		imgs := map[string]image.Image{}
		for i := range faceRuns {
			imgs[fmt.Sprintf("run%02d", i)] = in.img
		}
		fmt.Fprintf(os.Stderr, "face-api in Chromium: %s\n", in.name)
		out, err := reference.RunTimed(ctx, imgs, reference.Options{InputSize: in.inputSize, ScoreThreshold: face.DefaultScoreThreshold, Warmup: true})
		if errors.Is(err, reference.ErrUnavailable) {
			return skip(err.Error())
		}
		if err != nil {
			return skip(fmt.Sprintf("face-api run failed on %s: %v", in.name, err))
		}
		var detL, lmL, descL []time.Duration
		faces := 0
		for _, r := range out {
			faces = len(r.Faces)
			detL = append(detL, msDur(r.Timing.DetectorMs))
			if n := len(r.Faces); n > 0 {
				lmL = append(lmL, msDur(r.Timing.LandmarksMs/float64(n)))
				descL = append(descL, msDur(r.Timing.DescriptorMs/float64(n)))
			}
		}
		for _, l := range [][]time.Duration{detL, lmL, descL} {
			slices.Sort(l)
		}
		for i := range rows {
			if rows[i].Input != in.name {
				continue
			}
			l := detL
			switch rows[i].Stage {
			case "landmarks (per face)":
				l = lmL
			case "descriptor (per face)":
				l = descL
			}
			if len(l) == 0 {
				rows[i].BrSkipped = fmt.Sprintf("face-api found %d faces", faces)
				continue
			}
			rows[i].BrN, rows[i].BrP50, rows[i].BrP95 = len(l), pct(l, 50), pct(l, 95)
		}
	}
	return fmt.Sprintf("%s (tfjs bundled) in headless Chromium, one browser, one image at a time", reference.PackageSpec)
}

func msDur(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
