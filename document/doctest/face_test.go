package doctest

import (
	"image"
	"testing"

	"github.com/rampart-id/rampart/face"
	"github.com/rampart-id/rampart/face/facetest"
)

// TestPortraitFaceFound photographs the fronts of documents at level 0 and looks for
// the holder's face with the detector: it must be there, inside the portrait.
func TestPortraitFaceFound(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the face detector")
	}
	type doc struct {
		s     Spec
		level int
	}
	var docs []doc
	for i, k := range Kinds {
		docs = append(docs, doc{Random(k, int64(10+i), now), 0})
	}
	// The server's end-to-end tests show ID cards of these people at level 1.
	for i, id := range facetest.LiveIDs {
		p, err := facetest.PortraitByID(id)
		if err != nil {
			t.Fatal(err)
		}
		s := RandomFaceless(IDCard, int64(20+i), now)
		s.Person.Portrait = p
		docs = append(docs, doc{s, 1})
	}
	for i, d := range docs {
		s, k := d.s, d.s.Kind
		if s.Person.Portrait.Image == nil {
			t.Fatal("no portraits: facetest.Portraits failed")
		}
		front, _ := Render(s)
		shot := NewShot(front.Bounds(), d.level, int64(i))
		photo := toRGBA(shot.Take(front))
		dets, err := face.Detect(photo, face.DetectOptions{InputSize: 416, ScoreThreshold: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		pr := s.PortraitRect()
		x0, y0 := shot.Map(float64(pr.Min.X), float64(pr.Min.Y))
		x1, y1 := shot.Map(float64(pr.Max.X), float64(pr.Max.Y))
		box := image.Rect(int(x0), int(y0), int(x1), int(y1)).Canon()
		found := false
		for _, det := range dets {
			c := image.Pt(int(det.Box.X+det.Box.Width/2), int(det.Box.Y+det.Box.Height/2))
			t.Logf("%v (%s) level %d: face at %v, %.0f px wide, score %.2f; portrait at %v", k, s.Person.Portrait.ID, d.level, c, det.Box.Width, det.Score, box)
			found = found || c.In(box)
		}
		if !found {
			t.Errorf("%v (%s) level %d: no face in the portrait %v", k, s.Person.Portrait.ID, d.level, box)
		}
	}
}
