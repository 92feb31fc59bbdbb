package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Handoff is a single-use code that opens the same widget session on another device.
type Handoff struct {
	SessionID     string
	PartnerID     string
	PartnerUserID string
	ExpiresAt     time.Time
	UsedAt        time.Time
}

// CreateHandoff stores a code's hash. It replaces the session's unused codes (a new
// code on the screen revokes the one shown before) and drops its expired ones.
func (t *Tx) CreateHandoff(ctx context.Context, hash []byte, h Handoff) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM handoff_codes WHERE session_id = $1 AND (used_at IS NULL OR expires_at <= $2)`,
		h.SessionID, micros(t.now)); err != nil {
		return err
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO handoff_codes (code_hash, session_id, partner_id, partner_user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, hash, h.SessionID, h.PartnerID, h.PartnerUserID, micros(t.now), micros(h.ExpiresAt))
	return err
}

// HandoffByHash finds a code by its hash, used or not.
func (t *Tx) HandoffByHash(ctx context.Context, hash []byte) (Handoff, error) {
	var h Handoff
	var expires int64
	var used sql.NullInt64
	err := t.q.QueryRowContext(ctx, `SELECT session_id, partner_id, partner_user_id, expires_at, used_at FROM handoff_codes
		WHERE code_hash = $1`, hash).Scan(&h.SessionID, &h.PartnerID, &h.PartnerUserID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return h, ErrNotFound
	}
	h.ExpiresAt, h.UsedAt = time.UnixMicro(expires).UTC(), fromMicros(used)
	return h, err
}

// UseHandoff marks an unexpired code used; false when it was used (or expired)
// meanwhile: of two concurrent redeemers one wins.
func (t *Tx) UseHandoff(ctx context.Context, hash []byte) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE handoff_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2`,
		hash, micros(t.now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SessionByID loads a session.
func (t *Tx) SessionByID(ctx context.Context, id string) (Session, error) {
	if !isID(id) {
		return Session{}, ErrNotFound
	}
	return scanSession(t.q.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id = $1`, id))
}
