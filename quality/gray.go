package quality

import (
	"image"
	"image/color"
)

// Gray converts img to 8-bit luminance, downscaling it (by area averaging) so
// that its longer side is at most maxSide pixels; maxSide <= 0 keeps the full
// size. The result's bounds start at (0, 0).
//
// Every check works on this reduced image: a phone photo has far more pixels
// than blur or exposure needs, and the browser must stay responsive.
func Gray(img image.Image, maxSide int) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return image.NewGray(image.Rect(0, 0, 0, 0))
	}
	dw, dh := w, h
	if maxSide > 0 && max(w, h) > maxSide {
		if w >= h {
			dw, dh = maxSide, max(1, (h*maxSide+w/2)/w)
		} else {
			dw, dh = max(1, (w*maxSide+h/2)/h), maxSide
		}
	}
	return grayTo(img, dw, dh)
}

// grayTo resamples img to exactly dw x dh gray pixels. Each source pixel is
// added to the destination cell it falls in (a box filter), so the cost is
// one pass over the source and memory stays proportional to the output.
func grayTo(img image.Image, dw, dh int) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dst := image.NewGray(image.Rect(0, 0, dw, dh))
	if w == dw && h == dh {
		for y := range h {
			lumaRow(img, b.Min.Y+y, dst.Pix[y*dst.Stride:y*dst.Stride+w])
		}
		return dst
	}

	// Precompute which destination column each source column lands in.
	colMap := make([]int, w)
	colCount := make([]uint32, dw)
	for x := range w {
		colMap[x] = x * dw / w
		colCount[colMap[x]]++
	}
	row := make([]uint8, w)
	sums := make([]uint32, dw)
	rowsInCell := uint32(0)
	cell := 0
	flush := func() {
		out := dst.Pix[cell*dst.Stride : cell*dst.Stride+dw]
		for i, s := range sums {
			n := colCount[i] * rowsInCell
			out[i] = uint8((s + n/2) / n)
			sums[i] = 0
		}
		rowsInCell = 0
	}
	for y := range h {
		if dy := y * dh / h; dy != cell {
			flush()
			cell = dy
		}
		lumaRow(img, b.Min.Y+y, row)
		for x, v := range row {
			sums[colMap[x]] += uint32(v)
		}
		rowsInCell++
	}
	flush()
	return dst
}

// lumaRow writes the luminance of source row y into out (len = image width).
// Camera frames and decoded JPEGs are *image.YCbCr whose Y plane already is
// luminance; the other fast paths avoid the per-pixel interface call.
func lumaRow(img image.Image, y int, out []uint8) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		i := m.YOffset(b.Min.X, y)
		copy(out, m.Y[i:i+len(out)])
	case *image.Gray:
		i := m.PixOffset(b.Min.X, y)
		copy(out, m.Pix[i:i+len(out)])
	case *image.RGBA:
		// Premultiplied: a transparent pixel is black, like color.GrayModel.
		p := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range out {
			out[x] = luma8(p[4*x], p[4*x+1], p[4*x+2])
		}
	case *image.NRGBA:
		p := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range out {
			r, g, bl, a := uint32(p[4*x]), uint32(p[4*x+1]), uint32(p[4*x+2]), uint32(p[4*x+3])
			if a != 0xff {
				r, g, bl = (r*a+127)/255, (g*a+127)/255, (bl*a+127)/255
			}
			out[x] = luma8(uint8(r), uint8(g), uint8(bl))
		}
	default:
		for x := range out {
			out[x] = color.GrayModel.Convert(img.At(b.Min.X+x, y)).(color.Gray).Y
		}
	}
}

// luma8 uses the same weights as color.GrayModel (ITU-R BT.601).
func luma8(r, g, b uint8) uint8 {
	return uint8((19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 16)
}
