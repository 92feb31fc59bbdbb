package app

import (
	"net/http"
	"testing"
)

func TestClientIPBelievesOnlyTrustedProxies(t *testing.T) {
	trusted, err := ParseProxies("10.0.0.0/8, 192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	ps := proxies(trusted)
	xff := func(v ...string) http.Header { return http.Header{"X-Forwarded-For": v} }
	for _, tc := range []struct {
		name, remote string
		h            http.Header
		want         string
	}{
		{"direct client forging the header", "203.0.113.9:5000", xff("1.2.3.4"), "203.0.113.9"},
		{"through a trusted proxy", "10.1.2.3:443", xff("198.51.100.4"), "198.51.100.4"},
		{"client-written entries left of the proxy's", "10.1.2.3:443", xff("1.2.3.4, 198.51.100.4"), "198.51.100.4"},
		{"two trusted hops", "192.0.2.7:80", xff("198.51.100.4, 10.9.9.9"), "198.51.100.4"},
		{"several header lines", "10.1.2.3:443", xff("1.2.3.4", "198.51.100.5"), "198.51.100.5"},
		{"garbage from the proxy", "10.1.2.3:443", xff("not-an-ip"), "10.1.2.3"},
		{"no header", "10.1.2.3:443", nil, "10.1.2.3"},
		{"IPv4-mapped peer", "[::ffff:10.1.2.3]:443", xff("198.51.100.4"), "198.51.100.4"},
	} {
		if got := ps.clientIP(tc.remote, tc.h); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
	if got := proxies(nil).clientIP("10.1.2.3:443", xff("1.2.3.4")); got != "10.1.2.3" {
		t.Errorf("without trusted proxies the header is believed: %s", got)
	}
	if _, err := ParseProxies("10.0.0.0/33"); err == nil {
		t.Error("a bad prefix is accepted")
	}
}

func TestMethodLabelsAreAClosedSet(t *testing.T) {
	for m, want := range map[string]string{"GET": "GET", "POST": "POST", "PRI": "PRI", "get": "other", "XXXXXXXXXXXXXXXX": "other"} {
		if got := methodOf(m); got != want {
			t.Errorf("methodOf(%q) = %q, want %q", m, got, want)
		}
	}
}
