package doctest

import (
	"testing"

	"github.com/rampart-id/rampart/aamva"
	"github.com/rampart-id/rampart/pdf417"
)

// TestAAMVARoundTrip checks that the record of every licence parses back to the
// Spec, and that the barcode printed on the back decodes to that record.
func TestAAMVARoundTrip(t *testing.T) {
	for seed := range int64(40) {
		s := RandomFaceless(Licence, seed, now)
		want := s.AAMVA()
		data := aamva.Encode(want)
		got, err := aamva.Parse(data)
		if err != nil {
			t.Fatalf("seed %d: %v\n%q", seed, err, data)
		}
		if got.Number != s.Number || got.State != s.State || got.Country != s.Country ||
			got.Surname != want.Surname || got.GivenNames != want.GivenNames || got.Sex != want.Sex ||
			!got.BirthDate.Equal(s.Person.BirthDate) || !got.ExpiryDate.Equal(s.Expiry) || !got.IssueDate.Equal(s.Issued) {
			t.Errorf("seed %d: parsed %+v, want %+v", seed, got, want)
		}
		if seed < 6 {
			_, back := Render(s)
			read, err := pdf417.Decode(back)
			if err != nil {
				t.Errorf("seed %d: barcode on the back: %v", seed, err)
			} else if string(read) != string(data) {
				t.Errorf("seed %d: barcode holds %q, want %q", seed, read, data)
			}
		}
	}
}

func TestASCIIName(t *testing.T) {
	for in, want := range map[string]string{
		"O'Brien":      "O'BRIEN",
		"Müller":       "MUELLER",
		"García López": "GARCIA LOPEZ",
		"Marie-Hélène": "MARIE-HELENE",
		"Karl  Heinz ": "KARL HEINZ",
	} {
		if got := asciiName(in); got != want {
			t.Errorf("asciiName(%q) = %q, want %q", in, got, want)
		}
	}
}
