package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/postgres"
	"github.com/dauys/dauys/internal/storetest"
)

// testURL returns the URL of the test database from DAUYS_TEST_POSTGRES. It
// skips the test when the variable is unset, except in CI (CI=true), where
// a PostgreSQL is provided and its absence is a failure.
func testURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("DAUYS_TEST_POSTGRES")
	if u == "" {
		const how = "DAUYS_TEST_POSTGRES is not set; set it to a PostgreSQL URL such as " +
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run the PostgreSQL store tests"
		if os.Getenv("CI") == "true" {
			tb.Fatal(how)
		}
		tb.Skip(how)
	}
	return u
}

// MustOpen opens a store in a new schema of the test database.
func MustOpen(tb testing.TB) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(tb.Context(), MustSchema(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// MustSchema creates a new schema in the test database, dropped when the
// test ends, and returns the URL of the test database with the schema as
// its search_path, so that tests neither see nor disturb each other.
func MustSchema(tb testing.TB) string {
	tb.Helper()
	base := testURL(tb)
	b := make([]byte, 8)
	rand.Read(b)
	schema := "dauys_test_" + hex.EncodeToString(b)

	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect to the test database: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})

	return withSearchPath(tb, base, schema)
}

// withSearchPath adds the search_path run-time parameter to a URL or a
// keyword/value connection string.
func withSearchPath(tb testing.TB, conn, schema string) string {
	tb.Helper()
	if !strings.HasPrefix(conn, "postgres://") && !strings.HasPrefix(conn, "postgresql://") {
		return conn + " search_path=" + schema
	}
	u, err := url.Parse(conn)
	if err != nil {
		tb.Fatalf("DAUYS_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestStore(t *testing.T) {
	testURL(t)
	// The suite closes each store before Cleanup, last in, first out, drops
	// its schema.
	storetest.Run(t, func(t *testing.T) dauys.Store { return MustOpen(t) })
}

// TestReopen opens a migrated schema again: nothing is applied twice and
// nothing stored is lost.
func TestReopen(t *testing.T) {
	u := MustSchema(t)
	s, err := postgres.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateElection(t.Context(), &dauys.Election{ID: "e", Date: "2026-03-15"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = postgres.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Election(t.Context(), "e"); err != nil {
		t.Errorf("after reopening: %v", err)
	}
	conn, err := pgx.Connect(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var versions []int32
	rows, _ := conn.Query(t.Context(), "SELECT version FROM schema_migrations ORDER BY version")
	versions, err = pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) == 0 || versions[0] != 1 {
		t.Errorf("schema_migrations holds %v", versions)
	}
}
