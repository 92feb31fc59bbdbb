package order

import (
	"errors"
	"strings"
	"testing"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	"github.com/rampart-id/rampart/kyc"
)

const btcAddr = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"

func TestNormalize(t *testing.T) {
	base := func(edit func(o *kycv1.Order)) *kycv1.Order {
		o := &kycv1.Order{Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "100.00", WalletAddress: btcAddr}
		edit(o)
		return o
	}
	for name, c := range map[string]struct {
		edit  func(o *kycv1.Order)
		field string // "" when valid
		in    string // part of the reason
	}{
		"plain":            {func(o *kycv1.Order) {}, "", ""},
		"lower-case codes": {func(o *kycv1.Order) { o.Currency, o.FiatCurrency, o.Network = "btc", "eur", " Bitcoin " }, "", ""},
		"crypto amount":    {func(o *kycv1.Order) { o.FiatAmount, o.Amount = "", "0.00000001" }, "", ""},
		"JPY whole":        {func(o *kycv1.Order) { o.FiatCurrency, o.FiatAmount = "JPY", "15000" }, "", ""},
		"KWD three places": {func(o *kycv1.Order) { o.FiatCurrency, o.FiatAmount = "KWD", "30.125" }, "", ""},
		"no wallet":        {func(o *kycv1.Order) { o.WalletAddress = "" }, "", ""},
		"USDC on solana": {func(o *kycv1.Order) {
			o.Currency, o.Network, o.WalletAddress = "USDC", "solana", "So11111111111111111111111111111111111111112"
		}, "", ""},
		"USDT on tron": {func(o *kycv1.Order) {
			o.Currency, o.Network, o.WalletAddress = "USDT", "tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
		}, "", ""},
		"ETH": {func(o *kycv1.Order) {
			o.Currency, o.WalletAddress = "ETH", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
		}, "", ""},
		"ellipsis":           {func(o *kycv1.Order) { o.WalletAddress = "bc1q…" }, "wallet_address", "not a valid bitcoin address"},
		"unknown currency":   {func(o *kycv1.Order) { o.Currency = "DOGEZ" }, "currency", "not supported"},
		"no currency":        {func(o *kycv1.Order) { o.Currency = "" }, "currency", "required"},
		"not ISO 4217":       {func(o *kycv1.Order) { o.FiatCurrency = "EURO" }, "fiat_currency", "ISO 4217"},
		"withdrawn fiat":     {func(o *kycv1.Order) { o.FiatCurrency = "HRK" }, "fiat_currency", "ISO 4217"},
		"no fiat":            {func(o *kycv1.Order) { o.FiatCurrency = "" }, "fiat_currency", "required"},
		"BTC on solana":      {func(o *kycv1.Order) { o.Network = "solana" }, "network", "not supported for BTC"},
		"USDC needs network": {func(o *kycv1.Order) { o.Currency = "USDC" }, "network", "required for USDC"},
		"EUR three places":   {func(o *kycv1.Order) { o.FiatAmount = "100.001" }, "fiat_amount", "EUR allows (2)"},
		"JPY fraction":       {func(o *kycv1.Order) { o.FiatCurrency, o.FiatAmount = "JPY", "100.5" }, "fiat_amount", "whole number"},
		"BTC nine places":    {func(o *kycv1.Order) { o.FiatAmount, o.Amount = "", "0.000000001" }, "amount", "BTC allows (8)"},
		"zero":               {func(o *kycv1.Order) { o.FiatAmount = "0.00" }, "fiat_amount", "greater than zero"},
		"negative":           {func(o *kycv1.Order) { o.FiatAmount = "-5" }, "fiat_amount", "positive decimal"},
		"exponent":           {func(o *kycv1.Order) { o.FiatAmount = "1e3" }, "fiat_amount", "positive decimal"},
		"leading zero":       {func(o *kycv1.Order) { o.FiatAmount = "0100" }, "fiat_amount", "leading zeros"},
		"huge":               {func(o *kycv1.Order) { o.FiatAmount = "1000000000000" }, "fiat_amount", "below"},
		"both amounts":       {func(o *kycv1.Order) { o.Amount = "1" }, "amount", "exactly one"},
		"no amount":          {func(o *kycv1.Order) { o.FiatAmount = "" }, "fiat_amount", "exactly one"},
		"EVM address on BTC": {func(o *kycv1.Order) { o.WalletAddress = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" }, "wallet_address", "bitcoin"},
		"BTC address on ETH": {func(o *kycv1.Order) { o.Currency = "ETH" }, "wallet_address", "not a valid ethereum address"},
		"testnet, live": {func(o *kycv1.Order) {
			o.WalletAddress = "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"
		}, "wallet_address", "testnet"},
		"bad type":           {func(o *kycv1.Order) { o.Type = "steal" }, "type", "buy"},
		"redirect not a URL": {func(o *kycv1.Order) { o.RedirectUrl = "javascript:alert(1)" }, "redirect_url", "http"},
		"long network":       {func(o *kycv1.Order) { o.Network = strings.Repeat("n", 300) }, "network", "at most"},
	} {
		got, err := Normalize(base(c.edit), false)
		var fe *kyc.FieldError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(fe.Reason, c.in)):
			t.Errorf("%s: %v, want %s: …%s…", name, err, c.field, c.in)
		case c.field != "" && strings.Contains(fe.Reason, "…"):
			t.Errorf("%s: the reason echoes the input: %s", name, fe.Reason)
		case c.field == "" && (got.GetNetwork() == "" || got.GetType() != "buy" || got.GetCurrency() != strings.ToUpper(got.GetCurrency())):
			t.Errorf("%s: accepted as %v", name, got)
		}
	}
}

// A test-mode partner may use testnet bitcoin addresses; the network is filled in.
func TestNormalizeTestMode(t *testing.T) {
	o := &kycv1.Order{Currency: "btc", FiatCurrency: "usd", FiatAmount: "5", WalletAddress: "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"}
	got, err := Normalize(o, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.GetNetwork() != Bitcoin || got.GetCurrency() != "BTC" || got.GetFiatCurrency() != "USD" || got.GetType() != "buy" {
		t.Errorf("accepted as %v", got)
	}
}

func TestTables(t *testing.T) {
	for _, c := range []struct {
		code string
		dec  int
	}{{"JPY", 0}, {"EUR", 2}, {"USD", 2}, {"KWD", 3}, {"BHD", 3}, {"CLP", 0}, {"ISK", 0}, {"XCG", 2}} {
		if f, ok := FindFiat(c.code); !ok || f.Decimals != c.dec {
			t.Errorf("%s: %v %v, want %d decimals", c.code, f, ok, c.dec)
		}
	}
	for _, code := range []string{"EURO", "XAU", "XXX", "XTS", "HRK", "eur", ""} {
		if _, ok := FindFiat(code); ok {
			t.Errorf("%s accepted as fiat", code)
		}
	}
	seen := map[string]bool{}
	for _, f := range FiatCurrencies() {
		if seen[f.Code] || len(f.Code) != 3 || strings.ToUpper(f.Code) != f.Code {
			t.Errorf("fiat table: %q twice or malformed", f.Code)
		}
		seen[f.Code] = true
	}
	pairs := map[Asset]bool{}
	for _, a := range Assets() {
		if pairs[Asset{a.Currency, a.Network, 0}] {
			t.Errorf("asset %s/%s twice", a.Currency, a.Network)
		}
		pairs[Asset{a.Currency, a.Network, 0}] = true
		if err := CheckAddress(a.Network, "x", false); err == nil || strings.Contains(err.Error(), "unknown network") {
			t.Errorf("%s: network %s has no address rule", a.Currency, a.Network)
		}
	}
	if a, err := FindAsset("USDC", Polygon); err != nil || a.Decimals != 6 {
		t.Errorf("USDC/polygon: %v %v", a, err)
	}
}

// FuzzCheckAddress: any input on any network is answered without panicking, and a
// bech32 string that decodes re-encodes to itself.
func FuzzCheckAddress(f *testing.F) {
	for _, s := range []string{btcAddr, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "So11111111111111111111111111111111111111112", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
		"bc1q…", "", "1", strings.Repeat("z", 90)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, a := range assets {
			_ = CheckAddress(a.Network, s, true)
		}
		hrp, data, constant, reason := bech32Decode(s)
		if reason != "" {
			return
		}
		if got := bech32Encode(hrp, data, constant); got != strings.ToLower(s) {
			t.Fatalf("%q decodes to %q %v and re-encodes to %q", s, hrp, data, got)
		}
	})
}

// bech32Encode is the inverse of bech32Decode (tests only).
func bech32Encode(hrp string, data []byte, constant uint32) string {
	values := append(hrpExpand(hrp), data...)
	pm := bech32Polymod(append(values, 0, 0, 0, 0, 0, 0)) ^ constant
	out := []byte(hrp + "1")
	for _, d := range data {
		out = append(out, bech32Charset[d])
	}
	for i := range 6 {
		out = append(out, bech32Charset[(pm>>(5*(5-i)))&31])
	}
	return string(out)
}
