package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys/internal/storetest"
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
