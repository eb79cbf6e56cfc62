// Package backend names what a storage backend provides and opens one from
// the --db value the commands take: a SQLite file or a postgres:// URL.
//
// Both stores, internal/sqlite and internal/postgres, implement every
// capability in Backend, which the compiler checks below; commands and
// servers are given a Backend, or the narrower interfaces their configs
// name, and never ask a store at run time what it can do. The few
// capabilities only one store has are optional and listed in Optional
// capabilities below.
//
// backend imports the root package, the stores and internal/tlog; nothing
// but cmd/dauys and test helpers imports it, so that the services stay
// free of drivers.
package backend

import (
	"context"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/postgres"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tlog"
)

// Backend is what a storage backend provides: elections, protocols and
// running totals with the commission keys (dauys.Store), operator tokens,
// users and sessions, the audit trail and the transparency log's storage.
//
// Optional capabilities, which only one store has and whose users check
// for them with a type assertion that says why:
//   - dauys.Watcher (PostgreSQL only): changes committed by other servers
//     sharing the database; a SQLite file has one process.
//   - intake.GroupSizer (SQLite only): another bound on group commit.
//   - intake.DeferredSaver (SQLite only): a group committed without
//     waiting for the disk. Both stores are intake.PreparedSavers.
//   - Backup (SQLite only, *sqlite.Store): `dauys backup` copies a SQLite
//     file; PostgreSQL is backed up with pg_dump.
type Backend interface {
	dauys.Store
	dauys.TokenStore
	dauys.UserStore
	dauys.AuditLog
	tlog.Storage
}

var (
	_ Backend = (*sqlite.Store)(nil)
	_ Backend = (*postgres.Store)(nil)
)

// IsPostgres reports whether a --db value names a PostgreSQL database
// rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Open opens the backend a --db value names: PostgreSQL for a
// postgres:// or postgresql:// URL, otherwise the SQLite file at that
// path, created when missing. Both apply their pending migrations.
func Open(ctx context.Context, db string) (Backend, error) {
	// A failed Open returns a nil *Store, which must not become a non-nil
	// Backend.
	if IsPostgres(db) {
		s, err := postgres.Open(ctx, db)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	return s, nil
}
