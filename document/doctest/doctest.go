// Package doctest renders realistic identity documents for tests and benchmarks,
// then photographs them as a phone would, deterministically by seed.
//
// A Spec describes one document: its Kind (a TD3 passport data page, an ID-1 card
// with a TD1 zone on its back, a TD2 card, or a US/Canadian driving licence with an
// AAMVA PDF417 barcode on its back), its holder (a real face from face/facetest,
// names with their diacritics) and its data. Random makes a plausible one from a
// seed; MRZ and AAMVA say exactly what the machine-readable parts hold, so tests can
// compare a reader's output with the truth.
//
// Render draws flat scans, about 1600 px wide, at the physical proportions of the
// document: labelled text fields, the portrait on the left of the front, the zone
// in OCR-B at its printed size and pitch, the barcode across the licence's back.
// Card corners are rounded and transparent.
//
// Photograph puts a scan on a table and takes a picture at one of the Levels: from
// clean and straight (0) to rotated, in perspective, blurred, noisy, unevenly lit,
// with glare, and JPEG compressed (3). NewShot and Shot.Take do the same with the
// parameters visible: Shot.Corners and Shot.Map say where the page, and so
// Spec.MRZRect and Spec.PortraitRect, land in the photo.
//
// Random loads facetest's portraits on its first call (seconds, the face models);
// RandomFaceless makes the same documents with a silhouette, for tests that only
// read text. Everything is safe for concurrent use.
//
//	s := doctest.Random(doctest.Passport, 7, time.Now())
//	front, _ := doctest.Render(s)
//	photo := doctest.Photograph(front, 2, 7)
//	lines := s.MRZ() // what a reader must find in photo
package doctest

import (
	"time"

	"github.com/rampart-id/rampart/face/facetest"
)

// Kind is a type of document.
type Kind int

// The kinds of documents.
const (
	Passport Kind = iota // TD3 data page, 125×88 mm, 2-line zone of 44; no back
	IDCard               // ID-1 card, 85.6×54 mm: portrait on the front, 3-line zone of 30 on the back
	TD2Card              // 105×74 mm card, portrait and 2-line zone of 36 on the front; no back
	Licence              // ID-1 driving licence: portrait on the front, PDF417 barcode on the back
)

// Kinds are all the kinds, in order.
var Kinds = []Kind{Passport, IDCard, TD2Card, Licence}

func (k Kind) String() string {
	switch k {
	case Passport:
		return "passport"
	case IDCard:
		return "idcard"
	case TD2Card:
		return "td2"
	case Licence:
		return "licence"
	}
	return "unknown"
}

// Person is the holder of a document. Names are as printed in the visual zone, with
// their diacritics; the machine-readable zone transliterates them.
type Person struct {
	Surname     string
	GivenNames  string // space separated
	Nationality string // ICAO 3-letter code ("D" for Germany)
	Sex         string // "M", "F" or "X"
	BirthDate   time.Time
	// Portrait is the face printed on the document. A zero Portrait draws a
	// neutral silhouette instead (no face detector will find it).
	Portrait facetest.Portrait
}

// Spec is one document.
type Spec struct {
	Kind     Kind
	Person   Person
	Number   string // document number: up to 9 letters and digits for the zone
	Country  string // issuing country, ICAO 3-letter code ("D", "FRA", "UTO"); "USA" or "CAN" for licences
	State    string // licences: jurisdiction ("CA", "ON")
	Issued   time.Time
	Expiry   time.Time
	Optional string // zone's optional data (a personal number), letters and digits, may be empty
	Seed     int64  // picks the design details: colours, signature, place of birth
}
