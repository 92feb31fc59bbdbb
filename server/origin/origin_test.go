package origin

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in       string
		loopback bool
		want     string // "" = refused
	}{
		{"https://shop.example", false, "https://shop.example"},
		{"HTTPS://Shop.Example/", false, "https://shop.example"},
		{"https://shop.example:443", false, "https://shop.example"},
		{"https://shop.example:8443", false, "https://shop.example:8443"},
		{"https://shop.example:08443", false, "https://shop.example:8443"},
		{"https://203.0.113.7", false, "https://203.0.113.7"},
		{"https://[2001:DB8::1]:444", false, "https://[2001:db8::1]:444"},
		{"https://xn--bcher-kva.example", false, "https://xn--bcher-kva.example"},
		{"http://localhost:3000", true, "http://localhost:3000"},
		{"http://127.0.0.1:8080", true, "http://127.0.0.1:8080"},
		{"http://[::1]:8080", true, "http://[::1]:8080"},
		{"http://app.localhost", true, "http://app.localhost"},
		{"https://localhost", false, "https://localhost"},

		{"http://localhost:3000", false, ""}, // http only in test mode
		{"http://shop.example", true, ""},    // and only for loopback
		{"https://a.example;script-src", false, ""},
		{"https://a.example; script-src 'unsafe-inline'", false, ""},
		{"https://a.example 'unsafe-inline'", false, ""},
		{" https://a.example", false, ""},
		{"https://a.example\n", false, ""},
		{"https://a.example/path", false, ""},
		{"https://a.example?x=1", false, ""},
		{"https://a.example#f", false, ""},
		{"https://user@a.example", false, ""},
		{"https://user:pw@a.example", false, ""},
		{"https://*.example", false, ""},
		{"*", false, ""},
		{"'self'", false, ""},
		{"https://", false, ""},
		{"https://a.example:", false, ""},
		{"https://a.example:0", false, ""},
		{"https://a.example:65536", false, ""},
		{"https://a.example:1:2", false, ""},
		{"https://-a.example", false, ""},
		{"https://a..example", false, ""},
		{"https://a.example.", false, ""},
		{"https://2130706433", false, ""},
		{"https://127.1", false, ""},
		{"https://0x7f000001", false, ""},
		{"https://[fe80::1%25eth0]", false, ""},
		{"https://[::ffff:zz]", false, ""},
		{"https://[1.2.3.4]", false, ""},
		{"javascript://a.example", false, ""},
		{"data:text/html,x", false, ""},
		{"ftp://a.example", false, ""},
		{"https:/a.example", false, ""},
		{"https://a.example//", false, ""},
	} {
		got, err := Parse(tc.in, tc.loopback)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("Parse(%q, %v) = %q, %v; want %q", tc.in, tc.loopback, got, err, tc.want)
		}
	}
}

// FuzzParse: whatever Parse accepts is a fixed point and holds nothing a header
// directive could be built from.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"https://a.example", "http://localhost:1", "https://[::1]", "https://a.example;x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s, true)
		if err != nil {
			return
		}
		again, err := Parse(got, true)
		if err != nil || again != got {
			t.Fatalf("Parse(%q) = %q, which parses to %q, %v", s, got, again, err)
		}
		for _, r := range got {
			if r == ';' || r == ',' || r == ' ' || r == '\'' || r == '*' || r < 0x21 || r > 0x7e {
				t.Fatalf("Parse(%q) = %q holds %q", s, got, r)
			}
		}
	})
}

func TestLink(t *testing.T) {
	for _, ok := range []string{"https://shop.example/privacy", "https://shop.example/help?lang=es#contact", "https://shop.example"} {
		if _, err := Link(ok, false); err != nil {
			t.Errorf("Link(%q): %v", ok, err)
		}
	}
	if _, err := Link("http://localhost:8080/privacy", true); err != nil {
		t.Errorf("loopback http in test mode: %v", err)
	}
	for _, bad := range []string{"http://shop.example/privacy", "http://localhost/p", "javascript:alert(1)", "https://u:p@shop.example/",
		"/privacy", "https://shop.example/a b", "https://shop.example/\nx", "ftp://shop.example/", "https://" + strings.Repeat("a", 2000) + ".example"} {
		if _, err := Link(bad, false); err == nil {
			t.Errorf("Link(%q) accepted", bad)
		}
	}
}
