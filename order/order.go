// Package order holds the order policy of payment sessions: the supported crypto
// currencies and networks with their decimals, ISO 4217 fiat currencies, amounts and
// wallet addresses per network. It is pure Go so the browser widget can link it too.
package order

import (
	"fmt"
	"strings"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	"github.com/rampart-id/rampart/kyc"
)

// maxFieldLen bounds the free-text fields of an order.
const maxFieldLen = 256

func fieldErr(field, reason string) error { return &kyc.FieldError{Field: field, Reason: reason} }

// Normalize validates an order and returns it as accepted: type defaulted to "buy",
// currency codes upper case, the network lower case and filled in when the currency has
// only one. testMode admits bitcoin testnet addresses (test-mode partners only).
// Errors are *kyc.FieldError naming the field.
func Normalize(o *kycv1.Order, testMode bool) (*kycv1.Order, error) {
	n := &kycv1.Order{
		Type:          strings.ToLower(strings.TrimSpace(o.GetType())),
		Currency:      strings.ToUpper(strings.TrimSpace(o.GetCurrency())),
		Network:       strings.ToLower(strings.TrimSpace(o.GetNetwork())),
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
		return nil, fieldErr("type", `must be "buy" or "sell"`)
	}
	for _, f := range []struct{ name, v string }{{"network", n.Network}, {"wallet_address", n.WalletAddress}, {"redirect_url", n.RedirectUrl}} {
		if len(f.v) > maxFieldLen {
			return nil, fieldErr(f.name, fmt.Sprintf("must be at most %d bytes", maxFieldLen))
		}
	}
	if n.Currency == "" {
		return nil, fieldErr("currency", "is required (a currency code such as BTC)")
	}
	asset, err := FindAsset(n.Currency, n.Network)
	if err != nil {
		return nil, err
	}
	n.Network = asset.Network
	if n.FiatCurrency == "" {
		return nil, fieldErr("fiat_currency", "is required (a currency code such as EUR)")
	}
	fiat, ok := FindFiat(n.FiatCurrency)
	if !ok {
		return nil, fieldErr("fiat_currency", "is not an ISO 4217 currency code in circulation (such as EUR, USD, JPY)")
	}
	switch {
	case n.FiatAmount == "" && n.Amount == "":
		return nil, fieldErr("fiat_amount", "exactly one of fiat_amount and amount is required")
	case n.FiatAmount != "" && n.Amount != "":
		return nil, fieldErr("amount", "exactly one of fiat_amount and amount may be set")
	case n.FiatAmount != "":
		err = CheckAmount("fiat_amount", n.FiatAmount, fiat.Decimals, fiat.Code)
	default:
		err = CheckAmount("amount", n.Amount, asset.Decimals, asset.Currency)
	}
	if err != nil {
		return nil, err
	}
	if n.WalletAddress != "" {
		if err := CheckAddress(asset.Network, n.WalletAddress, testMode); err != nil {
			return nil, fieldErr("wallet_address", err.Error())
		}
	}
	if n.RedirectUrl != "" && !strings.HasPrefix(n.RedirectUrl, "https://") && !strings.HasPrefix(n.RedirectUrl, "http://") {
		return nil, fieldErr("redirect_url", "must be an http(s) URL")
	}
	return n, nil
}
