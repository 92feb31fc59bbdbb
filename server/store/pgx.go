package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pgxQuerier runs on pgx's native pool or on one of its transactions, without the
// database/sql layer in between.
type pgxQuerier struct {
	q interface {
		Exec(ctx context.Context, query string, args ...any) (pgconn.CommandTag, error)
		Query(ctx context.Context, query string, args ...any) (pgx.Rows, error)
		QueryRow(ctx context.Context, query string, args ...any) pgx.Row
	}
}

func (p pgxQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tag, err := p.q.Exec(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgxResult(tag.RowsAffected()), nil
}

func (p pgxQuerier) QueryContext(ctx context.Context, query string, args ...any) (rows, error) {
	r, err := p.q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgxRows{r}, nil
}

func (p pgxQuerier) QueryRowContext(ctx context.Context, query string, args ...any) row {
	return pgxRow{p.q.QueryRow(ctx, query, args...)}
}

// pgxResult is the sql.Result of a pgx statement: rows affected only, PostgreSQL has no
// last insert id.
type pgxResult int64

func (r pgxResult) RowsAffected() (int64, error) { return int64(r), nil }

func (pgxResult) LastInsertId() (int64, error) {
	return 0, errors.New("store: LastInsertId is not supported by PostgreSQL")
}

type pgxRows struct{ pgx.Rows }

// Close releases the connection; the error of the query, if any, is reported by Err.
func (r pgxRows) Close() error {
	r.Rows.Close()
	return nil
}

type pgxRow struct{ pgx.Row }

// Scan reports an empty result as sql.ErrNoRows, which the store checks on both dialects.
func (r pgxRow) Scan(dest ...any) error {
	err := r.Row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

// runPgxTx runs fn in one SERIALIZABLE transaction; InTx retries it as a whole.
func (s *Store) runPgxTx(ctx context.Context, fn func(tx *Tx) error) error {
	pgTx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	if err != nil {
		return err
	}
	// A no-op after Commit. It also runs if fn panics, so the connection goes back to the
	// pool; a rollback that fails closes the connection instead.
	defer func() { _ = pgTx.Rollback(ctx) }()
	if err = fn(&Tx{q: pgxQuerier{pgTx}, dialect: s.dialect, now: s.Now()}); err != nil {
		return err
	}
	return pgTx.Commit(ctx)
}
