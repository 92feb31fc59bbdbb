package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"math/big"
)

// Tagger mints tokens whose last 8 bytes are an HMAC of the prefix and the random part
// under a key derived from the master key. A token this deployment issued is then
// recognised before any database look-up, so failed-authentication throttling can refuse
// guesses up front without ever refusing a genuine token from the same address.
//
// The token format is unchanged (prefix + 43 base62 characters): 24 random bytes (192
// bits) and the 8-byte tag. Tokens without a valid tag (issued under a master key that
// was since dropped) still work; they only lose the "never throttled" guarantee.
type Tagger struct {
	keys [][]byte // current first, then retired master keys' derivations
}

const (
	tokenBytes = 32
	tagBytes   = 8
)

// NewTagger returns a Tagger minting with keys[0] and accepting all of keys. With no keys
// it mints plain random tokens and recognises none.
func NewTagger(keys ...[]byte) *Tagger { return &Tagger{keys: keys} }

// New returns a fresh token with the prefix and its storage hash.
func (t *Tagger) New(prefix string) (token string, hash []byte) {
	if t == nil || len(t.keys) == 0 {
		return New(prefix)
	}
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b[:tokenBytes-tagBytes]); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	copy(b[tokenBytes-tagBytes:], tag(t.keys[0], prefix, b[:tokenBytes-tagBytes]))
	token = prefix + encode(b)
	return token, Hash(token)
}

// Issued reports whether token carries a valid tag under one of the keys: it was minted
// by this deployment. It says nothing of expiry or revocation; the look-up does.
func (t *Tagger) Issued(token, prefix string) bool {
	if t == nil || len(t.keys) == 0 || !WellFormed(token, prefix) {
		return false
	}
	b, ok := decode(token[len(prefix):])
	if !ok {
		return false
	}
	for _, k := range t.keys {
		if hmac.Equal(b[tokenBytes-tagBytes:], tag(k, prefix, b[:tokenBytes-tagBytes])) {
			return true
		}
	}
	return false
}

func tag(key []byte, prefix string, random []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(prefix))
	m.Write(random)
	return m.Sum(nil)[:tagBytes]
}

// encode writes 32 bytes as bodyLen base62 characters (62^43 > 2^256).
func encode(b []byte) string {
	n := new(big.Int).SetBytes(b)
	body := make([]byte, bodyLen)
	base, mod := big.NewInt(62), new(big.Int)
	for i := bodyLen - 1; i >= 0; i-- {
		n.DivMod(n, base, mod)
		body[i] = alphabet[mod.Int64()]
	}
	return string(body)
}

// decode reverses encode; a body worth more than 256 bits was not made by encode.
func decode(s string) ([]byte, bool) {
	n, base := new(big.Int), big.NewInt(62)
	for i := 0; i < len(s); i++ {
		d := alphabetIndex(s[i])
		if d < 0 {
			return nil, false
		}
		n.Mul(n, base).Add(n, big.NewInt(int64(d)))
	}
	if n.BitLen() > 8*tokenBytes {
		return nil, false
	}
	return n.FillBytes(make([]byte, tokenBytes)), true
}

func alphabetIndex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 36
	}
	return -1
}
