// Package qualitytest renders synthetic identity-document photos and selfie
// sequences for tests, so no real personal data ever enters the repository.
// Output is deterministic for a given seed.
package qualitytest

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
)

// Document renders a w x h photo of an ID card lying on a desk: a tinted card
// with a guilloche pattern, a header band, a portrait box, text lines and
// usually a machine-readable zone, plus a little sensor noise. The seed picks
// both the card design and its holder, as if every seed were a different
// issuing country; see TemplateDocument for cards sharing one design.
func Document(seed int64, w, h int) *image.RGBA {
	return TemplateDocument(seed, seed, w, h)
}

// TemplateDocument renders the card design chosen by template filled in for
// the holder chosen by person: same colours and layout, different face and
// text. Real fraud checks must tell such cards apart.
func TemplateDocument(template, person int64, w, h int) *image.RGBA {
	trng := rand.New(rand.NewPCG(uint64(template), 0x7e3b1a7e))
	prng := rand.New(rand.NewPCG(uint64(person), 0x5eed1d))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	s := float64(min(w, h)) // scale unit

	// Desk: a dark, slightly warm surface (it belongs to the photo, not the card).
	desk := color.RGBA{uint8(50 + prng.IntN(50)), uint8(45 + prng.IntN(35)), uint8(35 + prng.IntN(35)), 255}
	fillRect(img, img.Bounds(), desk)

	// Design: colours, guilloche, header height, portrait side, MRZ or not.
	hue := trng.Float64()
	base := HSV(hue, 0.15+0.3*trng.Float64(), 0.62+0.28*trng.Float64())
	ink := HSV(hue, 0.45, 0.55)
	band := HSV(hue+0.3+0.4*trng.Float64(), 0.4+0.3*trng.Float64(), 0.3+0.3*trng.Float64())
	f1, f2, amp := 0.02+0.02*trng.Float64(), 0.01+0.01*trng.Float64(), 20+20*trng.Float64()
	headFrac := 0.10 + 0.12*trng.Float64()
	photoRight := trng.IntN(2) == 1
	hasMRZ := trng.IntN(3) != 0
	shadeDir := 1 - 2*trng.Float64()

	// Card: inset from the frame, rounded corners.
	mx, my := w/20, h/14
	card := image.Rect(mx, my, w-mx, h-my)
	cw, ch := float64(card.Dx()), float64(card.Dy())
	for y := card.Min.Y; y < card.Max.Y; y++ {
		for x := card.Min.X; x < card.Max.X; x++ {
			c := shade(base, 1+0.12*shadeDir*(float64(x-card.Min.X)/cw-0.5))
			if math.Abs(math.Sin(float64(x)*f1+amp*math.Sin(float64(y)*f2))) < 0.08 {
				c = mix(c, ink, 0.35)
			}
			img.SetRGBA(x, y, c)
		}
	}
	roundCorners(img, card, int(s*0.03), desk)

	// Header band with a light title.
	head := image.Rect(card.Min.X, card.Min.Y, card.Max.X, card.Min.Y+int(ch*headFrac))
	fillRect(img, head, band)
	textLine(img, trng, head.Min.X+int(cw*0.05), head.Min.Y+int(ch*headFrac*0.25), int(cw*0.6), int(ch*headFrac*0.5), color.RGBA{235, 235, 228, 255})

	// Portrait box and, beside it, label / value text lines.
	top := card.Min.Y + int(ch*(headFrac+0.06))
	bottom := card.Min.Y + int(ch*0.80)
	px, tx := card.Min.X+int(cw*0.04), card.Min.X+int(cw*0.35)
	if photoRight {
		px, tx = card.Min.X+int(cw*0.70), card.Min.X+int(cw*0.05)
	}
	photo := image.Rect(px, top, px+int(cw*0.26), bottom)
	fillRect(img, photo, color.RGBA{uint8(160 + prng.IntN(40)), uint8(175 + prng.IntN(40)), uint8(190 + prng.IntN(25)), 255})
	drawFace(img.SubImage(photo).(*image.RGBA), prng, photo, 0, 0, false)

	lineH := int(ch * 0.045)
	for ty := top; ty+lineH*5/2 <= bottom; ty += lineH * 5 / 2 {
		textLine(img, trng, tx, ty, int(cw*(0.12+0.1*trng.Float64())), lineH*2/3, color.RGBA{90, 90, 100, 255})
		textLine(img, prng, tx, ty+lineH, int(cw*(0.2+0.38*prng.Float64())), lineH, color.RGBA{25, 25, 35, 255})
	}

	// Machine-readable zone: two monospaced lines on a pale strip. Cards
	// without one get a signature-like scrawl instead.
	if hasMRZ {
		mrz := image.Rect(card.Min.X, card.Min.Y+int(ch*0.82), card.Max.X, card.Max.Y-int(ch*0.02))
		fillRect(img, mrz, shade(base, 1.1))
		for _, dy := range []float64{0.015, 0.085} {
			textLine(img, prng, mrz.Min.X+int(cw*0.04), mrz.Min.Y+int(ch*dy), int(cw*0.92), int(ch*0.055), color.RGBA{20, 20, 20, 255})
		}
	} else {
		sx, sy := float64(tx), float64(card.Min.Y)+ch*0.88
		f, a := 0.02+0.03*prng.Float64(), ch*0.03
		for x := 0.0; x < cw*0.3; x++ {
			fillEllipse(img, sx+x, sy+a*math.Sin(x*f)*math.Cos(x*f*0.37), 2, 2, color.RGBA{30, 30, 90, 255})
		}
	}

	addNoise(img, prng, 6)
	return img
}

// FaceFrames renders n w x h selfie frames of a synthetic person who sways,
// turns slightly and blinks once, in front of a textured wall with fresh
// sensor noise in every frame: what a live capture looks like to the
// liveness check.
func FaceFrames(seed int64, n, w, h int) []*image.RGBA {
	rng := rand.New(rand.NewPCG(uint64(seed), 0xface))
	// The wall texture is fixed for the whole sequence, like a real room.
	wall := image.NewRGBA(image.Rect(0, 0, w, h))
	wc := HSV(rng.Float64(), 0.15, 0.75)
	fillRect(wall, wall.Bounds(), wc)
	addNoise(wall, rng, 10)

	faceSeed := rng.Uint64()
	phase := rng.Float64() * 2 * math.Pi
	blink := n / 2
	frames := make([]*image.RGBA, n)
	for i := range frames {
		img := image.NewRGBA(wall.Rect)
		copy(img.Pix, wall.Pix)
		t := phase + 2*math.Pi*float64(i)/float64(max(n, 2))
		dx := int(float64(w) * 0.03 * math.Sin(t))
		dy := int(float64(h) * 0.015 * math.Sin(2*t))
		turn := 0.15 * math.Sin(t+1)
		// Each frame re-seeds the face so its features stay the same person.
		frng := rand.New(rand.NewPCG(faceSeed, 1))
		box := image.Rect(w/5+dx, h/8+dy, w*4/5+dx, h+dy)
		drawFace(img, frng, box, turn, 0.3, n > 1 && i == blink)
		addNoise(img, rand.New(rand.NewPCG(uint64(seed), uint64(i)+100)), 3)
		frames[i] = img
	}
	return frames
}

// Blur applies passes of a separable box blur whose radius scales with the
// image (1 px per 400 px of the longer side), so a given number of passes
// means the same amount of defocus at any resolution.
func Blur(img image.Image, passes int) *image.RGBA {
	out := toRGBA(img)
	b := out.Rect
	r := max(1, max(b.Dx(), b.Dy())/400)
	tmp := image.NewRGBA(b)
	for range passes {
		boxPass(tmp, out, r, 4, out.Stride, b.Dx(), b.Dy())
		boxPass(out, tmp, r, out.Stride, 4, b.Dy(), b.Dx())
	}
	return out
}

// Darken scales every colour channel by factor (0-1), like underexposure.
func Darken(img image.Image, factor float64) *image.RGBA {
	out := toRGBA(img)
	for i, v := range out.Pix {
		if i%4 != 3 {
			out.Pix[i] = clamp(float64(v) * factor)
		}
	}
	return out
}

// AddGlare paints a saturated white reflection, with a soft rim, centred a
// little right of the middle. radius is a fraction of the shorter side; 0.2
// covers about 8% of a 1.6:1 image.
func AddGlare(img image.Image, radius float64) *image.RGBA {
	out := toRGBA(img)
	b := out.Rect
	cx, cy := float64(b.Min.X)+0.6*float64(b.Dx()), float64(b.Min.Y)+0.45*float64(b.Dy())
	r := radius * float64(min(b.Dx(), b.Dy()))
	rim := r * 1.4
	white := color.RGBA{255, 255, 255, 255}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			switch {
			case d <= r:
				out.SetRGBA(x, y, white)
			case d < rim:
				out.SetRGBA(x, y, mix(out.RGBAAt(x, y), white, (rim-d)/(rim-r)))
			}
		}
	}
	return out
}

// drawFace draws head, hair, eyes, nose and mouth inside box. turn (-1..1)
// shifts the features sideways as when the head rotates; shoulders adds a
// torso of that height fraction below the head; closed draws blinking eyes.
func drawFace(img *image.RGBA, rng *rand.Rand, box image.Rectangle, turn, shoulders float64, closed bool) {
	bw, bh := float64(box.Dx()), float64(box.Dy())
	cx := float64(box.Min.X) + bw/2
	cy := float64(box.Min.Y) + bh*0.42
	rx, ry := bw*0.30*(1-0.15*math.Abs(turn)), bh*0.30
	skin := HSV(0.05+0.04*rng.Float64(), 0.35+0.3*rng.Float64(), 0.45+0.45*rng.Float64())
	hair := HSV(0.08*rng.Float64(), 0.5, 0.1+0.35*rng.Float64())
	shirt := HSV(rng.Float64(), 0.5, 0.5)
	if shoulders > 0 {
		fillEllipse(img, cx, cy+ry+bh*shoulders, bw*0.48, bh*shoulders*1.4, shirt)
	} else {
		fillEllipse(img, cx, float64(box.Max.Y), bw*0.42, bh*0.22, shirt)
	}
	fillEllipse(img, cx, cy-ry*0.25, rx*1.08, ry*0.95, hair)
	fillEllipse(img, cx, cy+ry*0.08, rx, ry*0.92, skin)
	fx := cx + turn*rx*0.5 // features move with the turn
	ex, ey := rx*0.38, cy-ry*0.05
	for _, side := range []float64{-1, 1} {
		x := fx + side*ex
		if closed { // lid down: skin with a lash line
			fillEllipse(img, x, ey, rx*0.17, ry*0.015, shade(skin, 0.45))
		} else {
			fillEllipse(img, x, ey, rx*0.17, ry*0.08, color.RGBA{240, 240, 235, 255})
			fillEllipse(img, x, ey, rx*0.07, ry*0.07, color.RGBA{40, 30, 25, 255})
		}
		fillEllipse(img, x, ey-ry*0.16, rx*0.18, ry*0.025, hair) // eyebrow
	}
	fillEllipse(img, fx, cy+ry*0.18, rx*0.07, ry*0.12, shade(skin, 0.8))
	fillEllipse(img, fx, cy+ry*0.5, rx*0.3, ry*0.07, color.RGBA{150, 60, 60, 255})
}

// textLine fills a w x h area with "words" of stroke-built glyphs, giving the
// crisp, dense edges that make printed text.
func textLine(img *image.RGBA, rng *rand.Rand, x0, y0, w, h int, c color.RGBA) {
	gw := max(3, h*3/5) // glyph advance
	sw := max(1, h/7)   // stroke width
	x := x0
	for x+gw <= x0+w {
		if rng.IntN(7) == 0 { // space between words
			x += gw
			continue
		}
		g := image.Rect(x, y0, x+gw-sw, y0+h)
		strokes := 0
		for strokes < 2 {
			for k := range 7 {
				if rng.IntN(3) != 0 {
					continue
				}
				strokes++
				switch k {
				case 0: // left stem
					fillRect(img, image.Rect(g.Min.X, g.Min.Y, g.Min.X+sw, g.Max.Y), c)
				case 1: // right stem
					fillRect(img, image.Rect(g.Max.X-sw, g.Min.Y, g.Max.X, g.Max.Y), c)
				case 2: // centre stem
					mid := (g.Min.X + g.Max.X - sw) / 2
					fillRect(img, image.Rect(mid, g.Min.Y, mid+sw, g.Max.Y), c)
				case 3: // top bar
					fillRect(img, image.Rect(g.Min.X, g.Min.Y, g.Max.X, g.Min.Y+sw), c)
				case 4: // middle bar
					mid := (g.Min.Y + g.Max.Y - sw) / 2
					fillRect(img, image.Rect(g.Min.X, mid, g.Max.X, mid+sw), c)
				case 5: // bottom bar
					fillRect(img, image.Rect(g.Min.X, g.Max.Y-sw, g.Max.X, g.Max.Y), c)
				case 6: // diagonal
					for i := range g.Dy() {
						px := g.Min.X + i*(g.Dx()-sw)/max(1, g.Dy())
						fillRect(img, image.Rect(px, g.Min.Y+i, px+sw, g.Min.Y+i+1), c)
					}
				}
			}
		}
		x += gw
	}
}

func fillRect(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

func fillEllipse(img *image.RGBA, cx, cy, rx, ry float64, c color.RGBA) {
	if rx <= 0 || ry <= 0 {
		return
	}
	b := img.Rect.Intersect(image.Rect(int(cx-rx), int(cy-ry), int(cx+rx)+1, int(cy+ry)+1))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dx, dy := (float64(x)+0.5-cx)/rx, (float64(y)+0.5-cy)/ry
			if dx*dx+dy*dy <= 1 {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

// roundCorners repaints the corners of r outside a quarter circle of radius rad.
func roundCorners(img *image.RGBA, r image.Rectangle, rad int, c color.RGBA) {
	for y := range rad {
		for x := range rad {
			dx, dy := float64(rad-x)-0.5, float64(rad-y)-0.5
			if dx*dx+dy*dy <= float64(rad*rad) {
				continue
			}
			img.SetRGBA(r.Min.X+x, r.Min.Y+y, c)
			img.SetRGBA(r.Max.X-1-x, r.Min.Y+y, c)
			img.SetRGBA(r.Min.X+x, r.Max.Y-1-y, c)
			img.SetRGBA(r.Max.X-1-x, r.Max.Y-1-y, c)
		}
	}
}

// addNoise adds uniform noise of +-amp to every channel.
func addNoise(img *image.RGBA, rng *rand.Rand, amp int) {
	for i := 0; i < len(img.Pix); i += 4 {
		for c := range 3 {
			img.Pix[i+c] = clamp(float64(int(img.Pix[i+c]) + rng.IntN(2*amp+1) - amp))
		}
	}
}

// boxPass blurs n lines of length m from src into dst with a running sum.
// step is the byte distance between neighbours along a line, lineStep the
// distance between lines, so the same code does rows and columns.
func boxPass(dst, src *image.RGBA, r, step, lineStep, m, n int) {
	div := 2*r + 1
	for line := range n {
		base := line * lineStep
		for c := range 3 {
			at := func(i int) int { return int(src.Pix[base+min(max(i, 0), m-1)*step+c]) }
			sum := 0
			for i := -r; i <= r; i++ {
				sum += at(i)
			}
			for i := range m {
				dst.Pix[base+i*step+c] = uint8((sum + div/2) / div)
				sum += at(i+r+1) - at(i-r)
			}
		}
		for i := range m {
			dst.Pix[base+i*step+3] = 255
		}
	}
}

func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}

// HSV is the colour of hue h (any real, taken modulo 1), saturation s and value v.
func HSV(h, s, v float64) color.RGBA {
	h = (h - math.Floor(h)) * 6
	i := math.Floor(h)
	f := h - i
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	var r, g, b float64
	switch int(i) {
	case 0:
		r, g, b = v, t, p
	case 1:
		r, g, b = q, v, p
	case 2:
		r, g, b = p, v, t
	case 3:
		r, g, b = p, q, v
	case 4:
		r, g, b = t, p, v
	default:
		r, g, b = v, p, q
	}
	return color.RGBA{clamp(r * 255), clamp(g * 255), clamp(b * 255), 255}
}

func shade(c color.RGBA, f float64) color.RGBA {
	return color.RGBA{clamp(float64(c.R) * f), clamp(float64(c.G) * f), clamp(float64(c.B) * f), 255}
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return clamp(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}

func clamp(v float64) uint8 {
	return uint8(min(max(math.Round(v), 0), 255))
}

// Resize scales img to w x h with bilinear sampling, like the widget's
// canvas downscale before upload.
func Resize(img image.Image, w, h int) *image.RGBA {
	src := toRGBA(img)
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		fy := min(max((float64(y)+0.5)*float64(sh)/float64(h)-0.5, 0), float64(sh-1))
		y0 := int(fy)
		y1, ty := min(y0+1, sh-1), fy-float64(y0)
		for x := range w {
			fx := min(max((float64(x)+0.5)*float64(sw)/float64(w)-0.5, 0), float64(sw-1))
			x0 := int(fx)
			x1, tx := min(x0+1, sw-1), fx-float64(x0)
			for c := range 4 {
				p := func(x, y int) float64 { return float64(src.Pix[y*src.Stride+x*4+c]) }
				top := p(x0, y0)*(1-tx) + p(x1, y0)*tx
				bot := p(x0, y1)*(1-tx) + p(x1, y1)*tx
				out.Pix[y*out.Stride+x*4+c] = clamp(top*(1-ty) + bot*ty)
			}
		}
	}
	return out
}
