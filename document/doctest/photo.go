package doctest

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// Levels describes the levels of Photograph, by index.
func Levels() []string {
	return []string{
		"0 clean: straight, well lit, sharp, JPEG q92",
		"1 easy: rotation ≤3°, mild perspective, light noise, JPEG q85",
		"2 fair: rotation ≤7°, perspective, blur σ≈1, uneven light, glare away from the zone, JPEG q75",
		"3 hard: rotation ≤10°, strong perspective, blur σ≈1.2, noise, uneven light, glare anywhere, JPEG q65",
	}
}

// Shot is how a page is photographed.
type Shot struct {
	Level int
	Page  image.Point // size of the page photographed
	W, H  int         // output size
	// Corners are where the page's corners land in the output: top-left, top-right,
	// bottom-right, bottom-left (the page's own orientation).
	Corners    [4][2]float64
	BlurPasses int     // the blur, as passes of [1 2 1]: σ² = BlurPasses/2 px²
	Noise      float64 // amplitude of the sensor noise, grey levels
	// Light is the exposure across the output: a gradient of LightSlope (relative
	// change from the centre to the edge) in direction LightAngle, and a vignette.
	LightSlope, LightAngle, Vignette float64
	// Cast is the white balance: red and blue gains relative to green, as under
	// warm or cool light.
	Cast [2]float64
	// Glare is a reflection centred at (GlareX, GlareY) in page fractions with radius
	// GlareR in page widths; GlareR 0 is none.
	GlareX, GlareY, GlareR float64
	Quality                int // JPEG
	Table                  int // background texture: 0 wood, 1 cloth, 2 skin (a hand)
	seed                   uint64
}

// NewShot picks the parameters of a photo of a page of the given size at level
// (0..3, clamped), by seed. The output is 1600×1200 for cards, 1600×1100 for pages
// of passport proportions; the page fills 65-90% of it, entirely in view.
func NewShot(page image.Rectangle, level int, seed int64) Shot {
	level = max(0, min(3, level))
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(level)+0x9407))
	s := Shot{Level: level, Page: page.Size(), W: 1600, H: 1200, seed: rng.Uint64(), Table: rng.IntN(3)}
	pw, ph := float64(page.Dx()), float64(page.Dy())
	if pw/ph < 1.5 {
		s.H = 1100
	}
	u := func(a, b float64) float64 { return a + (b-a)*rng.Float64() }
	sym := func(a float64) float64 { return u(-a, a) }
	type knobs struct{ rot, persp, fillMin, fillMax, blur, noise, light, vig, glare float64 }
	k := []knobs{
		{0, 0, 0.82, 0.86, 0, 1.5, 0.03, 0.05, 0},
		{3, 0.025, 0.72, 0.9, 0, 3, 0.10, 0.12, 0},
		{7, 0.05, 0.68, 0.9, 2, 4, 0.22, 0.2, 1},
		{10, 0.09, 0.65, 0.9, 3, 6, 0.32, 0.3, 1},
	}[level]
	s.BlurPasses, s.Noise, s.Quality = int(k.blur), k.noise, []int{92, 85, 75, 65}[level]
	s.LightSlope, s.LightAngle, s.Vignette = k.light*u(0.5, 1), u(0, 2*math.Pi), k.vig
	warm := sym([]float64{0, 0.03, 0.05, 0.08}[level])
	s.Cast = [2]float64{1 + warm, 1 - warm}
	if k.glare > 0 {
		s.GlareR = u(0.06, 0.12)
		if level == 2 {
			// Away from the zone, which is at the bottom of every page.
			s.GlareX, s.GlareY = u(0.15, 0.85), u(0.1, 0.45)
		} else {
			s.GlareX, s.GlareY = u(0.1, 0.9), u(0.1, 0.9)
		}
	}

	// The page as a rotated rectangle, then each corner pushed about, as when the
	// phone is not parallel to the table.
	fill := u(k.fillMin, k.fillMax)
	sc := fill * math.Min(float64(s.W)/pw, float64(s.H)/ph)
	a := sym(k.rot) * math.Pi / 180
	if level > 0 && math.Abs(a) < 0.3*k.rot*math.Pi/180 {
		a = math.Copysign(0.3*k.rot*math.Pi/180, a+1e-9)
	}
	cos, sin := math.Cos(a), math.Sin(a)
	keystone := sym(k.persp) // top narrower or wider than the bottom
	diag := math.Hypot(pw, ph) * sc
	for i, c := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
		x, y := c[0]*pw*sc/2, c[1]*ph*sc/2
		x *= 1 - keystone*c[1]
		x += sym(k.persp*0.5) * diag
		y += sym(k.persp*0.5) * diag
		s.Corners[i] = [2]float64{x*cos - y*sin, x*sin + y*cos}
	}
	// Fit: shrink if the quad does not fit with a margin, then place it at random
	// where it does.
	minX, minY, maxX, maxY := bounds(s.Corners)
	m := 0.02 * float64(s.W)
	if f := math.Min((float64(s.W)-2*m)/(maxX-minX), (float64(s.H)-2*m)/(maxY-minY)); f < 1 {
		for i := range s.Corners {
			s.Corners[i][0] *= f
			s.Corners[i][1] *= f
		}
		minX, minY, maxX, maxY = minX*f, minY*f, maxX*f, maxY*f
	}
	ox := u(m-minX, float64(s.W)-m-maxX)
	oy := u(m-minY, float64(s.H)-m-maxY)
	if level == 0 {
		ox, oy = (float64(s.W)-minX-maxX)/2, (float64(s.H)-minY-maxY)/2
	}
	for i := range s.Corners {
		s.Corners[i][0] += ox
		s.Corners[i][1] += oy
	}
	return s
}

func bounds(q [4][2]float64) (minX, minY, maxX, maxY float64) {
	minX, minY, maxX, maxY = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range q {
		minX, maxX = math.Min(minX, c[0]), math.Max(maxX, c[0])
		minY, maxY = math.Min(minY, c[1]), math.Max(maxY, c[1])
	}
	return
}

// Photograph is a phone photo of page at level (see Levels), by seed: the page on a
// table, in perspective, lit and compressed as the level says. It has been
// through JPEG.
func Photograph(page image.Image, level int, seed int64) image.Image {
	return NewShot(page.Bounds(), level, seed).Take(page)
}

// Take photographs page as s says.
func (s Shot) Take(page image.Image) image.Image {
	src := toRGBA(page)
	out := image.NewRGBA(image.Rect(0, 0, s.W, s.H))
	s.warp(out, src)
	blur(out, s.BlurPasses)
	s.addNoise(out)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: s.Quality}); err != nil {
		panic("doctest: jpeg: " + err.Error())
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		panic("doctest: jpeg: " + err.Error())
	}
	return img
}

// Map is where the point (x, y) of the page (its pixels, from its top-left corner)
// lands in the photo.
func (s Shot) Map(x, y float64) (float64, float64) {
	pw, ph := float64(s.Page.X), float64(s.Page.Y)
	h := homographyFrom([4][2]float64{{0, 0}, {pw, 0}, {pw, ph}, {0, ph}}, s.Corners)
	return h.apply(x, y)
}
