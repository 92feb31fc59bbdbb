package ocr

import (
	"math"
	"sync"

	"github.com/rampart-id/rampart/mrz/ocrb"
)

const (
	nChars   = len(ocrb.Chars)
	cellPix  = pitchPx * cellRows
	tmplDown = ocrb.CellW / pitchPx // the atlas cell is this many template pixels across
)

// templates are the glyphs at the strip's scale, softened a little as every photo
// is, zero-mean and of unit norm, so a dot product with a window is its
// normalized cross-correlation.
var templates = sync.OnceValue(func() *[nChars][cellPix]float32 {
	var t [nChars][cellPix]float32
	for k := 0; k < nChars; k++ {
		g := ocrb.Glyph(ocrb.Chars[k])
		for y := 0; y < cellRows; y++ {
			for x := 0; x < pitchPx; x++ {
				var s int
				for j := 0; j < tmplDown; j++ {
					for i := 0; i < tmplDown; i++ {
						s += int(g.Pix[(y*tmplDown+j)*g.Stride+x*tmplDown+i])
					}
				}
				t[k][y*pitchPx+x] = float32(s) / (tmplDown * tmplDown)
			}
		}
		blur3(&t[k])
		var mean float64
		for _, v := range t[k] {
			mean += float64(v)
		}
		mean /= cellPix
		var norm float64
		for i := range t[k] {
			t[k][i] -= float32(mean)
			norm += float64(t[k][i]) * float64(t[k][i])
		}
		norm = math.Sqrt(norm)
		for i := range t[k] {
			t[k][i] /= float32(norm)
		}
	}
	return &t
})

// A set of characters a position may hold, as bits over ocrb.Chars.
type charset uint64

const (
	setDigit  charset = 1<<10 - 1
	setFiller charset = 1 << 36
	setAlpha  charset = (1<<26 - 1) << 10
	setAny            = setDigit | setAlpha | setFiller
	setSex            = 1<<(10+'F'-'A') | 1<<(10+'M'-'A') | 1<<(10+'X'-'A') | setFiller
)

// guess is a cell's best two characters and their correlations.
type guess struct {
	c1, c2 byte
	s1, s2 float32
}

// match correlates the window of st at (x, y) with the templates in set: the
// scores go into sc (unset characters untouched). The templates are zero-mean, so
// the window's mean drops out of the dot product.
func match(st *strip, x, y int, set charset, sc *[nChars]float32) {
	var sum, sq float32
	for j := 0; j < cellRows; j++ {
		for _, v := range st.pix[(y+j)*st.w+x : (y+j)*st.w+x+pitchPx] {
			sum += v
			sq += v * v
		}
	}
	vr := sq - sum*sum/cellPix
	t := templates()
	if vr < 1 {
		// A flat window: nothing matches.
		for k := 0; k < nChars; k++ {
			if set&(1<<k) != 0 {
				sc[k] = 0
			}
		}
		return
	}
	inv := 1 / float32(math.Sqrt(float64(vr)))
	for k := 0; k < nChars; k++ {
		if set&(1<<k) == 0 {
			continue
		}
		tk := &t[k]
		var d float32
		for j := 0; j < cellRows; j++ {
			row := st.pix[(y+j)*st.w+x : (y+j)*st.w+x+pitchPx]
			tr := tk[j*pitchPx : j*pitchPx+pitchPx]
			for i, v := range row {
				d += v * tr[i]
			}
		}
		sc[k] = d * inv
	}
}

// best searches the window positions (x+dx, y+dy) for |dx| ≤ rx, |dy| ≤ ry and
// returns the best two characters of set with their best scores, and where the best
// matched.
func best(st *strip, x, y, rx, ry int, set charset) (g guess, bx, by int) {
	var top [nChars]float32
	for k := range top {
		top[k] = -2
	}
	var sc [nChars]float32
	var at [nChars][2]int
	for dy := -ry; dy <= ry; dy++ {
		yy := y + dy
		if yy < 0 || yy+cellRows > st.h {
			continue
		}
		for dx := -rx; dx <= rx; dx++ {
			xx := x + dx
			if xx < 0 || xx+pitchPx > st.w {
				continue
			}
			match(st, xx, yy, set, &sc)
			for k := 0; k < nChars; k++ {
				if set&(1<<k) != 0 && sc[k] > top[k] {
					top[k] = sc[k]
					at[k] = [2]int{xx, yy}
				}
			}
		}
	}
	g.s1, g.s2 = -2, -2
	k1 := -1
	for k := 0; k < nChars; k++ {
		if set&(1<<k) == 0 {
			continue
		}
		switch {
		case top[k] > g.s1:
			g.c2, g.s2 = g.c1, g.s1
			g.c1, g.s1 = ocrb.Chars[k], top[k]
			k1 = k
		case top[k] > g.s2:
			g.c2, g.s2 = ocrb.Chars[k], top[k]
		}
	}
	if k1 < 0 {
		return g, x, y
	}
	return g, at[k1][0], at[k1][1]
}

// aligned is a line's strip with where its characters are found to be: cell i's
// window at column marginX + pitchPx·i + x(i), row marginY + y(i), x and y linear fits.
type aligned struct {
	st             *strip
	sets           []charset
	ax, bx, ay, by float64
	score          float32 // mean best correlation of the probed cells
}

// alignProbes is how many cells, spread along a line, find its offsets.
const alignProbes = 9

// align finds where a line's characters are (the geometry is off by a pixel or two
// and the pitch by a little) from a few cells searched widely.
func align(st *strip, sets []charset) aligned {
	n := len(sets)
	var is, xs, ys, ws []float64
	var sum float32
	for k := 0; k < alignProbes; k++ {
		i := (k*(n-1) + (alignProbes-1)/2) / (alignProbes - 1)
		g, bx, by := best(st, marginX+pitchPx*i, marginY, 3, 2, sets[i])
		sum += g.s1
		if g.s1 > 0.3 {
			is = append(is, float64(i))
			xs = append(xs, float64(bx-marginX-pitchPx*i))
			ys = append(ys, float64(by-marginY))
			ws = append(ws, float64(g.s1))
		}
	}
	a := aligned{st: st, sets: sets, score: sum / alignProbes}
	a.ax, a.bx = robustLine(is, xs, ws)
	a.ay, a.by = robustLine(is, ys, ws)
	return a
}

// classify reads every cell of an aligned line, each among the characters its
// position may hold, searching a little around where the alignment puts it.
func (a aligned) classify() ([]guess, float32) {
	out := make([]guess, len(a.sets))
	var sum float32
	for i := range out {
		x := marginX + pitchPx*i + int(math.Round(a.ax+a.bx*float64(i)))
		y := marginY + int(math.Round(a.ay+a.by*float64(i)))
		out[i], _, _ = best(a.st, x, y, 2, 1, a.sets[i])
		sum += out[i].s1
	}
	return out, sum / float32(len(out))
}

// robustLine fits y = a + b·x by weighted least squares, twice: the second time
// without the points far off the first fit.
func robustLine(x, y, w []float64) (a, b float64) {
	keep := make([]bool, len(x))
	for i := range keep {
		keep[i] = true
	}
	for pass := 0; pass < 2; pass++ {
		var sw, sx, sy, sxx, sxy float64
		for i := range x {
			if keep[i] {
				sw += w[i]
				sx += w[i] * x[i]
				sy += w[i] * y[i]
				sxx += w[i] * x[i] * x[i]
				sxy += w[i] * x[i] * y[i]
			}
		}
		if sw == 0 {
			return 0, 0
		}
		den := sw*sxx - sx*sx
		b = 0
		if den > 1e-9 {
			b = (sw*sxy - sx*sy) / den
		}
		a = (sy - b*sx) / sw
		for i := range x {
			keep[i] = math.Abs(y[i]-(a+b*x[i])) <= 1.5
		}
	}
	return a, b
}

// blur3 smooths a template with [1 2 1]/4 both ways, edges repeated.
func blur3(t *[cellPix]float32) {
	var tmp [cellPix]float32
	for y := 0; y < cellRows; y++ {
		for x := 0; x < pitchPx; x++ {
			l, r := max(x-1, 0), min(x+1, pitchPx-1)
			tmp[y*pitchPx+x] = (t[y*pitchPx+l] + 2*t[y*pitchPx+x] + t[y*pitchPx+r]) / 4
		}
	}
	for y := 0; y < cellRows; y++ {
		u, d := max(y-1, 0), min(y+1, cellRows-1)
		for x := 0; x < pitchPx; x++ {
			t[y*pitchPx+x] = (tmp[u*pitchPx+x] + 2*tmp[y*pitchPx+x] + tmp[d*pitchPx+x]) / 4
		}
	}
}
