package doctest

import (
	"image"
	"math/rand/v2"
	"strings"
	"time"
)

// Render draws the document as flat scans PageW pixels wide: the front, and the
// back for ID cards and licences (nil for passports and TD2 cards). Cards have
// rounded, transparent corners. The same Spec gives the same pixels.
func Render(s Spec) (front, back image.Image) {
	rng := rand.New(rand.NewPCG(uint64(s.Seed), uint64(s.Kind)+0x5ca9))
	switch s.Kind {
	case Passport:
		return renderPassport(s, rng), nil
	case IDCard:
		return renderIDFront(s, rng), renderIDBack(s, rng)
	case TD2Card:
		return renderTD2(s, rng), nil
	case Licence:
		return renderLicenceFront(s, rng), renderLicenceBack(s, rng)
	}
	return nil, nil
}

// vizDate is a date as the visual zone of ICAO documents prints it.
func vizDate(t time.Time) string { return strings.ToUpper(t.Format("02 Jan 2006")) }

func sexText(s string) string {
	if s == "M" || s == "F" {
		return s
	}
	return "X"
}
