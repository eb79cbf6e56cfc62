package integrity_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/integrity"
	"github.com/dauys/dauys/internal/rules"
)

func mustOutstanding(t *testing.T, v *env, contest string) integrity.ContestOutlook {
	t.Helper()
	rep, err := integrity.Outstanding(context.Background(), v.tally, v.e, contest)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Contests) != 1 {
		t.Fatalf("%d contests, want 1", len(rep.Contests))
	}
	return rep.Contests[0]
}

// TestOutstandingReferendumNight follows the referendum from half the
// precincts to all of them, checking the counts against a direct sum.
func TestOutstandingReferendumNight(t *testing.T) {
	v := mustExample(t, "kz-referendum-2022")
	subs := v.night(11, demo.Baseline{Invalid: 1, Yes: 52})
	var first, rest []intake.Submission
	for i, s := range subs {
		if i%2 == 0 {
			first = append(first, s)
		} else {
			rest = append(rest, s)
		}
	}
	v.submit(t, first)

	in := map[string]bool{}
	var yes, no int64
	for _, s := range first {
		in[s.Area] = true
		yes += s.Lines["yes"]
		no += s.Lines["no"]
	}
	var missing, registered int64
	for _, a := range v.e.Areas {
		if v.e.Tree.IsLeaf(a.ID) && a.Level == dauys.LevelPrecinct && !in[a.ID] {
			missing++
			registered += a.Registered
		}
	}
	co := mustOutstanding(t, v, "constitution")
	if co.PrecinctsMissing != missing || co.VotesOutstanding != registered || co.PrecinctsReported != int64(len(first)) {
		t.Errorf("missing %d precincts with %d voters (%d reported), want %d with %d (%d)",
			co.PrecinctsMissing, co.VotesOutstanding, co.PrecinctsReported, missing, registered, len(first))
	}
	if m := co.Margin; m == nil || m.LeaderVotes-m.RunnerUpVotes != m.Votes || m.Votes != max(yes-no, no-yes) {
		t.Errorf("margin %+v, want |%d − %d|", co.Margin, yes, no)
	}
	if !co.CanChange || co.Witness == "" || !strings.Contains(co.Statement, "can still change") {
		t.Errorf("half the precincts in: %+v, want can still change with a witness", co)
	}

	v.submit(t, rest)
	co = mustOutstanding(t, v, "constitution")
	if co.CanChange || co.PrecinctsMissing != 0 || co.VotesOutstanding != 0 || !strings.Contains(co.Statement, "can no longer change") {
		t.Errorf("all in: %+v, want final", co)
	}
}

// TestOutstandingBoundaries builds contests whose last precinct has just
// too few or just enough voters to change the result.
func TestOutstandingBoundaries(t *testing.T) {
	pluralityForm := dauys.Form{ID: "f", OptionLines: true,
		Lines:     []dauys.Line{{Name: "registered"}, {Name: "took_part"}, {Name: "invalid"}},
		Relations: []dauys.Relation{{Code: "E_BALANCE", Expr: "took_part = @options + invalid"}}}
	plurality := dauys.Contest{ID: "mayor", Kind: dauys.KindPlurality, Form: "f", Rules: dauys.Rules{Seats: 1},
		Options: []dauys.Option{{ID: "x"}, {ID: "y"}}}
	referendumForm := dauys.Form{ID: "f", Lines: []dauys.Line{{Name: "registered"}, {Name: "took_part"}, {Name: "yes"}, {Name: "no"},
		{Name: "both_marked"}, {Name: "invalid"}},
		Relations: []dauys.Relation{{Code: "E_BALANCE", Expr: "took_part = yes + no + both_marked + invalid"}}}
	referendum := dauys.Contest{ID: "question", Kind: dauys.KindReferendum, Form: "f", Rules: dauys.Rules{Preset: "kz-referendum-ordinary"}}

	// p1 reports: x leads y by 10 votes; a yes of 400 of 600 participants
	// among 1000 voters. p2, with the given voters, has not reported.
	xy := map[string]int64{"registered": 1000, "took_part": 600, "invalid": 10, "option:x": 300, "option:y": 290}
	yesNo := map[string]int64{"registered": 1000, "took_part": 600, "yes": 400, "no": 190, "both_marked": 0, "invalid": 10}
	tests := []struct {
		name    string
		contest dauys.Contest
		form    dauys.Form
		lines   map[string]int64
		missing int64
		change  bool
		witness string
	}{
		{"one vote short of the margin", plurality, pluralityForm, xy, 9, false, ""},
		// A tie goes to x, registered first: still no change.
		{"exactly the margin", plurality, pluralityForm, xy, 10, false, ""},
		{"one more than the margin", plurality, pluralityForm, xy, 11, true, "they all voted for y"},
		// 199 more no votes leave yes at 400 of 799, still more than half;
		// 200 make it exactly half, which is not a majority.
		{"majority holds", referendum, referendumForm, yesNo, 199, false, ""},
		{"majority can fall", referendum, referendumForm, yesNo, 200, true, "they all voted no"},
		// 600 of 1000 + 200 voters is exactly half, not more: the quorum
		// fails if none of them vote, while no votes cannot take the
		// majority.
		{"quorum can fail", referendum, referendumForm, map[string]int64{"registered": 1000, "took_part": 600, "yes": 590, "no": 0,
			"both_marked": 0, "invalid": 10}, 200, true, "none of them voted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustEnv(t, tiny([]dauys.Contest{tt.contest}, []dauys.Form{tt.form}, 1000, tt.missing))
			co := mustOutstanding(t, v, "")
			if !co.CanChange || co.PrecinctsReported != 0 || !strings.Contains(co.Statement, "No precinct") {
				t.Errorf("before any report: %+v", co)
			}
			v.submit(t, []intake.Submission{{Contest: tt.contest.ID, Area: "p1", Lines: tt.lines}})
			co = mustOutstanding(t, v, tt.contest.ID)
			if co.CanChange != tt.change || co.Witness != tt.witness || co.VotesOutstanding != tt.missing || co.PrecinctsMissing != 1 {
				t.Errorf("got %+v, want can change %v (witness %q) with %d outstanding", co, tt.change, tt.witness, tt.missing)
			}
			t.Log(co.Statement)
		})
	}
}

func TestOutstandingListAndUnknownVoters(t *testing.T) {
	form := dauys.Form{ID: "f", OptionLines: true,
		Lines:     []dauys.Line{{Name: "registered"}, {Name: "took_part"}, {Name: "invalid"}},
		Relations: []dauys.Relation{{Code: "E_BALANCE", Expr: "took_part = @options + invalid"}}}
	list := dauys.Contest{ID: "council", Kind: dauys.KindList, Form: "f", Rules: dauys.Rules{Method: "hare", Seats: 10},
		Options: []dauys.Option{{ID: "a"}, {ID: "b"}, {ID: "c"}}}
	// The hand-checked Hare example of TestLastSeatShiftHandChecked: 251
	// new votes for c take the last seat from a.
	lines := map[string]int64{"registered": 20000, "took_part": 10000, "invalid": 0, "option:a": 4600, "option:b": 3100, "option:c": 2300}
	for _, tt := range []struct {
		missing int64
		change  bool
	}{{250, false}, {251, true}} {
		v := mustEnv(t, tiny([]dauys.Contest{list}, []dauys.Form{form}, 20000, tt.missing))
		v.submit(t, []intake.Submission{{Contest: "council", Area: "p1", Lines: lines}})
		co := mustOutstanding(t, v, "council")
		if co.CanChange != tt.change || co.LastSeat == nil || co.LastSeat.Added != 251 || co.LastSeat.Moved != 151 {
			t.Errorf("%d outstanding: %+v (last seat %+v), want can change %v", tt.missing, co, co.LastSeat, tt.change)
		}
	}

	// A missing precinct without registered voters gives no bound.
	v := mustEnv(t, tiny([]dauys.Contest{list}, []dauys.Form{form}, 20000, 0))
	v.submit(t, []intake.Submission{{Contest: "council", Area: "p1", Lines: lines}})
	co := mustOutstanding(t, v, "council")
	if !co.CanChange || co.UnknownRegistered != 1 {
		t.Errorf("unknown voters: %+v, want can change", co)
	}
	if _, err := integrity.Outstanding(context.Background(), v.tally, v.e, "nope"); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("unknown contest: %v", err)
	}
}

// TestOutstandingMazhilis checks the list contest of the 2023 elections
// with one region in: the seat shift must be exact on real-sized numbers.
func TestOutstandingMazhilis(t *testing.T) {
	v := mustExample(t, "kz-2023")
	var some []intake.Submission
	for _, s := range v.night(5, demo.Baseline{AgainstAll: 3, Invalid: 1, Shares: map[string]float64{
		"amanat": 53.9, "auyl": 10.9, "respublica": 8.59, "ak-zhol": 8.41, "qhp": 6.8, "osdp": 5.2, "baytaq": 2.3}}) {
		if v.region(s.Area) == "KZ-75" && s.Contest == "mazhilis-list" {
			some = append(some, s)
		}
	}
	v.submit(t, some)
	co := mustOutstanding(t, v, "mazhilis-list")
	if !co.CanChange || co.LastSeat == nil || co.LastSeat.Added <= 0 {
		t.Fatalf("one region in: %+v", co)
	}
	res, err := v.tally.Area(context.Background(), v.e.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	c := v.e.Contest("mazhilis-list")
	rules, err := rules.For(c)
	if err != nil {
		t.Fatal(err)
	}
	var lines map[string]int64
	for _, cr := range res.Contests {
		if cr.Contest == c.ID {
			lines = cr.Lines
		}
	}
	seats := func(add int64) []int {
		in := decide.Input{Total: decide.Counts{TookPart: lines["took_part"] + add, Invalid: lines["invalid"], AgainstAll: lines["against_all"]}}
		for _, o := range c.Options {
			n := lines[dauys.OptionLinePrefix+o.ID]
			if o.ID == co.LastSeat.To {
				n += add
			}
			in.Options = append(in.Options, o.ID)
			in.Total.Options = append(in.Total.Options, n)
		}
		out, err := decide.Decide(rules, in)
		if err != nil {
			t.Fatal(err)
		}
		var s []int
		for _, x := range out.Seats {
			s = append(s, x.Seats)
		}
		return s
	}
	before, at, after := seats(co.LastSeat.Added-1), seats(co.LastSeat.Added), seats(0)
	if !equalInts(before, after) || equalInts(at, after) {
		t.Errorf("adding %d votes for %s: seats %v → %v (one fewer: %v)", co.LastSeat.Added, co.LastSeat.To, after, at, before)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
