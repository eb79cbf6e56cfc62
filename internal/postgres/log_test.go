package postgres_test

import (
	"testing"

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
