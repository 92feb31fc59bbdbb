package ocr

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/rampart-id/rampart/mrz"
)

// TestSyntheticPhotos reads synthetic photos of every format at every level: the
// easier levels must be read, and none wrongly. MRZ_SYNTH=n reads n per format and
// level (and logs the rates) instead of the one the default run has time for.
func TestSyntheticPhotos(t *testing.T) {
	n := 1 // the doctest photos are the main test; these add upside-down photos
	if testing.Short() {
		t.Skip("synthetic photos are slow to make")
	}
	if v, err := strconv.Atoi(os.Getenv("MRZ_SYNTH")); err == nil {
		n = v
	}
	var readTime time.Duration
	reads := 0
	for _, f := range []mrz.Format{mrz.TD1, mrz.TD2, mrz.TD3} {
		for li, lv := range levels {
			ok, wrong, failed := 0, 0, 0
			var fails []string
			for k := 0; k < n; k++ {
				seed := uint64(1000*li + k)
				img, lines := synth(seed, f, lv, 1600, 1000)
				want, err := mrz.Parse(lines, now)
				if err != nil {
					t.Fatalf("generated zone %q: %v", lines, err)
				}
				t0 := time.Now()
				got, res, err := ReadDocument(img, now)
				readTime += time.Since(t0)
				reads++
				switch {
				case err != nil:
					failed++
					fails = append(fails, fmt.Sprintf("seed %d: %v", seed, err))
				case got != want:
					wrong++
					t.Errorf("%s level %d seed %d: read %+v from %q, want %+v", f, li, seed, got, res.Lines, want)
				default:
					ok++
				}
			}
			t.Logf("%s level %d: %d/%d read, %d wrong, %d refused %v", f, li, ok, n, wrong, failed, fails)
			// The easier levels must read (nearly) everything.
			if li <= 2 && ok*10 < n*9 {
				t.Errorf("%s level %d: only %d of %d read", f, li, ok, n)
			}
		}
	}
	t.Logf("%.1f ms per read", float64(readTime.Milliseconds())/float64(reads))
}
