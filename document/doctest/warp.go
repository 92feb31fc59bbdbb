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
			row[i], row[i+1], row[i+2], row[i+3] = clamp8(r*l), clamp8(g*l), clamp8(b*l), 255
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
		o := y0*src.Stride + 4*x0
		a := src.Pix[o : o+8 : o+8]
		b := src.Pix[o+src.Stride : o+src.Stride+8 : o+src.Stride+8]
		w00, w10, w01, w11 := (1-fx)*(1-fy), fx*(1-fy), (1-fx)*fy, fx*fy
		for c := range 4 {
			px[c] = w00*float64(a[c]) + w10*float64(a[4+c]) + w01*float64(b[c]) + w11*float64(b[4+c])
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
	t.grainF, t.slant = 0.08+0.05*rng.Float64(), 0.02*(rng.Float64()-0.5)
	return t
}

func (t *table) noise(x, y int) float64 {
	gx, gy := float64(x)/float64(t.cell), float64(y)/float64(t.cell)
	x0, y0 := int(gx), int(gy)
	fx, fy := gx-float64(x0), gy-float64(y0)
	g := t.grid[y0*t.gw+x0:]
	top := g[0]*(1-fx) + g[1]*fx
	bot := g[t.gw]*(1-fx) + g[t.gw+1]*fx
	return top*(1-fy) + bot*fy
}

func (t *table) at(x, y int) (r, g, b float64) {
	n := t.noise(x, y)
	var f float64
	switch t.kind {
	case 0:
		grain := math.Sin((float64(y)+float64(x)*t.slant+30*n)*t.grainF) * math.Sin(float64(y)*0.013+n*3)
		f = 0.85 + 0.12*grain + 0.1*n
	case 1:
		weave := float64((x^y)&2) - 1
		f = 0.85 + 0.05*weave + 0.2*n
	default:
		f = 0.8 + 0.25*n
	}
	return t.base[0] * f, t.base[1] * f, t.base[2] * f
}

// blur is a separable binomial blur of 2n+1 taps, in place: as n passes of
// [1 2 1]/4, σ² = n/2 px², in one pass over the image each way.
func blur(img *image.RGBA, n int) {
	if n <= 0 {
		return
	}
	k := []int{1}
	for range 2 * n {
		next := make([]int, len(k)+1)
		for i, v := range k {
			next[i] += v
			next[i+1] += v
		}
		k = next
	}
	shift := uint(2 * n)
	w, h, st := img.Rect.Dx(), img.Rect.Dy(), img.Stride
	line := make([]byte, 4*max(w, h))
	// Rows: each pixel from its neighbours along the row, the edges clamped.
	for y := range h {
		row := img.Pix[y*st : y*st+4*w]
		copy(line, row)
		for x := range w {
			var r, g, b int
			for t, kv := range k {
				xx := min(max(x+t-n, 0), w-1)
				p := line[4*xx : 4*xx+3 : 4*xx+3]
				r += kv * int(p[0])
				g += kv * int(p[1])
				b += kv * int(p[2])
			}
			row[4*x], row[4*x+1], row[4*x+2] = uint8(r>>shift), uint8(g>>shift), uint8(b>>shift)
		}
	}
	// Columns: a whole row at a time from the rows above and below, kept unblurred
	// in a ring of 2n+1 copies.
	ring := make([][]byte, 2*n+1)
	for i := range ring {
		ring[i] = make([]byte, 4*w)
	}
	src := func(y int) []byte { y = min(max(y, 0), h-1); return img.Pix[y*st : y*st+4*w] }
	for t := range 2*n + 1 {
		copy(ring[t], src(t-n))
	}
	acc := make([]int, 4*w)
	for y := range h {
		clear(acc)
		for t, kv := range k {
			r := ring[(y+t)%(2*n+1)]
			for i, v := range r {
				acc[i] += kv * int(v)
			}
		}
		row := img.Pix[y*st : y*st+4*w]
		for i, v := range acc {
			row[i] = uint8(v >> shift)
		}
		// Row y-n leaves the ring, row y+n+1 (not yet blurred) enters.
		copy(ring[y%(2*n+1)], src(y+n+1))
	}
}

// addNoise adds sensor noise: mostly luminance, a little per channel.
func (s Shot) addNoise(img *image.RGBA) {
	if s.Noise <= 0 {
		return
	}
	x := s.seed | 1
	for i := 0; i < len(img.Pix); i += 4 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		l := (float64(x&255) + float64(x>>8&255) - 255) / 255 * s.Noise
		for c := range 3 {
			ch := (float64(x>>(16+8*c)&255) - 127.5) / 255 * s.Noise * 0.5
			img.Pix[i+c] = clamp8(float64(img.Pix[i+c]) + l + ch)
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
