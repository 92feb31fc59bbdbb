package store

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect is the SQL flavour of a database.
type Dialect int

// The two dialects.
const (
	Postgres Dialect = iota + 1 // CockroachDB in production, PostgreSQL in tests
	SQLite
)

func (d Dialect) String() string {
	if d == SQLite {
		return "sqlite"
	}
	return "postgres"
}

// retryable reports whether err means "run the whole transaction again": a serialization
// failure (40001, CockroachDB's restart error too), a deadlock, or SQLite being busy.
func retryable(err error) bool {
	if errors.Is(err, errRetry) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return err != nil && strings.Contains(err.Error(), "restart transaction")
}

// Unavailable reports whether err means the database cannot serve this request right
// now, so the API answers 503 instead of 500: unreachable, shutting down, or out of
// connections (its own limit, or a connection not acquired before the deadline).
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// Class 08: connection exception; 57P0x: server shutting down / cannot connect now;
		// 53300: too many clients; 53xxx: out of resources in general.
		return strings.HasPrefix(pg.Code, "08") || strings.HasPrefix(pg.Code, "57P") || strings.HasPrefix(pg.Code, "53")
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	// SQLite still busy once the busy timeout and the transaction retries are spent:
	// the writer is overloaded, which a later retry may not find.
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED || c == sqlite3.SQLITE_CANTOPEN
	}
	// A deadline that ran out before the database answered: the pool had no connection
	// to give, or the database was too slow. Either way, a retry later may succeed.
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	msg := err.Error()
	for _, s := range unavailableMessages {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// unavailableMessages are the texts of errors that carry no code: dropped connections,
// and the server refusing new ones.
var unavailableMessages = []string{
	"connection refused", "database unreachable", "bad connection", "unexpected EOF", "conn closed", "broken pipe",
	"too many clients", "too many connections", "remaining connection slots are reserved", "context deadline exceeded",
	"failed to connect", "connection reset by peer",
}
