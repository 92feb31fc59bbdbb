// Package document turns a photo of an identity document into the identity its
// machine-readable data states: the MRZ of passports and ID cards (ICAO 9303) or the
// AAMVA barcode on the back of North American licences and ID cards. The server's
// checks and the browser widget (which reads right after each shot) share it.
package document

import (
	"errors"
	"image"
	"strings"
	"time"

	"github.com/rampart-id/rampart/aamva"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/mrz"
	"github.com/rampart-id/rampart/mrz/ocr"
	"github.com/rampart-id/rampart/pdf417"
)

// Where data was read.
const (
	SourceMRZ    = "mrz"
	SourcePDF417 = "pdf417"
)

// Identity is what a document's machine-readable data says.
type Identity struct {
	Source         string    `json:"source"`
	DocumentType   string    `json:"document_type"` // kyc.Passport, kyc.NationalID or kyc.DriversLicence
	DocumentCode   string    `json:"document_code,omitempty"`
	IssuingCountry string    `json:"issuing_country"` // ICAO 3-letter code
	IssuingRegion  string    `json:"issuing_region,omitempty"`
	Number         string    `json:"number"`
	Surname        string    `json:"surname"`
	GivenNames     string    `json:"given_names"`
	Nationality    string    `json:"nationality,omitempty"`
	BirthDate      time.Time `json:"birth_date"`
	ExpiryDate     time.Time `json:"expiry_date"`
	Sex            string    `json:"sex,omitempty"`
}

// Errors of reading a side.
var (
	// ErrUnreadable: no machine-readable zone or barcode was read (not found, or its
	// check digits or error correction failed). The user can take a better photo.
	ErrUnreadable = errors.New("document: machine-readable data not read")
	// ErrNoData: the document shows no machine-readable data where it should be (a
	// licence without an AAMVA barcode, as outside North America).
	ErrNoData = errors.New("document: no machine-readable data")
)

// FromMRZ is the identity a machine-readable zone states.
func FromMRZ(d mrz.Document) Identity {
	return Identity{
		Source: SourceMRZ, DocumentType: TypeOfCode(d.DocumentCode), DocumentCode: d.DocumentCode,
		IssuingCountry: d.IssuingCountry, Number: d.Number, Surname: d.Surname, GivenNames: d.GivenNames,
		Nationality: d.Nationality, BirthDate: d.BirthDate, ExpiryDate: d.ExpiryDate, Sex: d.Sex,
	}
}

// FromAAMVA is the identity an AAMVA record states.
func FromAAMVA(l aamva.Licence) Identity {
	t := kyc.DriversLicence
	if l.Kind == "ID" {
		t = kyc.NationalID
	}
	return Identity{
		Source: SourcePDF417, DocumentType: t, DocumentCode: l.Kind, IssuingCountry: l.Country, IssuingRegion: l.State,
		Number: l.Number, Surname: l.Surname, GivenNames: l.GivenNames, BirthDate: l.BirthDate, ExpiryDate: l.ExpiryDate, Sex: l.Sex,
	}
}

// TypeOfCode maps an MRZ document code to a document type: P… passports; I…, A… and
// C… identity cards; anything else (visas, crew cards) has no type users may choose.
func TypeOfCode(code string) string {
	switch {
	case strings.HasPrefix(code, "P"):
		return kyc.Passport
	case strings.HasPrefix(code, "I"), strings.HasPrefix(code, "A"), strings.HasPrefix(code, "C"):
		return kyc.NationalID
	}
	return ""
}

// DataSide is the side of a document type that carries its machine-readable data:
// a passport's photo page, the back of ID cards and licences.
func DataSide(docType string) string {
	if kyc.NeedsBack(docType) {
		return "back"
	}
	return "front"
}

// ReadSide reads one photo: its MRZ, and for cards that may carry one (ID cards and
// licences) an AAMVA barcode.
func ReadSide(img image.Image, docType string, now time.Time) (Identity, error) {
	if img == nil {
		return Identity{}, ErrUnreadable
	}
	if d, _, err := ocr.ReadDocument(img, now); err == nil {
		return FromMRZ(d), nil
	}
	if docType == kyc.Passport {
		return Identity{}, ErrUnreadable
	}
	data, err := pdf417.Decode(img)
	switch {
	case err == nil:
		l, err := aamva.Parse(data)
		if err != nil {
			return Identity{}, ErrUnreadable
		}
		return FromAAMVA(l), nil
	case errors.Is(err, pdf417.ErrNotFound) && docType == kyc.DriversLicence:
		return Identity{}, ErrNoData
	}
	return Identity{}, ErrUnreadable
}

// Read reads a document from its sides: the data side first, then the other one (some
// ID cards print their zone on the front).
func Read(docType string, front, back image.Image, now time.Time) (Identity, error) {
	first, second := front, back
	if DataSide(docType) == "back" {
		first, second = back, front
	}
	id, err := ReadSide(first, docType, now)
	if err == nil || second == nil || docType == kyc.Passport {
		return id, err
	}
	if id2, err2 := ReadSide(second, docType, now); err2 == nil {
		return id2, nil
	}
	return id, err
}

// Last4 is the end of the document number a partner may see.
func (id Identity) Last4() string {
	n := strings.ReplaceAll(id.Number, "<", "")
	if len(n) > 4 {
		n = n[len(n)-4:]
	}
	return n
}

// AgeAt is the holder's age in whole years at now.
func (id Identity) AgeAt(now time.Time) int {
	b := id.BirthDate
	age := now.Year() - b.Year()
	if now.Month() < b.Month() || (now.Month() == b.Month() && now.Day() < b.Day()) {
		age--
	}
	return age
}

// ExpiredAt reports whether the document expired before now's day (a document is
// valid through its expiry date).
func (id Identity) ExpiredAt(now time.Time) bool {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return id.ExpiryDate.Before(today)
}

// IndexString is what the duplicate-document index hashes: the issuing country (and
// region, for licences numbered per state) and the number, normalised.
func (id Identity) IndexString() string {
	num := strings.ToUpper(strings.NewReplacer("<", "", " ", "", "-", "").Replace(id.Number))
	return strings.ToUpper(id.IssuingCountry) + "/" + strings.ToUpper(id.IssuingRegion) + "/" + num
}
