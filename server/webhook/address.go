package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Live partners' webhooks go to public https addresses only: the server must not be a
// way into its own network (cloud metadata, databases, admin ports). The URL is checked
// when it is registered, and every connection is checked again at dial time against
// the address actually dialled, so DNS answers that change later (rebinding) are
// caught too. Test-mode partners may use any http(s) URL, local receivers included.

// nonPublic lists the ranges a live webhook may not reach beyond what netip classifies
// (loopback, private, link-local, multicast, unspecified).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),          // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),      // carrier-grade NAT
	netip.MustParsePrefix("169.254.0.0/16"),     // link-local, cloud metadata
	netip.MustParsePrefix("192.0.0.0/24"),       // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),       // documentation
	netip.MustParsePrefix("198.18.0.0/15"),      // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"),    // documentation
	netip.MustParsePrefix("203.0.113.0/24"),     // documentation
	netip.MustParsePrefix("240.0.0.0/4"),        // reserved, broadcast
	netip.MustParsePrefix("::/96"),              // unspecified, loopback, IPv4-compatible
	netip.MustParsePrefix("64:ff9b::/96"),       // NAT64: reaches any IPv4 address
	netip.MustParsePrefix("64:ff9b:1::/48"),     // local NAT64
	netip.MustParsePrefix("100::/64"),           // discard
	netip.MustParsePrefix("2001::/32"),          // Teredo: embeds an IPv4 address
	netip.MustParsePrefix("2001:db8::/32"),      // documentation
	netip.MustParsePrefix("2002::/16"),          // 6to4: embeds an IPv4 address
	netip.MustParsePrefix("fc00::/7"),           // unique local
	netip.MustParsePrefix("fe80::/10"),          // link-local
	netip.MustParsePrefix("fec0::/10"),          // site-local (deprecated)
	netip.MustParsePrefix("ff00::/8"),           // multicast
	netip.MustParsePrefix("::ffff:0.0.0.0/96"),  // IPv4-mapped: checked unmapped, never as is
	netip.MustParsePrefix("::ffff:0:0:0/96"),    // IPv4-translated
	netip.MustParsePrefix("255.255.255.255/32"), // limited broadcast
}

// PublicAddr reports whether a live partner's webhook may connect to a: not loopback,
// private, link-local (169.254/16, fe80::/10), unique-local (fc00::/7), unspecified,
// multicast, CGNAT (100.64/10), 0.0.0.0/8 or another reserved range, in IPv4 or any
// IPv6 form of it (IPv4-mapped ::ffff:a.b.c.d included).
func PublicAddr(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	if a.Is4In6() {
		a = a.Unmap()
	}
	if a.IsUnspecified() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsMulticast() ||
		a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// Resolver looks host names up; net.DefaultResolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// CheckURL validates a partner's webhook URL. Any absolute http(s) URL will do for a
// test-mode partner. A live partner's must be https, carry no credentials in user info,
// and name a public address: an IP literal must be public, and a host name must not be
// localhost, an IPv4 address in disguise ("2130706433", "0x7f.1"), or resolve to any
// non-public address. A name that does not resolve yet is accepted; the dial-time check
// still applies to whatever it resolves to later.
func CheckURL(ctx context.Context, raw string, live bool, r Resolver) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("webhook URL %q must be an absolute http(s) URL", raw)
	}
	if strings.ContainsAny(raw, " \t\r\n") {
		return fmt.Errorf("webhook URL %q must not contain whitespace", raw)
	}
	if !live {
		return nil
	}
	if u.Scheme != "https" {
		return fmt.Errorf("webhook URL %q must use https (http is for test-mode partners only)", raw)
	}
	if u.User != nil {
		return fmt.Errorf("webhook URL %q must not carry user info; authenticate with the webhook signature", raw)
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if a, err := netip.ParseAddr(host); err == nil {
		if !PublicAddr(a) {
			return fmt.Errorf("webhook URL %q: %s is not a public address", raw, a)
		}
		return nil
	}
	if host == "" || strings.ContainsAny(host, "%[]") {
		return fmt.Errorf("webhook URL %q has no valid host", raw)
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return fmt.Errorf("webhook URL %q: localhost is not a public address", raw)
	}
	labels := strings.Split(host, ".")
	if last := labels[len(labels)-1]; numericLabel(last) {
		return fmt.Errorf("webhook URL %q: write an IP address as a.b.c.d (and only a public one)", raw)
	}
	if r == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil // not resolvable now; the dial-time check guards every delivery
	}
	for _, a := range addrs {
		if !PublicAddr(a) {
			return fmt.Errorf("webhook URL %q: %s resolves to %s, which is not a public address", raw, host, a)
		}
	}
	return nil
}

// numericLabel reports whether a DNS label is a number as IPv4 parsers (inet_aton) read
// one: decimal, octal or 0x-prefixed hexadecimal.
func numericLabel(l string) bool {
	if l == "" {
		return false
	}
	if len(l) > 2 && (l[:2] == "0x" || l[:2] == "0X") {
		return strings.Trim(l[2:], "0123456789abcdefABCDEF") == ""
	}
	return strings.Trim(l, "0123456789") == ""
}

// errNotPublic is the dial-time refusal; the delivery fails and is retried like any
// connection error (the partner can fix its DNS or URL meanwhile).
var errNotPublic = errors.New("webhook: refusing to connect to a non-public address")

// publicOnly is a net.Dialer Control function: it runs for the address actually being
// connected to, after DNS resolution, and refuses non-public ones.
func publicOnly(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !PublicAddr(ap.Addr()) {
		return fmt.Errorf("%w (%s)", errNotPublic, address)
	}
	return nil
}

// newClients returns the HTTP client of live partners, which connects to public
// addresses only and never through a proxy, and the unrestricted one of test-mode
// partners. Neither follows redirects: a 3xx is a failed attempt, never a POST re-sent
// somewhere else (possibly somewhere internal).
func newClients() (live, test *http.Client) {
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: publicOnly}).DialContext
	return &http.Client{Transport: t, CheckRedirect: noRedirect}, &http.Client{CheckRedirect: noRedirect}
}
