package qualitytest

import (
	"bytes"
	"image"
	"testing"
)

func TestDocumentDeterministicAndVaried(t *testing.T) {
	a, b := Document(1, 320, 200), Document(1, 320, 200)
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Error("same seed rendered different documents")
	}
	if c := Document(2, 320, 200); bytes.Equal(a.Pix, c.Pix) {
		t.Error("different seeds rendered the same document")
	}
	if a.Rect != image.Rect(0, 0, 320, 200) {
		t.Errorf("bounds %v", a.Rect)
	}
	// One design, two holders: the card differs only where the holder does.
	x, y := TemplateDocument(5, 1, 320, 200), TemplateDocument(5, 2, 320, 200)
	if bytes.Equal(x.Pix, y.Pix) {
		t.Error("different holders rendered the same card")
	}
}

func TestFaceFramesDeterministic(t *testing.T) {
	a, b := FaceFrames(3, 4, 160, 120), FaceFrames(3, 4, 160, 120)
	for i := range a {
		if !bytes.Equal(a[i].Pix, b[i].Pix) {
			t.Fatalf("frame %d differs between runs", i)
		}
	}
	if bytes.Equal(a[0].Pix, a[1].Pix) {
		t.Error("consecutive frames are identical")
	}
}

func TestEffectsKeepSizeAndInput(t *testing.T) {
	doc := Document(1, 200, 120)
	orig := bytes.Clone(doc.Pix)
	for name, img := range map[string]*image.RGBA{
		"Blur": Blur(doc, 2), "Darken": Darken(doc, 0.5), "AddGlare": AddGlare(doc, 0.2),
	} {
		if img.Rect != doc.Rect {
			t.Errorf("%s: bounds %v", name, img.Rect)
		}
		if bytes.Equal(img.Pix, doc.Pix) {
			t.Errorf("%s: changed nothing", name)
		}
	}
	if !bytes.Equal(orig, doc.Pix) {
		t.Error("an effect modified its input")
	}
	if r := Resize(doc, 50, 30); r.Rect != image.Rect(0, 0, 50, 30) {
		t.Errorf("Resize bounds %v", r.Rect)
	}
}
