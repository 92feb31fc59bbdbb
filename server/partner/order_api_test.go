package partner_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
)

// TestSessionOrderValidationOverREST: each broken order field is a 400 invalid_request
// in the documented error shape whose message names the field without echoing the value;
// valid orders on every kind of network get through to the KYC check, and the echoed
// order is normalised. Validation precedes storage, so one store dialect suffices.
func TestSessionOrderValidationOverREST(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t), testserver.Options{Workers: -1})
	live := srv.CreatePartner(t, partner.NewPartner{Name: "Live"})
	test := srv.NewPartner(t, "Test")
	srv.ForceStatus(t, live.PartnerID, "verified", kyc.Verified, time.Time{})

	post := func(token, body string) (int, map[string]string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/widget/session", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var v map[string]string
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%d %s: %v", res.StatusCode, raw, err)
		}
		return res.StatusCode, v
	}
	order := func(user, fields string) string {
		return `{"partner_user_id":"` + user + `","user_email":"u@example.com",` + fields + `}`
	}

	for _, c := range []struct {
		fields, field, says, value string
	}{
		{`"currency":"BTC","network":"bitcoin","fiat_currency":"EUR","fiat_amount":"100.00","wallet_address":"bc1q…"`,
			"wallet_address", "is not a valid bitcoin address", "…"},
		{`"currency":"DOGEZ","fiat_currency":"EUR","fiat_amount":"100.00"`, "currency", "is not supported (supported: BTC,", "DOGEZ"},
		{`"currency":"BTC","fiat_currency":"EURO","fiat_amount":"100.00"`, "fiat_currency", "ISO 4217", "EURO"},
		{`"currency":"BTC","network":"solana","fiat_currency":"EUR","fiat_amount":"100.00"`, "network", "is not supported for BTC (supported: bitcoin)", "solana"},
		{`"currency":"BTC","fiat_currency":"EUR","fiat_amount":"100.001"`, "fiat_amount", "more decimal places than EUR allows (2)", "100.001"},
		{`"currency":"BTC","fiat_currency":"JPY","fiat_amount":"1500.5"`, "fiat_amount", "whole number for JPY", "1500.5"},
		{`"currency":"BTC","fiat_currency":"EUR","amount":"0.000000001"`, "amount", "more decimal places than BTC allows (8)", "0.000000001"},
		{`"currency":"USDC","fiat_currency":"EUR","fiat_amount":"10"`, "network", "is required for USDC", ""},
		{`"currency":"ETH","fiat_currency":"EUR","fiat_amount":"10","wallet_address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"`,
			"wallet_address", "is not a valid ethereum address (checksum)", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"},
		{`"currency":"BTC","fiat_currency":"EUR","fiat_amount":"10","wallet_address":"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"`,
			"wallet_address", "testnet address in live mode", "tb1q"},
	} {
		code, v := post(live.ClientToken, order("verified", c.fields))
		msg := v["message"]
		if code != http.StatusBadRequest || v["error"] != "invalid_request" || v["request_id"] == "" || len(v) != 3 {
			t.Errorf("%s: %d %v, want 400 invalid_request", c.fields, code, v)
			continue
		}
		if !strings.HasPrefix(msg, c.field+" ") || !strings.Contains(msg, c.says) {
			t.Errorf("%s: message %q, want %q … %q", c.fields, msg, c.field, c.says)
		}
		if c.value != "" && strings.Contains(msg, c.value) || strings.Contains(msg, "proto") {
			t.Errorf("%s: message %q echoes the input or parser internals", c.fields, msg)
		}
	}

	// A verified user's valid order is accepted and echoed normalised.
	code, v := post(live.ClientToken, order("verified", `"currency":"btc","fiat_currency":"eur","fiat_amount":"100.00","wallet_address":"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"`))
	if code != http.StatusOK || v["currency"] != "BTC" || v["network"] != "bitcoin" || v["fiat_currency"] != "EUR" ||
		v["wallet_address"] != "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4" || v["init_token_type"] != "session" {
		t.Errorf("valid order: %d %v", code, v)
	}
	// Valid orders on every network reach the KYC check (a user never seen: 422).
	for _, fields := range []string{
		`"currency":"ETH","fiat_currency":"USD","fiat_amount":"250","wallet_address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"`,
		`"currency":"USDC","network":"Polygon","fiat_currency":"GBP","fiat_amount":"20.5","wallet_address":"0xde709f2102306220921060314715629080e2fb77"`,
		`"currency":"USDC","network":"solana","fiat_currency":"EUR","fiat_amount":"10","wallet_address":"So11111111111111111111111111111111111111112"`,
		`"currency":"USDT","network":"tron","fiat_currency":"KWD","fiat_amount":"30.125","wallet_address":"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"`,
		`"currency":"SOL","fiat_currency":"JPY","fiat_amount":"15000","type":"sell"`,
		`"currency":"BTC","fiat_currency":"EUR","amount":"0.00000001","wallet_address":"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"`,
	} {
		if code, v := post(live.ClientToken, order("new-user", fields)); code != http.StatusUnprocessableEntity || v["error"] != "kyc_required" {
			t.Errorf("%s: %d %v, want 422 kyc_required", fields, code, v)
		}
	}
	// A test-mode partner may pay out to a bitcoin testnet address.
	if code, v := post(test.ClientToken, order("new-user", `"currency":"BTC","fiat_currency":"EUR","fiat_amount":"10","wallet_address":"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"`)); code != http.StatusUnprocessableEntity {
		t.Errorf("testnet address for a test-mode partner: %d %v", code, v)
	}
}
