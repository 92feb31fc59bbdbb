package order

import "strings"

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// Checksum constants: BIP-173 (bech32) and BIP-350 (bech32m).
const (
	bech32Const  = 1
	bech32mConst = 0x2bc830a3
)

func bech32Polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := range 5 {
			if (top>>i)&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}

func hrpExpand(hrp string) []byte {
	out := make([]byte, 0, 2*len(hrp)+1)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]>>5)
	}
	out = append(out, 0)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]&31)
	}
	return out
}

// bech32Decode returns the lower-case HRP, the 5-bit data without checksum and which
// checksum constant matched (0 for none). reason is "" on success.
func bech32Decode(s string) (hrp string, data []byte, constant uint32, reason string) {
	lower, upper := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 33 || c > 126:
			return "", nil, 0, "character"
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		}
	}
	if lower && upper {
		return "", nil, 0, "mixed case"
	}
	if len(s) < 8 || len(s) > 90 {
		return "", nil, 0, "length"
	}
	s = strings.ToLower(s)
	sep := strings.LastIndexByte(s, '1')
	if sep < 1 || sep+7 > len(s) {
		return "", nil, 0, "separator"
	}
	hrp = s[:sep]
	for i := sep + 1; i < len(s); i++ {
		d := strings.IndexByte(bech32Charset, s[i])
		if d < 0 {
			return "", nil, 0, "character"
		}
		data = append(data, byte(d))
	}
	switch bech32Polymod(append(hrpExpand(hrp), data...)) {
	case bech32Const:
		constant = bech32Const
	case bech32mConst:
		constant = bech32mConst
	default:
		return "", nil, 0, "checksum"
	}
	return hrp, data[:len(data)-6], constant, ""
}

// convertBits5to8 regroups 5-bit groups into bytes; leftover padding must be under 5 bits
// and zero.
func convertBits5to8(data []byte) ([]byte, bool) {
	var acc uint32
	var bits uint
	var out []byte
	for _, v := range data {
		acc = acc<<5 | uint32(v)
		bits += 5
		for bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	if bits >= 5 || acc&(1<<bits-1) != 0 {
		return nil, false
	}
	return out, true
}

// segwitDecode decodes a segwit address per BIP-173 and BIP-350 for the given HRP.
func segwitDecode(hrp, addr string) (version int, program []byte, reason string) {
	got, data, constant, reason := bech32Decode(addr)
	switch {
	case reason != "":
		return 0, nil, reason
	case got != hrp:
		return 0, nil, "prefix"
	case len(data) < 1 || data[0] > 16:
		return 0, nil, "witness version"
	}
	version = int(data[0])
	program, ok := convertBits5to8(data[1:])
	switch {
	case !ok:
		return 0, nil, "padding"
	case len(program) < 2 || len(program) > 40:
		return 0, nil, "length"
	case version == 0 && len(program) != 20 && len(program) != 32:
		return 0, nil, "length"
	case version == 0 && constant != bech32Const, version != 0 && constant != bech32mConst:
		return 0, nil, "checksum"
	}
	return version, program, ""
}
