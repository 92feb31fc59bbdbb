package reference

import (
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"math"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

var (
	dumpPath = flag.String("dump", "", "TestDump: write face-api's output for Inputs() as JSON to this file")
	timing   = flag.Bool("timing", false, "run TestBrowserTiming")
)

func norm(d [128]float32) float64 {
	var s float64
	for _, v := range d {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

func dist(a, b [128]float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

func center(f Face) (float64, float64) { return f.Box[0] + f.Box[2]/2, f.Box[1] + f.Box[3]/2 }

func logResults(t *testing.T, res map[string]Result) {
	names := make([]string, 0, len(res))
	for n := range res {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		r := res[n]
		tm := r.Timing
		t.Logf("%s (%dx%d): %d faces; browser ms: detector %.0f, landmarks %.0f, descriptor %.0f, total %.0f",
			n, r.Width, r.Height, len(r.Faces), tm.DetectorMs, tm.LandmarksMs, tm.DescriptorMs, tm.TotalMs)
		for i, f := range r.Faces {
			t.Logf("  face %d: box [%.1f %.1f %.1f %.1f] score %.4f |descriptor| %.4f",
				i, f.Box[0], f.Box[1], f.Box[2], f.Box[3], f.Score, norm(f.Descriptor))
		}
	}
}

func TestReference(t *testing.T) {
	inputs := Inputs(t)
	res := RunImages(t, inputs, Options{InputSize: 416, ScoreThreshold: 0.5, Browsers: 2})
	logResults(t, res)
	// The pure-Go pipeline on the same pixels finds every face face-api finds and no
	// other, with the same box, landmarks and descriptor.
	iou, lm, desc, unmatched := compareGo(t, inputs, res)
	t.Logf("Go vs face-api: worst IoU %.3f, worst landmark error %.2f%% of the box, worst descriptor distance %.4f, %d unmatched",
		iou, 100*lm, desc, unmatched)
	if unmatched > 0 || iou < 0.9 || lm > 0.02 || desc > 0.02 {
		t.Errorf("Go vs face-api: %d faces unmatched, worst IoU %.3f (want ≥ 0.9), landmarks %.2f%% of the box (want ≤ 2%%), descriptor distance %.4f (want ≤ 0.02)",
			unmatched, iou, 100*lm, desc)
	}

	// What face-api gives for sample1 with these options from a tensor of these pixels
	// (from a canvas it resizes with the browser's drawImage and gets 0.81, 0.80, 0.69).
	s1 := res[variantSource].Faces
	if len(s1) != 3 {
		t.Fatalf("sample1.jpg: %d faces, want 3", len(s1))
	}
	scores := []float64{s1[0].Score, s1[1].Score, s1[2].Score}
	sort.Sort(sort.Reverse(sort.Float64Slice(scores)))
	for i, want := range []float64{0.78, 0.78, 0.72} {
		if math.Abs(scores[i]-want) > 0.03 {
			t.Errorf("sample1.jpg: score %d is %.4f, want %.2f±0.03", i, scores[i], want)
		}
	}

	for name, r := range res {
		if !strings.HasPrefix(name, variantSource+"+") && len(r.Faces) == 0 {
			t.Errorf("%s: no faces (every demo photo has at least one)", name)
		}
		for i, f := range r.Faces {
			// face-api does not normalise the descriptor, and the network's output is
			// not near the unit sphere either: its length is about 1.45 on these photos.
			if n := norm(f.Descriptor); n < 1.3 || n > 1.6 {
				t.Errorf("%s face %d: |descriptor| = %.4f, want within [1.3, 1.6]", name, i, n)
			}
			// Landmarks are image coordinates, so they must sit on the face's box.
			x, y, w, h := f.Box[0], f.Box[1], f.Box[2], f.Box[3]
			for k, p := range f.Landmarks {
				if p[0] < x-0.25*w || p[0] > x+1.25*w || p[1] < y-0.25*h || p[1] > y+1.25*h {
					t.Errorf("%s face %d: landmark %d at (%.1f, %.1f) is far from box %v", name, i, k, p[0], p[1], f.Box)
					break
				}
			}
		}
	}

	// Two different people in the same photo are the yardstick: a face must stay
	// closer to itself under every variant than any two people are to each other.
	different := math.Inf(1)
	for i := range s1 {
		for j := i + 1; j < len(s1); j++ {
			different = min(different, dist(s1[i].Descriptor, s1[j].Descriptor))
		}
	}
	t.Logf("sample1.jpg: closest two different people are %.4f apart", different)
	w, h := inputs[variantSource].Bounds().Dx(), inputs[variantSource].Bounds().Dy()
	for _, v := range []string{VariantRotate, VariantHalf, VariantDark, VariantJPEG} {
		name := variantSource + "+" + v
		vf := res[name].Faces
		for i, f := range s1 {
			cx, cy := center(f)
			vx, vy := VariantPoint(v, w, h, cx, cy)
			best, bestD := -1, math.Inf(1)
			for j, g := range vf {
				gx, gy := center(g)
				if d := math.Hypot(gx-vx, gy-vy); d < bestD {
					best, bestD = j, d
				}
			}
			scale := 1.0
			if v == VariantHalf {
				scale = 0.5
			}
			if best < 0 || bestD > 0.25*f.Box[2]*scale {
				t.Errorf("%s: face %d of %s (score %.2f) not found", name, i, variantSource, f.Score)
				continue
			}
			d := dist(f.Descriptor, vf[best].Descriptor)
			t.Logf("%s: face %d -> %d, centre off by %.1f px, score %.4f, descriptor distance %.4f",
				name, i, best, bestD, vf[best].Score, d)
			if d >= different {
				t.Errorf("%s: face %d is %.4f from itself, not closer than two different people (%.4f)", name, i, d, different)
			}
		}
	}
}

// TestDump writes the reference output for Inputs() to the file given by -dump, so the
// Go implementation can be compared without a browser:
//
//	go test ./face/reference -run TestDump -args -dump=/tmp/ref.json
//
// Each image carries the SHA-256 of its Pixels, to prove the comparison starts from the
// same input; ReadDump loads the file.
func TestDump(t *testing.T) {
	if *dumpPath == "" {
		t.Skip("no -dump file given")
	}
	inputs := Inputs(t)
	o := Options{InputSize: 416, ScoreThreshold: 0.5, Browsers: 2}
	res := RunImages(t, inputs, o)
	logResults(t, res)
	out := NewDump(inputs, res, o)
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*dumpPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// The descriptors are float32 and JSON carries float64 text; the round trip must
	// be exact or the file is not the reference any more.
	back, err := ReadDump(*dumpPath)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*back, out) {
		t.Fatalf("%s does not read back as written", *dumpPath)
	}
	t.Logf("wrote %s (%d bytes)", *dumpPath, len(b))
}

// TestBrowserTiming reports per-stage browser times on sample1.jpg with one warm
// browser, the figure to compare a Go implementation's speed with. The image runs
// three times and the fastest of each stage is reported, because on a shared machine
// the slower runs measure the neighbours; the runs must also agree exactly, which
// shows the reference is deterministic. It runs only when asked:
//
//	go test ./face/reference -run TestBrowserTiming -args -timing
func TestBrowserTiming(t *testing.T) {
	if !*timing {
		t.Skip("-timing not given")
	}
	src := Inputs(t)[variantSource]
	const runs = 3
	imgs := map[string]image.Image{}
	for i := range runs {
		imgs[fmt.Sprintf("%s#%d", variantSource, i)] = src
	}
	res := RunImages(t, imgs, Options{InputSize: 416, ScoreThreshold: 0.5, Warmup: true})
	logResults(t, res)
	first := res[variantSource+"#0"]
	best := first.Timing
	for i := 1; i < runs; i++ {
		r := res[fmt.Sprintf("%s#%d", variantSource, i)]
		if !reflect.DeepEqual(r.Faces, first.Faces) {
			t.Errorf("run %d found different faces than run 0: the reference is not deterministic", i)
		}
		best.DetectorMs = min(best.DetectorMs, r.Timing.DetectorMs)
		best.LandmarksMs = min(best.LandmarksMs, r.Timing.LandmarksMs)
		best.DescriptorMs = min(best.DescriptorMs, r.Timing.DescriptorMs)
		best.TotalMs = min(best.TotalMs, r.Timing.TotalMs)
	}
	n := float64(len(first.Faces))
	t.Logf("%s, fastest of %d warm runs: detector %.0f ms, landmarks %.0f ms (%.0f per face), descriptor %.0f ms (%.0f per face), total %.0f ms",
		variantSource, runs, best.DetectorMs, best.LandmarksMs, best.LandmarksMs/n, best.DescriptorMs, best.DescriptorMs/n, best.TotalMs)
}
