package doctest

import (
	"image"
	"testing"

	"github.com/rampart-id/rampart/face"
)

// TestPortraitFaceFound photographs the fronts of documents at level 0 and looks for
// the holder's face with the detector: it must be there, inside the portrait.
func TestPortraitFaceFound(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the face detector")
	}
	for i, k := range []Kind{Passport, IDCard, TD2Card, Licence} {
		s := Random(k, int64(10+i), now)
		if s.Person.Portrait.Image == nil {
			t.Fatal("no portraits: facetest.Portraits failed")
		}
		front, _ := Render(s)
		shot := NewShot(front.Bounds(), 0, int64(i))
		photo := toRGBA(shot.Take(front))
		dets, err := face.Detect(photo, face.DetectOptions{InputSize: 416, ScoreThreshold: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		pr := s.PortraitRect()
		x0, y0 := shot.Map(float64(pr.Min.X), float64(pr.Min.Y))
		x1, y1 := shot.Map(float64(pr.Max.X), float64(pr.Max.Y))
		box := image.Rect(int(x0), int(y0), int(x1), int(y1))
		found := false
		for _, d := range dets {
			c := image.Pt(int(d.Box.X+d.Box.Width/2), int(d.Box.Y+d.Box.Height/2))
			t.Logf("%v (%s): face at %v, %.0f px wide, score %.2f; portrait at %v", k, s.Person.Portrait.ID, c, d.Box.Width, d.Score, box)
			found = found || c.In(box)
		}
		if !found {
			t.Errorf("%v (%s): no face in the portrait %v", k, s.Person.Portrait.ID, box)
		}
	}
}
