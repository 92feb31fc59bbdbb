package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// MaxOperatorTokenTTL is the longest an operator (review) token lives. Tokens stored
// with a longer expiry (issued before this limit) stop working this long after issue.
const MaxOperatorTokenTTL = 24 * time.Hour

// ErrTTLTooLong refuses an operator token that would outlive MaxOperatorTokenTTL.
var ErrTTLTooLong = errors.New("operator tokens live at most 24h")

// CreateOperatorToken stores a reviewer token.
func (t *Tx) CreateOperatorToken(ctx context.Context, hash []byte, name string, expires time.Time) error {
	if expires.Sub(t.now) > MaxOperatorTokenTTL {
		return ErrTTLTooLong
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO operator_tokens (token_hash, name, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		hash, name, micros(t.now), micros(expires))
	return err
}

// OperatorByTokenHash returns the name of a valid operator token: unexpired, not
// revoked (revoking deletes it) and issued less than MaxOperatorTokenTTL ago.
func (t *Tx) OperatorByTokenHash(ctx context.Context, hash []byte) (string, error) {
	var name string
	err := t.q.QueryRowContext(ctx, `SELECT name FROM operator_tokens WHERE token_hash = $1 AND expires_at > $2 AND created_at > $3`,
		hash, micros(t.now), micros(t.now.Add(-MaxOperatorTokenTTL))).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return name, err
}

// RevokeOperatorTokens deletes the operator token with the given hash, or every token of
// the operator called name (with both: that token if it is that operator's), and returns how many it deleted. The review API looks tokens
// up on every call, so a revoked token is refused from the next request on.
func (t *Tx) RevokeOperatorTokens(ctx context.Context, name string, hash []byte) (int64, error) {
	var res sql.Result
	var err error
	switch {
	case hash != nil && name != "":
		res, err = t.q.ExecContext(ctx, `DELETE FROM operator_tokens WHERE token_hash = $1 AND name = $2`, hash, name)
	case hash != nil:
		res, err = t.q.ExecContext(ctx, `DELETE FROM operator_tokens WHERE token_hash = $1`, hash)
	case name != "":
		res, err = t.q.ExecContext(ctx, `DELETE FROM operator_tokens WHERE name = $1`, name)
	default:
		return 0, errors.New("revoke needs a token or an operator name")
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
