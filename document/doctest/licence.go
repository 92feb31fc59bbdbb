package doctest

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/boombuler/barcode/pdf417"

	"github.com/rampart-id/rampart/aamva"
)

// AAMVA is the record in the barcode on a licence's back. Names are in capitals
// without diacritics (Ü as UE, as in the zones), as the record's character set is
// ASCII; the IIN is left to aamva.Encode, which takes the jurisdiction's.
func (s Spec) AAMVA() aamva.Licence {
	return aamva.Licence{
		Kind:       "DL",
		Country:    s.Country,
		State:      s.State,
		Number:     s.Number,
		Surname:    asciiName(s.Person.Surname),
		GivenNames: asciiName(s.Person.GivenNames),
		BirthDate:  s.Person.BirthDate,
		ExpiryDate: s.Expiry,
		IssueDate:  s.Issued,
		Sex:        sexText(s.Person.Sex),
		Version:    10,
	}
}

// asciiName is a name as North American licences print it: capitals, transliterated,
// hyphens, apostrophes and spaces kept.
func asciiName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		switch {
		case r == '-' || r == '\'' || r == ' ':
			b.WriteRune(r)
		default:
			b.WriteString(Transliterate(string(r)))
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// usDate is a date as the licences of the USA print it, and Canada's.
func (s Spec) usDate(t time.Time) string {
	if s.Country == "CAN" {
		return t.Format("2006/01/02")
	}
	return t.Format("01/02/2006")
}

var licenceRed = color.RGBA{170, 28, 36, 255}

// A licence's front: the jurisdiction and title in a band, the portrait on the
// left, the fields with their AAMVA numbers on the right, the signature below the
// portrait.
func renderLicenceFront(s Spec, rng *rand.Rand) image.Image {
	p := newPageFor(Licence)
	d := p.background("DL/" + s.State)
	p.band(0, 9, d.band)
	white := color.RGBA{246, 244, 236, 255}
	p.text(4, 6.6, 3.0, true, white, jurisdictionName(s.State))
	title := "DRIVER LICENSE"
	switch {
	case s.State == "QC":
		title = "PERMIS DE CONDUIRE"
	case s.Country == "CAN":
		title = "DRIVER'S LICENCE"
	}
	p.textRight(82, 6.4, 1.8, true, white, title)

	p.portraitAt(s)
	l := s.AAMVA()
	x := 28.5
	p.text(x, 14, 1.2, false, labelInk, "4d DLN")
	p.text(x+9, 14.3, 2.4, true, licenceRed, s.Number)
	p.field(x, 17.5, 24, "4b EXP", s.usDate(s.Expiry))
	p.field(x+27, 17.5, 24, "4a ISS", s.usDate(s.Issued))
	p.field(x, 24, 54, "1 LN", l.Surname)
	p.field(x, 30, 54, "2 FN", l.GivenNames)
	addr := itoa(100+rng.IntN(9800)) + " " + strings.ToUpper(streets[len(streets)-1-rng.IntN(2)])
	p.field(x, 36, 54, "8 ADDRESS", addr)
	p.text(x, 42.5, 1.2, false, labelInk, "3 DOB")
	p.text(x, 45.7, 2.2, true, licenceRed, s.usDate(s.Person.BirthDate))
	p.field(x+24, 42.5, 8, "15 SEX", l.Sex)
	p.field(x+33, 42.5, 12, "16 HGT", fmt.Sprintf("%d'-%02d\"", 5+rng.IntN(2), rng.IntN(12)))
	p.field(x+45, 42.5, 10, "18 EYES", []string{"BRO", "BLU", "GRN", "HAZ"}[rng.IntN(4)])
	p.field(x, 49, 10, "9 CLASS", "C")
	p.field(x+14, 49, 16, "12 RESTR", "NONE")
	p.field(x+33, 49, 16, "9a END", "NONE")
	p.signature(rng, 4, 42, 21, 7)
	p.ghost(s.Person.Portrait, 74, 30, 10)
	p.roundCorners(cornerR)
	return p.img
}

// A licence's back: a few lines of text at the top and the PDF417 barcode of the
// AAMVA record across the lower half, as on real ones.
func renderLicenceBack(s Spec, rng *rand.Rand) image.Image {
	p := newPageFor(Licence)
	p.background("DLback/" + s.State)
	p.text(4, 5, 1.3, true, labelInk, jurisdictionName(s.State)+" · "+s.Number)
	p.text(4, 8, 1.1, false, labelInk, "CLASS C: Passenger vehicles and trucks under 26,001 lbs.")
	p.text(4, 10.5, 1.1, false, labelInk, "RESTRICTIONS: NONE      ENDORSEMENTS: NONE")
	p.text(4, 13, 1.1, false, labelInk, fmt.Sprintf("DD %s%s/%02dFD/%02d", alnum(rng, "0123456789", 10), alnum(rng, "ABCDEFGHJKLMNPRSTUVWXYZ", 2), rng.IntN(100), rng.IntN(100)))
	p.barcode(aamva.Encode(s.AAMVA()), 3, 16.5, id1W-3, id1H-3)
	p.roundCorners(cornerR)
	return p.img
}

// barcode draws data as PDF417, the largest that fits the box (mm) with whole
// pixels per module, rows three modules high, on a white quiet zone.
func (p *page) barcode(data []byte, x0, y0, x1, y1 float64) {
	bc, err := pdf417.Encode(string(data), 4)
	if err != nil {
		panic("doctest: pdf417: " + err.Error())
	}
	b := bc.Bounds()
	cols, rows := b.Dx(), b.Dy()/2 // the encoder draws each row 2 pixels high
	box := p.rect(x0, y0, x1, y1)
	const quiet = 2
	mod := max(1, min(box.Dx()/(cols+2*quiet), box.Dy()/(3*rows+2*quiet)))
	w, h := (cols+2*quiet)*mod, (3*rows+2*quiet)*mod
	at := image.Pt(box.Min.X+(box.Dx()-w)/2, box.Min.Y+(box.Dy()-h)/2)
	p.fill(image.Rectangle{at, at.Add(image.Pt(w, h))}, color.RGBA{250, 250, 248, 255})
	ink := color.RGBA{12, 12, 16, 255}
	for r := range rows {
		for c := 0; c < cols; {
			if !dark(bc.At(c, 2*r)) {
				c++
				continue
			}
			run := c
			for run < cols && dark(bc.At(run, 2*r)) {
				run++
			}
			x, y := at.X+(quiet+c)*mod, at.Y+(quiet+3*r)*mod
			p.fill(image.Rect(x, y, x+(run-c)*mod, y+3*mod), ink)
			c = run
		}
	}
}

func dark(c color.Color) bool {
	r, _, _, _ := c.RGBA()
	return r < 0x8000
}
