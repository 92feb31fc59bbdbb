package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	"github.com/golang-migrate/migrate/v4/database/cockroachdb"
	migratesqlite "github.com/golang-migrate/migrate/v4/database/sqlite"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/rampart-id/rampart/migrations"
)

// lockTable is golang-migrate's lock row table on CockroachDB/PostgreSQL (advisory locks
// do not exist on CockroachDB).
const lockTable = "schema_lock"

// MigrateVersion is the schema version and whether a migration failed half-way.
type MigrateVersion struct {
	Version uint
	Dirty   bool
	None    bool // no migration applied yet
}

// migrator opens golang-migrate on a pool of its own (its Close closes the pool).
func (s *Store) migrator() (*migrate.Migrate, error) {
	sub, err := fs.Sub(migrations.FS, s.dialect.String())
	if err != nil {
		return nil, err
	}
	src, err := iofs.New(sub, ".")
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(s.driver, s.dsn)
	if err != nil {
		return nil, err
	}
	var drv database.Driver
	if s.dialect == SQLite {
		drv, err = migratesqlite.WithInstance(db, &migratesqlite.Config{})
	} else {
		// The driver would create lock_id as INT, which is 64-bit on CockroachDB but 32-bit
		// on PostgreSQL, where its lock ids overflow. INT8 means the same on both.
		if _, err = db.Exec(`CREATE TABLE IF NOT EXISTS ` + lockTable + ` (lock_id INT8 NOT NULL PRIMARY KEY)`); err == nil {
			drv, err = cockroachdb.WithInstance(db, &cockroachdb.Config{LockTable: lockTable})
		}
	}
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return migrate.NewWithInstance("iofs", src, s.dialect.String(), drv)
}

// MigrateUp applies every pending migration. Another migrator holding the lock is waited
// for (up to ctx's deadline), so instances started together do not fail each other.
func (s *Store) MigrateUp(ctx context.Context) error {
	return s.withMigrator(ctx, func(m *migrate.Migrate) error { return m.Up() })
}

// MigrateDown reverts the last `steps` migrations; steps <= 0 reverts all of them.
func (s *Store) MigrateDown(ctx context.Context, steps int) error {
	return s.withMigrator(ctx, func(m *migrate.Migrate) error {
		if steps <= 0 {
			return m.Down()
		}
		return m.Steps(-steps)
	})
}

// MigrateVersionInfo reports the applied schema version.
func (s *Store) MigrateVersionInfo(ctx context.Context) (MigrateVersion, error) {
	var v MigrateVersion
	err := s.withMigrator(ctx, func(m *migrate.Migrate) error {
		ver, dirty, err := m.Version()
		if errors.Is(err, migrate.ErrNilVersion) {
			v.None = true
			return nil
		}
		v.Version, v.Dirty = ver, dirty
		return err
	})
	return v, err
}

// ForceUnlock removes a lock row left by a migrator that crashed (PostgreSQL/CockroachDB).
func (s *Store) ForceUnlock(ctx context.Context) error {
	if s.dialect == SQLite {
		return nil
	}
	_, err := s.q.ExecContext(ctx, "DELETE FROM "+lockTable)
	return err
}

func (s *Store) withMigrator(ctx context.Context, fn func(*migrate.Migrate) error) error {
	delay := 100 * time.Millisecond
	for {
		m, err := s.migrator()
		if err == nil {
			err = fn(m)
			srcErr, dbErr := m.Close()
			if err == nil {
				err = errors.Join(srcErr, dbErr)
			}
		}
		if errors.Is(err, migrate.ErrNoChange) {
			return nil
		}
		if !errors.Is(err, database.ErrLocked) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("migrate: another migrator holds the lock (if it crashed, run `rampart migrate force-unlock`): %w", err)
		case <-time.After(delay):
		}
		if delay < 2*time.Second {
			delay *= 2
		}
	}
}
