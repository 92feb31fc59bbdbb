package order

import (
	"bytes"
	"crypto/sha256"
)

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var base58Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

// maxBase58Len bounds the quadratic decode; the longest address here is 44 characters.
const maxBase58Len = 64

// base58Decode decodes Bitcoin's base58: each leading '1' is a leading zero byte.
func base58Decode(s string) ([]byte, bool) {
	if s == "" || len(s) > maxBase58Len {
		return nil, false
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// Big-endian base-256 number, grown one base-58 digit at a time.
	var num []byte
	for i := zeros; i < len(s); i++ {
		d := base58Index[s[i]]
		if d < 0 {
			return nil, false
		}
		carry := int(d)
		for j := len(num) - 1; j >= 0; j-- {
			carry += int(num[j]) * 58
			num[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			num = append([]byte{byte(carry)}, num...)
			carry >>= 8
		}
	}
	return append(make([]byte, zeros), num...), true
}

// base58CheckDecode splits a base58check string into version byte and payload.
// ok is false for bad characters, checksum says whether the 4-byte checksum matched.
func base58CheckDecode(s string) (version byte, payload []byte, ok, checksum bool) {
	b, ok := base58Decode(s)
	if !ok {
		return 0, nil, false, false
	}
	if len(b) < 5 {
		return 0, nil, true, false
	}
	body, sum := b[:len(b)-4], b[len(b)-4:]
	h := sha256.Sum256(body)
	h = sha256.Sum256(h[:])
	if !bytes.Equal(h[:4], sum) {
		return 0, nil, true, false
	}
	return body[0], body[1:], true, true
}
