package face

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"testing"
)

func norm(d *Descriptor) float64 {
	var s float64
	for _, v := range d {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

func TestDescriptorsSample1(t *testing.T) {
	img, _, lms := sample1Faces(t)
	rn, err := DefaultRecognitionNet()
	if err != nil {
		t.Fatal(err)
	}
	var ds []*Descriptor
	for i, lm := range lms {
		d, err := rn.Descriptor(img, lm)
		if err != nil {
			t.Fatal(err)
		}
		n := norm(d)
		t.Logf("face %d: aligned box %+v, norm %.3f, first %.4f", i, lm.AlignedBox(), n, d[:4])
		// face-api's descriptors for these faces have norms of 1.44-1.48.
		if n < 1 || n > 2 {
			t.Errorf("face %d: descriptor norm %.3f", i, n)
		}
		ds = append(ds, d)
	}
	for i := range ds {
		for j := i + 1; j < len(ds); j++ {
			dist := ds[i].Distance(ds[j])
			t.Logf("distance %d-%d: %.3f", i, j, dist)
			if dist <= 0.6 {
				t.Errorf("faces %d and %d (different people) are %.3f apart", i, j, dist)
			}
		}
	}

	// The same photo slightly enlarged and re-encoded must give the same
	// person: run the whole pipeline on the copy.
	b := img.Bounds()
	const f = 1.1
	big := image.NewRGBA(image.Rect(0, 0, int(float64(b.Dx())*f), int(float64(b.Dy())*f)))
	src := image.NewRGBA(b)
	draw.Draw(src, b, img, b.Min, draw.Src)
	for y := range big.Bounds().Dy() {
		for x := range big.Bounds().Dx() {
			big.SetRGBA(x, y, src.RGBAAt(int(float64(x)/f), int(float64(y)/f)))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, big, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	copyImg, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	dets, err := Detect(copyImg, DetectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(dets) == 0 {
		t.Fatal("no face in the scaled copy")
	}
	ln, _ := DefaultLandmarkNet()
	for _, det := range dets {
		lm, err := ln.Landmarks(copyImg, det.Box)
		if err != nil {
			t.Fatal(err)
		}
		d, err := rn.Descriptor(copyImg, lm)
		if err != nil {
			t.Fatal(err)
		}
		// Match it to the original face whose centre it covers.
		c := lm.Mouth()
		best, bestDist := -1, math.Inf(1)
		for i, o := range lms {
			m := o.Mouth()
			if dd := math.Hypot(m.X*f-c.X, m.Y*f-c.Y); dd < bestDist {
				best, bestDist = i, dd
			}
		}
		dist := d.Distance(ds[best])
		t.Logf("copy face at %.0f ↔ face %d: descriptor distance %.3f", c, best, dist)
		if dist >= 0.2 {
			t.Errorf("scaled, re-encoded copy of face %d is %.3f away", best, dist)
		}
	}
}
