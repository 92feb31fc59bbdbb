package facetest

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"

	"github.com/rampart-id/rampart/quality/qualitytest"
)

// Passport page geometry, in pixels of the 1600×1000 page.
const (
	PassportW, PassportH = 1600, 1000
)

// PassportPhoto is where the portrait sits on the page (22% of its width).
var PassportPhoto = image.Rect(80, 210, 80+352, 210+450)

// PassportMRZ is the blank strip at the bottom of the page where the two lines of a
// machine-readable zone go; PassportMRZLine(i) is the i-th (0 or 1) line's box.
var PassportMRZ = image.Rect(60, 790, 1540, 970)

// PassportMRZLine returns the box of MRZ line i (0 or 1) within PassportMRZ.
func PassportMRZLine(i int) image.Rectangle {
	h := PassportMRZ.Dy() / 2
	return image.Rect(PassportMRZ.Min.X+20, PassportMRZ.Min.Y+i*h+15, PassportMRZ.Max.X-20, PassportMRZ.Min.Y+(i+1)*h-15)
}

// Passport renders a passport-style photo page for the person of p: a tinted page
// with a guilloche background, a header band, p's head (facing the camera) on a
// plain backdrop in the photo box on the left, label and value lines of text-like
// glyphs on the right, a signature, and a blank strip at the bottom for the MRZ
// (PassportMRZ). The seed picks the colours and the text.
func Passport(p Portrait, seed int64) image.Image {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9a55))
	img := image.NewRGBA(image.Rect(0, 0, PassportW, PassportH))
	hue := rng.Float64()
	base := qualitytest.HSV(hue, 0.10+0.12*rng.Float64(), 0.90+0.06*rng.Float64())
	ink1 := qualitytest.HSV(hue+0.05, 0.35, 0.75)
	ink2 := qualitytest.HSV(hue+0.5, 0.30, 0.80)
	f1, f2 := 0.010+0.006*rng.Float64(), 0.013+0.006*rng.Float64()
	cx, cy := 1000+200*rng.Float64(), 480+80*rng.Float64()
	for y := range PassportH {
		for x := range PassportW {
			c := base
			// Guilloche: two families of interlaced wavy lines and a rosette.
			fx, fy := float64(x), float64(y)
			if math.Abs(math.Sin(fx*f1+3*math.Sin(fy*f2))) < 0.06 {
				c = mix(c, ink1, 0.5)
			}
			if math.Abs(math.Sin(fy*f1*1.3+2.5*math.Sin(fx*f2*0.8))) < 0.05 {
				c = mix(c, ink2, 0.45)
			}
			r, a := math.Hypot(fx-cx, fy-cy), math.Atan2(fy-cy, fx-cx)
			if r < 330 && math.Abs(math.Sin(r*0.09+6*math.Sin(12*a))) < 0.07 {
				c = mix(c, ink1, 0.4)
			}
			img.SetRGBA(x, y, c)
		}
	}
	// Header band and title.
	band := qualitytest.HSV(hue+0.35, 0.45, 0.45)
	fill(img, image.Rect(0, 0, PassportW, 110), band)
	glyphs(img, rng, 80, 30, 700, 50, color.RGBA{240, 238, 230, 255})
	glyphs(img, rng, 1100, 45, 400, 28, color.RGBA{225, 225, 215, 255})

	// Photo: the head on a light backdrop.
	photo := passportPhoto(&p, PassportPhoto.Dx(), PassportPhoto.Dy(), rng)
	draw.Draw(img, PassportPhoto, photo, image.Point{}, draw.Src)

	// Fields: a small label above a larger value, in two columns.
	label, value := color.RGBA{110, 110, 120, 255}, color.RGBA{25, 25, 35, 255}
	for row := range 6 {
		y := 200 + row*95
		glyphs(img, rng, 520, y, 160+rng.IntN(120), 16, label)
		glyphs(img, rng, 520, y+26, 260+rng.IntN(300), 32, value)
		if row < 4 {
			glyphs(img, rng, 1120, y, 120+rng.IntN(100), 16, label)
			glyphs(img, rng, 1120, y+26, 160+rng.IntN(200), 32, value)
		}
	}
	// Signature: a wavy stroke under the photo.
	for t := 0.0; t < 1; t += 0.0005 {
		x := 100 + 300*t
		y := 715 + 18*math.Sin(t*23) + 8*math.Sin(t*61)
		fill(img, image.Rect(int(x), int(y), int(x)+3, int(y)+3), color.RGBA{30, 40, 90, 255})
	}
	// MRZ strip: plain, lighter than the page.
	fill(img, PassportMRZ, mix(base, color.RGBA{255, 255, 255, 255}, 0.6))
	return img
}

// passportPhoto is p's head, facing the camera, on a plain backdrop, its face box
// about 55% of the photo's width, slightly desaturated as printed.
func passportPhoto(p *Portrait, w, h int, rng *rand.Rand) *image.RGBA {
	bg := newLayer(w, h)
	back := qualitytest.HSV(0.55+0.1*rng.Float64(), 0.06, 0.88)
	for i := range w * h {
		bg.pix[4*i], bg.pix[4*i+1], bg.pix[4*i+2], bg.pix[4*i+3] = float32(back.R), float32(back.G), float32(back.B), 1
	}
	m := newHeadModel(p)
	head := person(p, portraitLayer(p, false), m, p.FrontalDeg)
	s := 0.56 * float64(w) / p.Box.Width
	bg.drawAffine(head, similarity(p.Box.X+p.Box.Width/2, p.Box.Y+p.Box.Height/2, float64(w)/2, float64(h)*0.43, s, 0), 1)
	for i := range w * h {
		l := (bg.pix[4*i] + bg.pix[4*i+1] + bg.pix[4*i+2]) / 3
		for c := range 3 {
			bg.pix[4*i+c] = 0.8*bg.pix[4*i+c] + 0.2*l
		}
	}
	return bg.flatten(rng, 0)
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return clamp8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// glyphs fills a w×h area with words of stroke-built letter shapes.
func glyphs(img *image.RGBA, rng *rand.Rand, x0, y0, w, h int, c color.RGBA) {
	gw := max(3, h*3/5)
	sw := max(1, h/7)
	for x := x0; x+gw <= x0+w; x += gw {
		if rng.IntN(6) == 0 {
			continue // a space
		}
		g := image.Rect(x, y0, x+gw-sw, y0+h)
		for n := 0; n < 2; {
			for k := range 6 {
				if rng.IntN(3) != 0 {
					continue
				}
				n++
				switch k {
				case 0:
					fill(img, image.Rect(g.Min.X, g.Min.Y, g.Min.X+sw, g.Max.Y), c)
				case 1:
					fill(img, image.Rect(g.Max.X-sw, g.Min.Y, g.Max.X, g.Max.Y), c)
				case 2:
					fill(img, image.Rect(g.Min.X, g.Min.Y, g.Max.X, g.Min.Y+sw), c)
				case 3:
					mid := (g.Min.Y + g.Max.Y - sw) / 2
					fill(img, image.Rect(g.Min.X, mid, g.Max.X, mid+sw), c)
				case 4:
					fill(img, image.Rect(g.Min.X, g.Max.Y-sw, g.Max.X, g.Max.Y), c)
				case 5:
					for i := range g.Dy() {
						px := g.Min.X + i*(g.Dx()-sw)/max(1, g.Dy())
						fill(img, image.Rect(px, g.Min.Y+i, px+sw, g.Min.Y+i+1), c)
					}
				}
			}
		}
	}
}
