// Package pgtest gives tests of any package a private schema in the test
// PostgreSQL named by DAUYS_TEST_POSTGRES.
//
// It imports no other Dauys package.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// SchemaURL creates a new schema in the test database, dropped when the
// test ends, and returns the database URL with the schema as its
// search_path. Without DAUYS_TEST_POSTGRES it returns "", except under CI
// (CI=true), where a PostgreSQL is provided and its absence fails the test.
func SchemaURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("DAUYS_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("DAUYS_TEST_POSTGRES is not set; CI must provide a PostgreSQL")
		}
		return ""
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "dauys_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect to the test database: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil || !strings.HasPrefix(u.Scheme, "postgres") {
		tb.Fatalf("DAUYS_TEST_POSTGRES %q is not a postgres:// URL", base)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
