package main_test

import (
	"testing"

	"github.com/dauys/dauys/internal/postgres/pgtest"
)

// postgresURL returns a URL of a fresh schema in the test PostgreSQL, or ""
// when none is configured outside CI.
func postgresURL(t *testing.T) string {
	t.Helper()
	return pgtest.SchemaURL(t)
}
