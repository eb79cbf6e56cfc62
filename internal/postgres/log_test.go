package postgres_test

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/dauys/dauys/internal/postgres"
	"github.com/dauys/dauys/internal/postgres/pgtest"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
)

func TestLog(t *testing.T) {
	if pgtest.SchemaURL(t) == "" {
		t.Skip("DAUYS_TEST_POSTGRES is not set")
	}
	tlogtest.Run(t, func(t *testing.T) tlogtest.Store {
		s, err := postgres.Open(t.Context(), pgtest.SchemaURL(t))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestLogTamperedVersion changes a logged version behind the store's
// back, as another program with access to the database could.
func TestLogTamperedVersion(t *testing.T) {
	u := pgtest.SchemaURL(t)
	if u == "" {
		t.Skip("DAUYS_TEST_POSTGRES is not set")
	}
	s, err := postgres.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tlogtest.TamperedVersion(t, s, func(election, contest, area string, version int) {
		conn, err := pgx.Connect(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(t.Context())
		if _, err := conn.Exec(t.Context(), `UPDATE protocols SET reason = 'changed'
			WHERE election_id = $1 AND contest_id = $2 AND area_id = $3 AND version = $4`, election, contest, area, version); err != nil {
			t.Fatal(err)
		}
	})
}
