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

// querier is what both *sql.DB and *sql.Tx offer; Tx methods run on either.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
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
func (s *Store) Read() *Tx { return &Tx{q: s.db, dialect: s.dialect, now: s.Now()} }

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

func (s *Store) runTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	opts := &sql.TxOptions{Isolation: sql.LevelSerializable}
	if s.dialect == SQLite {
		opts = nil // SQLite transactions are serializable; BEGIN IMMEDIATE via the DSN
	}
	sqlTx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(&Tx{q: sqlTx, dialect: s.dialect, now: s.Now()}); err != nil {
		return err
	}
	return sqlTx.Commit()
}
