package mrz

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// The specimens of ICAO 9303 (Utopia, Anna Maria Eriksson), with each layout's own
// check digits and composite.
var specimens = map[Format][]string{
	TD3: {"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"},
	TD1: {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"},
	TD2: {"I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"},
}

func TestSpecimens(t *testing.T) {
	want := map[Format]Document{
		TD3: {Format: TD3, DocumentCode: "P", IssuingCountry: "UTO", Number: "L898902C3", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
			Nationality: "UTO", BirthDate: day(1974, 8, 12), Sex: "F", ExpiryDate: day(2012, 4, 15), OptionalData: "ZE184226B"},
		TD1: {Format: TD1, DocumentCode: "I", IssuingCountry: "UTO", Number: "D23145890", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
			Nationality: "UTO", BirthDate: day(1974, 8, 12), Sex: "F", ExpiryDate: day(2012, 4, 15)},
		TD2: {Format: TD2, DocumentCode: "I", IssuingCountry: "UTO", Number: "D23145890", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
			Nationality: "UTO", BirthDate: day(1974, 8, 12), Sex: "F", ExpiryDate: day(2012, 4, 15)},
	}
	for f, lines := range specimens {
		got, err := Parse(lines, now)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if got != want[f] {
			t.Errorf("%s:\n got %+v\nwant %+v", f, got, want[f])
		}
	}
}

func TestCheckDigits(t *testing.T) {
	for s, want := range map[string]byte{"L898902C3": '6', "740812": '2', "120415": '9', "ZE184226B<<<<<": '1', "D23145890": '7', "<<<<": '0'} {
		if got := CheckDigit(s); got != want {
			t.Errorf("CheckDigit(%q) = %c, want %c", s, got, want)
		}
	}
}

// TestRepairsConfusions: OCR's classic confusions are repaired by field type, and the
// check digits decide; a change the digits cannot explain is refused.
func TestRepairsConfusions(t *testing.T) {
	misread := []string{
		"P<UT0ERIKSS0N<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<", // digits in names and codes
		"L898902C36UTO74O8122F12O4159ZE184226B<<<<<1O", // O in dates and a check digit
	}
	got, err := Parse(misread, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Surname != "ERIKSSON" || got.GivenNames != "ANNA MARIA" || got.IssuingCountry != "UTO" || got.BirthDate != day(1974, 8, 12) || got.ExpiryDate != day(2012, 4, 15) {
		t.Errorf("repaired: %+v", got)
	}
	// A letter O read for the zero in the document number: its check digit puts it back.
	// An O read for the zero of a number with no other confusable character: only
	// one repair fits its check digit.
	line2 := "A7C4039<<" + string(CheckDigit("A7C4039<<")) + "UTO7408122F1204159ZE184226B<<<<<1"
	line2 += string(CheckDigit(line2[0:10] + line2[13:20] + line2[21:43]))
	if d, err := Parse([]string{specimens[TD3][0], "A7C4O39" + line2[7:]}, now); err != nil || d.Number != "A7C4039" {
		t.Errorf("number read with an O: %+v %v", d, err)
	}
	// The same in the specimen's number, where several repairs fit: refused, not guessed.
	td1 := append([]string(nil), specimens[TD1]...)
	td1[0] = "I<UTOD2314589O7<<<<<<<<<<<<<<<"
	if d, err := Parse(td1, now); err == nil && d.Number != "D23145890" {
		t.Errorf("TD1 number read with an O accepted as %q", d.Number)
	}
	for name, lines := range map[string][]string{
		"a wrong digit in the number": {specimens[TD3][0], "L898912C36UTO7408122F1204159ZE184226B<<<<<10"},
		"a wrong birth date":          {specimens[TD3][0], "L898902C36UTO7408132F1204159ZE184226B<<<<<10"},
		"a wrong composite":           {specimens[TD3][0], "L898902C36UTO7408122F1204159ZE184226B<<<<<19"},
		"an impossible date":          {specimens[TD3][0], "L898902C36UTO7413122F1204159ZE184226B<<<<<10"},
	} {
		if d, err := Parse(lines, now); !errors.Is(err, ErrCheckDigit) && !errors.Is(err, ErrField) {
			t.Errorf("%s: accepted %+v (%v)", name, d, err)
		}
	}
	if _, err := Parse([]string{"P<UTO", "L898"}, now); !errors.Is(err, ErrFormat) {
		t.Errorf("short lines: %v", err)
	}
}

func TestCenturies(t *testing.T) {
	p := parser{now: now}
	if got := p.date("birth", "100101", false); got.Year() != 2010 {
		t.Errorf("birth 10 → %d", got.Year())
	}
	if got := p.date("birth", "300101", false); got.Year() != 1930 {
		t.Errorf("birth 30 → %d", got.Year())
	}
	if got := p.date("expiry", "310101", true); got.Year() != 2031 {
		t.Errorf("expiry 31 → %d", got.Year())
	}
	if got := p.date("expiry", "990101", true); got.Year() != 1999 {
		t.Errorf("expiry 99 → %d", got.Year())
	}
}

// TestLongDocumentNumber: a TD1 number of more than 9 characters runs on into the
// optional data, with its check digit at the end of it.
func TestLongDocumentNumber(t *testing.T) {
	number := "D23145890AB"
	check := CheckDigit(number)
	line1 := "I<UTO" + number[:9] + "<" + number[9:] + string(check)
	for len(line1) < 30 {
		line1 += "<"
	}
	line2 := "7408122F1204159UTO<<<<<<<<<<<"
	line2 += string(CheckDigit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]))
	d, err := Parse([]string{line1, line2, specimens[TD1][2]}, now)
	if err != nil || d.Number != number {
		t.Fatalf("%+v %v", d, err)
	}
}

// FuzzParse: any lines give a document or an error, never a panic; a document's
// fields come from its lines.
func FuzzParse(f *testing.F) {
	f.Add("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10")
	f.Add("I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<")
	f.Add("")
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(strings.Split(s, "\n"), now)
		if err == nil && (d.Format == "" || d.BirthDate.IsZero() || d.ExpiryDate.IsZero()) {
			t.Errorf("parsed %q without a format or dates: %+v", s, d)
		}
	})
}
