package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/store"
)

func TestConsoleSessions(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		now := time.Now()
		s.SetClock(func() time.Time { return now })
		at := func(ts time.Time) { s.SetClock(func() time.Time { return ts }) }
		op := store.Operator{Name: "ana", Role: store.RoleAdmin}
		tok := []byte("token-hash")
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOperatorToken(ctx, tok, op, now.Add(20*time.Hour)) }); err != nil {
			t.Fatal(err)
		}
		sess := store.ConsoleSession{IDHash: []byte("session-1"), TokenHash: tok, CSRF: "csrf-1", Address: "192.0.2.1"}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateConsoleSession(ctx, sess) }); err != nil {
			t.Fatal(err)
		}
		got, err := s.Read().ConsoleSession(ctx, sess.IDHash)
		if err != nil || got.Operator != op || got.CSRF != "csrf-1" || got.Address != "192.0.2.1" {
			t.Fatalf("session: %+v %v", got, err)
		}
		// Idle: 29 minutes later it lives; a touch restarts the idle clock.
		at(now.Add(29 * time.Minute))
		if _, err := s.Read().ConsoleSession(ctx, sess.IDHash); err != nil {
			t.Fatalf("29 min idle: %v", err)
		}
		if err := s.Read().TouchConsoleSession(ctx, sess.IDHash); err != nil {
			t.Fatal(err)
		}
		at(now.Add(58 * time.Minute))
		if _, err := s.Read().ConsoleSession(ctx, sess.IDHash); err != nil {
			t.Fatalf("after touch: %v", err)
		}
		at(now.Add(90 * time.Minute))
		if _, err := s.Read().ConsoleSession(ctx, sess.IDHash); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("idle session lives: %v", err)
		}
		// Absolute: touched every 20 minutes, it still ends at 12 h.
		sess2 := store.ConsoleSession{IDHash: []byte("session-2"), TokenHash: tok, CSRF: "c2"}
		at(now)
		if err := s.Read().CreateConsoleSession(ctx, sess2); err != nil {
			t.Fatal(err)
		}
		for m := 20; m < 12*60; m += 20 {
			at(now.Add(time.Duration(m) * time.Minute))
			if err := s.Read().TouchConsoleSession(ctx, sess2.IDHash); err != nil {
				t.Fatal(err)
			}
		}
		at(now.Add(12*time.Hour + time.Minute))
		if _, err := s.Read().ConsoleSession(ctx, sess2.IDHash); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("session past 12h lives: %v", err)
		}
		if n, err := s.Read().PurgeConsoleSessions(ctx); err != nil || n != 2 {
			t.Fatalf("purge: %d %v", n, err)
		}
		// Revoking the token ends its sessions at once.
		at(now)
		sess3 := store.ConsoleSession{IDHash: []byte("session-3"), TokenHash: tok, CSRF: "c3"}
		if err := s.Read().CreateConsoleSession(ctx, sess3); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Read().RevokeOperatorTokens(ctx, "", tok); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Read().ConsoleSession(ctx, sess3.IDHash); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("session of a revoked token lives: %v", err)
		}
		// Sign-out deletes the row.
		if err := s.Read().DeleteConsoleSession(ctx, sess3.IDHash); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Read().PurgeConsoleSessions(ctx); n != 0 {
			t.Fatalf("deleted session still stored (%d purged)", n)
		}
	})
}
