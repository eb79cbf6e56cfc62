package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/storetest"
)

// MustOpen opens a store on a new file in the test's temporary directory.
func MustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "dauys.db"))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) dauys.Store { return MustOpen(t) })
}

// TestReopen opens a migrated file again: nothing is applied twice and
// nothing stored is lost.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dauys.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateElection(t.Context(), &dauys.Election{ID: "e", Date: "2026-03-15"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Election(t.Context(), "e"); err != nil {
		t.Errorf("after reopening: %v", err)
	}
}

func TestOpenRefusesMemory(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file::memory:?cache=shared"} {
		if s, err := sqlite.Open(t.Context(), path); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
}

// TestOpenPath checks that a path is a file name, whatever its characters,
// not a URI with parameters.
func TestOpenPath(t *testing.T) {
	dir := t.TempDir()
	name := "results 2026#1?mode=ro&x=%41.db"
	s, err := sqlite.Open(t.Context(), filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateElection(t.Context(), &dauys.Election{ID: "e", Date: "2026-03-15"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		t.Errorf("the database is not at its path: %v", err)
	}
}
