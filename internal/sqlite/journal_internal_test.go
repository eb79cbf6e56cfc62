package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
)

// TestJournal: the sequencer takes the versions this store committed from
// its journal, and gets exactly what reading them back gives; versions that
// another program (another Store on the same file) stored in between are
// never missed.
func TestJournal(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "dauys.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tlogtest.Journal(t, s, other, func(election string) ([]tlog.PendingProtocol, error) {
		return s.unlogged(ctx, election, 100, false)
	})
}
