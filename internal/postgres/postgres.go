// Package postgres implements dauys.Store on PostgreSQL with pgx, for a
// results service that several servers share.
//
// SaveProtocols is built for bulk import: a batch is checked and its current
// versions looked up with one query each (= ANY and unnest arrays), its new
// versions go in with COPY, and its heads and summed running totals with one
// unnest-based INSERT ... ON CONFLICT DO UPDATE each. Batches of one
// election are serialized by a transaction-level advisory lock, so that two
// intake servers never reconcile against the same stale head.
//
// Times are stored as BIGINT nanoseconds since the Unix epoch, as in the
// SQLite store, so that they round-trip exactly (timestamptz keeps only
// microseconds); they come back in UTC and the zero time is NULL. The schema
// lives in the connection's search_path and is created and upgraded by the
// embedded, numbered migrations in migrations/, applied in order by Open.
//
// It owns PostgreSQL's SQL. It imports the domain, migrations, storebatch
// and tlog's storage contract, and never intake, election, tally or web: a
// store knows nothing of who calls it.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/migrations"
	"github.com/dauys/dauys/internal/storebatch"
	"github.com/dauys/dauys/internal/tlog"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is a dauys.Store on PostgreSQL.
type Store struct {
	pool *pgxpool.Pool

	// Now returns the current time. CreateElection uses it for a definition
	// without a creation time; tests may replace it before use.
	Now func() time.Time

	// journal keeps the versions this Store committed, by seq, for the
	// log's sequencer; its scopes are elections, whose seqs this Store can
	// account for under the election's lock (SaveProtocols).
	journal tlog.Journal

	areas storebatch.KnownAreas // areas found to exist, not looked up again
	// contests are the contests of elections read, not read again.
	contests storebatch.KnownContests
}

var _ dauys.Store = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL or a keyword/value
// connection string, as pgx accepts) and brings the schema up to date. The
// tables live in the first schema of the search_path, which the URL may set:
// postgres://host/db?search_path=dauys.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	s := &Store{pool: pool, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	return s, nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// migrate applies, in one transaction, the migrations the database has
// not applied yet (migrations.Pending). An advisory lock keeps two servers starting at once
// from migrating the same schema twice. Migrations are forward-only: a
// database newer than the program is refused rather than guessed at.
func (s *Store) migrate(ctx context.Context) error {
	all, err := migrations.Read(migrationFiles)
	if err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('dauys.migrate:' || current_schema(), 0))`); err != nil {
			return fmt.Errorf("lock schema: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, applied_at bigint NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		applied, err := appliedVersions(ctx, tx)
		if err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		ms, err := migrations.Pending(all, applied)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
				m.Version, time.Now().UnixNano()); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
		}
		return nil
	})
}

// writeTx runs fn in a read-write transaction and commits it when fn
// succeeds.
func (s *Store) writeTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, fn)
}

// readTx runs fn in a read-only transaction that sees one snapshot.
func (s *Store) readTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// wrap adds the store and the operation to err. Domain errors keep their
// code and message through the wrapping (dauys.ErrorCode, ErrorMessage).
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// nanos is a time as stored: nanoseconds since the epoch, nil for zero.
func nanos(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := t.UnixNano()
	return &n
}

// timeOf reads a time stored by nanos.
func timeOf(n *int64) time.Time {
	if n == nil {
		return time.Time{}
	}
	return time.Unix(0, *n).UTC()
}

// electionExists returns ENOTFOUND unless the election exists.
func electionExists(ctx context.Context, tx pgx.Tx, id string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM elections WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return dauys.Errorf(dauys.ENOTFOUND, "election %s not found", id)
	}
	return err
}

// prefixed qualifies each column of a comma-separated list with prefix.
func prefixed(prefix, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// columns splits a comma-separated list of columns.
func columns(list string) []string {
	cols := strings.Split(list, ",")
	for i, c := range cols {
		cols[i] = strings.TrimSpace(c)
	}
	return cols
}

// appliedVersions returns the migrations recorded in schema_migrations.
func appliedVersions(ctx context.Context, tx pgx.Tx) (map[int]bool, error) {
	rows, err := tx.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out[v] = true
	}
	return out, rows.Err()
}
