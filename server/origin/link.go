package origin

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Link checks a partner's web page address shown to users as a link (privacy policy,
// support): an https URL whose origin passes Parse (http for a loopback host when
// loopbackHTTP is set), with no user info, no spaces or control characters and at most
// 2000 bytes. It returns the URL as it will be linked.
func Link(s string, loopbackHTTP bool) (string, error) {
	u, err := link(strings.TrimSpace(s), loopbackHTTP)
	if err != nil {
		return "", fmt.Errorf("URL %q: %w (expected https://shop.example/privacy)", s, err)
	}
	return u, nil
}

func link(s string, loopbackHTTP bool) (string, error) {
	if len(s) > 2000 {
		return "", errors.New("too long")
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return "", errors.New("spaces and control characters are not allowed")
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("not a URL")
	}
	if u.User != nil {
		return "", errors.New("user info is not allowed")
	}
	if u.Opaque != "" || u.Host == "" {
		return "", errors.New("not an absolute web address")
	}
	if _, err := parse(u.Scheme+"://"+u.Host, loopbackHTTP); err != nil {
		return "", err
	}
	return u.String(), nil
}
