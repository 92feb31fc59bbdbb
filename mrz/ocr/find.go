package ocr

import "math"

// dark marks the pixels clearly darker than their neighbourhood: ink on paper under
// uneven light. r is the half-size of the neighbourhood, a few character heights.
func dark(p *plane, r int) []bool {
	w, h := p.w, p.h
	integ := make([]uint32, (w+1)*(h+1))
	for y := 0; y < h; y++ {
		var row uint32
		for x := 0; x < w; x++ {
			row += uint32(p.pix[y*w+x])
			integ[(y+1)*(w+1)+x+1] = integ[y*(w+1)+x+1] + row
		}
	}
	out := make([]bool, w*h)
	for y := 0; y < h; y++ {
		y0, y1 := max(y-r, 0), min(y+r+1, h)
		for x := 0; x < w; x++ {
			x0, x1 := max(x-r, 0), min(x+r+1, w)
			s := integ[y1*(w+1)+x1] - integ[y0*(w+1)+x1] - integ[y1*(w+1)+x0] + integ[y0*(w+1)+x0]
			n := uint32((y1 - y0) * (x1 - x0))
			v := uint32(p.pix[y*w+x])
			// Darker than 85% of the local mean, and by a margin noise rarely reaches.
			out[y*w+x] = v*n*100 < s*85 && v*n+10*n < s
		}
	}
	return out
}

// skew is the angle (radians, image y pointing down) that makes the text lines
// horizontal: the one whose projection of the dark pixels across the lines has the
// sharpest profile. Text on documents all runs one way, so the whole picture votes.
func skew(d []bool, w, h int) float64 {
	var xs, ys []float32
	step := 1
	for n := count(d); n/step > 60000; step++ {
	}
	k := 0
	for i, v := range d {
		if v {
			if k%step == 0 {
				xs = append(xs, float32(i%w))
				ys = append(ys, float32(i/w))
			}
			k++
		}
	}
	if len(xs) == 0 {
		return 0
	}
	diag := int(math.Hypot(float64(w), float64(h))) + 2
	bins := make([]float64, 2*diag)
	score := func(a float64) float64 {
		clear(bins)
		s, c := float32(math.Sin(a)), float32(math.Cos(a))
		for i := range xs {
			v := -xs[i]*s + ys[i]*c
			bins[int(v)+diag]++
		}
		var e float64
		for _, b := range bins {
			e += b * b
		}
		return e
	}
	best, bestE := 0.0, -1.0
	for deg := -15.0; deg <= 15; deg++ {
		if e := score(deg * math.Pi / 180); e > bestE {
			best, bestE = deg, e
		}
	}
	c := best
	for deg := c - 0.9; deg <= c+0.9; deg += 0.15 {
		if e := score(deg * math.Pi / 180); e > bestE {
			best, bestE = deg, e
		}
	}
	return best * math.Pi / 180
}

func count(d []bool) int {
	n := 0
	for _, v := range d {
		if v {
			n++
		}
	}
	return n
}

// blob is a connected component of dark pixels, measured along the text direction
// (u) and across it (v).
type blob struct {
	n                      int
	umin, umax, vmin, vmax float64
	su, sv                 float64
}

func (b *blob) h() float64  { return b.vmax - b.vmin + 1 }
func (b *blob) w() float64  { return b.umax - b.umin + 1 }
func (b *blob) cu() float64 { return b.su / float64(b.n) }
func (b *blob) cv() float64 { return (b.vmin + b.vmax) / 2 }

// blobs labels the 8-connected components of d, in the frame rotated by angle a.
// Those too small or too large to be a character of a zone are dropped.
func blobs(d []bool, w, h int, a float64, minH, maxH float64) []blob {
	sin, cos := math.Sin(a), math.Cos(a)
	seen := make([]bool, len(d))
	var out []blob
	var stack []int32
	for start, v := range d {
		if !v || seen[start] {
			continue
		}
		b := blob{umin: math.Inf(1), vmin: math.Inf(1), umax: math.Inf(-1), vmax: math.Inf(-1)}
		seen[start] = true
		stack = append(stack[:0], int32(start))
		for len(stack) > 0 {
			i := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			x, y := i%w, i/w
			u, vv := float64(x)*cos+float64(y)*sin, -float64(x)*sin+float64(y)*cos
			b.n++
			b.su += u
			b.sv += vv
			b.umin, b.umax = math.Min(b.umin, u), math.Max(b.umax, u)
			b.vmin, b.vmax = math.Min(b.vmin, vv), math.Max(b.vmax, vv)
			for dy := -1; dy <= 1; dy++ {
				yy := y + dy
				if yy < 0 || yy >= h {
					continue
				}
				for dx := -1; dx <= 1; dx++ {
					xx := x + dx
					if xx < 0 || xx >= w {
						continue
					}
					if j := yy*w + xx; d[j] && !seen[j] {
						seen[j] = true
						stack = append(stack, int32(j))
					}
				}
			}
		}
		if bh := b.h(); bh >= minH && bh <= maxH && b.w() <= 6*bh && b.n >= 6 {
			out = append(out, b)
		}
	}
	return out
}
