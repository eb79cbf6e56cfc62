package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/postgres/pgtest"
	"github.com/dauys/dauys/internal/storetest"
)

// TestAuditAppendOnly checks that the table itself refuses to change or
// remove an event, whoever asks: the store's methods offer no way to, and
// the triggers stop plain SQL, TRUNCATE included.
func TestAuditAppendOnly(t *testing.T) {
	url := pgtest.SchemaURL(t)
	if url == "" {
		t.Skip("DAUYS_TEST_POSTGRES is not set")
	}
	s, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := &dauys.AuditEvent{At: time.Now(), Actor: "op", Action: dauys.AuditSubmit, Outcome: dauys.AuditOK}
	if err := s.RecordAudit(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE audit_log SET outcome = 'conflict'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
	} {
		if _, err := s.pool.Exec(t.Context(), q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the trigger's refusal", q, err)
		}
	}
	var n int
	var outcome string
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*), max(outcome) FROM audit_log`).Scan(&n, &outcome); err != nil || n != 1 || outcome != dauys.AuditOK {
		t.Errorf("after the refused statements: %d rows, outcome %q, %v", n, outcome, err)
	}
}

// TestMigrate0008 opens a schema as an older program left it, with an
// imported election stuck at "pre-election": the migration moves it to
// counting and records why.
func TestMigrate0008(t *testing.T) {
	url := pgtest.SchemaURL(t)
	if url == "" {
		t.Skip("DAUYS_TEST_POSTGRES is not set")
	}
	s, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	storetest.MigrationFixture(t, s)
	if _, err := s.pool.Exec(t.Context(), storetest.Migration0008Undo); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(t.Context(), url); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckMigrated(t, s)
}
