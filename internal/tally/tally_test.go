package tally_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
)

// referendum has three units, two precincts each.
func referendum() *dauys.Election {
	e := &dauys.Election{ID: "ref", Name: dauys.T("Referendum"), Date: "2022-06-05", Status: dauys.StatusCounting,
		Areas: []dauys.Area{{ID: "kz", Level: dauys.LevelCountry}},
		Contests: []dauys.Contest{{ID: "q", Kind: dauys.KindReferendum, Form: "r", Units: dauys.LevelRegion,
			Rules: dauys.Rules{Preset: "kz-referendum-constitutional"}}},
		Forms: []dauys.Form{{ID: "r",
			Lines:     []dauys.Line{{Name: "registered"}, {Name: "took_part"}, {Name: "yes"}, {Name: "no"}, {Name: "both_marked"}, {Name: "invalid"}},
			Relations: []dauys.Relation{{Code: "E_SUM", Expr: "took_part = yes + no + both_marked + invalid"}}}},
	}
	for _, u := range []string{"u1", "u2", "u3"} {
		e.Areas = append(e.Areas, dauys.Area{ID: u, Parent: "kz", Level: dauys.LevelRegion})
		for _, p := range []string{"a", "b"} {
			e.Areas = append(e.Areas, dauys.Area{ID: u + p, Parent: u, Level: dauys.LevelPrecinct, Registered: 1000})
		}
	}
	return e
}

func setup(t *testing.T, e *dauys.Election) (*intake.Service, *tally.Tally) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.CreateElection(ctx, e); err != nil {
		t.Fatal(err)
	}
	in := intake.New(s, func() time.Time { return time.Date(2022, 6, 5, 21, 0, 0, 0, time.UTC) })
	return in, tally.New(s, in.Elections())
}

func submit(t *testing.T, in *intake.Service, election string, subs ...intake.Submission) {
	t.Helper()
	res, err := in.Submit(context.Background(), election, subs)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
}

func vote(area string, took, yes, no int64) intake.Submission {
	return intake.Submission{Contest: "q", Area: area, Lines: map[string]int64{
		"registered": 1000, "took_part": took, "yes": yes, "no": no, "both_marked": 0, "invalid": took - yes - no}}
}

func TestReferendumUnits(t *testing.T) {
	in, ty := setup(t, referendum())
	ctx := context.Background()
	// u1 and u2 say yes; u3 says no: 2 of 3 units, and ceil(2*3/3) = 2 are required.
	submit(t, in, "ref",
		vote("u1a", 600, 400, 190), vote("u1b", 600, 400, 190),
		vote("u2a", 600, 301, 290), vote("u2b", 600, 300, 290),
		vote("u3a", 600, 100, 490))
	res, err := ty.Area(ctx, "ref", "")
	if err != nil {
		t.Fatal(err)
	}
	c := res.Contests[0]
	if c.Progress.Reported != 5 || c.Progress.Expected != 6 || c.Progress.RegisteredExpected != 6000 || c.Progress.RegisteredReported != 5000 {
		t.Errorf("progress %+v", c.Progress)
	}
	o := c.Outcome
	if o == nil || o.UnitsRequired != 2 || o.UnitsWithMajority != 2 || !o.Adopted {
		t.Fatalf("outcome %+v", o)
	}
	// u2 has 601 yes of 1200 took part: more than half, exactly by one.
	submit(t, in, "ref", intake.Submission{Contest: "q", Area: "u2a", Amendment: true, Reason: "recount",
		Lines: map[string]int64{"registered": 1000, "took_part": 600, "yes": 300, "no": 291, "both_marked": 0, "invalid": 9}})
	res, _ = ty.Area(ctx, "ref", "")
	if o := res.Contests[0].Outcome; o.UnitsWithMajority != 1 || o.Adopted {
		t.Errorf("after amendment: %d units, adopted %v", o.UnitsWithMajority, o.Adopted)
	}
	// A unit's own page sums its precincts; the outcome is decided nationally only.
	res, _ = ty.Area(ctx, "ref", "u1")
	if c := res.Contests[0]; c.Lines["yes"] != 800 || c.Outcome != nil || len(res.Path) != 2 {
		t.Errorf("unit u1: %+v", c)
	}
	res, _ = ty.Area(ctx, "ref", "u3b")
	if c := res.Contests[0]; c.Protocol != nil || c.Progress.Reported != 0 || c.Progress.Expected != 1 {
		t.Errorf("missing precinct: %+v", c)
	}
	kids, err := ty.Children(ctx, "ref", "q", "kz")
	if err != nil || kids["u1"]["yes"] != 800 || kids["u3"][dauys.ReportedLine] != 1 {
		t.Errorf("children %v, %v", kids, err)
	}
}

func TestDistrictDecidedInItsArea(t *testing.T) {
	e := &dauys.Election{ID: "e", Name: dauys.T("E"), Date: "2023-03-19", Status: dauys.StatusCounting,
		Areas: []dauys.Area{{ID: "kz", Level: "country"}, {ID: "r1", Parent: "kz", Level: "region"}, {ID: "r2", Parent: "kz", Level: "region"},
			{ID: "p1", Parent: "r1", Level: "precinct", Registered: 100}, {ID: "p2", Parent: "r2", Level: "precinct", Registered: 100}},
		Contests: []dauys.Contest{
			{ID: "smd1", Kind: dauys.KindPlurality, Form: "f", Areas: []string{"r1"}, Rules: dauys.Rules{Seats: 1},
				Options: []dauys.Option{{ID: "x"}, {ID: "y"}}},
			{ID: "smd2", Kind: dauys.KindPlurality, Form: "f", Areas: []string{"r2"}, Rules: dauys.Rules{Preset: "kz-maslikhat-2023-district"},
				Options: []dauys.Option{{ID: "x"}, {ID: "y"}}},
		},
		Forms: []dauys.Form{{ID: "f", OptionLines: true, Lines: []dauys.Line{{Name: "took_part"}, {Name: "against_all"}, {Name: "invalid"}},
			Relations: []dauys.Relation{{Code: "E", Expr: "took_part = @options + against_all + invalid"}}}},
	}
	in, ty := setup(t, e)
	submit(t, in, "e", intake.Submission{Contest: "smd1", Area: "p1", Lines: map[string]int64{"took_part": 60, "against_all": 30, "invalid": 0, "option:x": 10, "option:y": 20}})
	res, err := ty.Area(context.Background(), "e", "r1")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Contests) != 1 || res.Contests[0].Outcome == nil || *res.Contests[0].Outcome.Elected != "y" {
		t.Fatalf("district smd1 in r1: %+v", res.Contests)
	}
	res, _ = ty.Area(context.Background(), "e", "")
	if len(res.Contests) != 2 || res.Contests[1].Progress.Reported != 0 || res.Contests[1].Outcome.Elected != nil {
		t.Errorf("national: %+v", res.Contests)
	}
}
