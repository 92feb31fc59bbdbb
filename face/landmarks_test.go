package face

import (
	"image"
	"math"
	"testing"
)

func TestLandmarksSample1(t *testing.T) {
	_, dets, lms := sample1Faces(t)
	for i, d := range dets {
		lm := lms[i]
		t.Logf("face %d: left eye %.1f right eye %.1f mouth %.1f first %.1f", i, lm.LeftEye(), lm.RightEye(), lm.Mouth(), lm[0])
		b := d.Box
		// Landmarks may stray a little past a loose detection box (the jaw,
		// the chin), but not far.
		mx, my := 0.15*b.Width, 0.15*b.Height
		for k, p := range lm {
			if p.X < b.X-mx || p.X > b.X+b.Width+mx || p.Y < b.Y-my || p.Y > b.Y+b.Height+my {
				t.Errorf("face %d: point %d at %.1f is outside box %+v", i, k, p, b)
			}
		}
		le, re, mo := lm.LeftEye(), lm.RightEye(), lm.Mouth()
		if le.X >= re.X {
			t.Errorf("face %d: left eye %.1f not left of right eye %.1f", i, le, re)
		}
		if le.Y >= mo.Y || re.Y >= mo.Y {
			t.Errorf("face %d: eyes %.1f %.1f not above mouth %.1f", i, le, re, mo)
		}
		if d := math.Hypot(re.X-le.X, re.Y-le.Y); d < 0.2*b.Width || d > 0.8*b.Width {
			t.Errorf("face %d: eye distance %.1f implausible for box width %.1f", i, d, b.Width)
		}
	}
}

// Eye and mouth centres from face-api 1.7.15 run on the same decoded pixels
// of sample1.jpg, with the detection boxes it shifted them by.
func TestLandmarksMatchFaceAPI(t *testing.T) {
	img := loadImage(t, "sample1.jpg")
	dets, err := Detect(img, DetectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		le, re, mo Point
	}{
		{Point{867.171, 550.019}, Point{942.663, 512.813}, Point{943.057, 609.224}},
		{Point{1557.250, 279.115}, Point{1616.446, 339.166}, Point{1521.481, 375.956}},
		{Point{437.658, 458.165}, Point{516.322, 458.687}, Point{478.240, 544.781}},
	}
	if len(dets) != len(want) {
		t.Fatalf("got %d faces, want %d", len(dets), len(want))
	}
	net, err := DefaultLandmarkNet()
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		lm, err := net.Landmarks(img, dets[i].Box)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name      string
			got, want Point
		}{{"left eye", lm.LeftEye(), w.le}, {"right eye", lm.RightEye(), w.re}, {"mouth", lm.Mouth(), w.mo}} {
			if math.Hypot(c.got.X-c.want.X, c.got.Y-c.want.Y) > 0.1 {
				t.Errorf("face %d %s: %.2f, face-api %.2f", i, c.name, c.got, c.want)
			}
		}
	}
}

// sample1Faces detects the three faces of sample1.jpg and returns them with
// their landmarks.
func sample1Faces(t *testing.T) (image.Image, []Detection, []*Landmarks) {
	t.Helper()
	img := loadImage(t, "sample1.jpg")
	dets, err := Detect(img, DetectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(dets) != 3 {
		t.Fatalf("got %d faces, want 3", len(dets))
	}
	ln, err := DefaultLandmarkNet()
	if err != nil {
		t.Fatal(err)
	}
	var lms []*Landmarks
	for _, d := range dets {
		lm, err := ln.Landmarks(img, d.Box)
		if err != nil {
			t.Fatal(err)
		}
		lms = append(lms, lm)
	}
	return img, dets, lms
}
