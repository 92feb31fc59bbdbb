package doctest

import (
	"strings"
	"time"

	"github.com/rampart-id/rampart/mrz"
)

// MRZ is the machine-readable zone printed on the document, line by line: 2 lines of
// 44 for a passport, 3 of 30 for an ID card (on its back), 2 of 36 for a TD2 card;
// nil for a licence. Every check digit, the composite included, is right.
func (s Spec) MRZ() []string {
	p := s.Person
	num := pad(s.Number, 9)
	numCD := cd(num)
	dob := yymmdd(p.BirthDate)
	exp := yymmdd(s.Expiry)
	dobCD, expCD := dob+cd(dob), exp+cd(exp)
	sex := mrzSex(p.Sex)
	switch s.Kind {
	case Passport:
		opt := pad(s.Optional, 14)
		optCD := cd(opt)
		if strings.Trim(opt, "<") == "" {
			optCD = "<"
		}
		l1 := "P<" + pad(s.Country, 3) + mrzName(p.Surname, p.GivenNames, 39)
		l2 := num + numCD + pad(p.Nationality, 3) + dobCD + sex + expCD + opt + optCD
		l2 += cd(num + numCD + dobCD + expCD + opt + optCD)
		return []string{l1, l2}
	case TD2Card:
		opt := pad(s.Optional, 7)
		l1 := "I<" + pad(s.Country, 3) + mrzName(p.Surname, p.GivenNames, 31)
		l2 := num + numCD + pad(p.Nationality, 3) + dobCD + sex + expCD + opt
		l2 += cd(num + numCD + dobCD + expCD + opt)
		return []string{l1, l2}
	case IDCard:
		opt1, opt2 := pad(s.Optional, 15), pad("", 11)
		l1 := "ID" + pad(s.Country, 3) + num + numCD + opt1
		l2 := dobCD + sex + expCD + pad(p.Nationality, 3) + opt2
		l2 += cd(num + numCD + opt1 + dobCD + expCD + opt2)
		return []string{l1, l2, mrzName(p.Surname, p.GivenNames, 30)}
	}
	return nil
}

func cd(s string) string { return string(mrz.CheckDigit(s)) }

// pad is s in zone characters, fillers for spaces, cut or filled to n.
func pad(s string, n int) string {
	s = strings.ReplaceAll(strings.ToUpper(s), " ", "<")
	if len(s) > n {
		return s[:n]
	}
	return s + strings.Repeat("<", n-len(s))
}

func yymmdd(t time.Time) string { return t.Format("060102") }

func mrzSex(s string) string {
	if s == "M" || s == "F" {
		return s
	}
	return "<"
}

// mrzName is the name field of width n: surname, two fillers, given names, each
// transliterated. A name too long is cut in the given names first, keeping at least
// their initial; then in the surname.
func mrzName(surname, given string, n int) string {
	sur, giv := Transliterate(surname), Transliterate(given)
	full := sur
	if giv != "" {
		full += "<<" + giv
	}
	if len(full) > n && giv != "" && len(sur)+3 > n {
		full = sur[:n-3] + "<<" + giv[:1]
	}
	return pad(full, n)
}

// Transliterate writes a name in zone characters (mrz.Transliterate).
func Transliterate(name string) string { return mrz.Transliterate(name) }
