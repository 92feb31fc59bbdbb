package doctest

import (
	"image"
	"math"

	"github.com/rampart-id/rampart/mrz/ocrb"
)

// layout is where a kind's parts are, in millimetres.
type layout struct {
	w, h       float64 // page size
	photoX     float64 // portrait's top-left corner on the front
	photoY     float64
	mrzBottom  float64 // baseline of the zone's last line above the lower edge
	mrzLine    float64 // baseline to baseline
	mrzOnFront bool
}

var layouts = map[Kind]layout{
	Passport: {w: 125, h: 88, photoX: 6, photoY: 13.5, mrzBottom: 4.5, mrzLine: 4.6, mrzOnFront: true},
	IDCard:   {w: id1W, h: id1H, photoX: 3.5, photoY: 12, mrzBottom: 4, mrzLine: 4.4},
	TD2Card:  {w: 105, h: 74, photoX: 5, photoY: 13, mrzBottom: 4.5, mrzLine: 4.6, mrzOnFront: true},
	Licence:  {w: id1W, h: id1H, photoX: 3.5, photoY: 11},
}

func (l layout) scale() float64 { return PageW / l.w }

// PortraitRect is where the holder's photo is on the front page, in pixels.
func (s Spec) PortraitRect() image.Rectangle {
	l := layouts[s.Kind]
	at := image.Pt(int(math.Round(l.photoX*l.scale())), int(math.Round(l.photoY*l.scale())))
	return image.Rectangle{at, at.Add(portraitSize)}
}

// MRZRect is the box of the zone's characters in pixels, on the front page when
// MRZOnFront, else on the back; empty for licences.
func (s Spec) MRZRect() image.Rectangle {
	l := layouts[s.Kind]
	lines := s.MRZ()
	if len(lines) == 0 {
		return image.Rectangle{}
	}
	// The ink's extent above and below the baseline over all characters, in mm.
	var up, down int
	for i := range len(ocrb.Chars) {
		ink := ocrb.Ink(ocrb.Chars[i])
		up, down = max(up, ocrb.Baseline-ink.Min.Y), max(down, ink.Max.Y-ocrb.Baseline)
	}
	cell := mrzPitch / ocrb.CellW
	sc := l.scale()
	w := float64(len(lines[0])) * mrzPitch
	x0 := (l.w - w) / 2
	base := l.h - l.mrzBottom
	y0 := base - float64(len(lines)-1)*l.mrzLine - float64(up)*cell
	y1 := base + float64(down)*cell
	return image.Rect(int(math.Floor(x0*sc)), int(math.Floor(y0*sc)), int(math.Ceil((x0+w)*sc)), int(math.Ceil(y1*sc))+1)
}

// MRZOnFront says whether the zone is on the front page (passports, TD2 cards)
// rather than on the back (ID cards).
func (s Spec) MRZOnFront() bool { return layouts[s.Kind].mrzOnFront }

// newPageFor starts a page of kind's size.
func newPageFor(k Kind) *page {
	l := layouts[k]
	return newPage(l.w, l.h)
}

// portraitAt draws the holder's photo where the kind's layout has it.
func (p *page) portraitAt(s Spec) {
	l := layouts[s.Kind]
	p.portrait(s.Person.Portrait, l.photoX, l.photoY)
}

// mrzAt draws the zone where the kind's layout has it.
func (p *page) mrzAt(s Spec) {
	l := layouts[s.Kind]
	p.mrzBlock(s.MRZ(), l.mrzBottom, l.mrzLine)
}
