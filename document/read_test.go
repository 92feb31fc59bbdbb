package document_test

import (
	"errors"
	"image"
	"testing"
	"time"

	"github.com/rampart-id/rampart/document"
	"github.com/rampart-id/rampart/document/doctest"
	"github.com/rampart-id/rampart/face/facetest"
	"github.com/rampart-id/rampart/kyc"
)

// TestReadGeneratedDocuments reads photos of every kind of generated document and
// finds exactly the data they were made with.
func TestReadGeneratedDocuments(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, kind := range doctest.Kinds {
		for seed := int64(1); seed <= 3; seed++ {
			s := doctest.RandomFaceless(kind, seed, now)
			front, back := doctest.Render(s)
			pf := doctest.Photograph(front, 1, seed)
			var pb image.Image
			if back != nil {
				pb = doctest.Photograph(back, 1, seed+100)
			}
			id, err := document.Read(doctest.ChosenType(kind), pf, pb, now)
			if err != nil {
				t.Errorf("%s seed %d: %v", kind, seed, err)
				continue
			}
			if id.DocumentType != doctest.ChosenType(kind) {
				t.Errorf("%s seed %d: type %q, want %q", kind, seed, id.DocumentType, doctest.ChosenType(kind))
			}
			if id.Number != s.Number || !id.BirthDate.Equal(s.Person.BirthDate) || !id.ExpiryDate.Equal(s.Expiry) {
				t.Errorf("%s seed %d: read %s born %s expires %s; made %s %s %s", kind, seed, id.Number,
					id.BirthDate.Format(time.DateOnly), id.ExpiryDate.Format(time.DateOnly), s.Number,
					s.Person.BirthDate.Format(time.DateOnly), s.Expiry.Format(time.DateOnly))
			}
			if !document.NameMatches(s.Person.GivenNames+" "+s.Person.Surname, id) {
				t.Errorf("%s seed %d: name %s / %s does not match %s %s", kind, seed, id.Surname, id.GivenNames,
					s.Person.GivenNames, s.Person.Surname)
			}
		}
	}
}

// TestReadRefusesWhatHasNoData: noise, a page with no zone and a licence without its
// barcode side give errors, never an identity.
func TestReadRefusesWhatHasNoData(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	noise := facetest.Noise(3, 1600, 1100)
	if _, err := document.Read(kyc.Passport, noise, nil, now); !errors.Is(err, document.ErrUnreadable) {
		t.Errorf("noise as a passport: %v, want ErrUnreadable", err)
	}
	s := doctest.RandomFaceless(doctest.Licence, 4, now)
	front, _ := doctest.Render(s)
	// The licence's front twice: no barcode anywhere, as on a licence from outside
	// North America.
	if _, err := document.Read(kyc.DriversLicence, front, front, now); !errors.Is(err, document.ErrNoData) {
		t.Errorf("licence without a barcode: %v, want ErrNoData", err)
	}
	if _, err := document.Read(kyc.NationalID, noise, noise, now); !errors.Is(err, document.ErrUnreadable) {
		t.Errorf("noise as an ID card: %v, want ErrUnreadable", err)
	}
}
