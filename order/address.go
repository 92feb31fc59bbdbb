package order

import (
	"fmt"

	"golang.org/x/crypto/sha3"
)

// AddressError says why a wallet address is refused, in words safe to show a partner.
type AddressError struct {
	Network string
	Reason  string // e.g. "checksum", "length", "character"
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("is not a valid %s address (%s)", e.Network, e.Reason)
}

// AddressRules describes, per network, what CheckAddress accepts (the README table).
var AddressRules = map[string]string{
	Bitcoin: "bech32 (BIP-173) witness v0 with a 20- or 32-byte program, bech32m (BIP-350) v1 (taproot, 32 bytes), " +
		"or base58check P2PKH/P2SH (version 0x00/0x05); prefix `bc1`, 1 or 3. Test-mode partners may also use testnet " +
		"(`tb1`, versions 0x6f/0xc4). Later witness versions are refused: nothing guards coins sent there yet",
	Ethereum: "`0x` and 40 hex digits; mixed case must match the EIP-55 checksum; the zero address is refused",
	Polygon:  "as ethereum",
	Solana:   "base58 of exactly 32 bytes (an ed25519 public key)",
	Tron:     "base58check, version 0x41 and a 20-byte account (starts with T)",
}

// maxAddressLen bounds the work on any input; bech32 stops at 90 characters.
const maxAddressLen = 90

// CheckAddress checks a wallet address for a network. Bitcoin testnet addresses are
// accepted only when testnet is set (a test-mode partner); on the other networks test
// and main networks share one address format.
func CheckAddress(network, addr string, testnet bool) error {
	if len(addr) > maxAddressLen {
		return &AddressError{network, "length"}
	}
	var reason string
	switch network {
	case Bitcoin:
		reason = bitcoinReason(addr, testnet)
	case Ethereum, Polygon:
		reason = evmReason(addr)
	case Solana:
		if b, ok := base58Decode(addr); !ok {
			reason = "character"
		} else if len(b) != 32 {
			reason = "length"
		}
	case Tron:
		reason = tronReason(addr)
	default:
		reason = "unknown network"
	}
	if reason != "" {
		return &AddressError{network, reason}
	}
	return nil
}

func bitcoinReason(addr string, testnet bool) string {
	if len(addr) > 3 && (addr[:3] == "bc1" || addr[:3] == "BC1" || addr[:3] == "tb1" || addr[:3] == "TB1") {
		hrp := "bc"
		if testnet && (addr[0] == 't' || addr[0] == 'T') {
			hrp = "tb"
		}
		version, program, reason := segwitDecode(hrp, addr)
		switch {
		case reason == "prefix":
			return "testnet address in live mode"
		case reason != "":
			return reason
		case version > 1 || (version == 1 && len(program) != 32):
			// Valid per BIP-350 but not yet spendable rules: coins sent there are anyone's.
			return fmt.Sprintf("unsupported witness version %d", version)
		}
		return ""
	}
	version, payload, ok, checksum := base58CheckDecode(addr)
	switch {
	case !ok:
		return "character"
	case !checksum:
		return "checksum"
	case len(payload) != 20:
		return "length"
	case version == 0x00 || version == 0x05:
		return ""
	case version == 0x6f || version == 0xc4:
		if testnet {
			return ""
		}
		return "testnet address in live mode"
	}
	return "version"
}

func tronReason(addr string) string {
	version, payload, ok, checksum := base58CheckDecode(addr)
	switch {
	case !ok:
		return "character"
	case !checksum:
		return "checksum"
	case len(payload) != 20:
		return "length"
	case version != 0x41:
		return "version"
	}
	return ""
}

// evmReason checks 0x and 40 hex digits; mixed case must be the EIP-55 checksum, while
// all lower or all upper case carries none.
func evmReason(addr string) string {
	if len(addr) != 42 {
		return "length"
	}
	if addr[:2] != "0x" {
		return "prefix"
	}
	hex := addr[2:]
	lower, upper := false, false
	for i := 0; i < len(hex); i++ {
		switch c := hex[i]; {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'f':
			lower = true
		case c >= 'A' && c <= 'F':
			upper = true
		default:
			return "character"
		}
	}
	if hex == "0000000000000000000000000000000000000000" {
		return "zero address"
	}
	if lower && upper && eip55(hex) != hex {
		return "checksum"
	}
	return ""
}

// eip55 writes 40 hex digits with the EIP-55 checksum: a letter is upper case when the
// matching nibble of keccak-256(lower-case hex) is 8 or more.
func eip55(hex string) string {
	b := []byte(hex)
	for i, c := range b {
		if c >= 'A' && c <= 'F' {
			b[i] = c + 'a' - 'A'
		}
	}
	h := sha3.NewLegacyKeccak256()
	h.Write(b)
	sum := h.Sum(nil)
	for i, c := range b {
		nibble := sum[i/2] >> 4
		if i%2 == 1 {
			nibble = sum[i/2] & 0xf
		}
		if c >= 'a' && nibble >= 8 {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
