package document

import (
	"strings"
	"time"
	"unicode"
)

// Name comparison for the partner's expected name: documents print names in capitals,
// transliterated (ICAO 9303: Ü as UE or U, ß as SS, Ø as OE), truncated when long, with
// fillers for spaces and hyphens; partners send them as the user typed them. So both
// sides are folded to capital ASCII tokens, every token in both transliterations.

// translit gives the ICAO 9303 transliteration of letters that do not simply lose an
// accent; other letters lose their diacritics.
var translit = map[rune]string{
	'Ä': "AE", 'Ö': "OE", 'Ü': "UE", 'Å': "AA", 'Æ': "AE", 'Ø': "OE", 'Œ': "OE",
	'ß': "SS", 'Þ': "TH", 'Ð': "D", 'Đ': "D", 'Ł': "L", 'Ħ': "H", 'Ŀ': "L", 'Ŋ': "N", 'Ŧ': "T",
}

// plain maps accented Latin letters to their base letter.
var plain = map[rune]rune{}

func init() {
	for base, accented := range map[rune]string{
		'A': "ÀÁÂÃÄÅĀĂĄǍ", 'C': "ÇĆĈĊČ", 'D': "ĎĐÐ", 'E': "ÈÉÊËĒĔĖĘĚ", 'G': "ĜĞĠĢ", 'H': "ĤĦ",
		'I': "ÌÍÎÏĨĪĬĮİ", 'J': "Ĵ", 'K': "Ķ", 'L': "ĹĻĽĿŁ", 'N': "ÑŃŅŇ", 'O': "ÒÓÔÕÖØŌŎŐ",
		'R': "ŔŖŘ", 'S': "ŚŜŞŠȘ", 'T': "ŢŤŦȚ", 'U': "ÙÚÛÜŨŪŬŮŰŲ", 'W': "Ŵ", 'Y': "ÝŶŸ", 'Z': "ŹŻŽ",
	} {
		for _, r := range accented {
			plain[r] = base
		}
	}
}

// nameForms folds one name into tokens, each with its spellings: accents dropped
// ("MULLER") and ICAO transliteration ("MUELLER").
func nameForms(name string) [][]string {
	var out [][]string
	for _, tok := range strings.FieldsFunc(strings.ToUpper(name), func(r rune) bool {
		return r == '<' || r == '-' || r == '\'' || r == '’' || r == ',' || r == '.' || unicode.IsSpace(r)
	}) {
		var a, b strings.Builder
		for _, r := range tok {
			if t, ok := translit[r]; ok {
				b.WriteString(t)
			} else if p, ok := plain[r]; ok {
				b.WriteRune(p)
			} else if r < unicode.MaxASCII && unicode.IsLetter(r) {
				b.WriteRune(r)
			}
			switch p, ok := plain[r]; {
			case ok:
				a.WriteRune(p)
			case r < unicode.MaxASCII && unicode.IsLetter(r):
				a.WriteRune(r)
			case translit[r] != "":
				a.WriteString(translit[r])
			}
		}
		if a.Len() == 0 {
			continue
		}
		forms := []string{a.String()}
		if b.String() != a.String() {
			forms = append(forms, b.String())
		}
		out = append(out, forms)
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
