package order

import (
	"slices"
	"strings"
)

// ISO 4217 currencies in circulation (as of 2026), grouped by their minor unit. Fund
// codes (CLF, COU, USN…), precious metals, SDR, test and withdrawn codes (HRK, SLL, ANG,
// ZWL, BGN…) are left out: no one pays for crypto in them.
var fiatByDecimals = [...][]string{
	0: strings.Fields("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"),
	2: strings.Fields(`AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BRL BSD BTN
		BWP BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP
		GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD
		KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
		NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD
		SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS
		VED VES WST XCD XCG YER ZAR ZMW ZWG`),
	3: strings.Fields("BHD IQD JOD KWD LYD OMR TND"),
}

// Fiat is a fiat currency and the decimals of its minor unit.
type Fiat struct {
	Code     string
	Decimals int
}

// FindFiat looks up an ISO 4217 code (upper case).
func FindFiat(code string) (Fiat, bool) {
	for d, codes := range fiatByDecimals {
		if slices.Contains(codes, code) {
			return Fiat{code, d}, true
		}
	}
	return Fiat{}, false
}

// FiatCurrencies lists every accepted fiat currency, sorted by code.
func FiatCurrencies() []Fiat {
	var out []Fiat
	for d, codes := range fiatByDecimals {
		for _, c := range codes {
			out = append(out, Fiat{c, d})
		}
	}
	slices.SortFunc(out, func(a, b Fiat) int { return strings.Compare(a.Code, b.Code) })
	return out
}
