package ocr

import (
	"image"
	"image/color"
)

// plane is an 8-bit grayscale picture, row after row.
type plane struct {
	w, h int
	pix  []uint8
}

// grayOf is img's luma, box-averaged by an integer factor so that its long side is at
// most maxSide (the reader never needs more, and huge photos stay cheap). It returns
// the factor too: pixel (x, y) of the plane covers img's pixels from
// Min + (x, y)·factor.
func grayOf(img image.Image, maxSide int) (*plane, int) {
	b := img.Bounds()
	long := max(b.Dx(), b.Dy())
	f := (long + maxSide - 1) / maxSide
	f = max(f, 1)
	w, h := b.Dx()/f, b.Dy()/f
	p := &plane{w: w, h: h, pix: make([]uint8, w*h)}
	if w == 0 || h == 0 {
		return p, f
	}
	// row is the luma of one row of img; the common decoded types skip the
	// interface calls of At.
	buf := make([]uint8, b.Dx())
	var row func(y int) []uint8
	switch m := img.(type) {
	case *image.YCbCr:
		row = func(y int) []uint8 { o := m.YOffset(b.Min.X, y); return m.Y[o : o+b.Dx()] }
	case *image.Gray:
		row = func(y int) []uint8 { o := m.PixOffset(b.Min.X, y); return m.Pix[o : o+b.Dx()] }
	case *image.RGBA:
		row = func(y int) []uint8 {
			px := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := range buf {
				buf[x] = uint8((19595*uint32(px[4*x]) + 38470*uint32(px[4*x+1]) + 7471*uint32(px[4*x+2]) + 1<<15) >> 16)
			}
			return buf
		}
	case *image.NRGBA:
		// Transparent parts count as white paper.
		row = func(y int) []uint8 {
			px := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := range buf {
				a := uint32(px[4*x+3])
				l := (19595*uint32(px[4*x]) + 38470*uint32(px[4*x+1]) + 7471*uint32(px[4*x+2]) + 1<<15) >> 16
				buf[x] = uint8((l*a + 255*(255-a)) / 255)
			}
			return buf
		}
	default:
		row = func(y int) []uint8 {
			for x := range buf {
				buf[x] = color.GrayModel.Convert(img.At(b.Min.X+x, y)).(color.Gray).Y
			}
			return buf
		}
	}
	if f == 1 {
		for y := 0; y < h; y++ {
			copy(p.pix[y*w:(y+1)*w], row(b.Min.Y+y))
		}
		return p, f
	}
	acc := make([]uint32, w)
	n := uint32(f * f)
	for y := 0; y < h; y++ {
		clear(acc)
		for j := 0; j < f; j++ {
			r := row(b.Min.Y + y*f + j)
			for x := range acc {
				for _, v := range r[x*f : x*f+f] {
					acc[x] += uint32(v)
				}
			}
		}
		for x, s := range acc {
			p.pix[y*w+x] = uint8((s + n/2) / n)
		}
	}
	return p, f
}

// half is p box-averaged 2×2.
func (p *plane) half() *plane {
	w, h := p.w/2, p.h/2
	q := &plane{w: w, h: h, pix: make([]uint8, w*h)}
	for y := 0; y < h; y++ {
		r0, r1 := p.pix[2*y*p.w:], p.pix[(2*y+1)*p.w:]
		for x := 0; x < w; x++ {
			q.pix[y*w+x] = uint8((uint32(r0[2*x]) + uint32(r0[2*x+1]) + uint32(r1[2*x]) + uint32(r1[2*x+1]) + 2) / 4)
		}
	}
	return q
}

// bilinear samples p at (x, y), pixel centres at integer coordinates; outside, the
// nearest edge pixel.
func (p *plane) bilinear(x, y float64) float32 {
	if x < 0 {
		x = 0
	} else if x > float64(p.w-1) {
		x = float64(p.w - 1)
	}
	if y < 0 {
		y = 0
	} else if y > float64(p.h-1) {
		y = float64(p.h - 1)
	}
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, p.w-1), min(y0+1, p.h-1)
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	a := float32(p.pix[y0*p.w+x0])*(1-fx) + float32(p.pix[y0*p.w+x1])*fx
	b := float32(p.pix[y1*p.w+x0])*(1-fx) + float32(p.pix[y1*p.w+x1])*fx
	return a*(1-fy) + b*fy
}
