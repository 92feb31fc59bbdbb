package ocr

import (
	"time"

	"github.com/rampart-id/rampart/mrz"
)

const (
	// A character no check digit can catch needs this correlation, and this lead
	// over the runner-up.
	minUnchecked    = 0.5
	marginUnchecked = 0.04
	// Runner-up characters are tried when at most maxAlts checked characters lead
	// by less than maxAltMargin (and none of the others does); exactly one
	// combination must then pass every check.
	maxAlts      = 3
	maxAltMargin = 0.1
)

// value is a character's value in check digits, modulo 10: two characters of the
// same value (S and 8, G and 6, O and E, '<' and 0 …) can replace each other in a
// field without any check digit noticing.
func value(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A'+10) % 10
	}
	return 0
}

// parse parses the reading; failing that, the combinations of the runner-up
// characters where it was unsure. It returns the document and the lines that gave
// it.
func (rd reading) parse(now time.Time) (mrz.Document, []string, error) {
	lay := layouts[rd.format]
	// The characters a check digit cannot vouch for must be clear: those of
	// unchecked fields, and those whose runner-up has the same value.
	for i, cs := range rd.cells {
		for j, g := range cs {
			blind := !lay.checked[i][j] || value(g.c1) == value(g.c2)
			if blind && (g.s1 < minUnchecked || g.s1-g.s2 < marginUnchecked) {
				return mrz.Document{}, nil, ErrUnsure
			}
		}
	}
	lines := rd.text()
	doc, err := mrz.Parse(lines, now)
	if err == nil {
		return doc, lines, nil
	}
	type alt struct{ line, pos int }
	var alts []alt
	for i, cs := range rd.cells {
		for j, g := range cs {
			if lay.checked[i][j] && g.s1-g.s2 < maxAltMargin {
				alts = append(alts, alt{i, j})
			}
		}
	}
	if len(alts) == 0 || len(alts) > maxAlts {
		return mrz.Document{}, nil, err
	}
	var found []string
	for mask := 1; mask < 1<<len(alts); mask++ {
		b := make([][]byte, len(lines))
		for i := range lines {
			b[i] = []byte(lines[i])
		}
		for k, a := range alts {
			if mask&(1<<k) != 0 {
				b[a.line][a.pos] = rd.cells[a.line][a.pos].c2
			}
		}
		try := make([]string, len(b))
		for i := range b {
			try[i] = string(b[i])
		}
		d, e := mrz.Parse(try, now)
		if e != nil {
			continue
		}
		if found != nil && d != doc {
			return mrz.Document{}, nil, err // two documents fit: a guess
		}
		doc, found = d, try
	}
	if found == nil {
		return mrz.Document{}, nil, err
	}
	return doc, found, nil
}
