package document

import (
	"testing"
	"time"
)

func TestNameMatches(t *testing.T) {
	anna := Identity{Source: SourceMRZ, Surname: "ERIKSSON", GivenNames: "ANNA MARIA"}
	mueller := Identity{Source: SourceMRZ, Surname: "MUELLER", GivenNames: "JOERG"}
	orsted := Identity{Source: SourcePDF417, Surname: "ORSTED", GivenNames: "SOREN"}
	long := Identity{Source: SourceMRZ, Surname: "WOLFESCHLEGELSTEINHAUSENBERGERDO", GivenNames: ""}
	for _, c := range []struct {
		expected string
		id       Identity
		want     bool
	}{
		{"Anna Maria Eriksson", anna, true},
		{"anna eriksson", anna, true},                              // middle name left out
		{"ERIKSSON, Anna", anna, true},                             // surname first
		{"Anna Ériksson", anna, true},                              // a stray accent
		{"Maria Eriksson", anna, false},                            // the first given name is missing
		{"Anna Andersson", anna, false},                            // another surname
		{"Jörg Müller", mueller, true},                             // ICAO transliteration
		{"Jorg Muller", mueller, false},                            // the document says MUELLER: not the same letters
		{"Søren Ørsted", orsted, true},                             // accents dropped on a licence
		{"Hubert Wolfeschlegelsteinhausenbergerdorff", long, true}, // truncated in the zone
		{"", anna, false},
		{"Anna Eriksson-Berg", anna, true}, // a double-barrelled name containing the surname
	} {
		if got := NameMatches(c.expected, c.id); got != c.want {
			t.Errorf("NameMatches(%q, %s/%s) = %v, want %v", c.expected, c.id.Surname, c.id.GivenNames, got, c.want)
		}
	}
}

func TestAgeExpiryAndIndex(t *testing.T) {
	now := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	id := Identity{BirthDate: time.Date(2008, 12, 2, 0, 0, 0, 0, time.UTC), ExpiryDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		IssuingCountry: "utO", Number: "l898902c<"}
	if a := id.AgeAt(now); a != 17 {
		t.Errorf("age the day before an 18th birthday = %d, want 17", a)
	}
	if a := id.AgeAt(now.AddDate(0, 0, 1)); a != 18 {
		t.Errorf("age on the 18th birthday = %d, want 18", a)
	}
	if id.ExpiredAt(now) {
		t.Error("a document is valid through its expiry day")
	}
	if !id.ExpiredAt(now.AddDate(0, 0, 1)) {
		t.Error("a document is expired the day after its expiry date")
	}
	if got := id.IndexString(); got != "UTO//L898902C" {
		t.Errorf("IndexString = %q", got)
	}
	if id.Last4() != "902c" {
		t.Errorf("Last4 = %q", id.Last4())
	}
}
