package mrz

// CheckDigit is the ICAO 9303 check digit of s: weights 7, 3, 1 over the values of its
// characters (digits as themselves, A-Z as 10-35, the filler as 0), modulo 10.
func CheckDigit(s string) byte { return checkDigit(s) }

func checkDigit(s string) byte {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += value(s[i]) * weights[i%3]
	}
	return byte('0' + sum%10)
}

func value(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 0
}

// charKind is what a field may hold.
type charKind int

const (
	anyChar charKind = iota // letters, digits and fillers: the document number
	digit                   // digits: dates
)

// The characters OCR confuses, as pairs of a digit and the letter it looks like.
var confusions = map[byte]byte{'0': 'O', '1': 'I', '2': 'Z', '5': 'S', '6': 'G', '8': 'B'}

func toLetter(c byte) byte {
	if l, ok := confusions[c]; ok {
		return l
	}
	return c
}

func toDigit(c byte) byte {
	for d, l := range confusions {
		if l == c {
			return d
		}
	}
	if c == 'D' || c == 'Q' {
		return '0'
	}
	return c
}

func mapChars(s string, f func(byte) byte) string {
	b := []byte(s)
	for i := range b {
		b[i] = f(b[i])
	}
	return string(b)
}

// maxAmbiguous bounds the confusable characters tried both ways in one field (2^n
// variants): beyond it, the field is read as it is.
const maxAmbiguous = 8

// variants are the readings of field to try against its check digit, as read first.
// Digit fields have one (letters turned into the digits they look like); in an
// alphanumeric field every confusable character may be either.
func variants(field string, kind charKind) []string {
	if kind == digit {
		return []string{mapChars(field, toDigit)}
	}
	var pos []int
	for i := 0; i < len(field); i++ {
		if _, ok := confusions[field[i]]; ok || toDigit(field[i]) != field[i] {
			pos = append(pos, i)
		}
	}
	if len(pos) > maxAmbiguous {
		return []string{field}
	}
	out := []string{field}
	for mask := 1; mask < 1<<len(pos); mask++ {
		b := []byte(field)
		for k, i := range pos {
			if mask&(1<<k) != 0 {
				if l := toLetter(b[i]); l != b[i] {
					b[i] = l
				} else {
					b[i] = toDigit(b[i])
				}
			}
		}
		out = append(out, string(b))
	}
	return dedupe(out)
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
