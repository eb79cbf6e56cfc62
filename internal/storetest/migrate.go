package storetest

import (
	"context"
	"testing"

	"github.com/dauys/dauys"
)

// Migration0008Undo is the SQL that takes a store back to before
// migration 0008 in both backends, as a database written by an older
// program: its tables gone, its version unrecorded, and every election
// "pre-election", the status an older program left imported elections in.
const Migration0008Undo = `DROP TABLE turnout; DROP TABLE turnout_totals; DROP TABLE status_changes;
	DELETE FROM schema_migrations WHERE version = 8; UPDATE elections SET status = 'pre-election'`

// MigrationFixture stores two elections for a test of migration 0008:
// "with-protocols", which has a protocol, and "without", which has none.
func MigrationFixture(t *testing.T, s dauys.Store) {
	t.Helper()
	for _, id := range []string{"with-protocols", "without"} {
		mustCreateElection(t, s, newElection(id, "2026-03-15", fixtureAreas()))
	}
	f := &fixture{s: s, e: &dauys.Election{ID: "with-protocols"}, paths: paths(fixtureAreas())}
	mustAccept(t, s, f.original(contestRef, "p1", ref(1200, 800, 500, 300)))
}

// CheckMigrated checks the elections of MigrationFixture after migration
// 0008: the election with protocols is counting, with the move recorded;
// the other keeps its status and an empty history.
func CheckMigrated(t *testing.T, s dauys.Store) {
	t.Helper()
	ctx := context.Background()
	for id, want := range map[string]string{"with-protocols": dauys.StatusCounting, "without": dauys.StatusPreElection} {
		e, err := s.Election(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != want {
			t.Errorf("%s: status %s after the migration, want %s", id, e.Status, want)
		}
		h, err := s.StatusHistory(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case want == dauys.StatusCounting && (len(h) != 1 || h[0].From != dauys.StatusPreElection || h[0].To != want || h[0].Reason == ""):
			t.Errorf("%s: history %+v, want the migration's move", id, h)
		case want != dauys.StatusCounting && len(h) != 0:
			t.Errorf("%s: history %+v, want none", id, h)
		}
	}
}
