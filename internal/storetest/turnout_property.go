package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"

	"pgregory.net/rapid"

	"github.com/dauys/dauys"
)

// testTurnoutModel holds a store to an in-memory model of the same
// domain rule: random reports (originals, amendments, resubmissions, many
// refused for going backwards through the day), in random batches, must
// get the answers dauys.ReconcileTurnout gives applied in order, leave
// every accepted version in the history and sum to the model's totals in
// every area.
func testTurnoutModel(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	areas := tree(2, 2, 2)
	for i := range areas {
		if areas[i].Level == dauys.LevelPrecinct {
			areas[i].Registered = int64(500 + 100*i)
		}
	}
	precincts := precinctsOf(areas)
	times := []string{"10:00", "12:00", "14:00", dauys.TurnoutClose}
	elections := 0
	rapid.Check(t, func(rt *rapid.T) {
		elections++
		e := newElection(fmt.Sprintf("turnout-%d", elections), "2026-03-15", areas)
		e.Definition = nil
		e.TurnoutHours = times[:3]
		f := newFixtureWith(rt, s, e)
		// The model: every version of each precinct and time.
		history := map[[2]string][]*dauys.TurnoutReport{}
		n := rapid.IntRange(1, 30).Draw(rt, "reports")
		var pending []*dauys.TurnoutReport
		flush := func() {
			if len(pending) == 0 {
				return
			}
			res := mustSaveTurnout(rt, s, pending...)
			for i, r := range pending {
				p := &dauys.TurnoutPrecinct{Chain: e.Chain(r.Area), Leaf: true, Current: map[string]*dauys.TurnoutReport{}}
				for k, vs := range history {
					if k[0] == r.Area {
						p.Current[k[1]] = vs[len(vs)-1]
					}
				}
				outcome, version, err := dauys.ReconcileTurnout(e.TurnoutTimes(), p, r)
				if dauys.ErrorCode(err) != dauys.ErrorCode(res[i].Err) || outcome != res[i].Outcome {
					rt.Fatalf("%s %s %d (%s): store answered %q %v, the rule %q %v",
						r.Area, r.Time, r.Voters, r.Kind, res[i].Outcome, res[i].Err, outcome, err)
				}
				if err == nil && outcome != dauys.OutcomeDuplicate {
					v := *r
					v.Version = version
					k := [2]string{r.Area, r.Time}
					history[k] = append(history[k], &v)
				}
			}
			pending = pending[:0]
		}
		for i := range n {
			r := turnoutAt(e.ID, rapid.SampledFrom(precincts).Draw(rt, "precinct"), rapid.SampledFrom(times).Draw(rt, "time"),
				rapid.Int64Range(0, 600).Draw(rt, "voters"), i)
			if rapid.Bool().Draw(rt, "amendment") {
				r.Kind, r.Reason = dauys.ProtocolAmendment, "recount"
			}
			pending = append(pending, r)
			if rapid.IntRange(0, 3).Draw(rt, "cut") == 0 {
				flush()
			}
		}
		flush()
		var want []*dauys.TurnoutReport
		for _, id := range precincts {
			for _, at := range []string{"10:00", "12:00", "14:00", dauys.TurnoutClose} {
				for _, v := range history[[2]string{id, at}] {
					w := *v
					if w.Kind == "" {
						w.Kind = dauys.ProtocolOriginal
					}
					want = append(want, &w)
				}
			}
		}
		got, err := s.TurnoutReports(context.Background(), e.ID, "kz")
		if err != nil {
			rt.Fatal(err)
		}
		sortReports(want)
		if len(got) != len(want) {
			rt.Fatalf("%d versions stored, the model has %d", len(got), len(want))
		}
		for i := range got {
			g, w := *got[i], *want[i]
			g.Received = w.Received
			if !got[i].Received.Equal(want[i].Received) || !reflect.DeepEqual(g, w) {
				rt.Fatalf("version %d:\n got %+v\nwant %+v", i, got[i], want[i])
			}
		}
		for _, a := range areas {
			totals, err := s.Turnout(context.Background(), e.ID, a.ID)
			if err != nil {
				rt.Fatal(err)
			}
			var model []dauys.TurnoutTotal
			for _, at := range times {
				tt := dauys.TurnoutTotal{Time: at}
				for _, id := range precincts {
					if vs := history[[2]string{id, at}]; len(vs) > 0 && (id == a.ID || slices.Contains(f.paths[id], a.ID)) {
						tt.Voters += vs[len(vs)-1].Voters
						tt.Registered += e.Chain(id)[0].Registered
						tt.Reported++
					}
				}
				if tt.Reported > 0 {
					model = append(model, tt)
				}
			}
			if len(totals.Times) == 0 {
				totals.Times = nil
			}
			if !reflect.DeepEqual(totals.Times, model) {
				rt.Fatalf("turnout of %s:\n got %+v\nwant %+v", a.ID, totals.Times, model)
			}
		}
	})
}

// sortReports orders reports as TurnoutReports returns them: by precinct
// id, time and version.
func sortReports(rs []*dauys.TurnoutReport) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Area != b.Area {
			return a.Area < b.Area
		}
		if a.Time != b.Time {
			return a.Time < b.Time
		}
		return a.Version < b.Version
	})
}
