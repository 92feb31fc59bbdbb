package auth

import (
	"bytes"
	"context"
	"testing"

	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/reqctx"
)

func TestTaggerRecognisesOnlyItsOwnTokens(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	before := NewTagger(oldKey)
	after := NewTagger(newKey, oldKey) // rotated: new key mints, the old one is still accepted
	tok, hash := before.New(PrefixWidget)
	if !WellFormed(tok, PrefixWidget) || !bytes.Equal(hash, Hash(tok)) {
		t.Fatalf("tagged token %q is not a well-formed widget token", tok)
	}
	if !before.Issued(tok, PrefixWidget) || !after.Issued(tok, PrefixWidget) {
		t.Fatal("a token is not recognised by its own key")
	}
	if NewTagger(newKey).Issued(tok, PrefixWidget) {
		t.Fatal("a token is recognised under a key that did not tag it")
	}
	if before.Issued(PrefixInit+tok[len(PrefixWidget):], PrefixInit) {
		t.Fatal("the tag does not bind the prefix: a widget token's body passes as an init token")
	}
	plain, _ := New(PrefixWidget)
	if before.Issued(plain, PrefixWidget) {
		t.Fatal("an untagged random token passes as issued")
	}
	// Flip each character in turn: no single-character forgery passes.
	for i := len(PrefixWidget); i < len(tok); i++ {
		b := []byte(tok)
		b[i] = alphabet[(alphabetIndex(b[i])+1)%len(alphabet)]
		if before.Issued(string(b), PrefixWidget) {
			t.Fatalf("token with character %d changed passes as issued", i)
		}
	}
	var none *Tagger
	if tok, _ := none.New(PrefixLive); !WellFormed(tok, PrefixLive) || none.Issued(tok, PrefixLive) {
		t.Fatal("a nil Tagger must mint plain tokens and recognise none")
	}
}

// A client address that spent its failure budget on guesses is refused before any
// look-up, yet a genuine (tagged) token from the same address is always admitted.
func TestAdmitNeverRefusesATaggedTokenFromAThrottledAddress(t *testing.T) {
	a := &Authenticator{Failures: NewLimiter(1, 5), Tokens: NewTagger(bytes.Repeat([]byte{3}, 32))}
	ctx := reqctx.WithHTTP(context.Background(), &reqctx.HTTP{ClientIP: "100.64.0.1"})
	refused := 0
	for i := 0; i < 24; i++ {
		guess, _ := New(PrefixWidget)
		err := a.Admit(ctx, guess, PrefixWidget)
		if e, ok := apierr.As(err); ok && e.Code == apierr.RateLimitExceeded {
			refused++
		} else if err != nil {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if refused < 24-6 {
		t.Fatalf("only %d of 24 guesses were refused before the look-up", refused)
	}
	if err := a.Admit(ctx, "garbage", PrefixWidget); err == nil {
		t.Fatal("a malformed token was admitted")
	}
	genuine, _ := a.Tokens.New(PrefixWidget)
	if err := a.Admit(ctx, genuine, PrefixWidget); err != nil {
		t.Fatalf("a genuine token from the throttled address was refused: %v", err)
	}
	other := reqctx.WithHTTP(context.Background(), &reqctx.HTTP{ClientIP: "100.64.0.2"})
	guess, _ := New(PrefixWidget)
	if err := a.Admit(other, guess, PrefixWidget); err != nil {
		t.Fatalf("another address is throttled too: %v", err)
	}
}
