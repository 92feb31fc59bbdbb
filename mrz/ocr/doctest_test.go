// The document generator loads face models that are not built for WebAssembly.

//go:build !(js && wasm)

package ocr_test

import (
	"fmt"
	"image"
	"math"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rampart-id/rampart/document/doctest"
	"github.com/rampart-id/rampart/mrz"
	"github.com/rampart-id/rampart/mrz/ocr"
)

// The doctest photos are in their own package: doctest's users import this one.

var docNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// docPhoto is a generated document's photo, at a level, with the zone it shows.
func docPhoto(kind doctest.Kind, level int, seed int64) (photo image.Image, s doctest.Spec) {
	s = doctest.RandomFaceless(kind, seed, docNow)
	front, back := doctest.Render(s)
	page := front
	if !s.MRZOnFront() {
		page = back
	}
	return doctest.Photograph(page, level, seed), s
}

// minRead is the share of generated photos each level must read, in percent.
var minRead = []int{100, 100, 80, 40}

// TestDoctestPhotos reads the zone on generated photos of passports, ID cards'
// backs and TD2 cards, 15 per level of distortion (60 per format): most must be
// read and none wrongly (the truth is the generator's zone, parsed). MRZ_DOCTEST=n
// reads n per kind and level instead.
func TestDoctestPhotos(t *testing.T) {
	n := 15
	if testing.Short() {
		n = 3
	}
	if v, err := strconv.Atoi(os.Getenv("MRZ_DOCTEST")); err == nil {
		n = v
	}
	var mu sync.Mutex
	var readTime time.Duration
	reads := 0
	for _, kind := range []doctest.Kind{doctest.Passport, doctest.IDCard, doctest.TD2Card} {
		t.Run(kind.String(), func(t *testing.T) {
			t.Parallel()
			for level := range doctest.Levels() {
				ok := 0
				var refused []string
				for k := 0; k < n; k++ {
					seed := int64(100*level + k)
					img, s := docPhoto(kind, level, seed)
					want, err := mrz.Parse(s.MRZ(), docNow)
					if err != nil {
						t.Fatalf("seed %d: generated zone %q: %v", seed, s.MRZ(), err)
					}
					t0 := time.Now()
					got, res, err := ocr.ReadDocument(img, docNow)
					mu.Lock()
					readTime += time.Since(t0)
					reads++
					mu.Unlock()
					switch {
					case err != nil:
						refused = append(refused, fmt.Sprintf("%d: %v", seed, err))
					case got != want:
						t.Errorf("level %d seed %d: WRONG read %+v from %q, want %+v (%q)", level, seed, got, res.Lines, want, s.MRZ())
					default:
						ok++
					}
				}
				t.Logf("%v level %d: %d/%d read; refused %v", kind, level, ok, n, refused)
				// A rate means little over a few photos: the short run checks only that
				// the easy levels read everything.
				if (level < 2 || n >= 10) && ok*100 < minRead[level]*n {
					t.Errorf("level %d: %d of %d read, want %d%%", level, ok, n, minRead[level])
				}
			}
		})
	}
	t.Cleanup(func() {
		if reads > 0 {
			t.Logf("%.1f ms per read", float64(readTime.Milliseconds())/float64(reads))
		}
	})
}

// TestDoctestBox: the zone's box lands on the zone the generator drew, corner by
// corner, within a third of a character (it reaches a little beyond the ink).
func TestDoctestBox(t *testing.T) {
	for _, kind := range []doctest.Kind{doctest.Passport, doctest.IDCard, doctest.TD2Card} {
		for level := 1; level <= 2; level++ {
			seed := int64(7 + level)
			s := doctest.RandomFaceless(kind, seed, docNow)
			front, back := doctest.Render(s)
			page := front
			if !s.MRZOnFront() {
				page = back
			}
			shot := doctest.NewShot(page.Bounds(), level, seed)
			_, res, err := ocr.ReadDocument(shot.Take(page), docNow)
			if err != nil {
				t.Errorf("%v level %d: %v", kind, level, err)
				continue
			}
			z := s.MRZRect()
			var want [4][2]float64
			for i, p := range [4]image.Point{z.Min, {z.Max.X, z.Min.Y}, z.Max, {z.Min.X, z.Max.Y}} {
				want[i][0], want[i][1] = shot.Map(float64(p.X), float64(p.Y))
			}
			pitch := math.Hypot(want[1][0]-want[0][0], want[1][1]-want[0][1]) / float64(len(s.MRZ()[0]))
			for i, c := range res.Box {
				if d := math.Hypot(float64(c.X)-want[i][0], float64(c.Y)-want[i][1]); d > 0.35*pitch {
					t.Errorf("%v level %d: corner %d at %v, zone's at (%.0f,%.0f): %.1f pitches off", kind, level, i, c, want[i][0], want[i][1], d/pitch)
				}
			}
		}
	}
}

// BenchmarkReadDocumentDoctest reads a generated passport photo (1600×1100) at
// level 2.
func BenchmarkReadDocumentDoctest(b *testing.B) {
	img, _ := docPhoto(doctest.Passport, 2, 3)
	for b.Loop() {
		if _, _, err := ocr.ReadDocument(img, docNow); err != nil {
			b.Fatal(err)
		}
	}
}
