package imageintake_test

import (
	"context"
	"errors"
	"image"
	"testing"

	"github.com/rampart-id/rampart/server/imageintake"
)

func FuzzInspect(f *testing.F) {
	lim := imageintake.Limits{MaxBytes: 1 << 16, MaxPixels: 1 << 16, MaxSide: 1024, MinSide: 1}
	small := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for i := range small.Pix {
		small.Pix[i] = byte(i * 7)
	}
	f.Add(encodeJPEG(f, small))
	f.Add(encodePNG(f, small))
	f.Add(pngHeader(100_000, 100_000))
	f.Add(pngHeader(64, 64))
	f.Add([]byte("GIF89a\x01\x00\x01\x00"))
	f.Add([]byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10})
	f.Add([]byte("plain text"))

	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := imageintake.Inspect(data, lim)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error wraps no sentinel: %v", err)
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
		// Within these small limits a full decode is cheap: it must either
		// match the header or report ErrCorrupt.
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
	})
}

func isSentinel(err error) bool {
	for _, s := range []error{imageintake.ErrTooLarge, imageintake.ErrUnsupportedType, imageintake.ErrDimensions, imageintake.ErrCorrupt} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
