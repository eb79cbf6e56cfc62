package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys/internal/storetest"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
)

// TestMigrateAppliesMissingVersions: a migration merged after a later one
// was applied (0005 after 0006) is still applied on the next open, and a
// version the program does not know is refused.
func TestMigrateAppliesMissingVersions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.ExecContext(ctx, `DROP TABLE tokens; DELETE FROM schema_migrations WHERE version = 2`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM tokens`).Scan(&n); err != nil {
		t.Errorf("the missing migration was not applied: %v", err)
	}
	if _, err := s.write.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); err == nil {
		t.Error("a database with an unknown, newer schema version opened")
	}
}

// TestMigrate0008 opens a database as an older program left it, with an
// imported election stuck at "pre-election": the migration moves it to
// counting and records why.
func TestMigrate0008(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.MigrationFixture(t, s)
	if _, err := s.write.ExecContext(ctx, storetest.Migration0008Undo); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckMigrated(t, s)
}

// undo0012 turns the rows of stored hashes back into one row a hash, as
// 0006 kept them, and forgets migration 0012.
const undo0012 = `
CREATE TABLE log_hashes (
	election_id TEXT NOT NULL,
	idx         INTEGER NOT NULL,
	hash        BLOB NOT NULL,
	PRIMARY KEY (election_id, idx)
) STRICT, WITHOUT ROWID;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 255)
INSERT INTO log_hashes (election_id, idx, hash)
	SELECT g.election_id, g.grp * 256 + n.i, substr(g.hashes, n.i * 32 + 1, 32)
	FROM log_hash_groups g JOIN n ON n.i * 32 < length(g.hashes);
DROP TABLE log_hash_groups;
DELETE FROM schema_migrations WHERE version = 12;`

// TestMigrate0012 opens a database whose log keeps a row per stored hash,
// as before 0012, with a log of several rows' worth and a partial last
// one: the migration groups them, and the log reads back, grows and
// verifies as one written since.
func TestMigrate0012(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	signers, stored := tlogtest.LongLog(t, s)
	if _, err := s.write.ExecContext(ctx, undo0012); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM log_hashes`).Scan(&n); err != nil || n != len(stored) {
		t.Fatalf("the old format holds %d hashes (%v), want %d", n, err, len(stored))
	}
	s.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM log_hash_groups`).Scan(&n); err != nil || n != (len(stored)+255)/256 {
		t.Errorf("%d rows of hashes (%v), want %d", n, err, (len(stored)+255)/256)
	}
	tlogtest.CheckLog(t, s, signers, stored)
}
