// Package migrations embeds the SQL schema of both dialects so the binary migrates itself.
// postgres/ targets CockroachDB (PostgreSQL stands in for it in tests): no advisory locks,
// no sequences, UUID keys. sqlite/ is the embedded default. Times are unix microseconds
// (BIGINT) in both, so one set of queries serves both dialects.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
