package vault_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/rampart-id/rampart/server/vault"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func keyring(t *testing.T, current []byte, old ...[]byte) *vault.Keyring {
	t.Helper()
	k, err := vault.NewKeyring(current, old...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var (
	plain = []byte("\xff\xd8\xff synthetic document image bytes")
	aad   = []byte("case/7f3c/document/front")
)

func TestRoundTrip(t *testing.T) {
	k := keyring(t, key(1))
	for _, p := range [][]byte{plain, {}, bytes.Repeat([]byte("x"), 1<<20)} {
		env, err := k.Seal(p, aad)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) > 16 && bytes.Contains(env, p[:16]) {
			t.Fatal("envelope contains plaintext")
		}
		got, err := k.Open(env, aad)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, p) {
			t.Fatalf("round trip of %d bytes returned %d different bytes", len(p), len(got))
		}
	}
}

// A fresh data key and nonce per blob: sealing twice never repeats output.
func TestSealIsRandomized(t *testing.T) {
	k := keyring(t, key(1))
	a, _ := k.Seal(plain, aad)
	b, _ := k.Seal(plain, aad)
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are identical")
	}
	if id, err := vault.EnvelopeKeyID(a); err != nil || id != k.CurrentKeyID() || id != vault.KeyID(key(1)) {
		t.Fatalf("EnvelopeKeyID = %q, %v; want %q", id, err, k.CurrentKeyID())
	}
}

func TestWrongAssociatedDataFails(t *testing.T) {
	k := keyring(t, key(1))
	env, _ := k.Seal(plain, aad)
	for _, ad := range [][]byte{nil, []byte("case/7f3c/document/back")} {
		if _, err := k.Open(env, ad); !errors.Is(err, vault.ErrDecrypt) {
			t.Errorf("Open with AAD %q: err = %v, want ErrDecrypt", ad, err)
		}
	}
}

// Flipping any single byte - header, wrapped key, nonce or ciphertext - must
// make Open fail rather than return altered data.
func TestTamperedEnvelopeFails(t *testing.T) {
	k := keyring(t, key(1))
	env, _ := k.Seal(plain, aad)
	for i := range env {
		bad := bytes.Clone(env)
		bad[i] ^= 0x01
		if got, err := k.Open(bad, aad); err == nil {
			t.Fatalf("byte %d flipped: Open returned %q without error", i, got)
		}
	}
	if _, err := k.Open(env[:len(env)-1], aad); err == nil {
		t.Error("truncated envelope opened")
	}
	if _, err := k.Open(env[:20], aad); !errors.Is(err, vault.ErrMalformed) {
		t.Errorf("short envelope: err = %v, want ErrMalformed", err)
	}
}

func TestRotation(t *testing.T) {
	oldK, newK := key(1), key(2)
	before := keyring(t, oldK)
	env, err := before.Seal(plain, aad)
	if err != nil {
		t.Fatal(err)
	}

	during := keyring(t, newK, oldK)
	rewrapped, err := during.Rewrap(env)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := vault.EnvelopeKeyID(rewrapped); id != vault.KeyID(newK) {
		t.Errorf("rewrapped key id %s, want %s", id, vault.KeyID(newK))
	}
	// Only the header changes; the image ciphertext is left as it was.
	const header = 1 + 4 + 60
	if !bytes.Equal(rewrapped[header:], env[header:]) {
		t.Error("Rewrap changed the ciphertext")
	}

	after := keyring(t, newK) // the old key is gone
	got, err := after.Open(rewrapped, aad)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open after rotation: %q, %v", got, err)
	}
	if _, err := after.Open(env, aad); !errors.Is(err, vault.ErrUnknownKey) {
		t.Errorf("un-rotated envelope: err = %v, want ErrUnknownKey", err)
	}

	// Rewrapping an already current envelope is a harmless no-op.
	again, err := after.Rewrap(rewrapped)
	if err != nil || !bytes.Equal(again, rewrapped) {
		t.Errorf("Rewrap of current envelope changed it (err %v)", err)
	}
}

func TestUnknownKeyError(t *testing.T) {
	env, _ := keyring(t, key(1)).Seal(plain, aad)
	_, err := keyring(t, key(2), key(3)).Open(env, aad)
	if !errors.Is(err, vault.ErrUnknownKey) {
		t.Fatalf("err = %v, want ErrUnknownKey", err)
	}
	// The message names the missing key id so an operator can find it.
	if !strings.Contains(err.Error(), vault.KeyID(key(1))) {
		t.Errorf("error %q does not name key id %s", err, vault.KeyID(key(1)))
	}
	if _, err := keyring(t, key(2)).Rewrap(env); !errors.Is(err, vault.ErrUnknownKey) {
		t.Errorf("Rewrap: err = %v, want ErrUnknownKey", err)
	}
}

func TestNewKeyringRejectsBadKeys(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := vault.NewKeyring(make([]byte, n)); err == nil {
			t.Errorf("%d-byte current key accepted", n)
		}
		if _, err := vault.NewKeyring(key(1), make([]byte, n)); err == nil {
			t.Errorf("%d-byte old key accepted", n)
		}
	}
	if _, err := vault.NewKeyring(key(1), key(1)); err != nil {
		t.Errorf("repeated key rejected: %v", err)
	}
}

func TestKeyID(t *testing.T) {
	id := vault.KeyID(key(1))
	if len(id) != 8 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Errorf("KeyID = %q, want 8 hex characters", id)
	}
	if id == vault.KeyID(key(2)) {
		t.Error("different keys share an id")
	}
}

func TestParseMasterKey(t *testing.T) {
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(250 - i) // exercises '+' '/' vs '-' '_'
	}
	for _, s := range []string{
		base64.StdEncoding.EncodeToString(raw),
		base64.RawStdEncoding.EncodeToString(raw),
		base64.URLEncoding.EncodeToString(raw),
		base64.RawURLEncoding.EncodeToString(raw),
		"  " + base64.StdEncoding.EncodeToString(raw) + "\n",
	} {
		got, err := vault.ParseMasterKey(s)
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("ParseMasterKey(%q) = %x, %v", s, got, err)
		}
	}

	secret := base64.StdEncoding.EncodeToString(raw[:16])
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{"not base64 at all!", "not valid base64"},
		{secret, "16 bytes"},
		{base64.StdEncoding.EncodeToString(make([]byte, 48)), "48 bytes"},
	} {
		_, err := vault.ParseMasterKey(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseMasterKey(%q) err = %v, want mention of %q", tc.in, err, tc.want)
		}
		if err != nil && tc.in != "" && strings.Contains(err.Error(), tc.in) {
			t.Errorf("error echoes the key: %v", err)
		}
	}
}

func TestGenerateMasterKey(t *testing.T) {
	a, b := vault.GenerateMasterKey(), vault.GenerateMasterKey()
	if a == b {
		t.Fatal("two generated keys are equal")
	}
	k, err := vault.ParseMasterKey(a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vault.NewKeyring(k); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkSeal1MiB(b *testing.B) {
	k, _ := vault.NewKeyring(key(1))
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := k.Seal(data, aad); err != nil {
			b.Fatal(err)
		}
	}
}
