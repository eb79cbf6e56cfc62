package cdf_test

import (
	"context"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/cdf"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/tally"
)

// loadExample stores a shipped example definition in the env and returns
// it compiled.
func (v *env) loadExample(t testing.TB, name string) *election.Election {
	t.Helper()
	def, err := definition.LoadWith(filepath.Join("..", "..", "examples", name), definition.Options{CheckRules: rules.Check})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.store.CreateElection(context.Background(), def); err != nil {
		t.Fatal(err)
	}
	e, err := v.intake.Elections().Load(context.Background(), def.ID)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (v *env) mustSubmit(t testing.TB, election string, subs []intake.Submission) {
	t.Helper()
	res, err := v.intake.Submit(context.Background(), election, subs)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("submission %d (%s/%s): %v", i, subs[i].Contest, subs[i].Area, r.Err)
		}
	}
}

// referendumProtocols makes consistent protocols of the 2022 referendum
// for every step-th precinct.
func referendumProtocols(e *election.Election, step int, seed uint64) []intake.Submission {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	precincts := e.Tree.AtLevel(dauys.LevelPrecinct)
	var subs []intake.Submission
	for i := 0; i < len(precincts); i += step {
		a := e.Tree.Area(precincts[i])
		reg := max(a.Registered, 50)
		took := reg * int64(40+rng.IntN(50)) / 100
		issued := took + int64(rng.IntN(3))
		received := issued + 20
		invalid := took * int64(rng.IntN(3)) / 100
		both := int64(rng.IntN(3))
		yes := (took - invalid - both) * int64(60+rng.IntN(30)) / 100
		no := took - invalid - both - yes
		// took_part is the citizens who received ballots; took is the
		// ballots found in the boxes, a tenth of them in the mobile one.
		outside := took / 10
		subs = append(subs, intake.Submission{Contest: "constitution", Area: a.ID, AcknowledgeWarnings: true, Lines: map[string]int64{
			"registered": reg, "received": received, "took_part": issued, "absentee": 0, "outside": outside,
			"cancelled": received - issued, "lost": 0, "found_stationary": took - outside, "found_mobile": outside,
			"yes": yes, "no": no, "both_marked": both, "invalid": invalid,
		}})
	}
	return subs
}

// TestCDFKazakhReferendum exports the 2022 referendum with a few hundred
// protocols in, at precinct level and as a summary; both validate and
// re-import to the same totals and the same outcome, territorial rule
// included.
func TestCDFKazakhReferendum(t *testing.T) {
	v := mustEnv(t)
	e := v.loadExample(t, "kz-referendum-2022")

	// Before the vote: a valid report of the definition alone.
	before := v.mustExport(t, e.ID, cdf.LevelPrecinct)
	if !strings.Contains(string(before), `"Status": "pre-election"`) {
		t.Error("the report of an election without protocols is not pre-election")
	}
	empty := mustEnv(t)
	if rep := empty.mustImport(t, before, cdf.ImportOptions{}); rep.Protocols != 0 || rep.Areas != len(e.Areas) {
		t.Errorf("the definition alone re-imports as %+v, want %d areas and no protocols", rep, len(e.Areas))
	}

	subs := referendumProtocols(e, 30, 2022)
	if len(subs) < 300 {
		t.Fatalf("only %d protocols", len(subs))
	}
	v.mustSubmit(t, e.ID, subs)
	if err := v.store.SetElectionStatus(context.Background(), e.ID, dauys.StatusCounting); err != nil {
		t.Fatal(err)
	}
	v.intake.Elections().Forget(e.ID)
	want := v.totals(t, e.ID)

	for _, level := range []string{cdf.LevelPrecinct, cdf.LevelSummary} {
		t.Run(level, func(t *testing.T) {
			data := v.mustExport(t, e.ID, level)
			var report struct{ Status string }
			if err := json.Unmarshal(data, &report); err != nil {
				t.Fatal(err)
			}
			if report.Status != cdf.StatusUnofficialPartial {
				t.Errorf("status %q, want %q: counting, with most precincts out", report.Status, cdf.StatusUnofficialPartial)
			}
			again := mustEnv(t)
			rep := again.mustImport(t, data, cdf.ImportOptions{})
			if rep.Election != e.ID {
				t.Errorf("re-imported as %s, want the recorded id %s", rep.Election, e.ID)
			}
			equalTotals(t, level, want, again.totals(t, e.ID))
			equalOutcomes(t, level, v, again, e.ID)
			// The territorial units carry the same counts.
			for _, region := range e.Tree.Children(e.Tree.Root()) {
				a, err := v.tally.Area(context.Background(), e.ID, region)
				if err != nil {
					t.Fatal(err)
				}
				b, err := again.tally.Area(context.Background(), e.ID, region)
				if err != nil {
					t.Fatalf("region %s after the round trip: %v", region, err)
				}
				if !maps.Equal(a.Contests[0].Lines, b.Contests[0].Lines) {
					t.Errorf("region %s: %v, want %v", region, b.Contests[0].Lines, a.Contests[0].Lines)
				}
			}
			def, err := again.store.Election(context.Background(), e.ID)
			if err != nil {
				t.Fatal(err)
			}
			c := def.Contests[0]
			if c.Kind != dauys.KindReferendum || c.Rules.Preset != "kz-referendum-constitutional" || c.Units != "region" {
				t.Errorf("contest after the round trip: kind %s, rules %+v, units %q", c.Kind, c.Rules, c.Units)
			}
			if f := def.Form(c.Form); f == nil || len(f.Relations) != len(e.Form(c.Form).Relations) {
				t.Errorf("form %s after the round trip lost its relations: %+v", c.Form, f)
			}
		})
	}
}

// TestCDFKazakhElection exports the 2023 Mazhilis and maslikhat elections
// (party lists, single-member districts, against all) with a few hundred
// generated protocols, validates the report and re-imports it to the same
// totals, protocols and seats.
func TestCDFKazakhElection(t *testing.T) {
	v := mustEnv(t)
	e := v.loadExample(t, "kz-2023")
	events := demo.Night(e, 7, demo.Baseline{
		Shares:     map[string]float64{"amanat": 54, "auyl": 11, "respublica": 8.6, "ak-zhol": 8.4, "qhp": 6.8, "osdp": 5.2, "baytaq": 2.3},
		AgainstAll: 3.9, Invalid: 1.2,
	})
	// Every protocol of every 40th precinct, as sent right.
	precincts := e.Tree.AtLevel(dauys.LevelPrecinct)
	keep := map[string]bool{}
	for i := 0; i < len(precincts); i += 40 {
		keep[precincts[i]] = true
	}
	var subs []intake.Submission
	seen := map[[2]string]bool{}
	for _, ev := range events {
		s := ev.Submission
		k := [2]string{s.Contest, s.Area}
		if ev.Faulty || s.Amendment || !keep[s.Area] || seen[k] {
			continue
		}
		seen[k] = true
		subs = append(subs, s)
	}
	if len(subs) < 300 {
		t.Fatalf("only %d protocols", len(subs))
	}
	v.mustSubmit(t, e.ID, subs)
	want := v.totals(t, e.ID)

	for _, level := range []string{cdf.LevelPrecinct, cdf.LevelSummary} {
		t.Run(level, func(t *testing.T) {
			data := v.mustExport(t, e.ID, level)
			again := mustEnv(t)
			again.mustImport(t, data, cdf.ImportOptions{})
			equalTotals(t, level, want, again.totals(t, e.ID))
			equalOutcomes(t, level, v, again, e.ID)
			if level == cdf.LevelPrecinct {
				before, after := v.protocols(t, e.ID), again.protocols(t, e.ID)
				if len(before) != len(after) {
					t.Errorf("%d protocols, want %d", len(after), len(before))
				}
				for k, lines := range before {
					if !maps.Equal(lines, after[k]) {
						t.Errorf("protocol %v = %v, want %v", k, after[k], lines)
					}
				}
			}
			// The list's seats are in the report, as the format's seats.
			var report cdf.Report
			if err := json.Unmarshal(data, &report); err != nil {
				t.Fatal(err)
			}
			seats := 0
			for _, c := range report.Election[0].Contest {
				if c.ID != "mazhilis-list" {
					continue
				}
				for _, s := range c.ContestSelection {
					for _, vc := range s.VoteCounts {
						if vc.CountType == "seats" {
							seats += int(vc.Count)
						}
					}
				}
			}
			if seats != 69 {
				t.Errorf("mazhilis-list: %d seats in the report, want 69", seats)
			}
		})
	}
}

// equalOutcomes checks that every contest is decided the same way before
// and after a round trip.
func equalOutcomes(t *testing.T, what string, a, b *env, election string) {
	t.Helper()
	ra, err := a.tally.Area(context.Background(), election, "")
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.tally.Area(context.Background(), election, "")
	if err != nil {
		t.Fatal(err)
	}
	outcomes := func(r *tally.Results) map[string]string {
		m := map[string]string{}
		for _, c := range r.Contests {
			j, err := json.Marshal(c.Outcome)
			if err != nil {
				t.Fatal(err)
			}
			m[c.Contest] = string(j)
		}
		return m
	}
	oa, ob := outcomes(ra), outcomes(rb)
	for _, c := range slices.Sorted(maps.Keys(oa)) {
		if oa[c] != ob[c] {
			t.Errorf("%s round trip: contest %s decided differently:\n%s\nwant\n%s", what, c, shorten(ob[c]), shorten(oa[c]))
		}
	}
}

func shorten(s string) string {
	if len(s) > 400 {
		return s[:400] + "..."
	}
	return strings.TrimSpace(s)
}
