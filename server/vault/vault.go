// Package vault encrypts document images at rest with envelope encryption:
// every blob gets a fresh AES-256-GCM data key, and only that small key is
// encrypted ("wrapped") with the master key from configuration. Rotating the
// master key therefore rewrites a 60-byte header per blob, not the images.
package vault

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Envelope layout, version 1 (all fields fixed size, so no length prefixes):
//
//	version    1 byte   = 1
//	key id     4 bytes  first 4 bytes of SHA-256(master key)
//	wrapped   60 bytes  nonce(12) || AES-GCM(master, data key)(32) || tag(16)
//	nonce     12 bytes
//	ciphertext          AES-GCM(data key, plaintext) || tag(16)
const (
	version1    = 1
	keyIDLen    = 4
	keyLen      = 32
	nonceLen    = 12
	tagLen      = 16
	wrappedLen  = nonceLen + keyLen + tagLen
	headerLen   = 1 + keyIDLen + wrappedLen
	minEnvelope = headerLen + nonceLen + tagLen
)

var (
	// ErrUnknownKey means the envelope was sealed under a master key that is
	// not in the keyring (e.g. an old key was dropped from configuration).
	ErrUnknownKey = errors.New("vault: unknown master key")
	// ErrMalformed means the bytes are not a vault envelope this version reads.
	ErrMalformed = errors.New("vault: malformed envelope")
	// ErrDecrypt means authentication failed: wrong associated data, a
	// tampered envelope, or a different key with a colliding id.
	ErrDecrypt = errors.New("vault: decryption failed")
)

// Keyring holds the current master key, used to seal, and older ones still
// accepted to open. It is safe for concurrent use.
type Keyring struct {
	current   string
	keys      map[string]masterKey // by key id
	tokenKeys [][]byte
	indexKeys [][]byte // per master key, current first
}

type masterKey struct {
	aead cipher.AEAD
	sum  [sha256.Size]byte // tells a repeated key from an id collision
}

// NewKeyring returns a keyring sealing with current and also opening
// envelopes sealed with any of old. Every key must be 32 bytes.
func NewKeyring(current []byte, old ...[]byte) (*Keyring, error) {
	k := &Keyring{keys: make(map[string]masterKey)}
	for i, key := range append([][]byte{current}, old...) {
		if len(key) != keyLen {
			return nil, fmt.Errorf("vault: master key %d is %d bytes, want %d", i, len(key), keyLen)
		}
		id, sum := KeyID(key), sha256.Sum256(key)
		if prev, ok := k.keys[id]; ok {
			if prev.sum != sum {
				return nil, fmt.Errorf("vault: master keys share id %s; generate a new key", id)
			}
			continue // the same key listed twice is harmless
		}
		aead, err := newGCM(key)
		if err != nil {
			return nil, err
		}
		k.keys[id] = masterKey{aead: aead, sum: sum}
		if i == 0 {
			k.current = id
		}
		k.tokenKeys = append(k.tokenKeys, derive(key, "rampart token tag v1"))
		k.indexKeys = append(k.indexKeys, derive(key, "rampart document index v1"))
	}
	return k, nil
}

// KeyID names a master key without revealing it: the first 8 hex characters
// of its SHA-256. It is stored in envelopes and safe to log.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:keyIDLen])
}

// TokenKeys are the keys that tag bearer tokens, derived from each master key (current
// first): every server of a deployment recognises the tokens any of them issued.
func (k *Keyring) TokenKeys() [][]byte { return k.tokenKeys }

// IndexKeys are the keys of the duplicate-document index (keyed hashes of document
// numbers), current first: a number is indexed under the current key and looked up
// under all, so entries made before a rotation still match.
func (k *Keyring) IndexKeys() [][]byte { return k.indexKeys }

// derive makes a key for one purpose from a master key, so the master key itself is
// only ever used for wrapping data keys.
func derive(master []byte, purpose string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// CurrentKeyID is the id of the key new envelopes are sealed with.
func (k *Keyring) CurrentKeyID() string { return k.current }

// Seal encrypts plaintext under a fresh data key. associatedData (e.g. the
// case and document ids) is authenticated but not stored; Open must be given
// the same bytes, so a blob cannot be swapped into another record.
func (k *Keyring) Seal(plaintext, associatedData []byte) ([]byte, error) {
	dataKey := make([]byte, keyLen)
	rand.Read(dataKey) // never fails since Go 1.24
	defer clear(dataKey)
	data, err := newGCM(dataKey)
	if err != nil {
		return nil, err
	}
	env := make([]byte, headerLen, headerLen+nonceLen+len(plaintext)+tagLen)
	k.wrap(env, dataKey)
	nonce := make([]byte, nonceLen)
	rand.Read(nonce)
	env = append(env, nonce...)
	return data.Seal(env, nonce, plaintext, dataAAD(associatedData)), nil
}

// Open authenticates and decrypts an envelope made by Seal.
func (k *Keyring) Open(envelope, associatedData []byte) ([]byte, error) {
	dataKey, err := k.unwrap(envelope)
	if err != nil {
		return nil, err
	}
	defer clear(dataKey)
	data, err := newGCM(dataKey)
	if err != nil {
		return nil, err
	}
	body := envelope[headerLen:]
	plain, err := data.Open(nil, body[:nonceLen], body[nonceLen:], dataAAD(associatedData))
	if err != nil {
		return nil, fmt.Errorf("%w: ciphertext does not authenticate (wrong associated data or tampered)", ErrDecrypt)
	}
	return plain, nil
}

// Rewrap returns the envelope with its data key wrapped under the current
// master key. The ciphertext is copied unchanged, so no associated data is
// needed. An envelope already under the current key is returned as a copy.
func (k *Keyring) Rewrap(envelope []byte) ([]byte, error) {
	dataKey, err := k.unwrap(envelope)
	if err != nil {
		return nil, err
	}
	defer clear(dataKey)
	out := bytes.Clone(envelope)
	if id, _ := EnvelopeKeyID(envelope); id != k.current {
		k.wrap(out[:headerLen], dataKey)
	}
	return out, nil
}

// EnvelopeKeyID reports which master key an envelope is wrapped under, so
// the rotation command can skip blobs that are already current.
func EnvelopeKeyID(envelope []byte) (string, error) {
	if len(envelope) < minEnvelope {
		return "", fmt.Errorf("%w: %d bytes is too short", ErrMalformed, len(envelope))
	}
	if envelope[0] != version1 {
		return "", fmt.Errorf("%w: unknown version %d", ErrMalformed, envelope[0])
	}
	return hex.EncodeToString(envelope[1 : 1+keyIDLen]), nil
}

// wrap writes version, current key id and the wrapped data key into hdr.
func (k *Keyring) wrap(hdr, dataKey []byte) {
	hdr[0] = version1
	id, _ := hex.DecodeString(k.current)
	copy(hdr[1:], id)
	nonce := hdr[1+keyIDLen : 1+keyIDLen+nonceLen]
	rand.Read(nonce)
	// The version and key id are the wrap's associated data, so they cannot
	// be altered to point the envelope at another key.
	sealed := k.keys[k.current].aead.Seal(nil, nonce, dataKey, hdr[:1+keyIDLen])
	copy(hdr[1+keyIDLen+nonceLen:headerLen], sealed)
}

func (k *Keyring) unwrap(envelope []byte) ([]byte, error) {
	id, err := EnvelopeKeyID(envelope)
	if err != nil {
		return nil, err
	}
	master, ok := k.keys[id]
	if !ok {
		return nil, fmt.Errorf("%w: envelope key id %s, keyring has %s", ErrUnknownKey, id, k.ids())
	}
	w := envelope[1+keyIDLen : headerLen]
	dataKey, err := master.aead.Open(nil, w[:nonceLen], w[nonceLen:], envelope[:1+keyIDLen])
	if err != nil {
		return nil, fmt.Errorf("%w: data key does not authenticate under master key %s", ErrDecrypt, id)
	}
	return dataKey, nil
}

func (k *Keyring) ids() string {
	ids := slices.Sorted(maps.Keys(k.keys))
	for i, id := range ids {
		if id == k.current {
			ids[i] += " (current)"
		}
	}
	return strings.Join(ids, ", ")
}

// dataAAD prefixes the caller's associated data with the format version so
// a future format cannot be confused with this one.
func dataAAD(ad []byte) []byte {
	return append([]byte{version1}, ad...)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return cipher.NewGCM(block)
}

// ParseMasterKey decodes a master key from configuration: 32 bytes in
// base64, standard or URL alphabet, padded or not. Errors never echo the
// value, which is a secret.
func ParseMasterKey(b64 string) ([]byte, error) {
	s := strings.TrimSpace(b64)
	if s == "" {
		return nil, errors.New("vault: master key is empty")
	}
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	} {
		key, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(key) != keyLen {
			return nil, fmt.Errorf("vault: master key decodes to %d bytes, want %d (AES-256)", len(key), keyLen)
		}
		return key, nil
	}
	return nil, fmt.Errorf("vault: master key is not valid base64 (%d characters; standard or URL alphabet expected)", len(s))
}

// GenerateMasterKey returns a new random 32-byte key in standard base64.
func GenerateMasterKey() string {
	key := make([]byte, keyLen)
	rand.Read(key)
	return base64.StdEncoding.EncodeToString(key)
}
