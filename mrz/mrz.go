// Package mrz parses the machine-readable zone of travel documents (ICAO 9303 TD1, TD2
// and TD3) once its lines have been read: every check digit including the composite,
// names with fillers, dates with their century, and the repair of the characters OCR
// confuses (0/O, 1/I, 2/Z, 5/S, 6/G, 8/B) by the kind of field they stand in. It is
// shared by the server and the browser widget and has no dependencies.
package mrz

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Format is the layout of a machine-readable zone.
type Format string

// The three ICAO 9303 layouts.
const (
	TD1 Format = "TD1" // ID cards: 3 lines of 30
	TD2 Format = "TD2" // 2 lines of 36
	TD3 Format = "TD3" // passports: 2 lines of 44
)

// Document is what a machine-readable zone says.
type Document struct {
	Format         Format
	DocumentCode   string // "P", "I", "ID", "AC", … (fillers removed)
	IssuingCountry string // ICAO 3-letter code (D for Germany), fillers removed
	Number         string
	Surname        string
	GivenNames     string
	Nationality    string
	BirthDate      time.Time
	Sex            string // "M", "F" or "X" (unspecified)
	ExpiryDate     time.Time
	OptionalData   string // personal number or other optional data, fillers removed
	OptionalData2  string // TD1's second optional field
}

// Errors of Parse.
var (
	ErrFormat     = errors.New("mrz: not a TD1, TD2 or TD3 zone")
	ErrCheckDigit = errors.New("mrz: check digit mismatch")
	ErrField      = errors.New("mrz: field unreadable")
)

// Parse reads the lines of a zone (2 or 3, any surrounding spaces ignored). now sets
// the century of two-digit years: a birth date is never in the future, an expiry date
// is at most 50 years ahead. Every check digit must hold, after the confusable
// characters of each field were repaired by field type.
func Parse(lines []string, now time.Time) (Document, error) {
	var ls []string
	for _, l := range lines {
		if l = strings.ToUpper(strings.TrimSpace(l)); l != "" {
			ls = append(ls, l)
		}
	}
	switch {
	case len(ls) == 3 && len(ls[0]) == 30 && len(ls[1]) == 30 && len(ls[2]) == 30:
		return parseTD1(ls, now)
	case len(ls) == 2 && len(ls[0]) == 36 && len(ls[1]) == 36:
		return parseTwoLines(ls, TD2, now)
	case len(ls) == 2 && len(ls[0]) == 44 && len(ls[1]) == 44:
		return parseTwoLines(ls, TD3, now)
	}
	return Document{}, ErrFormat
}

// parseTwoLines reads TD2 and TD3, which share their layout but for the width: line
// 1 is code, issuer and names; line 2 is number, nationality, the birth/sex/expiry
// block, optional data (with its own check digit in TD3) and the composite.
func parseTwoLines(l []string, f Format, now time.Time) (Document, error) {
	d := Document{Format: f}
	p := parser{now: now}
	w := len(l[0])
	d.DocumentCode = strip(p.alpha(l[0][0:2]))
	d.IssuingCountry = strip(p.alpha(l[0][2:5]))
	d.Surname, d.GivenNames = names(p.alpha(l[0][5:w]))
	num, numCheck := p.checked("document number", l[1][0:9], l[1][9], anyChar)
	d.Number = strip(num)
	d.Nationality = strip(p.alpha(l[1][10:13]))
	dobCheck, expCheck := p.datesAndSex(&d, l[1][13:28])
	opt, optCheck := l[1][28:w-1], l[1][28:w-1]
	if f == TD3 {
		opt, optCheck = l[1][28:42], l[1][28:43]
		if l[1][42] != '<' || strings.Trim(opt, "<") != "" {
			opt, optCheck = p.checked("optional data", opt, l[1][42], anyChar)
		}
	}
	d.OptionalData = strip(opt)
	p.composite(l[1][w-1], numCheck, dobCheck, expCheck, optCheck)
	return d, p.err
}

// datesAndSex reads the 15-character block every layout shares: birth date and its
// check digit, sex, expiry date and its check digit. It returns each date with its
// check digit, for the composite.
func (p *parser) datesAndSex(d *Document, s string) (dobCheck, expCheck string) {
	dob, dobCheck := p.checked("birth date", s[0:6], s[6], digit)
	d.BirthDate = p.date("birth date", dob, false)
	d.Sex = p.sex(s[7])
	exp, expCheck := p.checked("expiry date", s[8:14], s[14], digit)
	d.ExpiryDate = p.date("expiry date", exp, true)
	return dobCheck, expCheck
}

func parseTD1(l []string, now time.Time) (Document, error) {
	d := Document{Format: TD1}
	p := parser{now: now}
	d.DocumentCode = strip(p.alpha(l[0][0:2]))
	d.IssuingCountry = strip(p.alpha(l[0][2:5]))
	var numCheck, opt1 string
	if l[0][14] == '<' && l[0][15] != '<' {
		// A number longer than 9: it runs on into the optional data, its check digit
		// is the last character before the fillers there.
		rest := strings.TrimRight(l[0][15:30], "<")
		if rest == "" {
			p.fail(ErrField, "document number")
		} else {
			n, c := p.checked("document number", l[0][5:14]+rest[:len(rest)-1], rest[len(rest)-1], anyChar)
			d.Number = strip(n)
			numCheck = n[:9] + "<" + n[9:] + c[len(c)-1:]
			opt1 = strings.Repeat("<", 15-len(rest))
		}
	} else {
		n, c := p.checked("document number", l[0][5:14], l[0][14], anyChar)
		d.Number, numCheck, opt1 = strip(n), c, l[0][15:30]
		d.OptionalData = strip(opt1)
	}
	dobCheck, expCheck := p.datesAndSex(&d, l[1][0:15])
	d.Nationality = strip(p.alpha(l[1][15:18]))
	d.OptionalData2 = strip(l[1][18:29])
	d.Surname, d.GivenNames = names(p.alpha(l[2]))
	p.composite(l[1][29], numCheck+opt1, dobCheck, expCheck, l[1][18:29])
	return d, p.err
}

// parser keeps the first error of a parse.
type parser struct {
	now time.Time
	err error
}

func (p *parser) fail(kind error, field string) {
	if p.err == nil {
		p.err = fmt.Errorf("%w: %s", kind, field)
	}
}

// alpha repairs digits read where only letters and fillers belong.
func (p *parser) alpha(s string) string { return mapChars(s, toLetter) }

func (p *parser) sex(c byte) string {
	switch toLetter(c) {
	case 'M':
		return "M"
	case 'F':
		return "F"
	case '<', 'X':
		return "X"
	}
	p.fail(ErrField, "sex")
	return ""
}

// checked repairs field (of kind) and its check digit so that they agree, and returns
// the field and the field followed by its check digit (for the composite).
func (p *parser) checked(name, field string, check byte, kind charKind) (string, string) {
	c := toDigit(check)
	if c < '0' || c > '9' {
		if !(c == '<' && strings.Trim(field, "<") == "") {
			p.fail(ErrCheckDigit, name)
		}
		return field, field + string(c)
	}
	// The reading as made wins; otherwise exactly one repair must fit. With several
	// confusable characters, some repair fits by chance (one in ten each): two that
	// fit are a guess, and a wrong read must not pass, so the field is unreadable.
	var fits []string
	for _, v := range variants(field, kind) {
		if checkDigit(v) == c {
			if v == field {
				return v, v + string(c)
			}
			fits = append(fits, v)
		}
	}
	if len(fits) == 1 {
		return fits[0], fits[0] + string(c)
	}
	p.fail(ErrCheckDigit, name)
	return field, field + string(c)
}

// composite checks the final digit over the concatenated fields (each given with its
// check digit where it has one).
func (p *parser) composite(check byte, parts ...string) {
	if p.err != nil {
		return
	}
	if c := toDigit(check); checkDigit(strings.Join(parts, "")) != c {
		p.fail(ErrCheckDigit, "composite")
	}
}

// date reads YYMMDD. Birth dates are never after now; expiry dates at most 50 years
// after it.
func (p *parser) date(name, s string, expiry bool) time.Time {
	now := p.now
	if p.err != nil {
		return time.Time{}
	}
	var v [3]int
	for i := range v {
		a, b := s[2*i], s[2*i+1]
		if a < '0' || a > '9' || b < '0' || b > '9' {
			p.fail(ErrField, name)
			return time.Time{}
		}
		v[i] = int(a-'0')*10 + int(b-'0')
	}
	year := now.Year()/100*100 + v[0]
	switch {
	case !expiry && year > now.Year():
		year -= 100
	case expiry && year > now.Year()+50:
		year -= 100
	case expiry && year < now.Year()-50:
		year += 100
	}
	t := time.Date(year, time.Month(v[1]), v[2], 0, 0, 0, 0, time.UTC)
	if v[1] < 1 || v[1] > 12 || v[2] < 1 || t.Day() != v[2] {
		p.fail(ErrField, name)
		return time.Time{}
	}
	return t
}

// names splits "SURNAME<<GIVEN<NAMES<<<<" into its parts with spaces.
func names(s string) (surname, given string) {
	s = strings.TrimRight(s, "<")
	sur, giv, _ := strings.Cut(s, "<<")
	return strip(sur), strip(giv)
}

// strip turns fillers into spaces and trims.
func strip(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '<' }), " ")
}
