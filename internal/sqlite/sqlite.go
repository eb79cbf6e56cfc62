// Package sqlite implements dauys.Store on a single SQLite file, for a
// laptop, a single server or an election night without a database server.
//
// The file is opened twice: a pool of one connection for writes, because
// SQLite has one writer at a time and queueing in Go is cheaper than
// retrying on SQLITE_BUSY, and a pool of read-only connections that, in WAL
// mode, read a consistent snapshot while the writer commits. Writes are
// durable on commit (synchronous=FULL).
//
// Times are stored as INTEGER nanoseconds since the Unix epoch, so that they
// round-trip exactly; they come back in UTC. The zero time is stored as NULL.
// The schema is created and upgraded by the embedded, numbered migrations in
// migrations/, applied in order by Open.
//
// It owns SQLite's SQL. It imports the domain, migrations, storebatch and
// tlog's storage contract, and never intake, election, tally or web: a store
// knows nothing of who calls it.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	sqlitedriver "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/migrations"
	"github.com/dauys/dauys/internal/storebatch"
	"github.com/dauys/dauys/internal/tlog"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is a dauys.Store on SQLite.
type Store struct {
	write *sql.DB // one connection: SQLite has a single writer
	read  *sql.DB // read-only connections

	// Now returns the current time. CreateElection uses it for a definition
	// without a creation time; tests may replace it before use.
	Now func() time.Time

	// journal keeps the versions this Store committed, by rowid, for the
	// log's sequencer; its one scope is the whole protocols table, whose
	// rowids only this Store's writer hands out while no other program
	// writes to the file (which the journal notices).
	journal tlog.Journal

	wal   walFile               // the write-ahead log, synced after commits
	areas storebatch.KnownAreas // areas found to exist, not looked up again
	// contests are the contests of elections read, not read again.
	contests storebatch.KnownContests
}

var _ dauys.Store = (*Store)(nil)

// Open opens the SQLite database file at path, creating it if needed, and
// brings its schema up to date. The file and its -wal and -shm companions
// belong to the store; path cannot be ":memory:", since the read pool must
// see what the writer commits.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: open: %q: need the path of a database file", path)
	}
	// Commit with fdatasync(2), as SQLite builds for Linux do: the same
	// durability (the data and the size needed to read it back) without
	// waiting on the journal for timestamps. The transpiled library keeps
	// fsync unless told; where fdatasync does not exist this changes
	// nothing.
	sqlitedriver.Fdatasync(true)
	name := "file:" + (&url.URL{Path: path}).EscapedPath()
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=temp_store(memory)"

	// The writer takes its lock when a transaction begins (IMMEDIATE), so
	// that a transaction never fails halfway on a lock it cannot upgrade.
	//
	// Commits are made durable by syncing the WAL after them (syncWAL),
	// which is what synchronous=FULL does inside the commit: doing it
	// ourselves lets intake's group commit start its next transaction while
	// the disk syncs the last (SavePreparedDeferred). SQLite still syncs
	// the WAL before each checkpoint and its header when it is reused
	// (synchronous=NORMAL), so a synced commit survives checkpoints too.
	write, err := sql.Open("sqlite", name+"?"+pragmas+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-65536)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	s := &Store{write: write, Now: time.Now, wal: walFile{path: path + "-wal"}}
	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	read, err := sql.Open("sqlite", name+"?"+pragmas+"&_pragma=cache_size(-16384)&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	if err := read.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.read = read
	return s, nil
}

// GroupSize bounds the protocols intake's group commit merges into one
// transaction. Smaller commits hold the single writer for less time, so
// that the log's sequencer and the next group interleave with it while
// senders verify: with 100,000 signed protocols and the log, 512-1,024 gave
// 0.48-0.49 of the Ed25519 limit, 2,048-16,384 gave 0.47
// (docs/performance.md). PostgreSQL, with a round trip per statement,
// keeps intake's larger default.
func (s *Store) GroupSize() int { return 1024 }

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.read.Close(), s.write.Close(), s.wal.close())
}

// migrate applies, in one transaction, the migrations the database has
// not applied yet (migrations.Pending). Migrations are forward-only: a database newer than the
// program is refused rather than guessed at.
func (s *Store) migrate(ctx context.Context) error {
	all, err := migrations.Read(migrationFiles)
	if err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`); err != nil {
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
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
				m.Version, time.Now().UnixNano()); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
		}
		return nil
	})
}

// writeTx runs fn in a write transaction and commits it when fn succeeds.
func (s *Store) writeTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if err := s.commitTx(ctx, fn); err != nil {
		return err
	}
	return s.wal.sync()
}

// commitTx runs fn in a write transaction and commits it, without waiting
// for the disk: the commit is durable once the WAL is synced (wal.sync),
// by this caller or by any later writeTx.
func (s *Store) commitTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// readTx runs fn in a read transaction, which sees one snapshot.
func (s *Store) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// wrap adds the store and the operation to err. Domain errors keep their
// code and message through the wrapping (dauys.ErrorCode, ErrorMessage).
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// nanos is a time as stored: nanoseconds since the epoch, NULL for zero.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// timeOf reads a time stored by nanos.
func timeOf(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// electionExists returns ENOTFOUND unless the election exists.
func electionExists(ctx context.Context, tx *sql.Tx, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM elections WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
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

// appliedVersions returns the migrations recorded in schema_migrations.
func appliedVersions(ctx context.Context, tx *sql.Tx) (map[int]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
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
