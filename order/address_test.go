package order

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
)

func TestAddresses(t *testing.T) {
	const (
		live = false
		test = true
	)
	for _, c := range []struct {
		network, addr string
		testnet       bool
		reason        string // "" for valid
	}{
		// Bitcoin: segwit v0 and taproot, upper case allowed, legacy P2PKH and P2SH.
		{Bitcoin, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", live, ""},
		{Bitcoin, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", live, ""},
		{Bitcoin, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", live, ""},
		{Bitcoin, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", live, ""},
		{Bitcoin, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", live, ""},
		{Bitcoin, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", live, ""},
		{Bitcoin, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", live, "checksum"},
		{Bitcoin, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", live, "checksum"},
		{Bitcoin, "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", live, "mixed case"},
		{Bitcoin, "bc1q…", live, "character"},
		{Bitcoin, "bc1qexample", live, "checksum"},
		{Bitcoin, "bc1qdemo0000000000000000000000000000000000", live, "character"},
		{Bitcoin, "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", live, "unsupported witness version 2"},
		{Bitcoin, "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", live, "length"},
		// Testnet only for test-mode partners.
		{Bitcoin, "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", test, ""},
		{Bitcoin, "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", live, "testnet address in live mode"},
		{Bitcoin, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", test, ""},
		{Bitcoin, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", live, "testnet address in live mode"},
		{Bitcoin, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", live, "character"},
		{Bitcoin, base58Check(0x41, make([]byte, 20)), live, "version"},
		{Bitcoin, base58Check(0x00, make([]byte, 21)), live, "length"},
		// EIP-55: its examples, all lower and all upper case carry no checksum.
		{Ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", live, ""},
		{Ethereum, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", live, ""},
		{Ethereum, "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", live, ""},
		{Polygon, "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", live, ""},
		{Ethereum, "0x52908400098527886E0F7030069857D2E4169EE7", live, ""},
		{Ethereum, "0xde709f2102306220921060314715629080e2fb77", live, ""},
		{Ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", live, "checksum"},
		{Polygon, "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", live, "checksum"},
		{Ethereum, "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", live, "length"},
		{Ethereum, "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", live, "prefix"},
		{Ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA", live, "length"},
		{Ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", live, "character"},
		{Ethereum, "0x0000000000000000000000000000000000000000", live, "zero address"},
		{Ethereum, "0x5aAeb6…", live, "length"},
		// Solana: base58 of a 32-byte key.
		{Solana, "11111111111111111111111111111111", live, ""},
		{Solana, "So11111111111111111111111111111111111111112", live, ""},
		{Solana, "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", live, ""},
		{Solana, "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5D", live, "length"},
		{Solana, "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DAA", live, "length"},
		{Solana, "0okenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", live, "character"},
		{Solana, "So1111…", live, "character"},
		// Tron: base58check, version 0x41, 20-byte account.
		{Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", live, ""},
		{Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", live, "checksum"},
		{Tron, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", live, "version"},
		{Tron, base58Check(0x41, make([]byte, 19)), live, "length"},
		{Tron, "T…", live, "character"},
		{"dogechain", "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L", live, "unknown network"},
		{Bitcoin, strings.Repeat("1", 91), live, "length"},
	} {
		err := CheckAddress(c.network, c.addr, c.testnet)
		var ae *AddressError
		switch {
		case c.reason == "" && err != nil:
			t.Errorf("%s %s: %v", c.network, c.addr, err)
		case c.reason != "" && (!errors.As(err, &ae) || ae.Reason != c.reason || ae.Network != c.network):
			t.Errorf("%s %s: %v, want reason %q", c.network, c.addr, err, c.reason)
		}
	}
	want := "is not a valid bitcoin address (checksum)"
	if err := CheckAddress(Bitcoin, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", false); err == nil || err.Error() != want {
		t.Errorf("message %v, want %q", err, want)
	}
}

func TestEIP55RoundTrip(t *testing.T) {
	for _, a := range []string{"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"dbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "D1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"} {
		if got := eip55(strings.ToLower(a)); got != a {
			t.Errorf("eip55(%s) = %s", strings.ToLower(a), got)
		}
	}
}

// base58Check encodes the way the addresses above are written (tests only).
func base58Check(version byte, payload []byte) string {
	b := append([]byte{version}, payload...)
	h := sha256.Sum256(b)
	h = sha256.Sum256(h[:])
	b = append(b, h[:4]...)
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	var digits []byte // little-endian base 58
	for _, x := range b {
		carry := int(x)
		for i := range digits {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	out := strings.Repeat("1", zeros)
	for i := len(digits) - 1; i >= 0; i-- {
		out += string(base58Alphabet[digits[i]])
	}
	return out
}

func TestBase58RoundTrip(t *testing.T) {
	for _, p := range [][]byte{make([]byte, 20), {0, 0, 1, 2, 3}, []byte("\xff\xfe twenty bytes here!")} {
		s := base58Check(0x05, p)
		v, got, ok, sum := base58CheckDecode(s)
		if !ok || !sum || v != 0x05 || string(got) != string(p) {
			t.Errorf("%x -> %s -> %x %x %v %v", p, s, v, got, ok, sum)
		}
	}
}
