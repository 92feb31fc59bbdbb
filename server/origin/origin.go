// Package origin parses web origins (scheme://host[:port]) as partners register them.
// The same parser guards every place an origin is written into a header (the widget
// page's Content-Security-Policy), so a stored value can never smuggle in a directive.
package origin

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Parse checks that s is an origin and returns it as browsers send it in the Origin
// header: lower-case, without a trailing slash or the scheme's default port. Only
// https is accepted, and http for a loopback host (localhost, 127.0.0.0/8, [::1]) when
// loopbackHTTP is set (test-mode partners developing locally). Paths, queries,
// fragments, user info, wildcards, whitespace and any character that is not part of a
// host name or IP address are refused.
func Parse(s string, loopbackHTTP bool) (string, error) {
	n, err := parse(s, loopbackHTTP)
	if err != nil {
		return "", fmt.Errorf("origin %q: %w (expected https://shop.example[:port])", s, err)
	}
	return n, nil
}

func parse(s string, loopbackHTTP bool) (string, error) {
	if len(s) > 300 {
		return "", errors.New("too long")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-:/[]", r)) {
			return "", fmt.Errorf("character %q is not allowed", r)
		}
	}
	scheme, rest, ok := strings.Cut(s, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "https" && scheme != "http") {
		return "", errors.New("the scheme must be https")
	}
	rest = strings.TrimSuffix(rest, "/")
	if strings.Contains(rest, "/") {
		return "", errors.New("an origin has no path")
	}
	host, port, err := splitHostPort(strings.ToLower(rest))
	if err != nil {
		return "", err
	}
	if scheme == "http" && !(loopbackHTTP && loopback(host)) {
		if loopback(host) {
			return "", errors.New("http is only for test-mode partners; use https")
		}
		return "", errors.New("the scheme must be https (http only for localhost in test mode)")
	}
	if port != "" {
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 {
			return "", errors.New("the port must be 1-65535")
		}
		port = strconv.Itoa(p)
		if scheme == "https" && p == 443 || scheme == "http" && p == 80 {
			port = ""
		}
	}
	if port != "" {
		return scheme + "://" + host + ":" + port, nil
	}
	return scheme + "://" + host, nil
}

// splitHostPort splits host[:port] and checks the host: a DNS name, an IPv4 address or
// a bracketed IPv6 address, returned canonical.
func splitHostPort(hp string) (host, port string, err error) {
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return "", "", errors.New("unclosed [")
		}
		a, err := netip.ParseAddr(hp[1:end])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", "", errors.New("not an IPv6 address in brackets")
		}
		host, rest := "["+a.String()+"]", hp[end+1:]
		if rest == "" {
			return host, "", nil
		}
		if !strings.HasPrefix(rest, ":") || len(rest) == 1 {
			return "", "", errors.New("junk after the address")
		}
		return host, rest[1:], nil
	}
	host, port, hasPort := strings.Cut(hp, ":")
	if hasPort && (port == "" || strings.ContainsAny(port, ":[]")) {
		return "", "", errors.New("bad port")
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Is4() {
		return a.String(), port, nil
	}
	if err := checkHostname(host); err != nil {
		return "", "", err
	}
	return host, port, nil
}

// checkHostname accepts a DNS name: dot-separated labels of letters, digits and inner
// hyphens. A name whose last label is numeric is refused: resolvers read such names
// ("2130706433", "127.1", "0x7f.1") as IPv4 addresses in disguise.
func checkHostname(h string) error {
	if h == "" || len(h) > 253 {
		return errors.New("a host name is required")
	}
	labels := strings.Split(h, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || strings.ContainsAny(l, "[]:/") {
			return fmt.Errorf("%q is not a valid host name", h)
		}
	}
	if last := labels[len(labels)-1]; numeric(last) {
		return fmt.Errorf("%q is not a valid host name (an IP address must be written a.b.c.d)", h)
	}
	return nil
}

// numeric reports whether a label is a number as IPv4 parsers read one: decimal, octal
// or 0x-prefixed hexadecimal.
func numeric(l string) bool {
	if len(l) > 2 && (l[:2] == "0x" || l[:2] == "0X") {
		l = l[2:]
		return strings.Trim(l, "0123456789abcdefABCDEF") == ""
	}
	return strings.Trim(l, "0123456789") == ""
}

// loopback reports whether host (as splitHostPort returns it) is this machine.
func loopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && a.IsLoopback()
}
