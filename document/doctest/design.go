package doctest

import (
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"sync"

	xdraw "golang.org/x/image/draw"

	"github.com/rampart-id/rampart/face/facetest"
	"github.com/rampart-id/rampart/quality/qualitytest"
)

// design is the look one issuer gives one side of one kind of document.
type design struct {
	hue, sat, val float64
	band          color.RGBA
}

func designOf(key string) design {
	h := fnv.New64a()
	h.Write([]byte(key))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0xde5))
	hue := rng.Float64()
	return design{
		hue:  hue,
		sat:  0.08 + 0.10*rng.Float64(),
		val:  0.93 + 0.05*rng.Float64(),
		band: qualitytest.HSV(hue+0.3+0.4*rng.Float64(), 0.45+0.2*rng.Float64(), 0.35+0.2*rng.Float64()),
	}
}

// backgrounds keeps the last few designs' print: each takes tens of milliseconds
// to compute and 7 MB to keep, and a run of documents mostly repeats a few designs.
var backgrounds struct {
	sync.Mutex
	keys []string
	imgs map[string]*image.RGBA
}

const keptBackgrounds = 8

// background paints the security print of key's design on p: a tint that drifts in
// hue across the page, two families of interlaced wavy lines and a rosette. It is
// computed once per design and size.
func (p *page) background(key string) design {
	d := designOf(key)
	b := p.img.Rect
	ck := key + "/" + b.String()
	backgrounds.Lock()
	bg := backgrounds.imgs[ck]
	backgrounds.Unlock()
	if bg != nil {
		copy(p.img.Pix, bg.Pix)
		return d
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x9111))
	w, ht := b.Dx(), b.Dy()
	ink1 := qualitytest.HSV(d.hue+0.05, 0.30, 0.78)
	ink2 := qualitytest.HSV(d.hue+0.5, 0.25, 0.82)
	f1, f2 := (0.010+0.006*rng.Float64())*PageW/float64(w)*1.6, (0.013+0.006*rng.Float64())*PageW/float64(w)*1.6
	cx, cy := float64(w)*(0.6+0.15*rng.Float64()), float64(ht)*(0.45+0.1*rng.Float64())
	rr := 0.22 * float64(w)
	// Each wave is sin(a(x) + b(y)): from the sines and cosines of a per column and
	// b per row, by the angle sum, without a sine per pixel.
	sa1, ca1, sb1, cb1 := make([]float64, w), make([]float64, w), make([]float64, ht), make([]float64, ht)
	sa2, ca2, sb2, cb2 := make([]float64, w), make([]float64, w), make([]float64, ht), make([]float64, ht)
	tint := make([]color.RGBA, w)
	for x := range w {
		fx := float64(x)
		sa1[x], ca1[x] = math.Sincos(fx * f1)
		sa2[x], ca2[x] = math.Sincos(2.5 * math.Sin(fx*f2*0.8))
		tint[x] = qualitytest.HSV(d.hue+0.12*fx/float64(w), d.sat, d.val)
	}
	for y := range ht {
		fy := float64(y)
		sb1[y], cb1[y] = math.Sincos(3 * math.Sin(fy*f2))
		sb2[y], cb2[y] = math.Sincos(fy * f1 * 1.3)
	}
	for y := range ht {
		fy := float64(y)
		for x := range w {
			fx := float64(x)
			c := tint[x]
			if math.Abs(sa1[x]*cb1[y]+ca1[x]*sb1[y]) < 0.06 {
				c = mixRGBA(c, ink1, 0.45)
			}
			if math.Abs(sb2[y]*ca2[x]+cb2[y]*sa2[x]) < 0.05 {
				c = mixRGBA(c, ink2, 0.4)
			}
			if dx, dy := fx-cx, fy-cy; dx*dx+dy*dy < rr*rr && dx*dx+dy*dy > 0 {
				// sin(12·angle) is the imaginary part of the 12th power of the unit
				// vector towards the pixel: no arc tangent needed.
				r := math.Sqrt(dx*dx + dy*dy)
				ux, uy := dx/r, dy/r
				x2, y2 := ux*ux-uy*uy, 2*ux*uy
				x4, y4 := x2*x2-y2*y2, 2*x2*y2
				x8, y8 := x4*x4-y4*y4, 2*x4*y4
				sin12 := x8*y4 + y8*x4
				if math.Abs(math.Sin(r*0.09+6*sin12)) < 0.07 {
					c = mixRGBA(c, ink1, 0.35)
				}
			}
			i := y*p.img.Stride + 4*x
			p.img.Pix[i], p.img.Pix[i+1], p.img.Pix[i+2], p.img.Pix[i+3] = c.R, c.G, c.B, 255
		}
	}
	bg = image.NewRGBA(b)
	copy(bg.Pix, p.img.Pix)
	backgrounds.Lock()
	defer backgrounds.Unlock()
	if backgrounds.imgs == nil {
		backgrounds.imgs = map[string]*image.RGBA{}
	}
	if _, ok := backgrounds.imgs[ck]; !ok {
		if len(backgrounds.keys) == keptBackgrounds {
			delete(backgrounds.imgs, backgrounds.keys[0])
			backgrounds.keys = backgrounds.keys[1:]
		}
		backgrounds.keys = append(backgrounds.keys, ck)
		backgrounds.imgs[ck] = bg
	}
	return d
}

func mixRGBA(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

// The portrait's size on every page: 26% of the page's width, about what real
// documents give it. facetest.Passport's is 22%: enough for the face detector on a
// flat page, too little once a photo shrinks the page into the frame.
var portraitSize = facetest.PassportPhoto.Size().Mul(6).Div(5)

var portraits sync.Map // portrait ID → *image.RGBA

// portraitImage is p's head facing the camera on a plain backdrop, as facetest
// prints it on its passport pages (cut from one), or a grey silhouette for a zero
// Portrait. It is made once per portrait.
func portraitImage(p facetest.Portrait) *image.RGBA {
	if p.Image == nil {
		return silhouette()
	}
	if img, ok := portraits.Load(p.ID); ok {
		return img.(*image.RGBA)
	}
	h := fnv.New64a()
	h.Write([]byte(p.ID))
	doc := facetest.Passport(p, int64(h.Sum64()>>1))
	img := image.NewRGBA(image.Rectangle{Max: portraitSize})
	xdraw.CatmullRom.Scale(img, img.Rect, doc, facetest.PassportPhoto, xdraw.Src, nil)
	v, _ := portraits.LoadOrStore(p.ID, img)
	return v.(*image.RGBA)
}

var silhouette = sync.OnceValue(func() *image.RGBA {
	w, h := portraitSize.X, portraitSize.Y
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w)-0.5, float64(y)/float64(h)
			c := color.RGBA{206, 214, 222, 255}
			head := (fx*fx)/(0.2*0.2)+(fy-0.4)*(fy-0.4)/(0.22*0.22) < 1
			body := fy > 0.72 && (fx*fx)/(0.45*0.45)+(fy-1.05)*(fy-1.05)/(0.33*0.33) < 1
			if head || body {
				c = color.RGBA{120, 126, 136, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
})

// portrait draws the holder's photo with its top-left corner at (x, y) mm.
func (p *page) portrait(pt facetest.Portrait, x, y float64) image.Rectangle {
	img := portraitImage(pt)
	r := img.Rect.Add(image.Pt(p.px(x), p.px(y)))
	draw.Draw(p.img, r, img, image.Point{}, draw.Src)
	return r
}

// ghost draws a small faded grey copy of the portrait, height hMM, at (x, y) mm.
func (p *page) ghost(pt facetest.Portrait, x, y, hMM float64) {
	src := portraitImage(pt)
	h := p.px(hMM)
	w := h * src.Rect.Dx() / src.Rect.Dy()
	small := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(small, small.Rect, src, src.Rect, xdraw.Src, nil)
	at := image.Pt(p.px(x), p.px(y))
	for yy := range h {
		for xx := range w {
			i, j := small.PixOffset(xx, yy), p.img.PixOffset(at.X+xx, at.Y+yy)
			l := (int(small.Pix[i]) + int(small.Pix[i+1]) + int(small.Pix[i+2])) / 3
			for c := range 3 {
				bg := int(p.img.Pix[j+c])
				p.img.Pix[j+c] = uint8((bg*6 + min(bg, l)*4) / 10)
			}
		}
	}
}

// signature scrawls a handwritten-looking stroke in blue ink within w×h mm at
// (x, y) mm: a smooth curve through points that move on left to right, up and down
// like letters, now and then looping back, sometimes underlined.
func (p *page) signature(rng *rand.Rand, x, y, w, h float64) {
	var pts [][2]float64
	n := 9 + rng.IntN(8)
	for i := range n {
		t := float64(i) / float64(n-1)
		px, py := t*0.9, 0.15+0.7*rng.Float64()
		if i > 0 && rng.IntN(4) == 0 { // a loop: back and over
			pts = append(pts, [2]float64{px - 0.04, py - 0.3}, [2]float64{px - 0.07, py + 0.1})
		}
		pts = append(pts, [2]float64{px, py})
	}
	if rng.IntN(2) == 0 {
		pts = append(pts, [2]float64{0.55, 0.95}, [2]float64{0.2, 0.9})
	}
	ink := color.RGBA{28, 38, 110, 255}
	sw := max(2, p.px(0.28))
	for i := 0; i+1 < len(pts); i++ {
		p0, p1, p2, p3 := pts[max(i-1, 0)], pts[i], pts[i+1], pts[min(i+2, len(pts)-1)]
		for t := 0.0; t < 1; t += 0.02 {
			// Catmull-Rom: through every point, smooth at each.
			t2, t3 := t*t, t*t*t
			cr := func(a, b, c, d float64) float64 {
				return 0.5 * (2*b + (c-a)*t + (2*a-5*b+4*c-d)*t2 + (3*b-a-3*c+d)*t3)
			}
			cx := x + w*cr(p0[0], p1[0], p2[0], p3[0])
			cy := y + h*cr(p0[1], p1[1], p2[1], p3[1])
			c := image.Pt(int(cx*p.scale), int(cy*p.scale))
			p.fill(image.Rectangle{c, c.Add(image.Pt(sw, sw))}, ink)
		}
	}
}

// band fills a header band across the page from y0 to y1 mm.
func (p *page) band(y0, y1 float64, c color.RGBA) {
	p.fill(image.Rect(0, p.px(y0), p.img.Rect.Dx(), p.px(y1)), c)
}
