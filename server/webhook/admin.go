package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/rampart-id/rampart/server/store"
)

// SecretPrefix starts every webhook signing secret.
const SecretPrefix = "whsec_"

// NewSecret returns a fresh signing secret: the prefix and 32 random bytes in standard
// base64, the form the Standard Webhooks libraries decode (base62 would not decode).
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics itself if the OS has no randomness)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// AAD binds a sealed secret to its partner, so it cannot be moved to another partner.
func AAD(partnerID string) []byte { return []byte("webhook:" + partnerID) }

// Sealer seals secrets; *vault.Keyring is one.
type Sealer interface {
	Seal(plaintext, associatedData []byte) ([]byte, error)
}

// Admin holds the operator actions on webhooks.
type Admin struct {
	store *store.Store
	keys  Sealer
}

// NewAdmin returns the operator actions on st; keys seals new secrets.
func NewAdmin(st *store.Store, keys Sealer) *Admin { return &Admin{store: st, keys: keys} }

// RotateSecret gives a partner a new signing secret and returns it (it is shown once and
// stored sealed). For the grace period deliveries carry signatures by both the new and
// the current secret, so the partner can switch its receiver without losing events.
func (a *Admin) RotateSecret(ctx context.Context, partnerID string, grace time.Duration) (string, error) {
	if grace < 0 {
		return "", errors.New("grace must not be negative")
	}
	secret := NewSecret()
	sealed, err := a.keys.Seal([]byte(secret), AAD(partnerID))
	if err != nil {
		return "", err
	}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.RotateWebhookSecret(ctx, partnerID, sealed, tx.Now().Add(grace))
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// Redeliver makes an event due now again, with its id and body and a fresh retry window.
func (a *Admin) Redeliver(ctx context.Context, eventID string) error {
	return a.store.InTx(ctx, func(tx *store.Tx) error { return tx.RedeliverWebhookEvent(ctx, eventID) })
}

// RedeliverSince redelivers every event of a partner created at or after since and
// returns how many.
func (a *Admin) RedeliverSince(ctx context.Context, partnerID string, since time.Time) (int64, error) {
	var n int64
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.RedeliverWebhookEvents(ctx, partnerID, since)
		return err
	})
	return n, err
}

// Events lists a partner's events created at or after since, oldest first.
func (a *Admin) Events(ctx context.Context, partnerID string, since time.Time, limit int) ([]store.WebhookEvent, error) {
	return a.store.Read().WebhookEvents(ctx, partnerID, since, limit)
}
