package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys/internal/sqlite"

	"github.com/dauys/dauys/internal/tlog/tlogtest"
)

func TestLog(t *testing.T) {
	tlogtest.Run(t, func(t *testing.T) tlogtest.Store { return MustOpen(t) })
}

// TestLogTamperedVersion changes a logged version behind the store's
// back, as another program with the file could.
func TestLogTamperedVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dauys.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tlogtest.TamperedVersion(t, s, func(election, contest, area string, version int) {
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.ExecContext(t.Context(), `UPDATE protocols SET reason = 'changed'
			WHERE election_id = ? AND contest_id = ? AND area_id = ? AND version = ?`, election, contest, area, version); err != nil {
			t.Fatal(err)
		}
	})
}
