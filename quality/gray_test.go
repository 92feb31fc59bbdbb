package quality_test

import (
	"image"
	"image/color"
	"image/draw"
	"testing"

	"github.com/rampart-id/rampart/quality"
	"github.com/rampart-id/rampart/quality/qualitytest"
)

// toYCbCr converts like a JPEG decoder would hand images to us (4:4:4).
func toYCbCr(img *image.RGBA) *image.YCbCr {
	b := img.Bounds()
	out := image.NewYCbCr(b, image.YCbCrSubsampleRatio444)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.RGBAAt(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			out.Y[out.YOffset(x, y)] = yy
			out.Cb[out.COffset(x, y)] = cb
			out.Cr[out.COffset(x, y)] = cr
		}
	}
	return out
}

func convert(src image.Image, dst draw.Image) image.Image {
	draw.Draw(dst, dst.Bounds(), src, src.Bounds().Min, draw.Src)
	return dst
}

// The fast paths must agree with the generic color.GrayModel path.
func TestGrayFastPathsMatchGeneric(t *testing.T) {
	src := qualitytest.Document(3, 300, 200)
	r := src.Bounds()
	want := quality.Gray(convert(src, image.NewRGBA64(r)), 0) // generic path
	for name, img := range map[string]image.Image{
		"RGBA":  src,
		"NRGBA": convert(src, image.NewNRGBA(r)),
		"Gray":  convert(src, image.NewGray(r)),
		"YCbCr": toYCbCr(src),
	} {
		got := quality.Gray(img, 0)
		if got.Rect != want.Rect {
			t.Fatalf("%s: bounds %v, want %v", name, got.Rect, want.Rect)
		}
		for i := range got.Pix {
			if d := int(got.Pix[i]) - int(want.Pix[i]); d < -1 || d > 1 {
				t.Fatalf("%s: pixel %d = %d, want %d±1", name, i, got.Pix[i], want.Pix[i])
			}
		}
	}
}

func TestGrayDownscale(t *testing.T) {
	for _, tc := range []struct {
		w, h, max, ww, wh int
	}{
		{2000, 1300, 640, 640, 416},
		{1300, 2000, 640, 416, 640},
		{500, 300, 640, 500, 300}, // never upscales
		{2000, 1300, 0, 2000, 1300},
		{5000, 2, 100, 100, 1}, // keeps at least one row
	} {
		g := quality.Gray(image.NewRGBA(image.Rect(0, 0, tc.w, tc.h)), tc.max)
		if g.Rect.Dx() != tc.ww || g.Rect.Dy() != tc.wh {
			t.Errorf("Gray(%dx%d, %d) = %v, want %dx%d", tc.w, tc.h, tc.max, g.Rect.Size(), tc.ww, tc.wh)
		}
	}
}

// Downscaling averages the source pixels of each cell, and handles images
// whose bounds do not start at the origin.
func TestGrayAveragesCells(t *testing.T) {
	src := image.NewGray(image.Rect(10, 20, 14, 22))
	copy(src.Pix, []uint8{
		0, 100, 200, 200,
		100, 200, 200, 200,
	})
	g := quality.Gray(src, 2)
	if g.Rect != image.Rect(0, 0, 2, 1) {
		t.Fatalf("bounds %v", g.Rect)
	}
	if g.Pix[0] != 100 || g.Pix[1] != 200 {
		t.Errorf("cells = %v, want [100 200]", g.Pix)
	}
	sub := qualitytest.Document(4, 300, 200).SubImage(image.Rect(50, 40, 250, 140))
	if g := quality.Gray(sub, 0); g.Rect != image.Rect(0, 0, 200, 100) {
		t.Errorf("sub-image bounds %v", g.Rect)
	}
}
