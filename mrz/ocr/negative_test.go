package ocr

import (
	"errors"
	"image"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rampart-id/rampart/mrz"
)

// noDocument asserts that reading img gives an error and no document.
func noDocument(t *testing.T, name string, img image.Image) {
	t.Helper()
	doc, res, err := ReadDocument(img, now)
	if err == nil || doc != (mrz.Document{}) || res.Lines != nil {
		t.Errorf("%s: read %+v (%q), err %v; want an error and nothing", name, doc, res.Lines, err)
	}
}

func TestNoiseIsNotAZone(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []image.Point{{800, 600}, {1600, 1000}} {
		img := image.NewGray(image.Rectangle{Max: size})
		for i := range img.Pix {
			img.Pix[i] = uint8(r.IntN(256))
		}
		noDocument(t, "noise", img)
		if _, err := Read(img); !errors.Is(err, ErrNotFound) {
			t.Errorf("Read(noise): %v, want ErrNotFound", err)
		}
	}
	noDocument(t, "blank", image.NewGray(image.Rect(0, 0, 640, 480)))
	noDocument(t, "empty", image.NewGray(image.Rectangle{}))
}

// TestPageWithoutZone: a document's photo with all its other text but no zone.
func TestPageWithoutZone(t *testing.T) {
	for i, f := range []mrz.Format{mrz.TD1, mrz.TD2, mrz.TD3} {
		r := rand.New(rand.NewPCG(uint64(i), 9))
		lines := randomZone(r, f)
		pg := page(r, f, lines, 1600*0.95/docSizes[f][0], false)
		noDocument(t, string(f)+" without zone", photo(r, pg, 1600, 1000, levels[1], false))
	}
}

// TestZoneCutOff: the same photos as read in full, cropped through the zone (the
// bottom line off the frame, or the right half of every line).
func TestZoneCutOff(t *testing.T) {
	for i, f := range []mrz.Format{mrz.TD1, mrz.TD3} {
		img, lines := synth(uint64(40+i), f, levels[1], 1600, 1000)
		_, res, err := ReadDocument(img, now)
		if err != nil {
			t.Fatalf("%s: the full photo does not read (%v), the test needs one that does; zone %q", f, err, lines)
		}
		b := res.Box
		sub := img.(interface {
			SubImage(image.Rectangle) image.Image
		})
		// Through the middle of the last line: the zone's bottom is its last corners.
		cutY := b[3].Y - (b[3].Y-b[0].Y)/(2*len(lines))
		if b[0].Y > b[3].Y { // turned upside down: the zone's bottom is up
			cutY = b[3].Y + (b[0].Y-b[3].Y)/(2*len(lines))
			noDocument(t, string(f)+" bottom line cut", sub.SubImage(image.Rect(0, cutY, 1600, 1000)))
		} else {
			noDocument(t, string(f)+" bottom line cut", sub.SubImage(image.Rect(0, 0, 1600, cutY)))
		}
		midX := (b[0].X + b[1].X) / 2
		noDocument(t, string(f)+" right half cut", sub.SubImage(image.Rect(0, 0, midX, 1000)))
	}
}

// TestUpsideDown: a photo and the same turned 180° read the same.
func TestUpsideDown(t *testing.T) {
	img, lines := synth(5, mrz.TD3, levels[1], 1600, 1000)
	want, _ := mrz.Parse(lines, now)
	b := img.Bounds()
	turned := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			turned.Set(b.Max.X-1-(x-b.Min.X), b.Max.Y-1-(y-b.Min.Y), img.At(x, y))
		}
	}
	var boxes [2][4]image.Point
	for i, im := range []image.Image{img, turned} {
		got, res, err := ReadDocument(im, now)
		if err != nil || got != want {
			t.Fatalf("photo %d: %+v %v, want %+v", i, got, err, want)
		}
		boxes[i] = res.Box
	}
	// The box's corners follow the reading, so each turns with the photo.
	for k, p := range boxes[0] {
		q := boxes[1][k]
		if dx, dy := b.Max.X-1-p.X-q.X, b.Max.Y-1-p.Y-q.Y; dx*dx+dy*dy > 16 {
			t.Errorf("corner %d: %v upright, %v turned", k, p, q)
		}
	}
}

// FuzzRead: any small picture reads without panicking, and a document comes back
// only with its lines.
func FuzzRead(f *testing.F) {
	f.Add(uint8(40), uint8(30), []byte{0, 255, 128})
	f.Add(uint8(200), uint8(12), []byte("P<UTOERIKSSON<<ANNA<MARIA"))
	f.Add(uint8(1), uint8(1), []byte{})
	f.Fuzz(func(t *testing.T, w, h uint8, pix []byte) {
		img := image.NewGray(image.Rect(0, 0, int(w), int(h)))
		for i := range img.Pix {
			if len(pix) > 0 {
				img.Pix[i] = pix[i%len(pix)] ^ uint8(i/len(pix))
			}
		}
		doc, res, err := ReadDocument(img, now)
		if err == nil && len(res.Lines) == 0 {
			t.Errorf("document %+v without lines", doc)
		}
		Read(img)
	})
}

// TestReadLines: Read gives the zone's characters and format as printed, on a
// photo where every character is clear.
func TestReadLines(t *testing.T) {
	for i, f := range []mrz.Format{mrz.TD1, mrz.TD2, mrz.TD3} {
		img, lines := synth(uint64(60+i), f, levels[0], 1600, 1000)
		res, err := Read(img)
		if err != nil || res.Format != f || strings.Join(res.Lines, "\n") != strings.Join(lines, "\n") {
			t.Errorf("%s: %q %s %v, want %q", f, res.Lines, res.Format, err, lines)
		}
	}
}
