package ocr

import (
	"math"
	"sort"
)

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

// chain is a run of blobs along one text line.
type chain struct {
	bl     []blob
	a, b   float64 // the line's centre: v = a + b·u
	h      float64 // median blob height
	pitch  float64 // estimated character pitch
	u0, u1 float64 // ink extent along u
	// The characters' centres: the t-th at u = fa + fb·t + fc·t², of cells.
	fa, fb, fc float64
	cells      int
}

func (c *chain) v(u float64) float64 { return c.a + c.b*u }

// chains links each blob to its nearest neighbour on the right on the same line
// (similar height, small gap), keeping links both ends agree on, then joins runs
// that a glare spot or a faint character split.
func chains(bl []blob, maxH float64) []*chain {
	sort.Slice(bl, func(i, j int) bool { return bl[i].umin < bl[j].umin })
	n := len(bl)
	right := make([]int, n)
	left := make([]int, n)
	for i := range left {
		left[i], right[i] = -1, -1
	}
	for i := range bl {
		a := &bl[i]
		best, bestGap := -1, math.Inf(1)
		for j := i + 1; j < n; j++ {
			b := &bl[j]
			gap := b.umin - a.umax
			hm := math.Max(a.h(), b.h())
			if b.umin-a.umax > 1.2*hm {
				if b.umin > a.umax+1.2*maxH {
					break
				}
				continue
			}
			if gap < -0.3*hm || b.umax <= a.umax {
				continue
			}
			if math.Abs(b.cv()-a.cv()) > 0.35*hm || hm > 1.7*math.Min(a.h(), b.h()) {
				continue
			}
			if gap < bestGap {
				best, bestGap = j, gap
			}
		}
		right[i] = best
	}
	for i, j := range right {
		if j >= 0 {
			if left[j] < 0 || bl[left[j]].umax < bl[i].umax {
				left[j] = i
			}
		}
	}
	var out []*chain
	for i := range bl {
		if left[i] >= 0 && right[left[i]] == i {
			continue // not a start
		}
		c := &chain{}
		for k := i; k >= 0; {
			c.bl = append(c.bl, bl[k])
			j := right[k]
			if j < 0 || left[j] != k {
				break
			}
			k = j
		}
		if len(c.bl) >= 4 {
			c.fit()
			out = append(out, c)
		}
	}
	return joinChains(out)
}

// fit measures the chain: its centre line (least squares, once more without the
// blobs far off it), height, extent and pitch.
func (c *chain) fit() {
	hs := make([]float64, len(c.bl))
	for i, b := range c.bl {
		hs[i] = b.h()
	}
	c.h = median(hs)
	use := func(b *blob) bool { return true }
	for pass := 0; pass < 2; pass++ {
		var n, su, sv, suu, suv float64
		for i := range c.bl {
			b := &c.bl[i]
			if !use(b) {
				continue
			}
			u, v := b.cu(), b.cv()
			n++
			su += u
			sv += v
			suu += u * u
			suv += u * v
		}
		if n == 0 {
			break
		}
		den := n*suu - su*su
		c.b = 0
		if den > 1e-9 && n >= 3 {
			c.b = (n*suv - su*sv) / den
		}
		c.a = (sv - c.b*su) / n
		use = func(b *blob) bool { return math.Abs(b.cv()-c.v(b.cu())) < 0.2*c.h && b.h() > 0.7*c.h }
	}
	c.u0, c.u1 = c.bl[0].umin, c.bl[0].umax
	for _, b := range c.bl {
		c.u0, c.u1 = math.Min(c.u0, b.umin), math.Max(c.u1, b.umax)
	}
	// The pitch: centre spacing of neighbours that are single characters.
	var sp []float64
	for i := 1; i < len(c.bl); i++ {
		a, b := &c.bl[i-1], &c.bl[i]
		if a.w() < 0.95*c.h && b.w() < 0.95*c.h {
			if d := b.cu() - a.cu(); d > 0.5*c.h && d < 1.4*c.h {
				sp = append(sp, d)
			}
		}
	}
	c.pitch = c.h / 1.05
	if len(sp) >= 5 {
		c.pitch = median(sp)
	}
	c.fitCells()
}

// fitCells numbers the chain's characters from the left, stepping from blob to
// blob by the local pitch (a blob of merged characters counts for several), and fits
// their centres with a quadratic: a line seen in perspective has a pitch that
// changes along it.
func (c *chain) fitCells() {
	var ts, us, ws []float64
	p := c.pitch
	idx := -1
	last := math.Inf(-1) // centre of the last character numbered
	for i := range c.bl {
		b := &c.bl[i]
		k := max(1, int(math.Round((b.w()-inkWidth*p)/p))+1)
		first := b.umin + inkWidth/2*p
		if k == 1 {
			first = b.cu()
		}
		if idx < 0 {
			idx = 0
		} else {
			step := int(math.Round((first - last) / p))
			if step <= 0 {
				continue // a fragment of the character just numbered
			}
			idx += step
		}
		for j := 0; j < k; j++ {
			w := 1.0
			if k > 1 {
				w = 0.3
			}
			ts, us, ws = append(ts, float64(idx+j)), append(us, first+float64(j)*p), append(ws, w)
		}
		if k == 1 && len(ts) >= 2 && ts[len(ts)-2] == float64(idx-1) && ws[len(ws)-2] == 1 {
			// Follow the pitch where it changes, from neighbours both single.
			p = 0.8*p + 0.2*(b.cu()-us[len(us)-2])
		}
		idx += k - 1
		last = us[len(us)-1]
	}
	c.cells = idx + 1
	c.fa, c.fb, c.fc = quadFit(ts, us, ws)
}

// quadFit fits y = a + b·x + c·x² by weighted least squares, then once more without
// the points off it by more than a fifth of the slope.
func quadFit(x, y, w []float64) (a, b, c float64) {
	keep := make([]bool, len(x))
	for i := range keep {
		keep[i] = true
	}
	for pass := 0; pass < 2; pass++ {
		var m [3][4]float64
		for i := range x {
			if !keep[i] {
				continue
			}
			f := [3]float64{1, x[i], x[i] * x[i]}
			for r := 0; r < 3; r++ {
				for s := 0; s < 3; s++ {
					m[r][s] += w[i] * f[r] * f[s]
				}
				m[r][3] += w[i] * f[r] * y[i]
			}
		}
		sol, ok := solve3(m)
		if !ok {
			return 0, 1, 0
		}
		a, b, c = sol[0], sol[1], sol[2]
		for i := range x {
			keep[i] = math.Abs(y[i]-(a+b*x[i]+c*x[i]*x[i])) < 0.2*math.Abs(b)
		}
	}
	return a, b, c
}

// solve3 solves a 3×3 linear system given as an augmented matrix.
func solve3(m [3][4]float64) ([3]float64, bool) {
	for col := 0; col < 3; col++ {
		piv := col
		for r := col + 1; r < 3; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		if math.Abs(m[piv][col]) < 1e-9 {
			return [3]float64{}, false
		}
		m[col], m[piv] = m[piv], m[col]
		for r := 0; r < 3; r++ {
			if r != col {
				f := m[r][col] / m[col][col]
				for s := col; s < 4; s++ {
					m[r][s] -= f * m[col][s]
				}
			}
		}
	}
	return [3]float64{m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]}, true
}

// joinChains joins chains that continue each other on the same line across a gap of
// up to a few characters.
func joinChains(cs []*chain) []*chain {
	sort.Slice(cs, func(i, j int) bool { return cs[i].u0 < cs[j].u0 })
	for {
		joined := false
		for i := 0; i < len(cs) && !joined; i++ {
			a := cs[i]
			for j := i + 1; j < len(cs); j++ {
				b := cs[j]
				gap := b.u0 - a.u1
				if gap < -0.3*a.h || gap > 8*a.h {
					continue
				}
				dv := math.Min(math.Abs(a.v(b.u0)-b.v(b.u0)), math.Abs(a.v(a.u1)-b.v(a.u1)))
				hr := math.Max(a.h, b.h) / math.Min(a.h, b.h)
				// Across a short gap, the two need only be on one line; across one
				// as long as a glare spot, exactly.
				if gap <= 3.5*a.h && (dv > 0.3*a.h || hr > 1.3) {
					continue
				}
				if gap > 3.5*a.h && (dv > 0.15*a.h || hr > 1.2 || len(a.bl) < 4 || len(b.bl) < 4) {
					continue
				}
				a.bl = append(a.bl, b.bl...)
				a.fit()
				cs = append(cs[:j], cs[j+1:]...)
				joined = true
				break
			}
		}
		if !joined {
			return cs
		}
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// chars is how many characters of the chain's pitch fit its extent: a character's
// ink is about 0.69 of the pitch wide.
func (c *chain) chars() float64 { return (c.u1-c.u0)/c.pitch + 1 - inkWidth }

// group is a candidate zone: its lines top to bottom.
type group struct {
	lines []*chain
	score float64 // lower is better
}

// groups finds the candidate zones: 2 or 3 lines of up to 50 characters, the
// longest of 26 or more, of equal pitch, evenly spaced by 1.3 to 3 heights, and
// of equal length; or, where glare or a fold hid part of a line, aligned on the
// left or the right and at least 40% as long.
func groups(cs []*chain) []group {
	var long []*chain
	for _, c := range cs {
		if n := c.chars(); n >= 12 && n <= 52 {
			long = append(long, c)
		}
	}
	sort.Slice(long, func(i, j int) bool { return long[i].v(long[i].u0) < long[j].v(long[j].u0) })
	// compat scores how well b follows a as the next line of a zone, or is negative.
	compat := func(a, b *chain) (spacing, bad float64) {
		mid := (a.u0 + a.u1) / 2
		s := b.v(mid) - a.v(mid)
		h := (a.h + b.h) / 2
		p := (a.pitch + b.pitch) / 2
		la, lb := a.u1-a.u0, b.u1-b.u0
		if s < 1.25*h || s > 3.2*h || math.Max(a.h, b.h) > 1.35*math.Min(a.h, b.h) {
			return 0, -1
		}
		dl, dr := math.Abs(a.u0-b.u0), math.Abs(a.u1-b.u1)
		switch {
		case math.Abs(la-lb) <= 0.08*math.Max(la, lb)+p && dl <= 2.5*p:
			return s, math.Abs(la-lb)/p + dl/p + math.Abs(a.h-b.h)/h
		case math.Min(la, lb) >= 0.4*math.Max(la, lb) && math.Min(dl, dr) <= 1.5*p:
			return s, 4 + math.Min(dl, dr)/p + math.Abs(a.h-b.h)/h
		}
		return 0, -1
	}
	full := func(ls ...*chain) bool {
		for _, l := range ls {
			if l.chars() >= 26 {
				return true
			}
		}
		return false
	}
	var out []group
	for i, a := range long {
		for j := i + 1; j < len(long); j++ {
			b := long[j]
			s1, bad1 := compat(a, b)
			if bad1 < 0 {
				continue
			}
			if full(a, b) {
				out = append(out, group{lines: []*chain{a, b}, score: bad1})
			}
			for k := j + 1; k < len(long); k++ {
				c := long[k]
				s2, bad2 := compat(b, c)
				if bad2 < 0 || s2 > 1.25*s1 || s1 > 1.25*s2 || !full(a, b, c) {
					continue
				}
				// A third line found makes a TD1 likelier than any pair.
				out = append(out, group{lines: []*chain{a, b, c}, score: (bad1+bad2)/2 - 1})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score < out[j].score })
	return out
}
