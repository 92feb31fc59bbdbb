package auth

import (
	"strings"
	"testing"
)

func FuzzTokenParsing(f *testing.F) {
	tok, _ := New(PrefixTest)
	for _, s := range []string{"Bearer " + tok, "bearer  " + tok, "Basic abc", "Bearer", "", "Bearer rp_test_\x00", "BEARER rpw_" + strings.Repeat("z", 43)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		got, ok := Bearer(header)
		if !ok {
			return
		}
		for _, p := range []string{PrefixTest, PrefixLive, PrefixInit, PrefixWidget, PrefixOperator} {
			if WellFormed(got, p) {
				if !strings.HasPrefix(got, p) || len(got) != len(p)+bodyLen {
					t.Fatalf("WellFormed(%q, %q) accepted a malformed token", got, p)
				}
				if dp := DisplayPrefix(got); len(dp) >= len(got) {
					t.Fatalf("DisplayPrefix reveals the whole token: %q", dp)
				}
			}
		}
	})
}

func TestTokenFormat(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, hash := New(PrefixLive)
		if !WellFormed(tok, PrefixLive) || WellFormed(tok, PrefixTest) || len(hash) != 32 || seen[tok] {
			t.Fatalf("bad token %q", tok)
		}
		seen[tok] = true
	}
	if _, ok := Bearer("Token abc"); ok {
		t.Error("non-bearer scheme accepted")
	}
	if got, ok := Bearer("bearer  abc "); !ok || got != "abc" {
		t.Errorf("Bearer: %q %v", got, ok)
	}
	if DisplayPrefix("rp_live_ABCDEFGH") != "rp_live_ABCD" {
		t.Errorf("display prefix: %q", DisplayPrefix("rp_live_ABCDEFGH"))
	}
}
