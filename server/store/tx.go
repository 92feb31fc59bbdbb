package store

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"time"
)

// errRetry asks InTx to run the transaction again (e.g. a concurrent insert won a race).
var errRetry = errors.New("store: transaction must be retried")

const maxTxAttempts = 25

// querier runs the store's statements: sqlQuerier on database/sql (SQLite) and
// pgxQuerier on pgx's native pool (PostgreSQL/CockroachDB), each in or out of a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) row
}

// rows is a result set being read; Close is safe to call more than once.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// row is a single-row result; Scan returns sql.ErrNoRows when there is none.
type row interface {
	Scan(dest ...any) error
}

// sqlQuerier runs on a *sql.DB or a *sql.Tx.
type sqlQuerier struct {
	q interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
}

func (s sqlQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.q.ExecContext(ctx, query, args...)
}

func (s sqlQuerier) QueryContext(ctx context.Context, query string, args ...any) (rows, error) {
	r, err := s.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err // not a nil *sql.Rows inside a non-nil interface
	}
	return r, nil
}

func (s sqlQuerier) QueryRowContext(ctx context.Context, query string, args ...any) row {
	return s.q.QueryRowContext(ctx, query, args...)
}

// Tx runs the store's queries, inside a transaction (InTx) or not (Read).
type Tx struct {
	q       querier
	dialect Dialect
	now     time.Time
}

// Now is the time the transaction started; every timestamp it writes uses it.
func (t *Tx) Now() time.Time { return t.now }

// Read returns a Tx that runs each query on its own (no transaction): for lookups.
func (s *Store) Read() *Tx { return &Tx{q: s.q, dialect: s.dialect, now: s.Now()} }

// InTx runs fn in a SERIALIZABLE transaction and retries the whole transaction (a fresh
// BEGIN … COMMIT) on serialization failures, including one reported at COMMIT. This is
// correct on both PostgreSQL and CockroachDB, unlike the savepoint-restart protocol.
// fn must be safe to run more than once and must not keep state between runs.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	backoff := 2 * time.Millisecond
	var err error
	for attempt := 0; attempt < maxTxAttempts; attempt++ {
		if err = s.runTx(ctx, fn); !retryable(err) {
			return err
		}
		// Jittered exponential backoff so colliding transactions spread out.
		d := backoff/2 + rand.N(backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		if backoff < 200*time.Millisecond {
			backoff *= 2
		}
	}
	return err
}

func (s *Store) runTx(ctx context.Context, fn func(tx *Tx) error) error {
	if s.pool != nil {
		return s.runPgxTx(ctx, fn)
	}
	// SQLite transactions are serializable; the DSN makes BEGIN take the write lock.
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = sqlTx.Rollback() }() // a no-op after Commit
	if err = fn(&Tx{q: sqlQuerier{sqlTx}, dialect: s.dialect, now: s.Now()}); err != nil {
		return err
	}
	return sqlTx.Commit()
}
