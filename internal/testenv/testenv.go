// Package testenv finds the real services tests need (PostgreSQL, Redis, Chromium) and skips
// loudly when one is missing, unless RAMPART_REQUIRE_ALL=1 turns the skip into a failure.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/redis/go-redis/v9"
)

// RequireAll reports whether every skip must be a failure (CI).
func RequireAll() bool { return os.Getenv("RAMPART_REQUIRE_ALL") == "1" }

// Skip skips the test with a loud message, or fails it under RAMPART_REQUIRE_ALL=1.
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if RequireAll() {
		t.Fatalf("RAMPART_REQUIRE_ALL=1 and a required service is missing: %s", msg)
	}
	t.Skipf("\n!!!!!!!! SKIPPED: %s\n!!!!!!!! (set RAMPART_REQUIRE_ALL=1 to make this a failure)", msg)
}

// PostgresAdminURL is the server tests create their databases on:
// RAMPART_TEST_POSTGRES_URL, or the local default.
func PostgresAdminURL() string {
	if u := os.Getenv("RAMPART_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// PostgresURL creates a fresh, empty database for this test and drops it afterwards.
// Tests that need it are skipped in -short mode.
func PostgresURL(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("PostgreSQL test skipped in -short mode")
	}
	admin := PostgresAdminURL()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		Skip(t, "PostgreSQL at %s: %v", redact(admin), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		Skip(t, "PostgreSQL not reachable at %s (set RAMPART_TEST_POSTGRES_URL): %v", redact(admin), err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "rampart_test_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = db.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		_ = db.Close()
	})
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	return u.String()
}

// SQLiteURL is a fresh SQLite database file in the test's temp dir.
func SQLiteURL(t testing.TB) string {
	return "sqlite://" + filepath.Join(t.TempDir(), "rampart.db")
}

// Backends lists the database URLs every store-backed test runs against.
func Backends(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLiteURL(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresURL(t)) })
}

// RedisURL returns the Redis tests share (RAMPART_TEST_REDIS_URL, or the local default)
// and a fresh random key prefix for this test; keys under the prefix are deleted
// afterwards, nothing else. It skips when Redis does not answer.
func RedisURL(t testing.TB) (url, prefix string) {
	t.Helper()
	if testing.Short() {
		t.Skip("Redis test skipped in -short mode")
	}
	url = os.Getenv("RAMPART_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("RAMPART_TEST_REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		Skip(t, "Redis not reachable at %s (set RAMPART_TEST_REDIS_URL): %v", redact(url), err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix = "rampart_test_" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			_ = rdb.Del(ctx, iter.Val()).Err()
		}
		_ = rdb.Close()
	})
	return url, prefix
}

// Chromium returns the path of a Chromium binary (RAMPART_CHROMIUM or PATH), or skips.
func Chromium(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if p := os.Getenv("RAMPART_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			Skip(t, "RAMPART_CHROMIUM=%s is not an executable: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Skip(t, "no Chromium found (apt-get install chromium, or set RAMPART_CHROMIUM)")
	return ""
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}

// SkipUnderRace skips a test that is too slow under the race detector to run there
// (it exists to run the face or document models, which the detector slows tenfold or
// more); why says what the test does instead of racing goroutines. It is no missing
// service: RAMPART_REQUIRE_ALL=1 does not turn it into a failure.
func SkipUnderRace(t testing.TB, why string) {
	t.Helper()
	if RaceDetector {
		t.Skipf("skipped under the race detector: %s", why)
	}
}
