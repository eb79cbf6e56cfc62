package tally_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
)

// TestAbsurdStoredCountsAreServed is issue #13's first defect in the
// tally: a store holding counts from before they were bounded (written
// here straight into the database) made Area fail, and with it every
// results page. The results are served, the contest marked as not
// decidable; the history of the count stops where its sums would
// overflow.
func TestAbsurdStoredCountsAreServed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateElection(ctx, referendum()); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2022, 6, 5, 21, 0, 0, 0, time.UTC)
	in := intake.New(s, func() time.Time { now = now.Add(time.Minute); return now })
	tl := tally.New(s, in.Elections())
	for _, p := range []string{"u1a", "u1b", "u2a"} {
		submit(t, in, "ref", intake.Submission{Contest: "q", Area: p, Lines: map[string]int64{"registered": 1000, "took_part": 600, "yes": 400, "no": 190, "both_marked": 0, "invalid": 10}})
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`UPDATE totals SET value = 4611686018427387904 WHERE line IN ('yes', 'no', 'both_marked', 'invalid')`,
		`UPDATE protocols SET lines = json_set(lines, '$.registered', 9223372036854775807) WHERE area_id = 'u2a'`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	res, err := tl.Area(ctx, "ref", "")
	if err != nil {
		t.Fatalf("Area: %v", err)
	}
	c := res.Contests[0]
	if c.Outcome != nil || c.Error == nil || !strings.Contains(c.Error.EN, "cannot be decided") || c.Error.KK == "" || c.Error.RU == "" {
		t.Errorf("contest %+v, error %+v", c, c.Error)
	}
	if _, err := tl.Area(ctx, "ref", "u1"); err != nil {
		t.Errorf("Area u1: %v", err)
	}
	pts, err := tl.History(ctx, "ref", "q")
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	if len(pts) != 2 || pts[1].Registered != 2000 || pts[1].Reported != 2 {
		t.Errorf("history %+v; want it to stop before the sum overflows", pts)
	}
}
