package doctest

import (
	"image"
	"image/draw"
	"math"
	"math/rand/v2"
)

// homography maps output pixels to page pixels: the inverse of where the page lands.
type homography [8]float64

// homographyFrom solves for the map taking each from[i] to to[i].
func homographyFrom(from, to [4][2]float64) homography {
	var a [8][9]float64
	for i := range 4 {
		x, y, u, v := from[i][0], from[i][1], to[i][0], to[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := range 8 {
			if r != c && a[c][c] != 0 {
				f := a[r][c] / a[c][c]
				for k := c; k < 9; k++ {
					a[r][k] -= f * a[c][k]
				}
			}
		}
	}
	var h homography
	for i := range 8 {
		h[i] = a[i][8] / a[i][i]
	}
	return h
}

func (h *homography) apply(x, y float64) (float64, float64) {
	d := h[6]*x + h[7]*y + 1
	return (h[0]*x + h[1]*y + h[2]) / d, (h[3]*x + h[4]*y + h[5]) / d
}

// warp draws the page into out where the shot puts it, over the table, with the
// page's shadow, the light and the glare.
func (s Shot) warp(out *image.RGBA, src *image.RGBA) {
	pw, ph := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	pageCorners := [4][2]float64{{0, 0}, {pw, 0}, {pw, ph}, {0, ph}}
	h := homographyFrom(s.Corners, pageCorners)
	rng := rand.New(rand.NewPCG(s.seed, 0x7ab1e))
	table := newTable(s.Table, s.W, s.H, rng)
	// The shadow falls down and right; its edge is soft over a few page pixels.
	shadowDX, shadowDY := 4+6*rng.Float64(), 6+8*rng.Float64()
	soft := 0.012 * pw
	cx, cy := float64(s.W)/2, float64(s.H)/2
	lx, ly := math.Cos(s.LightAngle)*s.LightSlope/cx, math.Sin(s.LightAngle)*s.LightSlope/cx
	rmax2 := cx*cx + cy*cy
	gx, gy, gr := s.GlareX*pw, s.GlareY*ph, s.GlareR*pw
	gr2 := gr * gr
	castR, castB := s.Cast[0], s.Cast[1]
	if castR == 0 {
		castR, castB = 1, 1 // a Shot made by hand without a cast
	}
	var px [4]float64
	for y := range s.H {
		fy := float64(y) + 0.5
		row := out.Pix[y*out.Stride:]
		for x := range s.W {
			fx := float64(x) + 0.5
			u, v := h.apply(fx, fy)
			a := sample(src, u-0.5, v-0.5, &px)
			r, g, b := px[0], px[1], px[2]
			if a < 255 {
				tr, tg, tb := table.at(x, y)
				su, sv := h.apply(fx-shadowDX, fy-shadowDY)
				if d := outside(su, pw) + outside(sv, ph); d < soft {
					f := 1 - 0.45*(1-d/soft)
					tr, tg, tb = tr*f, tg*f, tb*f
				}
				k := 1 - a/255
				r, g, b = r+tr*k, g+tg*k, b+tb*k
			}
			if gr > 0 && a > 0 {
				if d2 := (u-gx)*(u-gx) + (v-gy)*(v-gy); d2 < 4*gr2 {
					t := math.Min(1, 1.5*math.Exp(-2*d2/gr2)) * a / 255
					r, g, b = r+(255-r)*t, g+(255-g)*t, b+(255-b)*t
				}
			}
			dxc, dyc := fx-cx, fy-cy
			l := 1 + dxc*lx + dyc*ly - s.Vignette*(dxc*dxc+dyc*dyc)/rmax2
			i := 4 * x
			row[i], row[i+1], row[i+2], row[i+3] = clamp8(r*l*castR), clamp8(g*l), clamp8(b*l*castB), 255
		}
	}
}

// outside is how far v is outside [0, n].
func outside(v, n float64) float64 {
	if v < 0 {
		return -v
	}
	if v > n {
		return v - n
	}
	return 0
}

// sample is the bilinear sample of src at (x, y), premultiplied, with transparent
// black outside; it returns the alpha.
func sample(src *image.RGBA, x, y float64, px *[4]float64) float64 {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	if x < -1 || y < -1 || x >= float64(w) || y >= float64(h) {
		*px = [4]float64{}
		return 0
	}
	x0, y0 := int(x+1)-1, int(y+1)-1 // floor, for x, y ≥ -1
	fx, fy := x-float64(x0), y-float64(y0)
	if x0 >= 0 && y0 >= 0 && x0 < w-1 && y0 < h-1 {
		// Inside: fixed point, weights in 1/256.
		o := y0*src.Stride + 4*x0
		a := src.Pix[o : o+8 : o+8]
		b := src.Pix[o+src.Stride : o+src.Stride+8 : o+src.Stride+8]
		wx, wy := int(fx*256), int(fy*256)
		for c := range 4 {
			top := int(a[c])*(256-wx) + int(a[4+c])*wx
			bot := int(b[c])*(256-wx) + int(b[4+c])*wx
			px[c] = float64(top*(256-wy)+bot*wy) * (1.0 / 65536)
		}
		return px[3]
	}
	*px = [4]float64{}
	for j := range 2 {
		yy := y0 + j
		if yy < 0 || yy >= h {
			continue
		}
		wy := fy
		if j == 0 {
			wy = 1 - fy
		}
		for i := range 2 {
			xx := x0 + i
			if xx < 0 || xx >= w {
				continue
			}
			wx := fx
			if i == 0 {
				wx = 1 - fx
			}
			o := yy*src.Stride + 4*xx
			for c := range 4 {
				px[c] += wx * wy * float64(src.Pix[o+c])
			}
		}
	}
	return px[3]
}

func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// table is the surface under the page: wood grain, cloth or skin, with shading that
// varies slowly across it.
type table struct {
	kind          int
	base          [3]float64
	grid          []float64 // low-frequency noise, one value per cell
	gw, cell      int
	grainF, slant float64
	plank         int // plank width, pixels
}

func newTable(kind, w, h int, rng *rand.Rand) *table {
	t := &table{kind: kind, cell: 48}
	t.gw = w/t.cell + 2
	t.grid = make([]float64, t.gw*(h/t.cell+2))
	for i := range t.grid {
		t.grid[i] = rng.Float64()
	}
	var c [3]float64
	switch kind {
	case 0: // wood
		c = [3]float64{120 + 60*rng.Float64(), 75 + 35*rng.Float64(), 40 + 25*rng.Float64()}
	case 1: // cloth: dark grey, blue or green
		c = [3]float64{[]float64{60, 40, 45}[rng.IntN(3)], 55 + 20*rng.Float64(), 60 + 30*rng.Float64()}
	default: // skin
		c = [3]float64{200 + 30*rng.Float64(), 150 + 25*rng.Float64(), 120 + 25*rng.Float64()}
	}
	t.base = c
	t.grainF, t.slant = 0.10+0.08*rng.Float64(), 0.02*(rng.Float64()-0.5)
	t.plank = 220 + rng.IntN(200)
	return t
}

// noise is the low-frequency noise at (x, y) in cells of the grid, ≥ 0.
func (t *table) noise(gx, gy float64) float64 {
	x0, y0 := int(gx), int(gy)
	fx, fy := gx-float64(x0), gy-float64(y0)
	x0 %= t.gw - 1
	g := t.grid[y0*t.gw+x0:]
	top := g[0]*(1-fx) + g[1]*fx
	bot := g[t.gw]*(1-fx) + g[t.gw+1]*fx
	return top*(1-fy) + bot*fy
}

func (t *table) at(x, y int) (r, g, b float64) {
	fx, fy := float64(x), float64(y)
	n := t.noise(fx/float64(t.cell), fy/float64(t.cell))
	var f float64
	switch t.kind {
	case 0:
		// Planks along x: grain lines that wander slowly (noise stretched along the
		// plank), finer streaks, and a dark seam between planks.
		along := t.noise(fx/float64(8*t.cell), fy/float64(t.cell)*0.5)
		grain := math.Sin((fy + 60*along + fx*t.slant) * t.grainF)
		f = 0.8 + 0.07*grain + 0.05*math.Sin((fy+25*along)*t.grainF*5.3) + 0.12*n
		if int(fy+fx*t.slant+1000)%t.plank < 3 {
			f *= 0.55
		}
	case 1:
		weave := float64((x^y)&2) - 1
		f = 0.85 + 0.05*weave + 0.2*n
	default:
		f = 0.8 + 0.25*n
	}
	return t.base[0] * f, t.base[1] * f, t.base[2] * f
}

// blur is a separable binomial blur of 2n+1 taps (n ≤ 4), in place: as n passes of
// [1 2 1]/4, σ² = n/2 px². Pixels are packed four channels to a uint64, 16 bits
// each, so that one addition filters all four: the largest sum, 255·4ⁿ, fits.
func blur(img *image.RGBA, n int) {
	n = min(n, 4)
	if n <= 0 {
		return
	}
	k := []uint64{1}
	for range 2 * n {
		next := make([]uint64, len(k)+1)
		for i, v := range k {
			next[i] += v
			next[i+1] += v
		}
		k = next
	}
	shift := uint(2 * n)
	const lanes = 0x00ff00ff00ff00ff
	round := uint64(1<<(shift-1)) * 0x0001000100010001
	norm := func(v uint64) uint64 { return ((v + round) >> shift) & lanes }
	w, h := img.Rect.Dx(), img.Rect.Dy()
	buf := make([]uint64, w*h)
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := range w {
			p := row[4*x : 4*x+4 : 4*x+4]
			buf[y*w+x] = uint64(p[0]) | uint64(p[1])<<16 | uint64(p[2])<<32 | uint64(p[3])<<48
		}
	}
	// Rows, edges clamped; then columns, written back to the image. Each tap is
	// added across a whole row at a time.
	line := make([]uint64, w+2*n)
	acc := make([]uint64, w)
	for y := range h {
		row := buf[y*w : (y+1)*w]
		copy(line[n:], row)
		for i := range n {
			line[i], line[n+w+i] = row[0], row[w-1]
		}
		clear(acc)
		for t, kv := range k {
			for x, v := range line[t : t+w] {
				acc[x] += kv * v
			}
		}
		for x, v := range acc {
			row[x] = norm(v)
		}
	}
	for y := range h {
		clear(acc)
		for t, kv := range k {
			yy := min(max(y+t-n, 0), h-1)
			for x, v := range buf[yy*w : yy*w+w] {
				acc[x] += kv * v
			}
		}
		out := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x, v := range acc {
			v = norm(v)
			p := out[4*x : 4*x+4 : 4*x+4]
			p[0], p[1], p[2], p[3] = uint8(v), uint8(v>>16), uint8(v>>32), uint8(v>>48)
		}
	}
}

// addNoise adds sensor noise: mostly luminance, a little per channel.
func (s Shot) addNoise(img *image.RGBA) {
	if s.Noise <= 0 {
		return
	}
	amp := int(s.Noise * 256 / 255) // per unit of a byte's deviation, in 1/256
	x := s.seed | 1
	for i := 0; i+3 < len(img.Pix); i += 4 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		l := (int(x&255) + int(x>>8&255) - 255) * amp // triangular, ±Noise·256
		p := img.Pix[i : i+3 : i+3]
		for c := range 3 {
			ch := (int(x>>(16+8*c)&255) - 128) * amp / 2
			v := int(p[c]) + (l+ch+128)>>8
			p[c] = uint8(min(max(v, 0), 255))
		}
	}
}

// toRGBA is img as an *image.RGBA with bounds at the origin, premultiplied.
func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) {
		return r
	}
	b := img.Bounds()
	r := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(r, r.Rect, img, b.Min, draw.Src)
	return r
}
