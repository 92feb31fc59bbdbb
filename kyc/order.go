package kyc

import (
	"fmt"
	"regexp"
	"strings"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
)

// Limits on partner-supplied identifiers. Kept here so the widget and server agree.
const (
	MaxUserIDLen = 128
	maxFieldLen  = 256
)

var (
	decimalRe  = regexp.MustCompile(`^[0-9]{1,18}(\.[0-9]{1,18})?$`)
	currencyRe = regexp.MustCompile(`^[A-Za-z0-9]{2,12}$`)
)

// FieldError names the request field that is wrong and why.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// ValidateUserID checks a partner_user_id: non-empty, bounded, printable.
func ValidateUserID(id string) error {
	switch {
	case id == "":
		return &FieldError{"partner_user_id", "is required"}
	case len(id) > MaxUserIDLen:
		return &FieldError{"partner_user_id", fmt.Sprintf("must be at most %d bytes", MaxUserIDLen)}
	case strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return &FieldError{"partner_user_id", "must not contain control characters"}
	}
	return nil
}

// NormalizeOrder validates an order and fills defaults (type "buy", upper-case codes).
func NormalizeOrder(o *kycv1.Order) (*kycv1.Order, error) {
	n := &kycv1.Order{
		Type:          strings.ToLower(strings.TrimSpace(o.GetType())),
		Currency:      strings.ToUpper(strings.TrimSpace(o.GetCurrency())),
		Network:       strings.TrimSpace(o.GetNetwork()),
		FiatCurrency:  strings.ToUpper(strings.TrimSpace(o.GetFiatCurrency())),
		FiatAmount:    strings.TrimSpace(o.GetFiatAmount()),
		Amount:        strings.TrimSpace(o.GetAmount()),
		WalletAddress: strings.TrimSpace(o.GetWalletAddress()),
		RedirectUrl:   strings.TrimSpace(o.GetRedirectUrl()),
	}
	if n.Type == "" {
		n.Type = "buy"
	}
	if n.Type != "buy" && n.Type != "sell" {
		return nil, &FieldError{"type", `must be "buy" or "sell"`}
	}
	if !currencyRe.MatchString(n.Currency) {
		return nil, &FieldError{"currency", "is required (a currency code such as BTC)"}
	}
	if !currencyRe.MatchString(n.FiatCurrency) {
		return nil, &FieldError{"fiat_currency", "is required (a currency code such as EUR)"}
	}
	switch {
	case n.FiatAmount == "" && n.Amount == "":
		return nil, &FieldError{"fiat_amount", "exactly one of fiat_amount and amount is required"}
	case n.FiatAmount != "" && n.Amount != "":
		return nil, &FieldError{"amount", "exactly one of fiat_amount and amount may be set"}
	case n.FiatAmount != "" && !positiveDecimal(n.FiatAmount):
		return nil, &FieldError{"fiat_amount", "must be a positive decimal string such as \"100.00\""}
	case n.Amount != "" && !positiveDecimal(n.Amount):
		return nil, &FieldError{"amount", "must be a positive decimal string such as \"0.0025\""}
	}
	for _, f := range []struct{ name, v string }{{"network", n.Network}, {"wallet_address", n.WalletAddress}, {"redirect_url", n.RedirectUrl}} {
		if len(f.v) > maxFieldLen {
			return nil, &FieldError{f.name, fmt.Sprintf("must be at most %d bytes", maxFieldLen)}
		}
	}
	if n.RedirectUrl != "" && !strings.HasPrefix(n.RedirectUrl, "https://") && !strings.HasPrefix(n.RedirectUrl, "http://") {
		return nil, &FieldError{"redirect_url", "must be an http(s) URL"}
	}
	return n, nil
}

func positiveDecimal(s string) bool {
	return decimalRe.MatchString(s) && strings.Trim(s, "0.") != ""
}
