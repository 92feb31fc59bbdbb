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
	text := make([][]byte, len(rd.cells))
	for i := range text {
		text[i] = []byte(rd.text()[i])
	}
	resolved := rd.countries(lay, text)
	// The characters a check digit cannot vouch for must be clear: those of
	// unchecked fields, and those whose runner-up has the same value.
	for i, cs := range rd.cells {
		for j, g := range cs {
			blind := !lay.checked[i][j] || value(g.c1) == value(g.c2)
			if blind && !resolved[[2]int{i, j}] && !plain(g) {
				return mrz.Document{}, nil, ErrUnsure
			}
		}
	}
	lines := make([]string, len(text))
	for i := range text {
		lines[i] = string(text[i])
	}
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

// plain says whether a cell's best character is plainly the best.
func plain(g guess) bool { return g.s1 >= minUnchecked && g.s1-g.s2 >= marginUnchecked }

// countries settles the country codes' unsure characters (both candidates good
// matches, neither clearly better) where exactly one choice makes a code that
// exists, writing it into text; it returns the positions settled.
func (rd reading) countries(lay layout, text [][]byte) map[[2]int]bool {
	out := map[[2]int]bool{}
	for _, f := range lay.codes {
		line, at := f[0], f[1]
		var unsure []int
		for j := at; j < at+3; j++ {
			if g := rd.cells[line][j]; !plain(g) {
				if g.s1 < minUnchecked || g.s2 < minUnchecked {
					unsure = nil
					break
				}
				unsure = append(unsure, j)
			}
		}
		if len(unsure) == 0 {
			continue
		}
		var fit []byte
		n := 0
		for mask := 0; mask < 1<<len(unsure); mask++ {
			code := append([]byte(nil), text[line][at:at+3]...)
			for k, j := range unsure {
				if mask&(1<<k) != 0 {
					code[j-at] = rd.cells[line][j].c2
				}
			}
			if isCountry(string(code)) {
				fit, n = code, n+1
			}
		}
		if n == 1 {
			copy(text[line][at:], fit)
			for _, j := range unsure {
				out[[2]int{line, j}] = true
			}
		}
	}
	return out
}
