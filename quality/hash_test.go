package quality_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"github.com/rampart-id/rampart/quality"
	"github.com/rampart-id/rampart/quality/qualitytest"
)

func reencode(t *testing.T, img image.Image, quality int) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAverageHashSurvivesReencoding(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		doc := qualitytest.Document(seed, 1600, 1000)
		h := quality.AverageHash(doc)
		// What the widget does before upload: downscale, then JPEG.
		copyImg := reencode(t, qualitytest.Resize(doc, 1000, 625), 60)
		if d := quality.HammingDistance(h, quality.AverageHash(copyImg)); d > quality.SameImageMaxDistance {
			t.Errorf("seed %d: re-encoded copy at distance %d > %d", seed, d, quality.SameImageMaxDistance)
		}
	}
}

// Document photos look alike at 8x8, so a few pairs of different documents
// can collide; most must not, or every user would be flagged.
func TestAverageHashSeparatesDocuments(t *testing.T) {
	var hashes []uint64
	for seed := int64(1); seed <= 12; seed++ {
		hashes = append(hashes, quality.AverageHash(qualitytest.Document(seed, 800, 500)))
	}
	pairs, far, sum := 0, 0, 0
	for i := range hashes {
		for j := i + 1; j < len(hashes); j++ {
			d := quality.HammingDistance(hashes[i], hashes[j])
			pairs++
			sum += d
			if d > quality.SameImageMaxDistance {
				far++
			}
		}
	}
	if far*4 < pairs*3 {
		t.Errorf("only %d of %d different-document pairs beyond distance %d", far, pairs, quality.SameImageMaxDistance)
	}
	if mean := float64(sum) / float64(pairs); mean < 2*quality.SameImageMaxDistance {
		t.Errorf("mean distance between different documents %.1f, want >= %d", mean, 2*quality.SameImageMaxDistance)
	}
}

func TestAverageHashBits(t *testing.T) {
	// Left half dark, right half bright: each row reads 00001111.
	img := image.NewGray(image.Rect(0, 0, 80, 80))
	for y := range 80 {
		for x := 40; x < 80; x++ {
			img.Pix[y*80+x] = 200
		}
	}
	if got, want := quality.AverageHash(img), uint64(0x0f0f0f0f0f0f0f0f); got != want {
		t.Errorf("AverageHash = %#x, want %#x", got, want)
	}
	if quality.AverageHash(image.NewGray(image.Rect(0, 0, 0, 0))) != 0 {
		t.Error("empty image must hash to 0")
	}
}

func TestHammingDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b uint64
		want int
	}{{0, 0, 0}, {0, ^uint64(0), 64}, {0b1011, 0b0001, 2}, {1 << 63, 1, 2}} {
		if got := quality.HammingDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("HammingDistance(%#x, %#x) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestFrameDifference(t *testing.T) {
	a := image.NewGray(image.Rect(0, 0, 4, 2))
	b := image.NewGray(image.Rect(0, 0, 4, 2))
	copy(a.Pix, []uint8{0, 0, 0, 0, 10, 10, 10, 10})
	copy(b.Pix, []uint8{8, 0, 0, 0, 0, 10, 10, 10})
	if got := quality.FrameDifference(a, b); got != 18.0/8 {
		t.Errorf("FrameDifference = %v, want %v", got, 18.0/8)
	}
	if got := quality.FrameDifference(a, a); got != 0 {
		t.Errorf("identical frames differ by %v", got)
	}
	if got := quality.FrameDifference(a, image.NewGray(image.Rect(0, 0, 0, 0))); got != 0 {
		t.Errorf("no overlap = %v, want 0", got)
	}
}

// A live sequence moves between frames; a repeated frame does not.
func TestFaceFramesMove(t *testing.T) {
	frames := qualitytest.FaceFrames(1, 6, 640, 480)
	if len(frames) != 6 {
		t.Fatalf("got %d frames", len(frames))
	}
	for i := 1; i < len(frames); i++ {
		prev, cur := quality.Gray(frames[i-1], 320), quality.Gray(frames[i], 320)
		d := quality.FrameDifference(prev, cur)
		if d < 2 || d > 40 {
			t.Errorf("frames %d-%d differ by %.2f, want a small but real change", i-1, i, d)
		}
		if still := quality.FrameDifference(cur, quality.Gray(frames[i], 320)); still != 0 {
			t.Errorf("frame %d differs from itself by %v", i, still)
		}
	}
}
