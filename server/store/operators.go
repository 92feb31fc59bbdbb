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

// Role is what an operator may do.
type Role string

// Operator roles: a reviewer works the queue (cases, decisions, resets); an admin also
// redacts users, exports the audit log and issues operator tokens.
const (
	RoleReviewer Role = "reviewer"
	RoleAdmin    Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleReviewer || r == RoleAdmin }

// Operator is who holds an operator token.
type Operator struct {
	Name string
	Role Role
}

// ErrBadRole refuses an operator token with an unknown role.
var ErrBadRole = errors.New("operator role must be reviewer or admin")

// CreateOperatorToken stores an operator token.
func (t *Tx) CreateOperatorToken(ctx context.Context, hash []byte, op Operator, expires time.Time) error {
	if expires.Sub(t.now) > MaxOperatorTokenTTL {
		return ErrTTLTooLong
	}
	if !op.Role.Valid() {
		return ErrBadRole
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO operator_tokens (token_hash, name, role, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		hash, op.Name, string(op.Role), micros(t.now), micros(expires))
	return err
}

// OperatorByTokenHash returns who holds a valid operator token: unexpired, not revoked
// (revoking deletes it) and issued less than MaxOperatorTokenTTL ago.
func (t *Tx) OperatorByTokenHash(ctx context.Context, hash []byte) (Operator, error) {
	var op Operator
	err := t.q.QueryRowContext(ctx, `SELECT name, role FROM operator_tokens WHERE token_hash = $1 AND expires_at > $2 AND created_at > $3`,
		hash, micros(t.now), micros(t.now.Add(-MaxOperatorTokenTTL))).Scan(&op.Name, &op.Role)
	if errors.Is(err, sql.ErrNoRows) {
		return op, ErrNotFound
	}
	return op, err
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
