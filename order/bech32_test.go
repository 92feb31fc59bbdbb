package order

import (
	"encoding/hex"
	"strings"
	"testing"
)

// BIP-173 test vectors: valid and invalid bech32 strings (checksum and format only).
func TestBech32Vectors(t *testing.T) {
	for _, s := range []string{
		"A12UEL5L",
		"a12uel5l",
		"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"11" + strings.Repeat("q", 82) + "c8247j", // the longest: 90 characters
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
		"?1ezyfcl",
	} {
		if _, _, c, reason := bech32Decode(s); reason != "" || c != bech32Const {
			t.Errorf("%q: %q (constant %x), want valid bech32", s, reason, c)
		}
	}
	for _, s := range []string{
		"\x201nwldj5", // HRP character out of range
		"\x7f1axkwrx", // HRP character out of range
		"\x801eym55h", // HRP character out of range
		"an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx", // too long
		"pzry9x0s0muk",  // no separator
		"1pzry9x0s0muk", // empty HRP
		"x1b4n0q5v",     // invalid data character
		"li1dgmt3",      // checksum too short
		"de1lg7wt\xff",  // invalid character in checksum
		"A1G7SGD8",      // checksum computed over the upper-case HRP
		"10a06t8",       // empty HRP
		"1qzzfhee",      // empty HRP
	} {
		if _, _, _, reason := bech32Decode(s); reason == "" {
			t.Errorf("%q decoded, want refused", s)
		}
	}
}

// BIP-350 segwit address vectors (which supersede the v1+ ones of BIP-173), with the
// scriptPubKey each must decode to.
func TestSegwitVectors(t *testing.T) {
	for _, v := range []struct{ addr, script string }{
		{"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
		{"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
		{"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
		{"BC1SW50QGDZ25J", "6002751e"},
		{"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"},
		{"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
		{"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
		{"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
	} {
		hrp := strings.ToLower(v.addr[:2])
		version, program, reason := segwitDecode(hrp, v.addr)
		if reason != "" {
			t.Errorf("%s: %s", v.addr, reason)
			continue
		}
		op := byte(0)
		if version > 0 {
			op = 0x50 + byte(version)
		}
		if got := hex.EncodeToString(append([]byte{op, byte(len(program))}, program...)); got != v.script {
			t.Errorf("%s: script %s, want %s", v.addr, got, v.script)
		}
	}
	for _, v := range []struct{ addr, why string }{
		{"tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", "prefix"},
		{"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "checksum"}, // bech32 instead of bech32m
		{"tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", "checksum"}, // bech32 instead of bech32m
		{"BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", "checksum"}, // bech32 instead of bech32m
		{"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "checksum"},                     // bech32m instead of bech32
		{"tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", "checksum"}, // bech32m instead of bech32
		{"bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", "character"},
		{"BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "witness version"},
		{"bc1pw5dgrnzv", "length"},
		{"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", "length"},
		{"BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "length"},
		{"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", "mixed case"},
		{"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "padding"},
		{"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "padding"},
		{"bc1gmk9yu", "witness version"}, // empty data section
	} {
		hrp := "bc"
		if strings.HasPrefix(strings.ToLower(v.addr), "t") {
			hrp = "tb"
		}
		if _, _, reason := segwitDecode(hrp, v.addr); reason != v.why {
			t.Errorf("%s: %q, want %q", v.addr, reason, v.why)
		}
	}
}
