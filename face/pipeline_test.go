package face

import (
	"image"
	"image/draw"
	"math"
	"testing"
)

func TestDetectAllSample2(t *testing.T) {
	faces, err := DetectAll(loadImage(t, "sample2.jpg"), DetectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(faces) != 1 {
		t.Fatalf("got %d faces, want 1", len(faces))
	}
	f := faces[0]
	if f.Landmarks == nil || f.Descriptor == nil {
		t.Fatal("face without landmarks or descriptor")
	}
	le, re := f.Landmarks.LeftEye(), f.Landmarks.RightEye()
	b := f.Box
	for _, p := range []Point{le, re, f.Landmarks.Mouth()} {
		if p.X < b.X || p.X > b.X+b.Width || p.Y < b.Y || p.Y > b.Y+b.Height {
			t.Errorf("landmark centre %.1f outside box %+v", p, b)
		}
	}
	if n := norm(f.Descriptor); n < 1 || n > 2 {
		t.Errorf("descriptor norm %.3f", n)
	}
}

// The decoders' image types take different pixel paths; all must see the
// same picture, and boxes must be relative to the image's own origin.
func TestImageTypesAndOrigin(t *testing.T) {
	img := loadImage(t, "sample1.jpg")
	ref, err := Detect(img, DetectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	rgba := image.NewRGBA(b)
	draw.Draw(rgba, b, img, b.Min, draw.Src)
	nrgba := image.NewNRGBA(b)
	draw.Draw(nrgba, b, img, b.Min, draw.Src)
	// A type without a fast path goes through image.Image.At.
	type plain struct{ image.Image }
	for name, m := range map[string]image.Image{"RGBA": rgba, "NRGBA": nrgba, "generic": plain{img}} {
		dets, err := Detect(m, DetectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(dets) != len(ref) {
			t.Fatalf("%s: %d faces, want %d", name, len(dets), len(ref))
		}
		for i := range dets {
			if math.Abs(dets[i].Score-ref[i].Score) > 0.005 || math.Abs(dets[i].Box.X-ref[i].Box.X) > 1 {
				t.Errorf("%s: face %d %+v, YCbCr gave %+v", name, i, dets[i], ref[i])
			}
		}
	}

	// The same pixels moved to another origin give the same boxes.
	moved := image.NewRGBA(b.Add(image.Pt(-300, 200)))
	draw.Draw(moved, moved.Bounds(), img, b.Min, draw.Src)
	dets, err := Detect(moved, DetectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(dets) != len(ref) {
		t.Fatalf("moved: %d faces, want %d", len(dets), len(ref))
	}
	for i := range dets {
		if math.Abs(dets[i].Box.X-ref[i].Box.X) > 1 || math.Abs(dets[i].Box.Y-ref[i].Box.Y) > 1 {
			t.Errorf("moved: face %d box %+v, want %+v", i, dets[i].Box, ref[i].Box)
		}
	}
}

func TestDetectOptionsValidated(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 64, 48))
	for _, o := range []DetectOptions{{InputSize: 100}, {InputSize: -32}, {ScoreThreshold: 1}, {ScoreThreshold: -0.1}} {
		if _, err := Detect(img, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	if _, err := Detect(image.NewGray(image.Rect(0, 0, 0, 10)), DetectOptions{}); err == nil {
		t.Error("empty image accepted")
	}
	// A blank image has no faces, and that is not an error.
	faces, err := DetectAll(img, DetectOptions{InputSize: 128})
	if err != nil || len(faces) != 0 {
		t.Errorf("blank image: %d faces, %v", len(faces), err)
	}
}
