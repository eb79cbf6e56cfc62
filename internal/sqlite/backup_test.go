package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/sqlite"
)

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	s := MustOpen(t)
	defer s.Close()
	if err := s.CreateElection(t.Context(), &dauys.Election{ID: "e", Date: "2026-03-15"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "backup.db")
	if err := s.Backup(t.Context(), out); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(t.Context(), out); dauys.ErrorCode(err) != dauys.EINVALID {
		t.Errorf("second backup to the same file: %v, want EINVALID", err)
	}
	// The read pool is still read-only after a backup.
	if err := s.CreateElection(t.Context(), &dauys.Election{ID: "f", Date: "2026-03-16"}); err != nil {
		t.Fatal(err)
	}
	latest, err := sqlite.SchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v, err := sqlite.CheckBackup(t.Context(), out); err != nil || v != latest {
		t.Fatalf("CheckBackup = %d, %v; want %d", v, err, latest)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the backup left files beside it: %v", entries)
	}
	b, err := sqlite.Open(t.Context(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Election(t.Context(), "e"); err != nil {
		t.Errorf("the backup lacks the election: %v", err)
	}
	if _, err := b.Election(t.Context(), "f"); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("the backup has an election made after it: %v", err)
	}

	t.Run("refuses", func(t *testing.T) {
		garbage := filepath.Join(t.TempDir(), "garbage.db")
		os.WriteFile(garbage, []byte("SQLite format 3\x00 but then nothing of the sort"), 0o600)
		corrupt := filepath.Join(t.TempDir(), "corrupt.db")
		data, _ := os.ReadFile(out)
		for i := 4096; i+64 < len(data); i += 4096 {
			copy(data[i+8:], "garbage garbage garbage garbage!")
		}
		os.WriteFile(corrupt, data, 0o600)
		for name, path := range map[string]string{"missing": filepath.Join(dir, "nope.db"), "garbage": garbage, "corrupt": corrupt, "directory": dir} {
			if _, err := sqlite.CheckBackup(t.Context(), path); dauys.ErrorCode(err) != dauys.EINVALID {
				t.Errorf("%s: %v, want EINVALID", name, err)
			}
		}
	})
}
