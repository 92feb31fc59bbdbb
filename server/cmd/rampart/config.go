package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/vault"
)

// common are the flags every subcommand shares.
type common struct {
	database  string
	masterKey string
	oldKeys   string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.database, "database", env("RAMPART_DATABASE_URL", "sqlite://rampart.db"),
		"database URL: sqlite://FILE (default), postgres://… or cockroachdb://… (env RAMPART_DATABASE_URL)")
	fs.StringVar(&c.masterKey, "master-key", os.Getenv("RAMPART_MASTER_KEY"),
		"32-byte master key, base64 (env RAMPART_MASTER_KEY); with SQLite and none set, one is kept beside the database")
	fs.StringVar(&c.oldKeys, "old-master-keys", os.Getenv("RAMPART_OLD_MASTER_KEYS"),
		"comma-separated retired master keys still accepted for decryption (env RAMPART_OLD_MASTER_KEYS)")
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// openStore opens the database without migrating.
func (c *common) openStore(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, c.database)
}

// openMigrated opens the database for an admin command, which needs the schema in place.
func (c *common) openMigrated(ctx context.Context) (*store.Store, error) {
	st, err := c.openStore(ctx)
	if err != nil {
		return nil, err
	}
	if v, err := st.MigrateVersionInfo(ctx); err != nil || v.None {
		st.Close()
		return nil, errors.New("the database has no schema yet: run `rampart migrate up` (or start `rampart serve` once on SQLite)")
	}
	return st, nil
}

// openWithKeys opens the migrated database and the keyring; close the store when done.
func (c *common) openWithKeys(ctx context.Context) (*store.Store, *vault.Keyring, error) {
	st, err := c.openMigrated(ctx)
	if err != nil {
		return nil, nil, err
	}
	keys, err := c.keyring(st, newLogger())
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, keys, nil
}

// keyring resolves the master key: flag/env, else (SQLite only) the key file beside the
// database, generated on first use with a warning.
func (c *common) keyring(st *store.Store, log *slog.Logger) (*vault.Keyring, error) {
	var old [][]byte
	for _, s := range strings.Split(c.oldKeys, ",") {
		if s = strings.TrimSpace(s); s != "" {
			k, err := vault.ParseMasterKey(s)
			if err != nil {
				return nil, fmt.Errorf("old master key: %w", err)
			}
			old = append(old, k)
		}
	}
	if c.masterKey != "" {
		k, err := vault.ParseMasterKey(c.masterKey)
		if err != nil {
			return nil, fmt.Errorf("master key: %w", err)
		}
		return vault.NewKeyring(k, old...)
	}
	if st.Dialect() != store.SQLite {
		return nil, errors.New("a master key is required with PostgreSQL/CockroachDB: set --master-key or RAMPART_MASTER_KEY (generate one with: head -c32 /dev/urandom | base64)")
	}
	path := st.Path + ".key"
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := vault.GenerateMasterKey()
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create master key file: %w", err)
		}
		if _, err := f.WriteString(key + "\n"); err != nil {
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		log.Warn("generated a master key and stored it beside the database; back it up, and set RAMPART_MASTER_KEY in production", "path", path)
		b = []byte(key)
	} else if err != nil {
		return nil, fmt.Errorf("read master key file: %w", err)
	}
	k, err := vault.ParseMasterKey(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("master key file %s: %w", path, err)
	}
	return vault.NewKeyring(k, old...)
}

func newLogger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
