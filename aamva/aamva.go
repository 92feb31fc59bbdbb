// Package aamva reads and writes the AAMVA card design record carried in the PDF417
// barcode on the back of US and Canadian driving licences and identification cards:
// the header (compliance indicator, "ANSI", issuer number, version, subfile
// designators) and the DL or ID subfile's data elements. Parse tolerates the
// deviations found on real cards (mangled header separators, CR for LF, offsets that
// do not match, missing terminators, versions 1 to 10); Encode writes a version 10
// record for generated test documents. It has no dependencies beyond the standard
// library, so it also runs in the browser widget.
package aamva

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Licence is what a record says about its holder and document.
type Licence struct {
	Kind       string // "DL" (driving licence) or "ID" (identification card)
	Country    string // "USA" or "CAN"
	State      string // jurisdiction code, e.g. "CA", "ON"
	Number     string
	Surname    string
	GivenNames string // first and middle names, space separated
	BirthDate  time.Time
	ExpiryDate time.Time
	IssueDate  time.Time
	Sex        string // "M", "F" or "X"; "" when absent
	IIN        string // issuer identification number, six digits
	Version    int    // AAMVA version of the record
}

// Errors of Parse. A record lacking a required field fails with an error wrapping
// ErrMissing that names the field.
var (
	ErrFormat  = errors.New("aamva: not an AAMVA record")
	ErrMissing = errors.New("aamva: required field missing")
)

// Parse reads a record as decoded from the barcode. The number, surname, birth date
// and expiry date are required.
func Parse(data []byte) (Licence, error) {
	h, ok := parseHeader(data)
	if !ok {
		return Licence{}, ErrFormat
	}
	kind, body := subfile(data, h)
	if kind == "" {
		return Licence{}, ErrFormat
	}
	el := elements(body)
	l := Licence{Kind: kind, IIN: h.iin, Version: h.version}
	l.Number = el["DAQ"]
	l.State = strings.ToUpper(el["DAJ"])
	if l.State == "" {
		l.State = iinJurisdiction[h.iin]
	}
	l.Country = strings.ToUpper(el["DCG"])
	if l.Country != "USA" && l.Country != "CAN" {
		l.Country = "USA"
		if canadian[l.State] || canadian[iinJurisdiction[h.iin]] {
			l.Country = "CAN"
		}
	}
	l.Surname, l.GivenNames = names(el)
	l.Sex = sex(el["DBC"])

	// Version 1 wrote every date year first; later versions keep that for Canada only.
	ymd := l.Country == "CAN" || h.version <= 1
	l.BirthDate = date(el["DBB"], ymd)
	l.ExpiryDate = date(el["DBA"], ymd)
	l.IssueDate = date(el["DBD"], ymd)

	for _, req := range []struct {
		missing bool
		name    string
	}{
		{l.Number == "", "document number (DAQ)"},
		{l.Surname == "", "surname (DCS)"},
		{l.BirthDate.IsZero(), "birth date (DBB)"},
		{l.ExpiryDate.IsZero(), "expiry date (DBA)"},
	} {
		if req.missing {
			return l, fmt.Errorf("%w: %s", ErrMissing, req.name)
		}
	}
	return l, nil
}

// names reads the holder's names from whichever elements the record's version uses:
// DCS with DAC and DAD (version 4 on), DCS with DCT (versions 2 and 3), or DAB and
// DAA ("LAST,FIRST,MIDDLE") in version 1.
func names(el map[string]string) (surname, given string) {
	surname = firstOf(el["DCS"], el["DAB"])
	var parts []string
	if g := el["DAC"]; g != "" {
		parts = append(parts, g)
		if m := el["DAD"]; m != "" && !strings.EqualFold(m, "NONE") {
			parts = append(parts, m)
		}
	} else if g := el["DCT"]; g != "" {
		parts = strings.FieldsFunc(g, func(r rune) bool { return r == ',' || r == ' ' })
	} else if full := el["DAA"]; full != "" {
		f := strings.FieldsFunc(full, func(r rune) bool { return r == ',' || r == '$' })
		if len(f) > 0 && surname == "" {
			surname = strings.TrimSpace(f[0])
		}
		if len(f) > 1 {
			parts = f[1:]
		}
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return surname, strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func sex(s string) string {
	switch strings.ToUpper(s) {
	case "1", "M":
		return "M"
	case "2", "F":
		return "F"
	case "9", "X":
		return "X"
	}
	return ""
}

// date reads an eight-digit date, in the order the record's country and version say;
// when that order gives no valid date the other is tried, since issuers have mixed
// them up. A date that is not valid either way is the zero time.
func date(s string, ymd bool) time.Time {
	if len(s) < 8 {
		return time.Time{}
	}
	s = s[:8]
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return time.Time{}
		}
	}
	for _, y := range []bool{ymd, !ymd} {
		var yy, mm, dd string
		if y {
			yy, mm, dd = s[0:4], s[4:6], s[6:8]
		} else {
			mm, dd, yy = s[0:2], s[2:4], s[4:8]
		}
		if t, err := time.Parse("20060102", yy+mm+dd); err == nil && t.Year() >= 1800 {
			return t
		}
	}
	return time.Time{}
}
