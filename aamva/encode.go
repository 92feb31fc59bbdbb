package aamva

import (
	"fmt"
	"strings"
	"time"
)

// Encode writes l as a version 10 record with one subfile (DL or ID, from l.Kind; DL
// when empty). Mandatory elements the Licence does not hold (address, eye colour,
// height, document discriminator) get neutral placeholders, and an empty Sex is written
// as 9 (not specified), so that the record is complete for readers that insist on
// them. Names are written in upper case. Dates are MMDDCCYY for the USA and
// CCYYMMDD for Canada; the country defaults to the one of the jurisdiction.
func Encode(l Licence) []byte {
	kind := l.Kind
	if kind != "ID" {
		kind = "DL"
	}
	country := l.Country
	if country == "" {
		country = "USA"
		if canadian[l.State] {
			country = "CAN"
		}
	}
	iin := l.IIN
	if len(iin) != 6 {
		iin = iinFor(l.State)
	}
	if iin == "" {
		iin = "000000"
	}
	layout := "01022006"
	if country == "CAN" {
		layout = "20060102"
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return strings.Repeat("0", 8)
		}
		return t.Format(layout)
	}
	first, middle, _ := strings.Cut(strings.Join(strings.Fields(l.GivenNames), " "), " ")
	if middle == "" {
		middle = "NONE"
	}
	height, postal := "069 in", "000000000"
	if country == "CAN" {
		height, postal = "175 cm", "A1A1A1"
	}

	type el struct{ id, v string }
	els := []el{}
	if kind == "DL" {
		els = append(els, el{"DCA", "C"}, el{"DCB", "NONE"}, el{"DCD", "NONE"})
	}
	els = append(els,
		el{"DBA", date(l.ExpiryDate)},
		el{"DCS", l.Surname},
		el{"DAC", first},
		el{"DAD", middle},
		el{"DBD", date(l.IssueDate)},
		el{"DBB", date(l.BirthDate)},
	)
	sex := map[string]string{"M": "1", "F": "2"}[l.Sex]
	if sex == "" {
		sex = "9" // not specified: the element itself is mandatory
	}
	els = append(els,
		el{"DBC", sex},
		el{"DAY", "UNK"},
		el{"DAU", height},
		el{"DAG", "1 MAIN ST"},
		el{"DAI", "CAPITAL"},
		el{"DAJ", l.State},
		el{"DAK", postal},
		el{"DAQ", l.Number},
		el{"DCF", "NONE"},
		el{"DCG", country},
		el{"DDE", "N"},
		el{"DDF", "N"},
		el{"DDG", "N"},
	)

	var body strings.Builder
	body.WriteString(kind)
	for i, e := range els {
		if i > 0 {
			body.WriteByte('\n')
		}
		body.WriteString(e.id)
		body.WriteString(clean(e.v))
	}
	body.WriteByte('\r')

	// Compliance indicator, file type, IIN, version 10, jurisdiction version 0, one
	// entry, then the designator: 21 + 10 bytes before the subfile.
	const headerLen = 31
	head := fmt.Sprintf("@\n\x1e\rANSI %s100001%s%04d%04d", iin, kind, headerLen, body.Len())
	return append([]byte(head), body.String()...)
}

// clean keeps a value from breaking the record: separators become spaces and letters
// are upper case, as the standard has them.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToUpper(s))
}
