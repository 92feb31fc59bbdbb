package imageintake_test

import (
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"testing"

	"github.com/rampart-id/rampart/server/imageintake"
)

// FuzzIntake feeds arbitrary bytes through the whole intake: structure walk,
// decode, re-encode. Invariants: nothing panics; every refusal wraps a
// sentinel; whatever is accepted is within the limits, decodes into no more
// memory than the budget and its DecodeBytes, and re-encodes into a plain
// JPEG that is accepted again with the same size.
func FuzzIntake(f *testing.F) {
	lim := imageintake.Limits{MaxBytes: 1 << 16, MaxPixels: 1 << 16, MaxSide: 1024, MinSide: 1,
		MaxDecodeBytes: 1 << 20, MaxScans: 16, QueueWait: imageintake.WaitForSlot}
	small := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for i := range small.Pix {
		small.Pix[i] = byte(i * 7)
	}
	wide := image.NewNRGBA64(image.Rect(0, 0, 9, 7)) // 16-bit with alpha
	gray16 := image.NewGray16(image.Rect(0, 0, 7, 5))
	for y := range 7 {
		for x := range 9 {
			wide.SetNRGBA64(x, y, color.NRGBA64{uint16(x * 7000), uint16(y * 9000), 0x1234, uint16(x*y) * 800})
			gray16.SetGray16(x%7, y%5, color.Gray16{uint16(x*y) * 1500})
		}
	}
	prog := readTestdata(f, "progressive.jpg")
	withExif := append([]byte{0xff, 0xd8, 0xff, 0xe1, 0x00, 0x0c}, "Exif\x00\x00MM\x00*"...)
	withExif = append(append(withExif, encodeJPEG(f, small)[2:]...), "trailer"...)
	for _, seed := range [][]byte{
		encodeJPEG(f, small),
		encodePNG(f, small),
		encodePNG(f, wide),
		encodePNG(f, gray16),
		prog,
		readTestdata(f, "progressive444.jpg"),
		readTestdata(f, "progressive-gray.jpg"),
		readTestdata(f, "sequential-3-scans.jpg"),
		repeatFirstScan(f, prog, 10), // 20 scans: over this target's MaxScans
		withExif,
		emptyScansJPEG(64, 12),
		emptyScansJPEG(64, 40),
		interlacedGrayPNG(f, 13, 11),
		pngHeader(100_000, 100_000),
		pngHeader(64, 64),
		pngChunked(600, 600, 16, 6, 3000),
		[]byte("GIF89a\x01\x00\x01\x00"),
		{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10},
		[]byte("plain text"),
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := imageintake.Inspect(data, lim)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			if _, _, err2 := imageintake.Decode(context.Background(), data, lim); err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("Inspect refused (%v) but Decode said %v", err, err2)
			}
			return
		}
		if info.ContentType != imageintake.TypeJPEG && info.ContentType != imageintake.TypePNG {
			t.Fatalf("accepted content type %q", info.ContentType)
		}
		w, h := info.Width, info.Height
		if w < lim.MinSide || h < lim.MinSide || w > lim.MaxSide || h > lim.MaxSide || w*h > lim.MaxPixels {
			t.Fatalf("accepted %dx%d outside limits %+v", w, h, lim)
		}
		if info.DecodeBytes > lim.MaxDecodeBytes || info.Scans > lim.MaxScans || info.Trailing < 0 {
			t.Fatalf("accepted %+v outside limits %+v", info, lim)
		}
		img, _, err := imageintake.Decode(context.Background(), data, lim)
		if err != nil {
			if !errors.Is(err, imageintake.ErrCorrupt) {
				t.Fatalf("Decode after accepted Inspect: %v", err)
			}
			return
		}
		if img.Bounds().Dx() != w || img.Bounds().Dy() != h {
			t.Fatalf("decoded %v, header said %dx%d", img.Bounds(), w, h)
		}
		if n := pixelBytes(t, img); n > info.DecodeBytes {
			t.Fatalf("decoded image holds %d bytes, DecodeBytes said %d", n, info.DecodeBytes)
		}
		stored, err := imageintake.Reencode(img)
		if err != nil {
			t.Fatalf("accepted image does not re-encode: %v", err)
		}
		again, err := imageintake.Inspect(stored, lim)
		if err != nil || again.Width != w || again.Height != h || again.ContentType != imageintake.TypeJPEG ||
			again.Progressive || again.Trailing != 0 || hasAPPSegment(stored) {
			t.Fatalf("re-encoded image: %+v, %v", again, err)
		}
	})
}

// pixelBytes is the size of a decoded image's pixel buffers.
func pixelBytes(t *testing.T, img image.Image) int64 {
	switch m := img.(type) {
	case *image.Gray:
		return int64(cap(m.Pix))
	case *image.Gray16:
		return int64(cap(m.Pix))
	case *image.RGBA:
		return int64(cap(m.Pix))
	case *image.RGBA64:
		return int64(cap(m.Pix))
	case *image.NRGBA:
		return int64(cap(m.Pix))
	case *image.NRGBA64:
		return int64(cap(m.Pix))
	case *image.Paletted:
		return int64(cap(m.Pix))
	case *image.CMYK:
		return int64(cap(m.Pix))
	case *image.YCbCr:
		return int64(cap(m.Y) + cap(m.Cb) + cap(m.Cr))
	}
	t.Fatalf("unexpected image type %T", img)
	return 0
}

// hasAPPSegment reports whether a JPEG carries an APPn or COM segment before
// its first scan (after it, 0xff bytes are entropy-coded data).
func hasAPPSegment(jpg []byte) bool {
	for pos := 2; pos+4 <= len(jpg) && jpg[pos] == 0xff; {
		m := jpg[pos+1]
		if m >= 0xe0 && m <= 0xef || m == 0xfe {
			return true
		}
		if m == 0xda {
			return false
		}
		pos += 2 + int(binary.BigEndian.Uint16(jpg[pos+2:]))
	}
	return false
}

func isSentinel(err error) bool {
	for _, s := range []error{imageintake.ErrTooLarge, imageintake.ErrUnsupportedType, imageintake.ErrDimensions,
		imageintake.ErrTooComplex, imageintake.ErrCorrupt} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
