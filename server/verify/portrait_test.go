package verify

import (
	"testing"
	"time"

	"github.com/rampart-id/rampart/document/doctest"
	"github.com/rampart-id/rampart/face"
	"github.com/rampart-id/rampart/face/facetest"
	"github.com/rampart-id/rampart/internal/testenv"
)

// TestDocumentFaceIgnoresPageSizedBoxes: on one generated passport the detector also
// scores a box spanning the whole page as a face; the portrait is still the one
// compared, so the holder matches their own portrait on another passport.
func TestDocumentFaceIgnoresPageSizedBoxes(t *testing.T) {
	testenv.SkipUnderRace(t, "runs the face networks")
	if testing.Short() {
		t.Skip("runs the face networks")
	}
	p, err := facetest.PortraitByID("sample4/2")
	if err != nil {
		t.Fatal(err)
	}
	photo := func(seed int64) docFace {
		t.Helper()
		d := doctest.Random(doctest.Passport, seed, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		d.Person.Portrait = p
		page, _ := doctest.Render(d)
		img := doctest.Photograph(page, 0, 1)
		if seed == 11 {
			dets, err := face.Detect(img, face.DetectOptions{InputSize: documentInputSize})
			if err != nil {
				t.Fatal(err)
			}
			huge := false
			for _, det := range dets {
				huge = huge || det.Box.Width > maxPortraitShare*float64(img.Bounds().Dx())
			}
			if !huge {
				t.Log("the detector no longer finds a page-sized face on this passport; the test shows less")
			}
		}
		f, err := documentFace(img)
		if err != nil || !f.found {
			t.Fatalf("seed %d: portrait not found (%v)", seed, err)
		}
		return f
	}
	a, b := photo(11), photo(1)
	if d := a.descriptor.Distance(b.descriptor); d > MatchMax {
		t.Errorf("the same portrait on two passports is %.3f apart (over %.2f): a page-sized box was taken for the face", d, MatchMax)
	}
}
