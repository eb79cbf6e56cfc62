package postgres

import (
	"testing"

	"github.com/dauys/dauys/internal/postgres/pgtest"
	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
)

// TestJournal: the sequencer takes the versions this store committed from
// its journal, and gets exactly what reading them back gives; versions that
// another replica (another Store on the same database) stored in between
// are never missed.
func TestJournal(t *testing.T) {
	u := pgtest.SchemaURL(t)
	if u == "" {
		t.Skip("DAUYS_TEST_POSTGRES is not set")
	}
	s, err := Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	other, err := Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tlogtest.Journal(t, s, other, func(election string) ([]tlog.PendingProtocol, error) {
		return s.unlogged(t.Context(), election, 100, false)
	})
}
