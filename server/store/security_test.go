package store_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/store"
)

// TestSQLiteFilesArePrivate: the database and its -wal/-shm files are owner-only, for a
// new file and for one an older version created world-readable.
func TestSQLiteFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old := filepath.Join(dir, "old.db")
	if err := os.WriteFile(old, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "new.db"), old} {
		s := open(t, "sqlite://"+path)
		newPartner(t, s) // a write, so the WAL exists
		for _, suffix := range []string{"", "-wal", "-shm"} {
			fi, err := os.Stat(path + suffix)
			if errors.Is(err, fs.ErrNotExist) && suffix != "" {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if m := fi.Mode().Perm(); m != 0o600 {
				t.Errorf("%s%s has mode %o, want 600", filepath.Base(path), suffix, m)
			}
		}
		if _, err := s.Read().PartnerByID(ctx, uuid.NewString()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("store unusable: %v", err)
		}
	}
}

// TestUnavailableOnPoolExhaustion: a request that cannot get a connection before its
// deadline is "unavailable" (503), not an internal error.
func TestUnavailableOnPoolExhaustion(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		s, err := store.OpenWithMaxConns(context.Background(), dbURL, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		// DB borrows from the same pool the store's queries run on, so this takes its one
		// connection.
		hold, err := s.DB().Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer hold.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err = s.Read().PartnerByID(ctx, uuid.NewString())
		if err == nil || !store.Unavailable(err) {
			t.Fatalf("query without a free connection: %v, Unavailable=%v", err, err != nil && store.Unavailable(err))
		}
	})
}

// TestUnavailableOnTooManyClients: PostgreSQL refusing a connection for lack of slots
// (SQLSTATE 53300) is unavailable.
func TestUnavailableOnTooManyClients(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	admin := open(t, dbURL)
	role := "rampart_nolimit_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	if _, err := admin.DB().Exec(`CREATE ROLE ` + role + ` LOGIN CONNECTION LIMIT 0`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.DB().Exec(`DROP ROLE IF EXISTS ` + role) })
	u := strings.Replace(dbURL, "postgres://postgres@", "postgres://"+role+"@", 1)
	s, err := store.Open(context.Background(), u)
	if err == nil {
		_ = s.Close()
		t.Fatal("a role without connection slots connected")
	}
	var pg *pgconn.PgError
	if !errors.As(err, &pg) || pg.Code != "53300" {
		t.Fatalf("want SQLSTATE 53300, got %v", err)
	}
	if !store.Unavailable(err) {
		t.Fatalf("53300 not unavailable: %v", err)
	}
}

func TestUnavailableClassification(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("syntax error"), false},
		{&pgconn.PgError{Code: "23505"}, false},
		{fmt.Errorf("query: %w", &pgconn.PgError{Code: "53300"}), true},
		{&pgconn.PgError{Code: "57P01"}, true},
		{&pgconn.PgError{Code: "08006"}, true},
		{fmt.Errorf("acquire: %w", context.DeadlineExceeded), true},
		{errors.New("FATAL: sorry, too many clients already"), true},
		{errors.New("dial tcp 127.0.0.1:5432: connect: connection refused"), true},
	} {
		if got := store.Unavailable(tc.err); got != tc.want {
			t.Errorf("Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestMalformedIDsFindNothing: ids from outside that are not UUIDs find nothing on both
// databases, where PostgreSQL used to fail the query.
func TestMalformedIDsFindNothing(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		p := newPartner(t, s)
		for _, id := range []string{"not-a-uuid", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "", "'; DROP TABLE partners; --",
			strings.ToUpper(p.ID), "{" + p.ID + "}"} {
			rd := s.Read()
			if _, err := rd.PartnerByID(ctx, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("PartnerByID(%q): %v", id, err)
			}
			if _, err := rd.CaseByID(ctx, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("CaseByID(%q): %v", id, err)
			}
			if _, err := rd.ReviewReasons(ctx, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("ReviewReasons(%q): %v", id, err)
			}
			if _, err := rd.ImageData(ctx, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("ImageData(%q): %v", id, err)
			}
			if prof, err := rd.Profile(ctx, id, "u"); err != nil || prof.Exists {
				t.Errorf("Profile(%q): %+v %v", id, prof, err)
			}
			if h, err := rd.History(ctx, id, "u"); err != nil || len(h) != 0 {
				t.Errorf("History(%q): %v %v", id, h, err)
			}
			if im, err := rd.CaseImages(ctx, id, true); err != nil || len(im) != 0 {
				t.Errorf("CaseImages(%q): %v %v", id, im, err)
			}
			if c, err := rd.Checks(ctx, id); err != nil || len(c) != 0 {
				t.Errorf("Checks(%q): %v %v", id, c, err)
			}
			if ev, err := rd.WebhookEvents(ctx, id, time.Time{}, 10); err != nil || len(ev) != 0 {
				t.Errorf("WebhookEvents(%q): %v %v", id, ev, err)
			}
			err := s.InTx(ctx, func(tx *store.Tx) error {
				if n, err := tx.RedeliverWebhookEvents(ctx, id, time.Time{}); err != nil || n != 0 {
					return fmt.Errorf("RedeliverWebhookEvents: %d %v", n, err)
				}
				if err := tx.ExpireClientTokens(ctx, id, time.Now()); err != nil {
					return fmt.Errorf("ExpireClientTokens: %v", err)
				}
				if err := tx.RotateWebhookSecret(ctx, id, []byte("x"), time.Now()); !errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("RotateWebhookSecret: %v", err)
				}
				return nil
			})
			if err != nil {
				t.Errorf("%q: %v", id, err)
			}
		}
		if got, ok := store.CanonicalID(strings.ToUpper(p.ID)); !ok || got != p.ID {
			t.Errorf("CanonicalID(upper) = %q %v, want %q", got, ok, p.ID)
		}
		if _, err := s.Read().PartnerByID(ctx, p.ID); err != nil {
			t.Fatalf("a real id: %v", err)
		}
	})
}

// TestOperatorTokens: at most 24 h, revocable by token or by operator, and tokens
// stored with a longer life (before the limit) end 24 h after issue.
func TestOperatorTokens(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		create := func(hash, name string, ttl time.Duration) error {
			return s.InTx(ctx, func(tx *store.Tx) error {
				return tx.CreateOperatorToken(ctx, []byte(hash), store.Operator{Name: name, Role: store.RoleReviewer}, tx.Now().Add(ttl))
			})
		}
		lookup := func(hash string) error { _, err := s.Read().OperatorByTokenHash(ctx, []byte(hash)); return err }
		revoke := func(name, hash string) int64 {
			var h []byte
			if hash != "" {
				h = []byte(hash)
			}
			var n int64
			must(t, s.InTx(ctx, func(tx *store.Tx) (err error) { n, err = tx.RevokeOperatorTokens(ctx, name, h); return err }))
			return n
		}
		if err := create("century", "rita", 100*365*24*time.Hour); !errors.Is(err, store.ErrTTLTooLong) {
			t.Fatalf("100-year token: %v", err)
		}
		must(t, create("r1", "rita", store.MaxOperatorTokenTTL))
		must(t, create("r2", "rita", time.Hour))
		must(t, create("o1", "omar", time.Hour))
		for _, h := range []string{"r1", "r2", "o1"} {
			if err := lookup(h); err != nil {
				t.Fatalf("token %s: %v", h, err)
			}
		}
		// A long-lived token written before the limit existed.
		if _, err := s.DB().Exec(`INSERT INTO operator_tokens (token_hash, name, created_at, expires_at) VALUES ($1, 'old', $2, $3)`,
			[]byte("legacy"), time.Now().Add(-25*time.Hour).UnixMicro(), time.Now().AddDate(100, 0, 0).UnixMicro()); err != nil {
			t.Fatal(err)
		}
		if err := lookup("legacy"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token issued 25 h ago still valid: %v", err)
		}
		if n := revoke("omar", "r1"); n != 0 {
			t.Errorf("revoked another operator's token: %d", n)
		}
		if n := revoke("", "r1"); n != 1 || !errors.Is(lookup("r1"), store.ErrNotFound) || lookup("r2") != nil {
			t.Errorf("revoke by token: %d, r1 %v, r2 %v", n, lookup("r1"), lookup("r2"))
		}
		if n := revoke("rita", ""); n != 1 || !errors.Is(lookup("r2"), store.ErrNotFound) || lookup("o1") != nil {
			t.Errorf("revoke by name: %d, r2 %v, o1 %v", n, lookup("r2"), lookup("o1"))
		}
	})
}

// TestUnavailableWhenSQLiteStaysBusy: a write that cannot get SQLite's lock is
// unavailable (503), not an internal error.
func TestUnavailableWhenSQLiteStaysBusy(t *testing.T) {
	ctx := context.Background()
	dbURL := testenv.SQLiteURL(t)
	a := open(t, dbURL)
	b := open(t, dbURL)
	b.DB().SetMaxOpenConns(1)
	if _, err := b.DB().ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
		t.Fatal(err)
	}
	tx, err := a.DB().BeginTx(ctx, nil) // BEGIN IMMEDIATE: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = b.DB().ExecContext(ctx, `DELETE FROM operator_tokens`)
	if err == nil || !store.Unavailable(err) {
		t.Fatalf("write while locked: %v, Unavailable=%v", err, err != nil && store.Unavailable(err))
	}
}

// TestPanicInTxFreesTheConnection: a transaction whose function panics gives its
// connection back, so a pool of one still serves the next query.
func TestPanicInTxFreesTheConnection(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		open(t, dbURL) // migrated
		s, err := store.OpenWithMaxConns(context.Background(), dbURL, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		func() {
			defer func() { _ = recover() }()
			_ = s.InTx(context.Background(), func(tx *store.Tx) error { panic("boom") })
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := s.Read().PartnerByID(ctx, uuid.NewString()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("query after a panicking transaction: %v", err)
		}
	})
}
