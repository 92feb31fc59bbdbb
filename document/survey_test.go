package document_test

import (
	"testing"
	"time"

	"github.com/rampart-id/rampart/document/doctest"
)

// TestReadRate reads a small survey of generated photos at every distortion level: no
// wrong read is ever accepted, and clean photos are nearly all read. (make bench runs
// the full survey and reports the rates.)
func TestReadRate(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and reads 48 photos")
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	sv, err := doctest.RunSurvey(3, now)
	if err != nil {
		t.Fatal(err)
	}
	for l, name := range doctest.Levels() {
		tl := sv.Level(l)
		t.Logf("level %s: %d/%d read, %d wrong, %.0f ms a read", name, tl.Correct, tl.Photos, tl.Wrong,
			float64(tl.Time.Milliseconds())/float64(tl.Photos))
		if tl.Wrong > 0 {
			t.Errorf("level %d: %d wrong reads accepted", l, tl.Wrong)
		}
		if l <= 1 && tl.Correct < tl.Photos-1 {
			t.Errorf("level %d: only %d of %d photos read", l, tl.Correct, tl.Photos)
		}
	}
}
