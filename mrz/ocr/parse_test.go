package ocr

import (
	"errors"
	"testing"

	"github.com/rampart-id/rampart/mrz"
)

var td3 = []string{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"}

// sureReading is a reading of lines where every character is plainly the best.
func sureReading(f mrz.Format, lines []string) reading {
	rd := reading{format: f}
	for _, l := range lines {
		cs := make([]guess, len(l))
		for j := range cs {
			cs[j] = guess{c1: l[j], c2: '#', s1: 0.9, s2: 0.5}
		}
		rd.cells = append(rd.cells, cs)
	}
	return rd
}

func TestParseUnsure(t *testing.T) {
	want, err := mrz.Parse(td3, now)
	if err != nil {
		t.Fatal(err)
	}
	rd := sureReading(mrz.TD3, td3)
	if got, _, err := rd.parse(now); err != nil || got != want {
		t.Fatalf("sure reading: %+v %v", got, err)
	}

	// A name's character barely ahead of the next: refused.
	rd.cells[0][6] = guess{c1: 'R', c2: 'B', s1: 0.8, s2: 0.79}
	if _, _, err := rd.parse(now); !errors.Is(err, ErrUnsure) {
		t.Errorf("unsure name character: %v, want ErrUnsure", err)
	}

	// A country code's unsure character settled by the codes that exist, whichever
	// of the two came first.
	for _, g := range []guess{{c1: 'O', c2: 'Q', s1: 0.85, s2: 0.84}, {c1: 'Q', c2: 'O', s1: 0.85, s2: 0.84}} {
		rd := sureReading(mrz.TD3, td3)
		rd.cells[0][4] = g
		if got, lines, err := rd.parse(now); err != nil || got != want || lines[0] != td3[0] {
			t.Errorf("country %c/%c: %+v %q %v", g.c1, g.c2, got, lines, err)
		}
	}

	// S and 8 have the same check value: an unsure one in the number is refused
	// even though the check digits hold either way.
	rd = sureReading(mrz.TD3, td3)
	rd.cells[1][3] = guess{c1: '8', c2: 'S', s1: 0.8, s2: 0.78}
	if _, _, err := rd.parse(now); !errors.Is(err, ErrUnsure) {
		t.Errorf("unsure 8/S: %v, want ErrUnsure", err)
	}

	// A misread date digit whose runner-up is right: the one combination that
	// passes is taken, and its lines returned.
	rd = sureReading(mrz.TD3, td3)
	rd.cells[1][15] = guess{c1: '3', c2: '0', s1: 0.8, s2: 0.75}
	if got, lines, err := rd.parse(now); err != nil || got != want || lines[1] != td3[1] {
		t.Errorf("runner-up date digit: %+v %q %v", got, lines, err)
	}

	// Too many unsure checked characters: no runner-ups tried.
	for _, j := range []int{15, 16, 17, 18} {
		rd.cells[1][j] = guess{c1: '3', c2: td3[1][j], s1: 0.8, s2: 0.75}
	}
	if _, _, err := rd.parse(now); err == nil {
		t.Error("four unsure digits: read")
	}
}

func TestIsCountry(t *testing.T) {
	for s, want := range map[string]bool{"UTO": true, "D<<": true, "DEU": true, "FRA": true, "XXA": true, "UTQ": false, "RA ": false, "A F": false, "ABWAFG": false} {
		if isCountry(s) != want {
			t.Errorf("isCountry(%q) = %v", s, !want)
		}
	}
}
