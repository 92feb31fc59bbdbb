// Package store is the one persistence layer of Rampart: every SQL statement lives here.
// The same queries run on CockroachDB/PostgreSQL through pgx's native connection pool and
// on the embedded SQLite default through database/sql; the few dialect differences are in
// dialect.go, the two ways of running a statement in tx.go and pgx.go.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver, for migrations
	_ "modernc.org/sqlite"           // registers the pure-Go "sqlite" driver
)

// ErrNotFound is returned when a row that must exist does not.
var ErrNotFound = errors.New("store: not found")

// Store is a handle on one database.
type Store struct {
	// db is the SQLite database, or a database/sql view of pool on PostgreSQL.
	db *sql.DB
	// pool is pgx's native pool (PostgreSQL/CockroachDB only): every store query runs on it.
	pool    *pgxpool.Pool
	q       querier
	dialect Dialect
	// Path is the SQLite file path ("" for PostgreSQL); the CLI keeps its generated master
	// key beside it.
	Path string
	now  atomic.Pointer[func() time.Time] // swappable by tests while workers run
	// driver and dsn reopen the database for golang-migrate, whose Close closes its pool.
	driver, dsn string
}

// Open connects to a database URL: sqlite://path/to/file.db, postgres://… or
// cockroachdb://… (the latter two go through pgx). It does not migrate.
func Open(ctx context.Context, rawURL string) (*Store, error) { return open(ctx, rawURL, 0) }

// open is Open with at most maxConns connections (0: the dialect's default).
func open(ctx context.Context, rawURL string, maxConns int) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	s := &Store{}
	s.SetClock(time.Now)
	switch u.Scheme {
	case "sqlite", "sqlite3", "file":
		path := strings.TrimPrefix(rawURL, u.Scheme+"://")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if path == "" {
			return nil, errors.New("database URL: sqlite:// needs a file path")
		}
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		// The file holds personal data: owner-only, whatever the umask. SQLite gives its
		// -wal and -shm files the mode of the database file.
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("database file: %w", err)
		}
		// WAL lets readers run beside the writer; _txlock=immediate takes the write lock at
		// BEGIN so transactions serialize instead of failing on lock upgrade.
		dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		s.driver, s.dsn = "sqlite", dsn
		if s.db, err = sql.Open("sqlite", dsn); err != nil {
			return nil, err
		}
		s.db.SetMaxOpenConns(cmp.Or(maxConns, 8))
		s.q = sqlQuerier{s.db}
		s.dialect = SQLite
		s.Path = path
	case "postgres", "postgresql", "cockroachdb", "cockroach":
		u.Scheme = "postgres"
		s.driver, s.dsn = "pgx", u.String()
		cfg, err := pgxpool.ParseConfig(u.String())
		if err != nil {
			return nil, fmt.Errorf("database URL: %w", err)
		}
		cfg.MaxConns = int32(cmp.Or(maxConns, 32))
		cfg.MaxConnIdleTime = 5 * time.Minute
		// Connections are made on demand, each within the context of the query that needs it.
		if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
			return nil, err
		}
		// One pool: database/sql users (DB) borrow its connections.
		s.db = stdlib.OpenDBFromPool(s.pool)
		s.q = pgxQuerier{s.pool}
		s.dialect = Postgres
	default:
		return nil, fmt.Errorf("database URL: unsupported scheme %q (use sqlite://, postgres:// or cockroachdb://)", u.Scheme)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.Ping(pctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("database unreachable: %w", err)
	}
	if s.dialect == SQLite {
		// Files made before this rule (or by another tool) are tightened too.
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Chmod(s.Path+suffix, sqliteFileMode); err != nil && !errors.Is(err, fs.ErrNotExist) {
				_ = s.Close()
				return nil, fmt.Errorf("database file: %w", err)
			}
		}
	}
	return s, nil
}

// sqliteFileMode is the mode of the SQLite database and its -wal/-shm files.
const sqliteFileMode = 0o600

// createPrivate creates the database file with sqliteFileMode if it does not exist yet,
// so it is never readable by others, not even for a moment.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, sqliteFileMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// Dialect reports which SQL dialect the store speaks.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB is a database/sql handle for generic scans and tests.
// On PostgreSQL it is a view of the pgx pool, not a second pool.
func (s *Store) DB() *sql.DB { return s.db }

// Ping checks the database is reachable (readiness).
func (s *Store) Ping(ctx context.Context) error {
	if s.pool != nil {
		return s.pool.Ping(ctx)
	}
	return s.db.PingContext(ctx)
}

// Close closes the pool.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.pool != nil {
		s.pool.Close()
	}
	return err
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now.Store(&now) }

// Now is the store's clock.
func (s *Store) Now() time.Time { return (*s.now.Load())() }

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

func nullMicros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

// placeholders lists n query parameters numbered from first: "$3, $4, $5".
func placeholders(first, n int) string {
	marks := make([]string, n)
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", first+i)
	}
	return strings.Join(marks, ", ")
}
