package ocr

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/rampart-id/rampart/mrz"
	"github.com/rampart-id/rampart/mrz/ocrb"
)

// The synthetic photos of these tests: a document page with a zone drawn from the
// OCR-B atlas among other text, a portrait block and a tinted background, put on a
// table and photographed: rotation, perspective, blur, uneven light, glare, noise
// and JPEG, more of each at each level.

var now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// canvas is a float grayscale picture, 0 black to 255 white.
type canvas struct {
	w, h int
	pix  []float32
}

func newCanvas(w, h int, v float32) *canvas {
	c := &canvas{w: w, h: h, pix: make([]float32, w*h)}
	for i := range c.pix {
		c.pix[i] = v
	}
	return c
}

func (c *canvas) at(x, y float64) float32 {
	if x < 0 || y < 0 || x > float64(c.w-1) || y > float64(c.h-1) {
		return -1
	}
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, c.w-1), min(y0+1, c.h-1)
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	a := c.pix[y0*c.w+x0]*(1-fx) + c.pix[y0*c.w+x1]*fx
	b := c.pix[y1*c.w+x0]*(1-fx) + c.pix[y1*c.w+x1]*fx
	return a*(1-fy) + b*fy
}

// text draws s in OCR-B with its first cell's left edge at x and baseline at y,
// pitch pixels per character, ink of the given darkness (multiplied in).
func (c *canvas) text(s string, x, y, pitch float64, ink float32) {
	atlas := ocrb.Atlas()
	sc := float64(ocrb.CellW) / pitch // atlas pixels per canvas pixel
	top := y - ocrb.Baseline/sc
	h := float64(ocrb.CellH) / sc
	for k := 0; k < len(s); k++ {
		idx := ocrb.Index(s[k])
		if idx < 0 {
			continue
		}
		x0 := x + float64(k)*pitch
		for py := int(top); py <= int(top+h)+1; py++ {
			for px := int(x0); px <= int(x0+pitch)+1; px++ {
				if px < 0 || py < 0 || px >= c.w || py >= c.h {
					continue
				}
				// Average the atlas over the pixel, 3×3 samples.
				var sum, n float64
				for j := 0; j < 3; j++ {
					for i := 0; i < 3; i++ {
						ax := (float64(px) + (float64(i)+0.5)/3 - x0) * sc
						ay := (float64(py) + (float64(j)+0.5)/3 - top) * sc
						n++
						if ax < 0 || ay < 0 || ax >= ocrb.CellW || ay >= ocrb.CellH {
							sum += 255
							continue
						}
						sum += float64(atlas.Pix[int(ay)*atlas.Stride+idx*ocrb.CellW+int(ax)])
					}
				}
				cover := 1 - sum/n/255
				c.pix[py*c.w+px] *= 1 - float32(cover)*(1-ink/255)
			}
		}
	}
}

func (c *canvas) rect(x0, y0, x1, y1 int, v float32) {
	for y := max(y0, 0); y < min(y1, c.h); y++ {
		for x := max(x0, 0); x < min(x1, c.w); x++ {
			c.pix[y*c.w+x] = v
		}
	}
}

// Formats' documents: size in mm and the zone's lines.
var docSizes = map[mrz.Format][2]float64{mrz.TD1: {85.6, 54}, mrz.TD2: {105, 74}, mrz.TD3: {125, 88}}

var surnames = []string{"ERIKSSON", "MUSTERMANN", "DUPONT", "ROSSI", "KOWALSKA", "OBRIEN", "VAN<DER<BERG", "GARCIA<LOPEZ", "NGUYEN", "SMITH", "JOHANSSON", "MOLLER", "QUIROGA", "WYSZYNSKI", "ZHANG"}
var givens = []string{"ANNA<MARIA", "JOHN", "MARIE<CLAIRE", "KLAUS", "JUAN<CARLOS", "PIOTR", "XAVIER", "YUKI", "OLIVIA<GRACE", "HANS<PETER", "ZOE", "QUENTIN", "BJORN"}
var countries = []string{"UTO", "D<<", "FRA", "ITA", "POL", "IRL", "NLD", "ESP", "GBR", "SWE", "AUT", "CHE", "BEL"}

func pad(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s + strings.Repeat("<", n-len(s))
}

func randChars(r *rand.Rand, n int, set string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.IntN(len(set))]
	}
	return string(b)
}

func randDate(r *rand.Rand, y0, y1 int) string {
	y := y0 + r.IntN(y1-y0)
	return fmt.Sprintf("%02d%02d%02d", y%100, 1+r.IntN(12), 1+r.IntN(28))
}

// randomZone makes a valid zone of format f.
func randomZone(r *rand.Rand, f mrz.Format) []string {
	cd := func(s string) string { return string(mrz.CheckDigit(s)) }
	name := surnames[r.IntN(len(surnames))] + "<<" + givens[r.IntN(len(givens))]
	iss, nat := countries[r.IntN(len(countries))], countries[r.IntN(len(countries))]
	num := randChars(r, 2, "ABCDEFGHJKLMNPRTVWXYZ") + randChars(r, 7, "0123456789CFGHJKLMNPRTVWXYZ")
	dob, exp := randDate(r, 1940, 2008), randDate(r, 2027, 2036)
	sex := string("MFX<"[r.IntN(3)])
	if sex == "X" {
		sex = "<"
	}
	switch f {
	case mrz.TD1:
		opt1 := pad(randChars(r, r.IntN(8), "0123456789"), 15)
		opt2 := pad("", 11)
		l1 := "I<" + iss + num + cd(num) + opt1
		l2 := dob + cd(dob) + sex + exp + cd(exp) + nat + opt2
		comp := num + cd(num) + opt1 + dob + cd(dob) + exp + cd(exp) + opt2
		return []string{l1, l2 + cd(comp), pad(name, 30)}
	case mrz.TD2:
		opt := pad("", 7)
		l2 := num + cd(num) + nat + dob + cd(dob) + sex + exp + cd(exp) + opt
		comp := num + cd(num) + dob + cd(dob) + exp + cd(exp) + opt
		return []string{pad("I<"+iss+name, 36), l2 + cd(comp)}
	}
	opt := pad(randChars(r, r.IntN(10), "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 14)
	optCD := cd(opt)
	if strings.Trim(opt, "<") == "" {
		optCD = "<"
	}
	l2 := num + cd(num) + nat + dob + cd(dob) + sex + exp + cd(exp) + opt + optCD
	comp := num + cd(num) + dob + cd(dob) + exp + cd(exp) + opt + optCD
	return []string{pad("P<"+iss+name, 44), l2 + cd(comp)}
}

// page draws a document of format f with the zone at ppm pixels per mm, with
// clutter; withZone false leaves the zone out.
func page(r *rand.Rand, f mrz.Format, lines []string, ppm float64, withZone bool) *canvas {
	size := docSizes[f]
	c := newCanvas(int(size[0]*ppm), int(size[1]*ppm), 238)
	// A faint tinted background pattern.
	fx, fy, ph := 0.02+r.Float64()*0.05, 0.02+r.Float64()*0.05, r.Float64()*6
	for y := 0; y < c.h; y++ {
		for x := 0; x < c.w; x++ {
			c.pix[y*c.w+x] = 232 + 10*float32(math.Sin(float64(x)*fx/ppm*8+ph)*math.Cos(float64(y)*fy/ppm*8))
		}
	}
	pitch := 2.54 * ppm
	zoneTop := size[1] - float64(len(lines))*4.1 - 3
	// Portrait and visual-zone text above the zone.
	c.rect(int(4*ppm), int(10*ppm), int(30*ppm), int(min(zoneTop-2, 45)*ppm), 90+float32(r.IntN(60)))
	words := []string{"SURNAME", "GIVEN NAMES", "NATIONALITY", "DATE OF BIRTH", "PLACE OF BIRTH", "AUTHORITY", "DATE OF EXPIRY", "PASSPORT", "REPUBLIC OF UTOPIA", "12 AUG 1974", "ZENITH", "F", "UTOPIAN"}
	for y := 12.0; y < zoneTop-3; y += 4.5 + r.Float64()*2 {
		x := 33.0 + r.Float64()*5
		for x < size[0]-20 {
			w := words[r.IntN(len(words))]
			sz := 0.6 + r.Float64()*0.6
			c.text(w, x*ppm, y*ppm, pitch*sz, float32(20+r.IntN(80)))
			x += float64(len(w)+1)*2.54*sz + r.Float64()*8
		}
	}
	c.text("PASSPORT  PASS  PASSEPORT", 33*ppm, 6*ppm, pitch*0.8, 60)
	if withZone {
		for i, l := range lines {
			base := zoneTop + 3 + float64(i)*4.1
			c.text(l, (size[0]-float64(len(l))*2.54)/2*ppm, base*ppm, pitch, 15)
		}
	}
	return c
}

// level is how hard a photo is.
type level struct {
	rot, persp, blur, noise, light float64
	glare                          bool
	quality                        int
}

var levels = []level{
	{rot: 0, persp: 0, blur: 0.3, noise: 1, light: 0, quality: 95},
	{rot: 3, persp: 0.02, blur: 0.7, noise: 3, light: 0.15, quality: 90},
	{rot: 7, persp: 0.05, blur: 1.1, noise: 6, light: 0.3, quality: 80},
	{rot: 10, persp: 0.08, blur: 1.5, noise: 9, light: 0.45, glare: true, quality: 65},
}

// photo puts the page on a table in a w×h frame (filling 60-95% of its width),
// turned by up to the level's rotation (and by 180° if upsideDown), with
// perspective, then degrades it and encodes it as a JPEG, returned decoded.
func photo(r *rand.Rand, pg *canvas, w, h int, lv level, upsideDown bool) image.Image {
	fill := 0.6 + 0.35*r.Float64()
	scale := fill * float64(w) / float64(pg.w)
	if float64(pg.h)*scale > 0.95*float64(h) {
		scale = 0.95 * float64(h) / float64(pg.h)
	}
	a := (2*r.Float64() - 1) * lv.rot * math.Pi / 180
	if upsideDown {
		a += math.Pi
	}
	cx, cy := float64(w)/2+(r.Float64()-0.5)*0.05*float64(w), float64(h)/2+(r.Float64()-0.5)*0.05*float64(h)
	// Keystone: the scale varies along a random direction across the frame.
	kx, ky := (2*r.Float64()-1)*lv.persp/float64(w), (2*r.Float64()-1)*lv.persp/float64(h)
	sin, cos := math.Sin(a), math.Cos(a)
	out := newCanvas(w, h, 0)
	tableA, tableB := float32(60+r.IntN(60)), 0.02+0.03*r.Float64()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			k := 1 + kx*dx + ky*dy
			dx, dy = dx*k, dy*k
			u := (dx*cos+dy*sin)/scale + float64(pg.w)/2
			v := (-dx*sin+dy*cos)/scale + float64(pg.h)/2
			p := pg.at(u, v)
			if p < 0 {
				p = tableA + 20*float32(math.Sin(float64(x)*tableB)*math.Sin(float64(y)*tableB*1.3))
			}
			out.pix[y*w+x] = p
		}
	}
	blur(out, lv.blur)
	// Uneven light: a gradient across the frame, and maybe a glare spot.
	gx, gy := r.Float64()*2-1, r.Float64()*2-1
	sx, sy, sr := r.Float64()*float64(w), r.Float64()*float64(h), (0.05+0.1*r.Float64())*float64(w)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			l := 1 - lv.light*(0.5+0.5*(gx*float64(x)/float64(w)+gy*float64(y)/float64(h))/2)
			v := float64(out.pix[y*w+x]) * l
			if lv.glare {
				d := math.Hypot(float64(x)-sx, float64(y)-sy) / sr
				v += 180 * math.Exp(-d*d)
			}
			v += r.NormFloat64() * lv.noise
			out.pix[y*w+x] = float32(min(max(v, 0), 255))
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i, v := range out.pix {
		// A warm cast, as phone photos of paper under indoor light have.
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = uint8(min(v*1.03, 255)), uint8(v), uint8(v*0.92), 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: lv.quality}); err != nil {
		panic(err)
	}
	dec, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return dec
}

// blur is a Gaussian blur of standard deviation s, separable.
func blur(c *canvas, s float64) {
	if s <= 0 {
		return
	}
	rad := int(math.Ceil(3 * s))
	k := make([]float32, 2*rad+1)
	var sum float32
	for i := range k {
		d := float64(i - rad)
		k[i] = float32(math.Exp(-d * d / (2 * s * s)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float32, len(c.pix))
	for y := 0; y < c.h; y++ {
		for x := 0; x < c.w; x++ {
			var v float32
			for i, kv := range k {
				xx := min(max(x+i-rad, 0), c.w-1)
				v += kv * c.pix[y*c.w+xx]
			}
			tmp[y*c.w+x] = v
		}
	}
	for y := 0; y < c.h; y++ {
		for x := 0; x < c.w; x++ {
			var v float32
			for i, kv := range k {
				yy := min(max(y+i-rad, 0), c.h-1)
				v += kv * tmp[yy*c.w+x]
			}
			c.pix[y*c.w+x] = v
		}
	}
}

// synth makes one test photo of a random zone of format f.
func synth(seed uint64, f mrz.Format, lv level, w, h int) (image.Image, []string) {
	r := rand.New(rand.NewPCG(seed, uint64(len(f))))
	lines := randomZone(r, f)
	size := docSizes[f]
	ppm := float64(w) * 0.95 / size[0] // draw no coarser than the photo will show it
	pg := page(r, f, lines, ppm, true)
	return photo(r, pg, w, h, lv, r.IntN(6) == 0), lines
}
