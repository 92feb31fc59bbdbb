package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Partner is a business that embeds the widget.
type Partner struct {
	ID            string
	Name          string
	WidgetID      string
	TestMode      bool
	Origins       []string
	WebhookURL    string
	WebhookSecret []byte // sealed by the caller's keyring
	MaxAttempts   int
	ShareIdentity bool   // may read its users' verified identity
	MinAge        int    // youngest age accepted, in years
	PrivacyURL    string // the partner's privacy policy, linked from the consent screen
	SupportURL    string // where users get help, linked when no attempts are left
	CreatedAt     time.Time
}

// ClientToken is a stored partner API token: only its hash is kept.
type ClientToken struct {
	Hash          []byte
	DisplayPrefix string // e.g. "rp_test_Ab12", safe to show and log
}

const partnerCols = `p.id, p.name, p.widget_id, p.test_mode, p.allowed_origins, p.webhook_url, p.webhook_secret, p.max_attempts, p.share_identity, p.min_age, p.privacy_url, p.support_url, p.created_at`

func scanPartner(row interface{ Scan(...any) error }) (Partner, error) {
	var p Partner
	var origins string
	var created int64
	if err := row.Scan(&p.ID, &p.Name, &p.WidgetID, &p.TestMode, &origins, &p.WebhookURL, &p.WebhookSecret, &p.MaxAttempts, &p.ShareIdentity, &p.MinAge, &p.PrivacyURL, &p.SupportURL, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return p, ErrNotFound
		}
		return p, err
	}
	if err := json.Unmarshal([]byte(origins), &p.Origins); err != nil {
		return p, fmt.Errorf("partner %s: origins: %w", p.ID, err)
	}
	p.CreatedAt = time.UnixMicro(created).UTC()
	return p, nil
}

// CreatePartner stores a partner with its first client token.
func (t *Tx) CreatePartner(ctx context.Context, p Partner, tok ClientToken) error {
	origins, err := json.Marshal(nonNil(p.Origins))
	if err != nil {
		return err
	}
	if _, err := t.q.ExecContext(ctx, `INSERT INTO partners (id, name, widget_id, test_mode, allowed_origins, webhook_url, webhook_secret, max_attempts, share_identity, min_age, privacy_url, support_url, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		p.ID, p.Name, p.WidgetID, p.TestMode, string(origins), p.WebhookURL, p.WebhookSecret, p.MaxAttempts, p.ShareIdentity, p.MinAge,
		p.PrivacyURL, p.SupportURL, micros(t.now)); err != nil {
		return err
	}
	return t.AddClientToken(ctx, p.ID, tok)
}

// SetPartnerLinks sets the partner's privacy policy and support URLs ("" removes one).
func (t *Tx) SetPartnerLinks(ctx context.Context, partnerID, privacyURL, supportURL string) error {
	if !isID(partnerID) {
		return ErrNotFound
	}
	res, err := t.q.ExecContext(ctx, `UPDATE partners SET privacy_url = $2, support_url = $3 WHERE id = $1`, partnerID, privacyURL, supportURL)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetPartnerWebhook sets where the partner's webhooks go ("" stops them); events not yet
// delivered go to the new address.
func (t *Tx) SetPartnerWebhook(ctx context.Context, partnerID, url string) error {
	if !isID(partnerID) {
		return ErrNotFound
	}
	res, err := t.q.ExecContext(ctx, `UPDATE partners SET webhook_url = $2 WHERE id = $1`, partnerID, url)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// AddClientToken stores another valid token for a partner.
func (t *Tx) AddClientToken(ctx context.Context, partnerID string, tok ClientToken) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO client_tokens (token_hash, partner_id, display_prefix, created_at) VALUES ($1, $2, $3, $4)`,
		tok.Hash, partnerID, tok.DisplayPrefix, micros(t.now))
	return err
}

// ExpireClientTokens makes every currently valid token of the partner expire at `at`
// (the rotation grace period); tokens already expiring sooner keep their expiry.
func (t *Tx) ExpireClientTokens(ctx context.Context, partnerID string, at time.Time) error {
	if !isID(partnerID) {
		return nil
	}
	_, err := t.q.ExecContext(ctx, `UPDATE client_tokens SET expires_at = $2
		WHERE partner_id = $1 AND (expires_at IS NULL OR expires_at > $2)`, partnerID, micros(at))
	return err
}

// PartnerByTokenHash finds the partner owning a valid (unexpired) token.
func (t *Tx) PartnerByTokenHash(ctx context.Context, hash []byte) (Partner, error) {
	p, _, err := t.ClientToken(ctx, hash)
	return p, err
}

// ClientToken finds the partner owning a valid token and when the token expires (zero:
// never), so callers may cache the answer without outliving the token.
func (t *Tx) ClientToken(ctx context.Context, hash []byte) (Partner, time.Time, error) {
	row := t.q.QueryRowContext(ctx, `SELECT `+partnerCols+`, c.token_hash, c.expires_at FROM client_tokens c
		JOIN partners p ON p.id = c.partner_id
		WHERE c.token_hash = $1 AND (c.expires_at IS NULL OR c.expires_at > $2)`, hash, micros(t.now))
	var stored []byte
	var expires sql.NullInt64
	p, err := scanPartner(scanExtra{row, []any{&stored, &expires}})
	if err != nil {
		return p, time.Time{}, err
	}
	// The index lookup already matched; the constant-time compare keeps the final
	// equality decision free of timing differences.
	if subtle.ConstantTimeCompare(stored, hash) != 1 {
		return Partner{}, time.Time{}, ErrNotFound
	}
	return p, fromMicros(expires), nil
}

// PartnerByID loads a partner.
func (t *Tx) PartnerByID(ctx context.Context, id string) (Partner, error) {
	if !isID(id) {
		return Partner{}, ErrNotFound
	}
	return scanPartner(t.q.QueryRowContext(ctx, `SELECT `+partnerCols+` FROM partners p WHERE p.id = $1`, id))
}

// PartnerByWidgetID loads a partner by its public widget id.
func (t *Tx) PartnerByWidgetID(ctx context.Context, widgetID string) (Partner, error) {
	return scanPartner(t.q.QueryRowContext(ctx, `SELECT `+partnerCols+` FROM partners p WHERE p.widget_id = $1`, widgetID))
}

// scanExtra appends destinations to a row scan so shared scanners can read joined columns.
type scanExtra struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanExtra) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// AllOrigins lists every origin any partner registered (for CORS preflight answers,
// which arrive without credentials).
func (t *Tx) AllOrigins(ctx context.Context) (map[string]bool, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT allowed_origins FROM partners`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var list []string
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			return nil, err
		}
		for _, o := range list {
			out[o] = true
		}
	}
	return out, rows.Err()
}
