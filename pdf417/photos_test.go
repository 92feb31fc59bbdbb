package pdf417

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// TestRandomPhotos draws the licence record under random combinations of every
// distortion at once, within what a phone photo of a card back shows, and requires
// that nothing is ever misread and that nearly all are read.
func TestRandomPhotos(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	msg := licenceRecord()
	const trials = 40
	ok := 0
	for i := 0; i < trials; i++ {
		sc := scene{
			w: 1600, h: 1000,
			width:     0.5 + 0.4*rng.Float64(),
			angle:     20*rng.Float64() - 10,
			persp:     0.05 * rng.Float64(),
			rowHeight: 2 + 2*rng.Float64(),
			blur:      rng.IntN(4),
			noise:     12 * rng.Float64(),
			jpeg:      60 + rng.IntN(31),
			uneven:    rng.IntN(2) == 0,
			seed:      uint64(i),
		}
		got, err := Decode(render(t, msg, byte(2+rng.IntN(3)), sc))
		switch {
		case err == nil && string(got) != msg:
			t.Fatalf("trial %d: wrong message %q", i, got)
		case err == nil:
			ok++
		default:
			t.Logf("trial %d %+v: %v", i, sc, err)
		}
	}
	t.Logf("decoded %d of %d", ok, trials)
	if ok < trials*9/10 {
		t.Errorf("decoded %d of %d, want at least 90%%", ok, trials)
	}
}

// TestHarshPhotos goes beyond what the reader promises: small modules, heavy noise,
// strong blur. Some are not read, which is fine; none may be misread.
func TestHarshPhotos(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	rng := rand.New(rand.NewPCG(21, 22))
	msg := licenceRecord()
	const trials = 30
	ok := 0
	for i := 0; i < trials; i++ {
		sc := scene{
			w: 1600, h: 1000,
			width:     0.35 + 0.2*rng.Float64(),
			angle:     24*rng.Float64() - 12,
			persp:     0.06 * rng.Float64(),
			rowHeight: 2 + 2*rng.Float64(),
			blur:      1 + rng.IntN(5),
			noise:     20 * rng.Float64(),
			jpeg:      50 + rng.IntN(31),
			uneven:    rng.IntN(2) == 0,
			seed:      uint64(i),
		}
		got, err := Decode(render(t, msg, 3, sc))
		switch {
		case err == nil && string(got) != msg:
			t.Fatalf("trial %d: wrong message %q", i, got)
		case err == nil:
			ok++
		case !errors.Is(err, ErrChecksum) && !errors.Is(err, ErrNotFound):
			t.Errorf("trial %d: unexpected error %v", i, err)
		}
	}
	t.Logf("decoded %d of %d", ok, trials)
}
