package ocr

import (
	"math"
	"sort"
)

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

// joinChains joins chains that continue each other on the same line: across a gap
// of a few characters loosely, across one a glare spot may leave only when they
// are exactly in line.
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
