//go:build !js

package widget

import (
	"testing"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
)

// The order on the payment screen is written the user's way in each language.
func TestPaymentAmountsPerLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang         string
		crypto, fiat bool
		want         []string
	}{
		{"en", false, true, []string{"Buy BTC for €1,250.50"}},
		{"es", false, true, []string{"Comprar BTC por 1250,50\u00a0€", "Tu pedido"}},
		{"fr", false, true, []string{"Acheter des BTC pour 1\u202f250,50\u202f€", "Votre commande"}},
		{"de", false, true, []string{"BTC für 1.250,50\u00a0€ kaufen", "Ihre Bestellung"}},
		{"de", true, false, []string{"0,0025\u00a0BTC kaufen"}},
		{"fr", true, false, []string{"Acheter 0,0025\u202fBTC"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			s := session(kycv1.KycStatus_KYC_STATUS_VERIFIED)
			if tc.crypto {
				s.Order.Amount, s.Order.FiatAmount = "0.0025", ""
			} else {
				s.Order.FiatAmount = "1250.50"
			}
			h := run(t, &fakeAPI{start: s}, ParseOptions("#token=rpi_x&lang="+tc.lang, "en-US"))
			h.screen("payment")
			h.contains(tc.want...)
		})
	}
}
