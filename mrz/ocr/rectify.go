package ocr

import "math"

// The strip a line is resampled into: pitchPx pixels per character pitch, the glyph
// templates' scale, with margins for the search of each character's position.
const (
	pitchPx  = 16        // strip pixels per pitch
	cellRows = 24        // a template's height: the atlas cell's 1.5 pitches
	centreY  = 11.75     // the row (continuous) of the templates' ink centre
	inkWidth = 44.0 / 64 // a glyph's ink width, in pitches
	marginX  = 12
	marginY  = 6
)

// geom is a text line of n characters in the detection picture: its centre line
// (through o, direction d, normal n pointing down the text) and where along it each
// character's centre is, u(t) = a + b·t + c·t² for the t-th character. The
// quadratic follows the pitch's change along a line seen in perspective; the local
// pitch scales the characters' height too.
type geom struct {
	ox, oy, dx, dy, nx, ny float64
	a, b, c                float64
	n                      int
	flip                   bool // read from the other end: a photo turned 180°
}

// geomOf turns a chain, measured in the frame rotated by angle a, into picture
// coordinates for n characters. Each line keeps its own slope, so a slight keystone
// is followed. The chain's own character positions are used when it counts n
// characters; otherwise its ink is taken as n characters at an even pitch.
func geomOf(c *chain, angle float64, n int) geom {
	sin, cos := math.Sin(angle), math.Cos(angle)
	pt := func(u, v float64) (float64, float64) { return u*cos - v*sin, u*sin + v*cos }
	x0, y0 := pt(c.u0, c.v(c.u0))
	x1, y1 := pt(c.u1, c.v(c.u1))
	l := math.Hypot(x1-x0, y1-y0)
	dx, dy := (x1-x0)/l, (y1-y0)/l
	g := geom{ox: x0, oy: y0, dx: dx, dy: dy, nx: -dy, ny: dx, n: n}
	if c.cells == n {
		// The fit is along u from the chain's start; the centre line's slope makes
		// distances along it longer by 1/cos.
		k := math.Hypot(1, c.b)
		g.a, g.b, g.c = (c.fa-c.u0)*k, c.fb*k, c.fc*k
	} else {
		p := l / (float64(n-1) + inkWidth)
		g.a, g.b = (inkWidth/2)*p, p
	}
	return g
}

// flipped is the same line read from the other end.
func (g geom) flipped() geom { g.flip = !g.flip; return g }

// pos is the picture point of character position t (t = 0 the first character's
// centre), v pitches below the centre line as read.
func (g geom) pos(t, v float64) (float64, float64) {
	if g.flip {
		t, v = float64(g.n-1)-t, -v
	}
	u := g.a + g.b*t + g.c*t*t
	p := g.b + 2*g.c*t
	return g.ox + u*g.dx + v*p*g.nx, g.oy + u*g.dy + v*p*g.ny
}

// pitch is the line's mean pitch.
func (g geom) pitch() float64 { return g.b + g.c*float64(g.n-1) }

// strip is a line resampled pitchPx pixels per pitch: cell i's template window starts at
// column marginX + pitchPx·i, row marginY, when the geometry is exact.
type strip struct {
	w, h int
	pix  []float32
}

// sample resamples the line from lv, a picture scale times the detection picture's
// resolution.
func sample(lv *plane, scale float64, g geom) *strip {
	st := &strip{w: 2*marginX + pitchPx*g.n, h: 2*marginY + cellRows}
	st.pix = make([]float32, st.w*st.h)
	for sx := 0; sx < st.w; sx++ {
		t := (float64(sx)+0.5-marginX)/pitchPx - 0.5
		// The column's top and bottom points; rows are evenly spaced between.
		v0 := (0.5 - marginY - centreY) / pitchPx
		v1 := (float64(st.h) - 0.5 - marginY - centreY) / pitchPx
		x0, y0 := g.pos(t, v0)
		x1, y1 := g.pos(t, v1)
		for sy := 0; sy < st.h; sy++ {
			f := float64(sy) / float64(st.h-1)
			x, y := x0+(x1-x0)*f, y0+(y1-y0)*f
			st.pix[sy*st.w+sx] = lv.bilinear((x+0.5)*scale-0.5, (y+0.5)*scale-0.5)
		}
	}
	return st
}
