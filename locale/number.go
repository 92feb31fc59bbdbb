package locale

import (
	"strconv"
	"strings"
)

// Non-breaking spaces: an amount and its currency, or the groups of a number, never
// wrap onto two lines.
const (
	nbsp       = "\u00a0"
	narrowNbsp = "\u202f"
)

// numberFormat is how a language writes numbers and amounts: a small table instead of a
// CLDR library, which would weigh more than the rest of the widget.
type numberFormat struct {
	decimal, group string
	// minGroup is the number of integer digits from which the group separator is used
	// (Spanish writes 1000 but 10.000).
	minGroup int
	// symbolFirst puts a currency symbol before the amount with no space ("€100.50");
	// otherwise the symbol or code follows after space ("100,50 €").
	symbolFirst bool
	space       string
	symbols     map[string]string // currency code → symbol; other codes are written as is
}

var numberFormats = map[string]numberFormat{
	"en": {decimal: ".", group: ",", minGroup: 4, symbolFirst: true, space: nbsp,
		symbols: map[string]string{"EUR": "€", "USD": "$", "GBP": "£"}},
	"es": {decimal: ",", group: ".", minGroup: 5, space: nbsp,
		symbols: map[string]string{"EUR": "€", "USD": "US$", "GBP": "GBP"}},
	"fr": {decimal: ",", group: narrowNbsp, minGroup: 4, space: narrowNbsp,
		symbols: map[string]string{"EUR": "€", "USD": "$US", "GBP": "£GB"}},
	"de": {decimal: ",", group: ".", minGroup: 4, space: nbsp,
		symbols: map[string]string{"EUR": "€", "USD": "$", "GBP": "£"}},
}

// maxNumberLen bounds what Number formats; longer input is returned unchanged.
const maxNumberLen = 64

// Number writes a decimal number given as the API sends it ("1234.50", "0.0025", "-3")
// the way the language writes it, keeping every decimal (a crypto amount's precision
// matters). Anything that is not such a number is returned unchanged.
func (t Texts) Number(s string) string {
	sign, digits := "", s
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, digits = "-", rest
	}
	intPart, frac, hasFrac := strings.Cut(digits, ".")
	if len(s) > maxNumberLen || !allDigits(intPart) || (hasFrac && !allDigits(frac)) {
		return s
	}
	f := t.format()
	var b strings.Builder
	b.WriteString(sign)
	if len(intPart) >= f.minGroup {
		for i, c := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteString(f.group)
			}
			b.WriteRune(c)
		}
	} else {
		b.WriteString(intPart)
	}
	if hasFrac {
		b.WriteString(f.decimal + frac)
	}
	return b.String()
}

// Int writes a whole number (attempts left, days) the way the language writes it.
func (t Texts) Int(n int) string { return t.Number(strconv.Itoa(n)) }

// Money writes an amount with its currency: a symbol where the language has one for the
// code (€, $, £), otherwise the code after the number ("0,0025 BTC").
func (t Texts) Money(amount, currency string) string {
	f := t.format()
	n := t.Number(amount)
	if currency == "" {
		return n
	}
	if sym, ok := f.symbols[currency]; ok {
		if f.symbolFirst {
			if strings.HasPrefix(n, "-") {
				return "-" + sym + n[1:]
			}
			return sym + n
		}
		return n + f.space + sym
	}
	return n + f.space + currency
}

func (t Texts) format() numberFormat {
	if f, ok := numberFormats[t.Lang]; ok {
		return f
	}
	return numberFormats["en"]
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// frenchTypography sets French punctuation spacing on a catalog written with plain
// spaces: a no-break space before ":" and inside « », a narrow no-break space before
// ; ! ?, and the typographic apostrophe.
func frenchTypography(m map[string]string) map[string]string {
	r := strings.NewReplacer(" :", nbsp+":", " ;", narrowNbsp+";", " !", narrowNbsp+"!", " ?", narrowNbsp+"?",
		"« ", "«"+nbsp, " »", nbsp+"»", "'", "’")
	for k, v := range m {
		m[k] = r.Replace(v)
	}
	return m
}
