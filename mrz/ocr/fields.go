package ocr

import "github.com/rampart-id/rampart/mrz"

// layout is, for each line of a format, what each position may hold and whether a
// check digit covers it.
type layout struct {
	sets    [][]charset
	checked [][]bool
	codes   [][2]int // the country codes' line and first position
}

// span sets positions [from, to) of a line.
type span struct {
	from, to int
	set      charset
	checked  bool
}

func makeLayout(width int, lines ...[]span) layout {
	var l layout
	for _, spans := range lines {
		sets := make([]charset, width)
		checked := make([]bool, width)
		for i := range sets {
			sets[i] = setAlpha | setFiller
		}
		for _, s := range spans {
			for i := s.from; i < s.to; i++ {
				sets[i], checked[i] = s.set, s.checked
			}
		}
		l.sets = append(l.sets, sets)
		l.checked = append(l.checked, checked)
	}
	return l
}

// The layouts: codes, countries and names hold letters and fillers; numbers and
// optional data anything; dates digits; check digits a digit (or a filler, for an
// empty field).
var layouts = map[mrz.Format]layout{}

func init() {
	for f, l := range rawLayouts {
		l.codes = [][2]int{{0, 2}, {1, 10}}
		if f == mrz.TD1 {
			l.codes[1] = [2]int{1, 15}
		}
		layouts[f] = l
	}
}

var rawLayouts = map[mrz.Format]layout{
	mrz.TD1: makeLayout(30,
		[]span{{5, 14, setAny, true}, {14, 15, setDigit | setFiller, true}, {15, 30, setAny, true}},
		[]span{{0, 7, setDigit, true}, {7, 8, setSex, false}, {8, 15, setDigit, true}, {18, 29, setAny, true}, {29, 30, setDigit, true}},
		nil),
	mrz.TD2: makeLayout(36,
		nil,
		[]span{{0, 9, setAny, true}, {9, 10, setDigit | setFiller, true}, {13, 20, setDigit, true}, {20, 21, setSex, false}, {21, 28, setDigit, true}, {28, 35, setAny, true}, {35, 36, setDigit, true}}),
	mrz.TD3: makeLayout(44,
		nil,
		[]span{{0, 9, setAny, true}, {9, 10, setDigit | setFiller, true}, {13, 20, setDigit, true}, {20, 21, setSex, false}, {21, 28, setDigit, true}, {28, 42, setAny, true}, {42, 43, setDigit | setFiller, true}, {43, 44, setDigit, true}}),
}

// widths are the line lengths of the formats.
var widths = map[mrz.Format]int{mrz.TD1: 30, mrz.TD2: 36, mrz.TD3: 44}
