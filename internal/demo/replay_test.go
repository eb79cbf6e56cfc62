package demo_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/rules"
)

// replays are the examples that replay an official result.
var replays = []string{"kz-referendum-2022", "kz-president-2022", "kz-2023", "kz-referendum-2024", "kz-referendum-2026"}

// TestReplay: every precinct of every replay sends one protocol per
// contest, each passes its form without a warning, and for every total of
// the example's totals.csv the contest's line summed over the area's
// precincts is that total exactly; the same seed gives the same night.
func TestReplay(t *testing.T) {
	for _, id := range replays {
		t.Run(id, func(t *testing.T) {
			dir := filepath.Join("..", "..", "examples", id)
			def, err := definition.LoadWith(dir, definition.Options{CheckRules: rules.Check})
			if err != nil {
				t.Fatal(err)
			}
			if !def.IsReplay() || def.Replay.Totals == "" {
				t.Fatalf("%s is not marked a replay with its totals: %+v", id, def.Replay)
			}
			e, err := election.Compile(def)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(filepath.Join(dir, def.Replay.Totals))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			totals, err := demo.ReadTotals(f, def.Replay.Totals)
			if err != nil {
				t.Fatal(err)
			}
			night, err := demo.Replay(e, totals, 7)
			if err != nil {
				t.Fatal(err)
			}
			again, err := demo.Replay(e, totals, 7)
			if err != nil || len(again) != len(night) || again[len(night)/3].Submission.Lines["took_part"] != night[len(night)/3].Submission.Lines["took_part"] {
				t.Error("the same seed gave another night")
			}
			sent := map[string]int{}
			warned := 0
			for _, ev := range night {
				sent[ev.Submission.Contest+"/"+ev.Submission.Area]++
				lines := map[string]int64{}
				for k, v := range ev.Submission.Lines {
					lines[k] = v
				}
				errs, warns := e.Validator(ev.Submission.Contest).Complete(lines)
				if len(errs) > 0 {
					t.Fatalf("precinct %s, contest %s: the protocol fails its form: %v", ev.Submission.Area, ev.Submission.Contest, errs)
				}
				if len(warns) > 0 {
					warned++
					if warned < 4 {
						t.Logf("precinct %s, contest %s: %v", ev.Submission.Area, ev.Submission.Contest, warns)
					}
				}
			}
			if warned > 0 {
				t.Logf("%d of %d protocols raise a warning", warned, len(night))
			}
			for i := range e.Contests {
				c := &e.Contests[i]
				for _, p := range e.Tree.AtLevel("precinct") {
					if e.Tree.InContest(p, c) && sent[c.ID+"/"+p] != 1 {
						t.Fatalf("precinct %s sends %d protocols for %s, want 1", p, sent[c.ID+"/"+p], c.ID)
					}
				}
			}
			// The sums of every contest's lines over every area.
			sums := map[string]map[string]int64{}
			for _, ev := range night {
				areas := append([]string{ev.Submission.Area}, e.Tree.Ancestors(ev.Submission.Area)...)
				for _, a := range areas {
					key := ev.Submission.Contest + "/" + a
					if sums[key] == nil {
						sums[key] = map[string]int64{}
					}
					for k, v := range ev.Submission.Lines {
						sums[key][k] += v
					}
				}
			}
			for _, tot := range totals {
				if id, ok := strings.CutPrefix(tot.Line, demo.ElectedPrefix); ok {
					// A published winner: the most votes of the contest.
					votes := sums[tot.Contest+"/"+e.Tree.Root()]
					for _, o := range e.Contest(tot.Contest).Options {
						if o.ID != id && votes["option:"+o.ID] >= votes["option:"+id] {
							t.Errorf("%s: %s has %d votes, the published winner %s %d", tot.Contest, o.ID, votes["option:"+o.ID], id, votes["option:"+id])
						}
					}
					continue
				}
				if sum := sums[tot.Contest+"/"+tot.Area][tot.Line]; sum != tot.Value {
					t.Errorf("%s %s %s: the protocols sum to %d, the %s total is %d", tot.Contest, tot.Area, tot.Line, sum, tot.Status, tot.Value)
				}
			}
		})
	}
}
