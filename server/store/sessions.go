package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Session is an order (kind "session") or a KYC-only visit (kind "kyc") opened by a
// partner; its init token is stored only as a hash.
type Session struct {
	ID            string // the merchant_transaction_id
	PartnerID     string
	PartnerUserID string
	Kind          string
	InitTokenHash []byte
	OrderJSON     string
	UserEmail     string
	ClientIP      string
	CreatedAt     time.Time
	ExpiresAt     time.Time
	UsedAt        time.Time
}

// WidgetToken lets one widget act on one user for a short time.
type WidgetToken struct {
	Hash          []byte
	SessionID     string
	PartnerID     string
	PartnerUserID string
	ExpiresAt     time.Time
}

// CreateSession stores a new session.
func (t *Tx) CreateSession(ctx context.Context, s Session) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO sessions (id, partner_id, partner_user_id, kind, init_token_hash, order_json, user_email, client_ip, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		s.ID, s.PartnerID, s.PartnerUserID, s.Kind, s.InitTokenHash, s.OrderJSON, s.UserEmail, s.ClientIP, micros(t.now), micros(s.ExpiresAt))
	return err
}

const sessionCols = `id, partner_id, partner_user_id, kind, init_token_hash, order_json, user_email, client_ip, created_at, expires_at, used_at`

func scanSession(row row) (Session, error) {
	var s Session
	var created, expires int64
	var used sql.NullInt64
	err := row.Scan(&s.ID, &s.PartnerID, &s.PartnerUserID, &s.Kind, &s.InitTokenHash, &s.OrderJSON, &s.UserEmail, &s.ClientIP, &created, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	s.CreatedAt, s.ExpiresAt, s.UsedAt = time.UnixMicro(created).UTC(), time.UnixMicro(expires).UTC(), fromMicros(used)
	return s, err
}

// SessionByInitToken finds a session by the hash of its init token (used or not).
func (t *Tx) SessionByInitToken(ctx context.Context, hash []byte) (Session, error) {
	return scanSession(t.q.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE init_token_hash = $1`, hash))
}

// UseSession marks a session's init token used. It reports false when it was already
// used: the conditional update makes two concurrent exchanges yield one winner.
func (t *Tx) UseSession(ctx context.Context, id string) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE sessions SET used_at = $2 WHERE id = $1 AND used_at IS NULL`, id, micros(t.now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CreateWidgetToken stores a widget token.
func (t *Tx) CreateWidgetToken(ctx context.Context, w WidgetToken) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO widget_tokens (token_hash, session_id, partner_id, partner_user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, w.Hash, w.SessionID, w.PartnerID, w.PartnerUserID, micros(t.now), micros(w.ExpiresAt))
	return err
}

// WidgetTokenByHash finds an unexpired widget token.
func (t *Tx) WidgetTokenByHash(ctx context.Context, hash []byte) (WidgetToken, error) {
	w := WidgetToken{Hash: hash}
	var expires int64
	err := t.q.QueryRowContext(ctx, `SELECT session_id, partner_id, partner_user_id, expires_at FROM widget_tokens
		WHERE token_hash = $1 AND expires_at > $2`, hash, micros(t.now)).Scan(&w.SessionID, &w.PartnerID, &w.PartnerUserID, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return w, ErrNotFound
	}
	w.ExpiresAt = time.UnixMicro(expires).UTC()
	return w, err
}
