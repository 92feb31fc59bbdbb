package pdf417

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"

	bpdf "github.com/boombuler/barcode/pdf417"
)

// scene describes a photo of a symbol for the tests.
type scene struct {
	w, h      int
	width     float64 // symbol width as a fraction of the image width
	angle     float64 // degrees
	persp     float64 // corner displacement, fraction of the symbol width
	rowHeight float64 // in modules
	blur      int     // box blur passes of radius 1
	noise     float64 // grey levels, standard deviation
	jpeg      int     // quality, 0 for none
	uneven    bool    // lighting gradient
	clutter   bool    // text-like print above and below the symbol
	ink       float64 // grey level of the bars; 35 when zero
	damage    func(row, col int) bool
	seed      uint64
}

// modules is the symbol's module matrix (one entry per row, not per pixel row).
func modules(t testing.TB, msg string, level byte) (dark [][]bool) {
	t.Helper()
	bc, err := bpdf.Encode(msg, level)
	if err != nil {
		t.Fatalf("encode %q: %v", msg, err)
	}
	b := bc.Bounds()
	for y := 0; y < b.Dy(); y += 2 { // the encoder draws rows two pixels high
		row := make([]bool, b.Dx())
		for x := range row {
			r, _, _, _ := bc.At(x, y).RGBA()
			row[x] = r < 0x8000
		}
		dark = append(dark, row)
	}
	return dark
}

// render draws the symbol onto a light card at the scene's pose and degrades it.
func render(t testing.TB, msg string, level byte, sc scene) image.Image {
	t.Helper()
	dark := modules(t, msg, level)
	if sc.rowHeight == 0 {
		sc.rowHeight = 3
	}
	if sc.w == 0 {
		sc.w, sc.h = 1200, 800
	}
	if sc.width == 0 {
		sc.width = 0.8
	}
	rng := rand.New(rand.NewPCG(sc.seed, 17))
	const quiet = 4
	mw := float64(len(dark[0]) + 2*quiet)
	mh := float64(len(dark))*sc.rowHeight + 2*quiet
	// Corners of the symbol with its quiet zone: rotated, then displaced for perspective.
	sw := sc.width * float64(sc.w)
	sh := sw * mh / mw
	th := sc.angle * math.Pi / 180
	cx, cy := float64(sc.w)/2, float64(sc.h)/2
	var quad [4][2]float64
	for i, c := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
		x, y := c[0]*sw/2, c[1]*sh/2
		x += (rng.Float64()*2 - 1) * sc.persp * sw
		y += (rng.Float64()*2 - 1) * sc.persp * sw
		quad[i] = [2]float64{cx + x*math.Cos(th) - y*math.Sin(th), cy + x*math.Sin(th) + y*math.Cos(th)}
	}
	inv := squareToQuad(quad).inverse()
	isDark := func(x, y float64) bool {
		u, v, ok := inv.apply(x, y)
		if !ok || u < 0 || v < 0 || u >= 1 || v >= 1 {
			return false
		}
		mx, my := u*mw-quiet, v*mh-quiet
		if mx < 0 || my < 0 || mx >= mw-2*quiet || my >= mh-2*quiet {
			return false
		}
		row, col := int(my/sc.rowHeight), int(mx)
		if sc.damage != nil && col >= 17 && sc.damage(row, (col-17)/17) {
			return (int(mx)*7+int(my)*3)%5 < 2 // scribble over the codeword
		}
		return dark[row][col]
	}
	// Only pixels within the symbol's bounding box need supersampling.
	bx0, by0, bx1, by1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range quad {
		bx0, by0 = math.Min(bx0, c[0]), math.Min(by0, c[1])
		bx1, by1 = math.Max(bx1, c[0]), math.Max(by1, c[1])
	}
	g := make([]float64, sc.w*sc.h)
	for y := 0; y < sc.h; y++ {
		for x := 0; x < sc.w; x++ {
			light := 215.0
			if sc.uneven {
				light = 120 + 120*float64(x)/float64(sc.w) - 30*float64(y)/float64(sc.h)
			}
			// 3×3 supersampling for anti-aliased edges.
			n := 0
			inside := float64(x+1) >= bx0 && float64(x) <= bx1 && float64(y+1) >= by0 && float64(y) <= by1
			for sy := 0; sy < 3 && inside; sy++ {
				for sx := 0; sx < 3; sx++ {
					if isDark(float64(x)+(float64(sx)+0.5)/3, float64(y)+(float64(sy)+0.5)/3) {
						n++
					}
				}
			}
			ink := sc.ink
			if ink == 0 {
				ink = 35
			}
			g[y*sc.w+x] = light - (light-ink)*float64(n)/9
		}
	}
	if sc.clutter {
		// Lines of "text": strokes of random widths in character cells, the way the
		// printed fields of a card back sit around its barcode.
		for ty := 20; ty+14 < sc.h; ty += 24 {
			if float64(ty+14) >= by0-10 && float64(ty) <= by1+10 {
				continue
			}
			for x := 30; x < sc.w-30; {
				w := 1 + rng.IntN(4)
				if rng.IntN(3) > 0 {
					for y := ty; y < ty+14; y++ {
						for dx := 0; dx < w && x+dx < sc.w; dx++ {
							g[y*sc.w+x+dx] = 40
						}
					}
				}
				x += w + 1 + rng.IntN(4)
			}
		}
	}
	for i := 0; i < sc.blur; i++ {
		g = boxBlur(g, sc.w, sc.h)
	}
	img := image.NewGray(image.Rect(0, 0, sc.w, sc.h))
	for i, v := range g {
		v += rng.NormFloat64() * sc.noise
		img.Pix[i] = uint8(max(0, min(255, math.Round(v))))
	}
	if sc.jpeg > 0 {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: sc.jpeg}); err != nil {
			t.Fatal(err)
		}
		out, err := jpeg.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	return img
}

func boxBlur(g []float64, w, h int) []float64 {
	out := make([]float64, len(g))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			s, n := 0.0, 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if xx, yy := x+dx, y+dy; xx >= 0 && yy >= 0 && xx < w && yy < h {
						s += g[yy*w+xx]
						n++
					}
				}
			}
			out[y*w+x] = s / float64(n)
		}
	}
	return out
}

// homography maps the unit square onto a quadrilateral.
type homography [9]float64

func squareToQuad(q [4][2]float64) homography {
	x0, y0, x1, y1, x2, y2, x3, y3 := q[0][0], q[0][1], q[1][0], q[1][1], q[2][0], q[2][1], q[3][0], q[3][1]
	dx1, dx2, dx3 := x1-x2, x3-x2, x0-x1+x2-x3
	dy1, dy2, dy3 := y1-y2, y3-y2, y0-y1+y2-y3
	den := dx1*dy2 - dx2*dy1
	g := (dx3*dy2 - dx2*dy3) / den
	h := (dx1*dy3 - dx3*dy1) / den
	return homography{x1 - x0 + g*x1, x3 - x0 + h*x3, x0, y1 - y0 + g*y1, y3 - y0 + h*y3, y0, g, h, 1}
}

func (m homography) inverse() homography {
	a, b, c, d, e, f, g, h, i := m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
	return homography{e*i - f*h, c*h - b*i, b*f - c*e, f*g - d*i, a*i - c*g, c*d - a*f, d*h - e*g, b*g - a*h, a*e - b*d}
}

func (m homography) apply(x, y float64) (float64, float64, bool) {
	w := m[6]*x + m[7]*y + m[8]
	if math.Abs(w) < 1e-12 {
		return 0, 0, false
	}
	return (m[0]*x + m[1]*y + m[2]) / w, (m[3]*x + m[4]*y + m[5]) / w, true
}
