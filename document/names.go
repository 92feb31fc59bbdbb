package document

import (
	"strings"
	"time"

	"github.com/rampart-id/rampart/mrz"
)

// Name comparison for the partner's expected name: documents print names in capitals,
// transliterated (ICAO 9303: Ü as UE or U, ß as SS, Ø as OE), truncated when long, with
// fillers for spaces and hyphens; partners send them as the user typed them. So both
// sides are folded to zone tokens, the expected one in both transliterations.

// nameForms folds one name into tokens, each with its spellings in zone characters:
// ICAO transliteration ("MUELLER") and accents dropped ("MULLER").
func nameForms(name string) [][]string {
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r == '<' })
	}
	// Commas, dots and apostrophes separate or join words as typed; the zone has none.
	name = strings.NewReplacer(",", " ", ".", " ", "'", "", "’", "").Replace(name)
	icao, plain := split(mrz.Transliterate(name)), split(mrz.Unaccented(name))
	out := make([][]string, len(icao))
	for i, t := range icao {
		out[i] = []string{t}
		if i < len(plain) && plain[i] != t {
			out[i] = append(out[i], plain[i])
		}
	}
	return out
}

// tokenIn reports whether a document token matches one of the expected tokens; a
// document token may be truncated (the zone ran out of room), so a long enough prefix
// counts when truncated is set.
func tokenIn(doc []string, expected [][]string, truncated bool) bool {
	for _, e := range expected {
		for _, d := range doc {
			for _, x := range e {
				if d == x || (truncated && len(d) >= 3 && strings.HasPrefix(x, d)) {
					return true
				}
			}
		}
	}
	return false
}

// NameMatches reports whether the name a partner expects is the document holder's:
// every surname token of the document is in it, and so is the first given name (when
// the document has one), in any order and case, with or without diacritics. Middle
// names the partner left out do not matter.
func NameMatches(expected string, id Identity) bool {
	exp := nameForms(expected)
	sur, given := nameForms(id.Surname), nameForms(id.GivenNames)
	if len(exp) == 0 || len(sur) == 0 {
		return false
	}
	// The zone holds 39 (TD3) or 30 (TD1) characters of names: the last token may be cut.
	truncated := id.Source == SourceMRZ
	for i, s := range sur {
		if !tokenIn(s, exp, truncated && i == len(sur)-1 && len(given) == 0) {
			return false
		}
	}
	return len(given) == 0 || tokenIn(given[0], exp, truncated && len(given) == 1)
}

// Expected is what a partner says a user's name and date of birth are.
type Expected struct {
	Name      string    `json:"name,omitempty"`
	BirthDate time.Time `json:"birth_date,omitzero"`
}

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (time.Time, error) { return time.Parse(time.DateOnly, strings.TrimSpace(s)) }
