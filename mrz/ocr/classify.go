package ocr

import (
	"math"
	"sync"

	"github.com/rampart-id/rampart/mrz/ocrb"
)

const (
	nChars   = len(ocrb.Chars)
	cellPix  = S * cellRows
	tmplDown = ocrb.CellW / S // the atlas cell is this many template pixels across
)

// templates are the glyphs at the strip's scale, zero-mean and of unit norm, so a
// dot product with a zero-mean window is its normalized cross-correlation.
var templates = sync.OnceValue(func() *[nChars][cellPix]float32 {
	var t [nChars][cellPix]float32
	for k := 0; k < nChars; k++ {
		g := ocrb.Glyph(ocrb.Chars[k])
		var mean float64
		for y := 0; y < cellRows; y++ {
			for x := 0; x < S; x++ {
				var s int
				for j := 0; j < tmplDown; j++ {
					for i := 0; i < tmplDown; i++ {
						s += int(g.Pix[(y*tmplDown+j)*g.Stride+x*tmplDown+i])
					}
				}
				t[k][y*S+x] = float32(s) / (tmplDown * tmplDown)
				mean += float64(t[k][y*S+x])
			}
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
	setAny             = setDigit | setAlpha | setFiller
	setSex             = 1<<(10+'F'-'A') | 1<<(10+'M'-'A') | 1<<(10+'X'-'A') | setFiller
)

// guess is a cell's best two characters and their correlations.
type guess struct {
	c1, c2 byte
	s1, s2 float32
}

// match correlates the window of st at (x, y) with the templates in set: the
// scores go into sc (unset characters untouched).
func match(st *strip, x, y int, set charset, sc *[nChars]float32, win *[cellPix]float32) {
	var sum, sq float32
	for j := 0; j < cellRows; j++ {
		row := st.pix[(y+j)*st.w+x : (y+j)*st.w+x+S]
		copy(win[j*S:], row)
		for _, v := range row {
			sum += v
		}
	}
	mean := sum / cellPix
	for i := range win {
		win[i] -= mean
		sq += win[i] * win[i]
	}
	t := templates()
	if sq < 1 {
		// A flat window: nothing matches.
		for k := 0; k < nChars; k++ {
			if set&(1<<k) != 0 {
				sc[k] = 0
			}
		}
		return
	}
	inv := 1 / float32(math.Sqrt(float64(sq)))
	for k := 0; k < nChars; k++ {
		if set&(1<<k) == 0 {
			continue
		}
		tk := &t[k]
		var d float32
		for i := range win {
			d += win[i] * tk[i]
		}
		// Ink is dark: the template is black on white like the photo.
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
	var win [cellPix]float32
	var at [nChars][2]int
	for dy := -ry; dy <= ry; dy++ {
		yy := y + dy
		if yy < 0 || yy+cellRows > st.h {
			continue
		}
		for dx := -rx; dx <= rx; dx++ {
			xx := x + dx
			if xx < 0 || xx+S > st.w {
				continue
			}
			match(st, xx, yy, set, &sc, &win)
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

// readLine classifies the n cells of st, each among the characters its position
// may hold. A first pass over every other cell finds where the characters really
// are (the geometry is off by a pixel or two and the pitch by a little); a line fit
// through those positions guides the second, fine pass.
func readLine(st *strip, sets []charset) ([]guess, float32) {
	n := len(sets)
	var is, xs, ys, ws []float64
	for i := 0; i < n; i += 2 {
		g, bx, by := best(st, marginX+S*i, marginY, 4, 3, sets[i])
		if g.s1 > 0.3 {
			is = append(is, float64(i))
			xs = append(xs, float64(bx-marginX-S*i))
			ys = append(ys, float64(by-marginY))
			ws = append(ws, float64(g.s1))
		}
	}
	ax, bx := robustLine(is, xs, ws)
	ay, by := robustLine(is, ys, ws)
	out := make([]guess, n)
	var sum float32
	for i := 0; i < n; i++ {
		x := marginX + S*i + int(math.Round(ax+bx*float64(i)))
		y := marginY + int(math.Round(ay+by*float64(i)))
		out[i], _, _ = best(st, x, y, 1, 1, sets[i])
		sum += out[i].s1
	}
	return out, sum / float32(n)
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
