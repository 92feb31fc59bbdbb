package pdf417

import (
	"image"
	"image/color"
	"math"
)

// plane is the photo as grey levels made relative to their surroundings: each pixel's
// difference from the local mean, in units of the local standard deviation. The sign
// is the bar/space decision of an adaptive threshold, which survives uneven light;
// the magnitude lets scanlines ignore noise with a fixed hysteresis.
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
			copy(g[y*w:(y+1)*w], m.Pix[(y)*m.Stride:])
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			copy(g[y*w:(y+1)*w], m.Y[y*m.YStride:])
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				p := row[4*x:]
				g[y*w+x] = uint8((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2])) / 1000)
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
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

// normalize subtracts the mean and divides by the standard deviation of a square
// window, wide enough to hold several codewords so that the mean sits between bar and
// space levels. A floor on the deviation keeps flat paper from becoming noise.
func normalize(w, h int, g []uint8) plane {
	r := max(8, min(100, max(w, h)/14))
	sw := w + 1
	sum := make([]uint32, sw*(h+1))
	sq := make([]uint64, sw*(h+1))
	for y := 0; y < h; y++ {
		var rs uint32
		var rq uint64
		for x := 0; x < w; x++ {
			v := uint32(g[y*w+x])
			rs += v
			rq += uint64(v * v)
			sum[(y+1)*sw+x+1] = sum[y*sw+x+1] + rs
			sq[(y+1)*sw+x+1] = sq[y*sw+x+1] + rq
		}
	}
	out := make([]float32, w*h)
	for y := 0; y < h; y++ {
		y0, y1 := max(0, y-r), min(h, y+r+1)
		for x := 0; x < w; x++ {
			x0, x1 := max(0, x-r), min(w, x+r+1)
			n := float64((y1 - y0) * (x1 - x0))
			s := float64(sum[y1*sw+x1] - sum[y0*sw+x1] - sum[y1*sw+x0] + sum[y0*sw+x0])
			q := float64(sq[y1*sw+x1] - sq[y0*sw+x1] - sq[y1*sw+x0] + sq[y0*sw+x0])
			mean := s / n
			sd := math.Sqrt(max(0, q/n-mean*mean))
			out[y*w+x] = float32((float64(g[y*w+x]) - mean) / max(sd, 12))
		}
	}
	return plane{w, h, out}
}

// at samples the plane bilinearly; the caller keeps x and y inside [0, w-1) × [0, h-1).
func (p *plane) at(x, y float32) float32 {
	xi, yi := int(x), int(y)
	fx, fy := x-float32(xi), y-float32(yi)
	i := yi*p.w + xi
	a := p.v[i] + (p.v[i+1]-p.v[i])*fx
	b := p.v[i+p.w] + (p.v[i+p.w+1]-p.v[i+p.w])*fx
	return a + (b-a)*fy
}
