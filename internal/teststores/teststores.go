// Package teststores runs a test on each real store: a fresh SQLite file,
// and a fresh schema of the test PostgreSQL where one is configured (under
// CI always: its absence fails the test, see pgtest).
//
// It is for tests only: it imports both stores, and only tests import it.
package teststores

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys/internal/backend"
	"github.com/dauys/dauys/internal/postgres"
	"github.com/dauys/dauys/internal/postgres/pgtest"
	"github.com/dauys/dauys/internal/sqlite"
)

// Store is what both stores are: every capability of a Backend.
type Store = backend.Backend

// Each runs fn as a subtest named after each store, on a fresh one that is
// closed when the subtest ends.
func Each(t *testing.T, fn func(t *testing.T, s Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.SchemaURL(t)
		if url == "" {
			t.Skip("DAUYS_TEST_POSTGRES is not set")
		}
		s, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
}
