package pdf417

import (
	"image"
	"image/color"
)

// plane is the photo as grey levels made relative to their surroundings: each pixel's
// offset from the midpoint between the darkest and lightest levels nearby, in units of
// half that local range. The sign is the bar/space decision of an adaptive threshold,
// which survives uneven light and does not depend on how much of the neighbourhood is
// ink; the magnitude lets scanlines ignore noise with a fixed hysteresis.
type plane struct {
	w, h int
	v    []float32
}

// maxSide bounds the work: larger images are halved before anything else.
const maxSide = 2200

func newPlane(img image.Image) plane {
	w, h, g := gray(img)
	for max(w, h) > maxSide {
		w, h, g = halve(w, h, g)
	}
	return normalize(w, h, g)
}

// gray converts to 8-bit luma, reading the common decoded formats directly.
func gray(img image.Image) (int, int, []uint8) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := make([]uint8, w*h)
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			i := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(g[y*w:(y+1)*w], m.Pix[i:i+w])
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			i := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(g[y*w:(y+1)*w], m.Y[i:i+w])
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				p := row[4*x:]
				g[y*w+x] = uint8((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2])) / 1000)
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				p := row[4*x:]
				// Transparent pixels count as white paper.
				a := int(p[3])
				l := (299*int(p[0]) + 587*int(p[1]) + 114*int(p[2])) / 1000
				g[y*w+x] = uint8((l*a + 255*(255-a)) / 255)
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				g[y*w+x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
			}
		}
	}
	return w, h, g
}

func halve(w, h int, g []uint8) (int, int, []uint8) {
	nw, nh := w/2, h/2
	out := make([]uint8, nw*nh)
	for y := 0; y < nh; y++ {
		for x := 0; x < nw; x++ {
			i := 2*y*w + 2*x
			out[y*nw+x] = uint8((int(g[i]) + int(g[i+1]) + int(g[i+w]) + int(g[i+w+1]) + 2) / 4)
		}
	}
	return nw, nh, out
}

// normalize thresholds at the local mid-level. Minima and maxima are taken over
// blocks, then over a neighbourhood of blocks wide enough to hold the start pattern's
// wide bar together with a space, and interpolated between block centres.
func normalize(w, h int, g []uint8) plane {
	bs := max(8, max(w, h)/100)
	const reach = 4 // blocks either side
	bw, bh := (w+bs-1)/bs, (h+bs-1)/bs
	lo := make([]uint8, bw*bh)
	hi := make([]uint8, bw*bh)
	for i := range lo {
		lo[i] = 255
	}
	for y := 0; y < h; y++ {
		row := g[y*w : (y+1)*w]
		brow := (y / bs) * bw
		for bx := 0; bx < bw; bx++ {
			l, u := lo[brow+bx], hi[brow+bx]
			for _, v := range row[bx*bs : min(w, (bx+1)*bs)] {
				l, u = min(l, v), max(u, v)
			}
			lo[brow+bx], hi[brow+bx] = l, u
		}
	}
	mid := make([]float32, bw*bh)
	half := make([]float32, bw*bh)
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			l, u := uint8(255), uint8(0)
			for y := max(0, by-reach); y <= min(bh-1, by+reach); y++ {
				for x := max(0, bx-reach); x <= min(bw-1, bx+reach); x++ {
					l = min(l, lo[y*bw+x])
					u = max(u, hi[y*bw+x])
				}
			}
			mid[by*bw+bx] = (float32(l) + float32(u)) / 2
			// A floor on the range keeps flat paper from turning into bars.
			half[by*bw+bx] = max(float32(u)-float32(l), 96) / 2
		}
	}
	// Interpolate between block centres: vertically once per row, then across it,
	// incrementally within each span between two centres.
	bsf, hb := float32(bs), bs/2
	rowMid, rowInv := make([]float32, bw), make([]float32, bw)
	out := make([]float32, w*h)
	for y := 0; y < h; y++ {
		fy := (float32(y)+0.5)/bsf - 0.5
		y0 := max(0, min(bh-1, int(fy)))
		y1 := min(bh-1, y0+1)
		ty := max(0, min(1, fy-float32(y0)))
		for bx := 0; bx < bw; bx++ {
			rowMid[bx] = mid[y0*bw+bx] + (mid[y1*bw+bx]-mid[y0*bw+bx])*ty
			rowInv[bx] = 1 / (half[y0*bw+bx] + (half[y1*bw+bx]-half[y0*bw+bx])*ty)
		}
		row, o := g[y*w:(y+1)*w], out[y*w:(y+1)*w]
		x := 0
		for ; x < min(w, hb); x++ { // before the first centre
			o[x] = (float32(row[x]) - rowMid[0]) * rowInv[0]
		}
		for j := 0; j+1 < bw && x < w; j++ {
			end := min(w, (j+1)*bs+hb)
			t := (float32(x)+0.5)/bsf - 0.5 - float32(j)
			dm, di := (rowMid[j+1]-rowMid[j])/bsf, (rowInv[j+1]-rowInv[j])/bsf
			m, inv := rowMid[j]+dm*bsf*t, rowInv[j]+di*bsf*t
			for ; x < end; x++ {
				o[x] = (float32(row[x]) - m) * inv
				m += dm
				inv += di
			}
		}
		for ; x < w; x++ { // after the last
			o[x] = (float32(row[x]) - rowMid[bw-1]) * rowInv[bw-1]
		}
	}
	return plane{w, h, out}
}

// rotate180 turns the plane upside down.
func (p *plane) rotate180() {
	for i, j := 0, len(p.v)-1; i < j; i, j = i+1, j-1 {
		p.v[i], p.v[j] = p.v[j], p.v[i]
	}
}
