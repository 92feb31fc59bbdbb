package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Console session lifetimes: a session ends 12 hours after sign-in, or after 30 minutes
// without a request, whichever comes first.
const (
	ConsoleSessionMaxAge = 12 * time.Hour
	ConsoleSessionIdle   = 30 * time.Minute
)

// ConsoleSession is a signed-in operator console session.
type ConsoleSession struct {
	IDHash     []byte // hash of the cookie's random id
	TokenHash  []byte // the operator token signed in with
	CSRF       string // the token every form of the session carries
	Operator   Operator
	CreatedAt  time.Time
	LastSeenAt time.Time
	Address    string
}

// CreateConsoleSession stores a new session opened now.
func (t *Tx) CreateConsoleSession(ctx context.Context, s ConsoleSession) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO console_sessions (id_hash, token_hash, csrf, created_at, last_seen_at, address)
		VALUES ($1, $2, $3, $4, $4, $5)`, s.IDHash, s.TokenHash, s.CSRF, micros(t.now), s.Address)
	return err
}

// ConsoleSession returns a live session with its operator: not past its absolute or idle
// lifetime, and its operator token still valid (unexpired, not revoked). ErrNotFound
// otherwise.
func (t *Tx) ConsoleSession(ctx context.Context, idHash []byte) (ConsoleSession, error) {
	s := ConsoleSession{IDHash: idHash}
	var created, seen int64
	err := t.q.QueryRowContext(ctx, `SELECT s.token_hash, s.csrf, s.created_at, s.last_seen_at, s.address, o.name, o.role
		FROM console_sessions s JOIN operator_tokens o ON o.token_hash = s.token_hash
		WHERE s.id_hash = $1 AND s.created_at > $2 AND s.last_seen_at > $3
		AND o.expires_at > $4 AND o.created_at > $5`,
		idHash, micros(t.now.Add(-ConsoleSessionMaxAge)), micros(t.now.Add(-ConsoleSessionIdle)), micros(t.now),
		micros(t.now.Add(-MaxOperatorTokenTTL))).
		Scan(&s.TokenHash, &s.CSRF, &created, &seen, &s.Address, &s.Operator.Name, &s.Operator.Role)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	s.CreatedAt, s.LastSeenAt = time.UnixMicro(created).UTC(), time.UnixMicro(seen).UTC()
	return s, err
}

// TouchConsoleSession records a request on the session now (its idle clock restarts).
func (t *Tx) TouchConsoleSession(ctx context.Context, idHash []byte) error {
	_, err := t.q.ExecContext(ctx, `UPDATE console_sessions SET last_seen_at = $1 WHERE id_hash = $2`, micros(t.now), idHash)
	return err
}

// DeleteConsoleSession ends a session (sign-out).
func (t *Tx) DeleteConsoleSession(ctx context.Context, idHash []byte) error {
	_, err := t.q.ExecContext(ctx, `DELETE FROM console_sessions WHERE id_hash = $1`, idHash)
	return err
}

// PurgeConsoleSessions deletes sessions past their absolute or idle lifetime.
func (t *Tx) PurgeConsoleSessions(ctx context.Context) (int64, error) {
	res, err := t.q.ExecContext(ctx, `DELETE FROM console_sessions WHERE created_at <= $1 OR last_seen_at <= $2`,
		micros(t.now.Add(-ConsoleSessionMaxAge)), micros(t.now.Add(-ConsoleSessionIdle)))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
