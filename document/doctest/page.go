package doctest

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/rampart-id/rampart/mrz/ocrb"
)

// PageW is the width in pixels of every rendered page; heights follow the
// document's proportions.
const PageW = 1600

// Physical sizes, in millimetres.
const (
	mrzPitch = 2.54 // zone characters: 10 per inch
	cornerR  = 3.18 // ID-1 corner radius
)

// page is a document side being drawn, addressed in millimetres.
type page struct {
	img   *image.RGBA
	scale float64 // pixels per millimetre
	faces map[faceKey]font.Face
}

type faceKey struct {
	bold bool
	px   int
}

func newPage(wMM, hMM float64) *page {
	s := PageW / wMM
	return &page{
		img:   image.NewRGBA(image.Rect(0, 0, PageW, int(math.Round(hMM*s)))),
		scale: s,
		faces: map[faceKey]font.Face{},
	}
}

func (p *page) px(mm float64) int { return int(math.Round(mm * p.scale)) }

func (p *page) rect(x0, y0, x1, y1 float64) image.Rectangle {
	return image.Rect(p.px(x0), p.px(y0), p.px(x1), p.px(y1))
}

func (p *page) fill(r image.Rectangle, c color.RGBA) {
	draw.Draw(p.img, r, image.NewUniform(c), image.Point{}, draw.Over)
}

var fonts = sync.OnceValue(func() [2]*opentype.Font {
	var fs [2]*opentype.Font
	for i, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			panic("doctest: embedded Go font: " + err.Error())
		}
		fs[i] = f
	}
	return fs
})

// face is a Go font at a cap-height-ish size in millimetres (the em is 1.4 times
// it). Faces are per page: they are not safe for concurrent use.
func (p *page) face(sizeMM float64, bold bool) font.Face {
	k := faceKey{bold, p.px(sizeMM * 1.4)}
	if f, ok := p.faces[k]; ok {
		return f
	}
	i := 0
	if bold {
		i = 1
	}
	f, err := opentype.NewFace(fonts()[i], &opentype.FaceOptions{Size: float64(k.px), DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic("doctest: font face: " + err.Error())
	}
	p.faces[k] = f
	return f
}

// text draws s with its baseline's left end at (x, y) mm and returns its width in mm.
func (p *page) text(x, y, sizeMM float64, bold bool, c color.RGBA, s string) float64 {
	d := font.Drawer{Dst: p.img, Src: image.NewUniform(c), Face: p.face(sizeMM, bold),
		Dot: fixed.Point26_6{X: fixed.Int26_6(x * p.scale * 64), Y: fixed.Int26_6(y * p.scale * 64)}}
	d.DrawString(s)
	return float64(d.MeasureString(s)) / 64 / p.scale
}

// textRight draws s ending at x.
func (p *page) textRight(x, y, sizeMM float64, bold bool, c color.RGBA, s string) {
	w := float64(font.MeasureString(p.face(sizeMM, bold), s)) / 64 / p.scale
	p.text(x-w, y, sizeMM, bold, c, s)
}

// field draws a small grey label above its value, as on every document, the
// value's size reduced if needed to fit within maxW mm.
func (p *page) field(x, y, maxW float64, label, value string) {
	p.text(x, y, 1.15, false, labelInk, label)
	size := 2.0
	if w := float64(font.MeasureString(p.face(size, true), value)) / 64 / p.scale; w > maxW {
		size *= maxW / w
	}
	p.text(x, y+3.2, size, true, valueInk, value)
}

var (
	labelInk = color.RGBA{70, 72, 88, 255}
	valueInk = color.RGBA{18, 18, 26, 255}
	mrzInk   = color.RGBA{14, 14, 18, 255}
)

// glyphMasks are the OCR-B glyphs scaled to one pitch in pixels, as alpha masks.
var glyphMasks sync.Map // int pitch*16 → []*image.Alpha

func ocrbMasks(pitchPx float64) []*image.Alpha {
	key := int(math.Round(pitchPx * 16))
	if m, ok := glyphMasks.Load(key); ok {
		return m.([]*image.Alpha)
	}
	s := pitchPx / ocrb.CellW
	w, h := int(math.Ceil(ocrb.CellW*s)), int(math.Ceil(ocrb.CellH*s))
	masks := make([]*image.Alpha, len(ocrb.Chars))
	for i := range ocrb.Chars {
		g := ocrb.Glyph(ocrb.Chars[i])
		scaled := image.NewGray(image.Rect(0, 0, w, h))
		xdraw.CatmullRom.Scale(scaled, scaled.Rect, g, g.Rect, xdraw.Src, nil)
		a := image.NewAlpha(scaled.Rect)
		for j, v := range scaled.Pix {
			a.Pix[j] = 255 - v
		}
		masks[i] = a
	}
	m, _ := glyphMasks.LoadOrStore(key, masks)
	return m.([]*image.Alpha)
}

// mrzLine draws a zone line in OCR-B at the standard pitch, its first character's
// cell at x mm and its baseline at y mm.
func (p *page) mrzLine(x, y float64, line string) {
	pitch := mrzPitch * p.scale
	masks := ocrbMasks(pitch)
	top := y*p.scale - ocrb.Baseline*pitch/ocrb.CellW
	ink := image.NewUniform(mrzInk)
	for i := 0; i < len(line); i++ {
		k := ocrb.Index(line[i])
		if k < 0 {
			continue
		}
		m := masks[k]
		at := image.Pt(int(math.Round(x*p.scale+float64(i)*pitch)), int(math.Round(top)))
		draw.DrawMask(p.img, m.Rect.Add(at), ink, image.Point{}, m, image.Point{}, draw.Over)
	}
}

// mrzBlock draws the lines of a zone centred across the page, the last line's
// baseline bottom mm above the page's lower edge, lines lineMM apart.
func (p *page) mrzBlock(lines []string, bottom, lineMM float64) {
	wMM := float64(p.img.Rect.Dx()) / p.scale
	hMM := float64(p.img.Rect.Dy()) / p.scale
	x := (wMM - float64(len(lines[0]))*mrzPitch) / 2
	for i, l := range lines {
		p.mrzLine(x, hMM-bottom-float64(len(lines)-1-i)*lineMM, l)
	}
}

// roundCorners makes the corners outside radius mm transparent, antialiased.
func (p *page) roundCorners(radiusMM float64) {
	r := radiusMM * p.scale
	b := p.img.Rect
	n := int(math.Ceil(r))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := r-(float64(x)+0.5), r-(float64(y)+0.5)
			a := math.Max(0, math.Min(1, r-math.Hypot(dx, dy)+0.5))
			if a >= 1 {
				continue
			}
			for _, pt := range [4]image.Point{{x, y}, {b.Max.X - 1 - x, y}, {x, b.Max.Y - 1 - y}, {b.Max.X - 1 - x, b.Max.Y - 1 - y}} {
				i := p.img.PixOffset(pt.X, pt.Y)
				for c := range 4 {
					p.img.Pix[i+c] = uint8(float64(p.img.Pix[i+c]) * a)
				}
			}
		}
	}
}

// lighten blends the area (mm) toward white by t, as the plain print under a zone.
func (p *page) lighten(x0, y0, x1, y1, t float64) {
	r := p.rect(x0, y0, x1, y1).Intersect(p.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for i := p.img.PixOffset(r.Min.X, y); i < p.img.PixOffset(r.Max.X, y); i += 4 {
			for c := range 3 {
				p.img.Pix[i+c] += uint8(float64(255-p.img.Pix[i+c]) * t)
			}
		}
	}
}
