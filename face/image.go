package face

import (
	"image"
	"image/color"
	"math"
)

// sampler reads the 8-bit RGB value at (x, y), relative to the image's
// bounds origin. Fast paths avoid an interface call and allocation per
// pixel for the decoders' usual output types.
type sampler func(x, y int) (r, g, b uint8)

func samplerFor(img image.Image) sampler {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		return func(x, y int) (uint8, uint8, uint8) {
			x, y = x+b.Min.X, y+b.Min.Y
			yi, ci := m.YOffset(x, y), m.COffset(x, y)
			return color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
		}
	case *image.RGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			i := m.PixOffset(x+b.Min.X, y+b.Min.Y)
			return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
		}
	case *image.NRGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			i := m.PixOffset(x+b.Min.X, y+b.Min.Y)
			return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
		}
	case *image.Gray:
		return func(x, y int) (uint8, uint8, uint8) {
			v := m.Pix[m.PixOffset(x+b.Min.X, y+b.Min.Y)]
			return v, v, v
		}
	}
	return func(x, y int) (uint8, uint8, uint8) {
		r, g, bl, _ := img.At(x+b.Min.X, y+b.Min.Y).RGBA()
		return uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8)
	}
}

// crop is an integer pixel rectangle within an image.
type crop struct{ x, y, w, h int }

// clipFloor mirrors face-api's Box.clipAtImageBorders: clip to the image,
// then floor x, y, width and height.
func clipFloor(r Rect, iw, ih int) crop {
	x, y := math.Max(r.X, 0), math.Max(r.Y, 0)
	w := math.Min(r.X+r.Width-x, float64(iw)-x)
	h := math.Min(r.Y+r.Height-y, float64(ih)-y)
	return crop{int(math.Floor(x)), int(math.Floor(y)), int(math.Floor(w)), int(math.Floor(h))}
}

// squareInput builds the network input as face-api does for tensor inputs:
// the crop is zero-padded to a square (padToSquare; at bottom/right, or
// around the crop when centered) and resized to size×size with
// tf.image.resizeBilinear (alignCorners=false, halfPixelCenters=false).
// Each channel c becomes (v - mean[c]) / 255.
//
// The padded square is never materialized: bilinear taps that fall in the
// padding read zero.
func squareInput(s sampler, c crop, centered bool, size int, mean [3]float32) *Tensor {
	side := max(c.w, c.h)
	preX, preY := 0, 0
	if centered {
		// padToSquare appends round(diff/2) and prepends the rest.
		diff := side - min(c.w, c.h)
		pre := diff - int(math.Round(float64(diff)*0.5))
		if c.w < c.h {
			preX = pre
		} else {
			preY = pre
		}
	}
	type tap struct {
		i0, i1 int
		frac   float32
	}
	scale := float64(side) / float64(size)
	taps := make([]tap, size)
	for i := range taps {
		src := scale * float64(i)
		f := math.Floor(src)
		taps[i] = tap{int(f), min(side-1, int(math.Ceil(src))), float32(src - f)}
	}
	at := func(x, y int) (r, g, b float32) {
		x -= preX
		y -= preY
		if x < 0 || y < 0 || x >= c.w || y >= c.h {
			return 0, 0, 0
		}
		R, G, B := s(c.x+x, c.y+y)
		return float32(R), float32(G), float32(B)
	}
	out := NewTensor(size, size, 3)
	parallelRows(size, func(lo, hi int) {
		for oy := lo; oy < hi; oy++ {
			ty := taps[oy]
			for ox := range size {
				tx := taps[ox]
				r00, g00, b00 := at(tx.i0, ty.i0)
				r01, g01, b01 := at(tx.i1, ty.i0)
				r10, g10, b10 := at(tx.i0, ty.i1)
				r11, g11, b11 := at(tx.i1, ty.i1)
				lerp2 := func(a, b, c, d float32) float32 {
					top := a + (b-a)*tx.frac
					bot := c + (d-c)*tx.frac
					return top + (bot-top)*ty.frac
				}
				o := out.pixel(oy, ox)
				o[0] = (lerp2(r00, r01, r10, r11) - mean[0]) / 255
				o[1] = (lerp2(g00, g01, g10, g11) - mean[1]) / 255
				o[2] = (lerp2(b00, b01, b10, b11) - mean[2]) / 255
			}
		}
	})
	return out
}
