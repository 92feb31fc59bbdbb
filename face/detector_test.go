package face

import (
	"image"
	_ "image/jpeg"
	"math"
	"os"
	"testing"
)

func loadImage(tb testing.TB, name string) image.Image {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

func TestDetectSample1(t *testing.T) {
	img := loadImage(t, "sample1.jpg")
	dets, err := Detect(img, DetectOptions{InputSize: 416})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dets {
		t.Logf("score %.4f box %+v", d.Score, d.Box)
	}
	// Scores measured with face-api itself on the same photo.
	want := []float64{0.81, 0.79, 0.68}
	if len(dets) != len(want) {
		t.Fatalf("got %d faces, want %d", len(dets), len(want))
	}
	b := img.Bounds()
	for i, d := range dets {
		if math.Abs(d.Score-want[i]) > 0.05 {
			t.Errorf("face %d: score %.3f, want %.2f±0.05", i, d.Score, want[i])
		}
		r := d.Box
		if r.Width < 20 || r.Height < 20 || r.X+r.Width < 0 || r.Y+r.Height < 0 ||
			r.X > float64(b.Dx()) || r.Y > float64(b.Dy()) {
			t.Errorf("face %d: implausible box %+v in %v image", i, r, b.Size())
		}
	}
	for i := range dets {
		for j := i + 1; j < len(dets); j++ {
			if o := iou(dets[i].Box, dets[j].Box); o > tinyIOUThreshold {
				t.Errorf("faces %d and %d overlap with IoU %.2f after NMS", i, j, o)
			}
		}
	}
}

// Scores and boxes from face-api 1.7.15 (tfjs cpu backend) run on the very
// RGB pixels Go's JPEG decoder produces for sample1.jpg, so only float
// rounding separates the two implementations.
func TestDetectMatchesFaceAPI(t *testing.T) {
	dets, err := Detect(loadImage(t, "sample1.jpg"), DetectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Detection{
		{Rect{776.47, 445.21, 312.46, 255.76}, 0.7806},
		{Rect{1421.82, 215.67, 307.02, 282.67}, 0.7767},
		{Rect{336.41, 396.42, 305.09, 251.78}, 0.7228},
	}
	if len(dets) != len(want) {
		t.Fatalf("got %d faces, want %d", len(dets), len(want))
	}
	for i, w := range want {
		d := dets[i]
		if math.Abs(d.Score-w.Score) > 0.002 {
			t.Errorf("face %d: score %.4f, face-api %.4f", i, d.Score, w.Score)
		}
		g := []float64{d.Box.X, d.Box.Y, d.Box.Width, d.Box.Height}
		r := []float64{w.Box.X, w.Box.Y, w.Box.Width, w.Box.Height}
		for k := range g {
			if math.Abs(g[k]-r[k]) > 0.5 {
				t.Errorf("face %d: box %+v, face-api %+v", i, d.Box, w.Box)
				break
			}
		}
	}
}
