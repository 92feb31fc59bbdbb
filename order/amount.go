package order

import (
	"fmt"
	"strings"
)

// MaxIntegerDigits bounds amounts below 10^12 units of any currency: more than any real
// order, even in currencies of small value, and far from overflowing anything downstream.
const MaxIntegerDigits = 12

// CheckAmount accepts a positive plain decimal ("100", "0.0025") with at most the
// decimals of the currency; the error names the field.
func CheckAmount(field, s string, decimals int, code string) error {
	if r := amountReason(s, decimals, code); r != "" {
		return fieldErr(field, r)
	}
	return nil
}

func amountReason(s string, decimals int, code string) string {
	const shape = `must be a positive decimal string such as "100.00"`
	whole, frac, dotted := strings.Cut(s, ".")
	switch {
	case !digits(whole) || (dotted && !digits(frac)):
		return shape
	case len(whole) > 1 && whole[0] == '0':
		return shape + " (no leading zeros)"
	case strings.Trim(whole+frac, "0") == "":
		return "must be greater than zero"
	case len(whole) > MaxIntegerDigits:
		return "must be below 1" + strings.Repeat("0", MaxIntegerDigits)
	case len(frac) > decimals && decimals == 0:
		return "must be a whole number for " + code
	case len(frac) > decimals:
		return fmt.Sprintf("has more decimal places than %s allows (%d)", code, decimals)
	}
	return ""
}

func digits(s string) bool {
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
