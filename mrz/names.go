package mrz

import (
	"strings"
	"unicode"
)

// Names in zone characters. ICAO 9303 transliterates the Latin letters beyond A-Z
// (Ü as UE, Ø as OE, ß as SS) and drops other diacritics; some issuers simply drop
// every diacritic (Ü as U). Generators print the first; comparisons try both.

// translit are ICAO's transliterations of the Latin letters that are not A-Z.
var translit = map[rune]string{
	'Ä': "AE", 'Å': "AA", 'Æ': "AE", 'Ö': "OE", 'Ø': "OE", 'Œ': "OE", 'Ü': "UE",
	'ß': "SS", 'Þ': "TH", 'Ð': "D", 'Đ': "D", 'Ł': "L", 'Ĳ': "IJ", 'Ħ': "H", 'Ŧ': "T",
}

// plain maps letters with diacritics to their base letter.
var plain = map[rune]rune{}

func init() {
	for base, s := range map[rune]string{
		'A': "ÀÁÂÃÄÅĀĂĄ", 'C': "ÇĆĈĊČ", 'D': "ĎĐÐ", 'E': "ÈÉÊËĒĔĖĘĚ", 'G': "ĜĞĠĢ", 'H': "ĤĦ",
		'I': "ÌÍÎÏĨĪĬĮİ", 'J': "Ĵ", 'K': "Ķ", 'L': "ĹĻĽĿŁ", 'N': "ÑŃŅŇ", 'O': "ÒÓÔÕÖØŌŎŐ",
		'R': "ŔŖŘ", 'S': "ŚŜŞŠȘ", 'T': "ŢŤȚŦ", 'U': "ÙÚÛÜŨŪŬŮŰŲ", 'W': "Ŵ", 'Y': "ÝŸŶ",
		'Z': "ŹŻŽ",
	} {
		for _, r := range s {
			plain[r] = base
		}
	}
}

// Transliterate writes a name in zone characters the ICAO way: upper case, Ü as UE,
// Ø as OE, ß as SS, other diacritics dropped, spaces and hyphens as fillers,
// apostrophes and other marks left out.
func Transliterate(name string) string { return zoneName(name, true) }

// Unaccented writes a name in zone characters with every diacritic dropped (Ü as U),
// as some issuers do.
func Unaccented(name string) string { return zoneName(name, false) }

func zoneName(name string, icao bool) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		switch {
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case icao && translit[r] != "":
			b.WriteString(translit[r])
		case plain[r] != 0:
			b.WriteRune(plain[r])
		case translit[r] != "":
			b.WriteString(translit[r])
		case r == ' ' || r == '-' || r == '<':
			b.WriteByte('<')
		case unicode.IsLetter(r):
			// A letter outside the table: the zone would need a national rule.
			b.WriteByte('X')
		}
	}
	return strings.Trim(b.String(), "<")
}
