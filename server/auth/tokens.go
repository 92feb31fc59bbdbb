// Package auth issues and checks Rampart's bearer tokens and enforces per-token rate
// limits. Tokens carry 256 bits of randomness behind a readable prefix and are stored
// only as SHA-256 hashes (they are random, so a slow hash adds nothing).
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"strings"
)

// Token prefixes: they tell a human (and a secret scanner) what a token is.
const (
	PrefixTest     = "rp_test_" // partner client token, test mode
	PrefixLive     = "rp_live_" // partner client token, live mode
	PrefixInit     = "rpi_"     // single-use init token
	PrefixWidget   = "rpw_"     // widget token
	PrefixHandoff  = "rph_"     // single-use code moving a widget session to a phone
	PrefixOperator = "rpo_"     // operator review token
	PrefixWebhook  = "whsec_"   // webhook signing secret
)

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// bodyLen is how many base62 characters hold 256 random bits (62^43 > 2^256).
const bodyLen = 43

// New returns a fresh untagged token with the prefix and its storage hash (Tagger.New
// mints the tagged tokens the server hands out).
func New(prefix string) (token string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	token = prefix + encode(b)
	return token, Hash(token)
}

// Hash is the storage hash of a token.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// WellFormed reports whether s looks like a token of the prefix: it lets obviously bad
// tokens be rejected without a database lookup.
func WellFormed(s, prefix string) bool {
	if !strings.HasPrefix(s, prefix) || len(s) != len(prefix)+bodyLen {
		return false
	}
	for _, c := range s[len(prefix):] {
		if !strings.ContainsRune(alphabet, c) {
			return false
		}
	}
	return true
}

// DisplayPrefix is the part of a token that is safe to show and log.
func DisplayPrefix(token string) string {
	i := strings.LastIndexByte(token, '_') + 1
	if i+4 > len(token) {
		return token[:i]
	}
	return token[:i+4]
}

// Bearer extracts the token of an "Authorization: Bearer <token>" header.
func Bearer(header string) (string, bool) {
	const p = "bearer "
	if len(header) <= len(p) || !strings.EqualFold(header[:len(p)], p) {
		return "", false
	}
	return strings.TrimSpace(header[len(p):]), true
}
