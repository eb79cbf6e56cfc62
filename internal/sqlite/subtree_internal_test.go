package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys"
)

// TestSubtreePlan: the recursive walk below an area (Turnout and
// TurnoutReports) finds each area's children through the index on
// (election_id, parent). SQLite's planner, left to itself, scanned all of
// the election's areas for every area it reached (areas_seq), which took a
// minute for the country of the 10,000-precinct demo; the plan is checked
// rather than the time, on an election with a few hundred areas.
func TestSubtreePlan(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := &dauys.Election{ID: "e", Date: "2023-03-19", Areas: []dauys.Area{{ID: "KZ", Level: dauys.LevelCountry}}}
	for r := range 20 {
		region := fmt.Sprintf("R%02d", r)
		e.Areas = append(e.Areas, dauys.Area{ID: region, Parent: "KZ", Level: dauys.LevelRegion})
		for p := range 20 {
			e.Areas = append(e.Areas, dauys.Area{ID: fmt.Sprintf("%s-%02d", region, p), Parent: region, Level: dauys.LevelPrecinct, Registered: 100})
		}
	}
	if err := s.CreateElection(ctx, e); err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	// The walk, and the queries built on it, for the country and for one
	// precinct: joined after the walk, never by scanning the election's
	// areas (which Turnout did for a precinct, 8 ms a page when
	// publishing 30,000 of them).
	for _, q := range []struct{ name, query string }{
		{"the walk", subtree + ` SELECT COUNT(*) FROM sub`},
		{"the precincts below", precinctsBelow},
		{"the reports below", reportsBelow},
	} {
		for _, area := range []string{"KZ", "R00-00"} {
			text := queryPlan(t, s, q.query, area)
			if !strings.Contains(text, "areas_parent") || strings.Contains(text, "areas_seq") {
				t.Errorf("%s of %s does not look areas up by parent and id:\n%s", q.name, area, text)
			}
		}
	}
	totals, err := s.Turnout(ctx, "e", "KZ")
	if err != nil {
		t.Fatal(err)
	}
	if totals.Precincts != 400 || totals.Registered != 40000 {
		t.Errorf("%d precincts with %d voters, want 400 with 40000", totals.Precincts, totals.Registered)
	}
}

func queryPlan(t *testing.T, s *Store, query, area string) string {
	t.Helper()
	rows, err := s.read.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, "e", area)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}
