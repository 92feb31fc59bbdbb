package locale

import "testing"

func TestMoney(t *testing.T) {
	for _, tc := range []struct{ lang, amount, cur, want string }{
		{"en", "100.50", "EUR", "€100.50"},
		{"en", "1234567.5", "USD", "$1,234,567.5"},
		{"en", "0.0025", "BTC", "0.0025\u00a0BTC"},
		{"en", "100.00", "CHF", "100.00\u00a0CHF"},
		{"es", "100.50", "EUR", "100,50\u00a0€"},
		{"es", "1000.00", "EUR", "1000,00\u00a0€"},
		{"es", "12345.00", "EUR", "12.345,00\u00a0€"},
		{"es", "10.00", "USD", "10,00\u00a0US$"},
		{"fr", "100.50", "EUR", "100,50\u202f€"},
		{"fr", "1234.5", "EUR", "1\u202f234,5\u202f€"},
		{"fr", "0.0025", "BTC", "0,0025\u202fBTC"},
		{"de", "100.50", "EUR", "100,50\u00a0€"},
		{"de", "0.0025", "BTC", "0,0025\u00a0BTC"},
		{"de", "1234567.89", "EUR", "1.234.567,89\u00a0€"},
		{"de", "-5", "", "-5"},
		{"en", "-5.5", "GBP", "-£5.5"},
		// Not a plain decimal: shown as given, never reinterpreted.
		{"de", "1e9", "EUR", "1e9\u00a0€"},
		{"de", "1.2.3", "", "1.2.3"},
		{"de", ".5", "", ".5"},
	} {
		if got := New(tc.lang).Money(tc.amount, tc.cur); got != tc.want {
			t.Errorf("%s Money(%q, %q) = %q, want %q", tc.lang, tc.amount, tc.cur, got, tc.want)
		}
	}
}

func TestIntAndAttempts(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 3, "3"}, {"en", 12000, "12,000"}, {"es", 1500, "1500"}, {"es", 15000, "15.000"},
		{"fr", 1500, "1\u202f500"}, {"de", 1500, "1.500"}, {"de", -1500, "-1.500"},
	} {
		if got := New(tc.lang).Int(tc.n); got != tc.want {
			t.Errorf("%s Int(%d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	if got := New("fr").Attempts(2); got != "Il vous reste 2 tentatives." {
		t.Errorf("fr Attempts(2) = %q", got)
	}
	if got := New("de").Attempts(1); got != "Sie haben noch 1 Versuch." {
		t.Errorf("de Attempts(1) = %q", got)
	}
}
