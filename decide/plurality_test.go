package decide_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
)

func TestPlurality(t *testing.T) {
	district := func(against decide.AgainstAllRule) decide.Rules {
		return decide.Rules{Kind: decide.KindPlurality, Seats: 1, AgainstAll: against}
	}
	tests := []struct {
		name        string
		rules       decide.Rules
		options     []string
		counts      decide.Counts
		elected     string // "" for nobody
		winners     []string
		againstAll  bool
		rerun       bool
		tieAwarded  []string
		noteContain string
	}{
		{
			name: "leader wins", rules: district(""), options: []string{"A", "B"},
			counts:  decide.Counts{Options: []int64{500, 300}, AgainstAll: 100},
			elected: "A", winners: []string{"A"},
		},
		{
			// The CEC's reading (KAZAKHSTAN.md §3): an against-all plurality is reported and changes nothing.
			name: "against all plurality has no effect by default", rules: district(""), options: []string{"A", "B"},
			counts:  decide.Counts{Options: []int64{300, 250}, AgainstAll: 400},
			elected: "A", winners: []string{"A"}, againstAll: true, noteContain: "no legal effect",
		},
		{
			name: "against all plurality forces a re-run when configured", rules: district(decide.AgainstAllRerun), options: []string{"A", "B"},
			counts:     decide.Counts{Options: []int64{300, 250}, AgainstAll: 400},
			againstAll: true, rerun: true, noteContain: "held again",
		},
		{
			// Against all equal to the leader is not more than every candidate.
			name: "against all level with the leader is no plurality", rules: district(decide.AgainstAllRerun), options: []string{"A", "B"},
			counts:  decide.Counts{Options: []int64{400, 250}, AgainstAll: 400},
			elected: "A", winners: []string{"A"},
		},
		{
			name: "tie for the seat goes to the earlier registration", rules: district(""), options: []string{"A", "B", "C"},
			counts:  decide.Counts{Options: []int64{100, 300, 300}},
			elected: "B", winners: []string{"B"}, tieAwarded: []string{"B"},
		},
		{
			name: "vote for three", rules: decide.Rules{Kind: decide.KindPlurality, Seats: 3}, options: []string{"A", "B", "C", "D", "E"},
			counts:  decide.Counts{Options: []int64{40, 50, 40, 30, 20}},
			winners: []string{"B", "A", "C"},
		},
		{
			name: "vote for three with a tie for the third seat", rules: decide.Rules{Kind: decide.KindPlurality, Seats: 3}, options: []string{"A", "B", "C", "D", "E"},
			counts:  decide.Counts{Options: []int64{50, 40, 30, 30, 20}},
			winners: []string{"A", "B", "C"}, tieAwarded: []string{"C"},
		},
		{
			name: "fewer candidates with votes than seats", rules: decide.Rules{Kind: decide.KindPlurality, Seats: 2}, options: []string{"A", "B"},
			counts:  decide.Counts{Options: []int64{10, 0}},
			winners: []string{"A"}, noteContain: "unfilled",
		},
		{
			name: "no votes yet", rules: district(""), options: []string{"A", "B"},
			counts:      decide.Counts{Options: []int64{0, 0}},
			noteContain: "nobody is elected",
		},
		{
			name: "turnout below a configured minimum", rules: decide.Rules{Kind: decide.KindPlurality, Seats: 1, MinTurnout: big.NewRat(25, 1)},
			options:     []string{"A", "B"},
			counts:      decide.Counts{Registered: 1000, TookPart: 249, Options: []int64{200, 40}, Invalid: 9},
			rerun:       true,
			noteContain: "below the minimum",
		},
		{
			name: "turnout exactly at a configured minimum", rules: decide.Rules{Kind: decide.KindPlurality, Seats: 1, MinTurnout: big.NewRat(25, 1)},
			options: []string{"A", "B"},
			counts:  decide.Counts{Registered: 1000, TookPart: 250, Options: []int64{200, 40}, Invalid: 10},
			elected: "A", winners: []string{"A"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := MustDecide(t, tc.rules, decide.Input{Options: tc.options, Total: tc.counts})
			switch {
			case tc.elected == "" && o.Elected != nil:
				t.Errorf("elected = %q, want nobody", *o.Elected)
			case tc.elected != "" && (o.Elected == nil || *o.Elected != tc.elected):
				t.Errorf("elected = %v, want %q", o.Elected, tc.elected)
			}
			if !equalStrings(o.Winners, tc.winners) {
				t.Errorf("winners = %v, want %v", o.Winners, tc.winners)
			}
			if o.AgainstAllPlurality != tc.againstAll || o.RerunRequired != tc.rerun {
				t.Errorf("against all plurality %v rerun %v, want %v %v", o.AgainstAllPlurality, o.RerunRequired, tc.againstAll, tc.rerun)
			}
			switch {
			case tc.tieAwarded == nil && len(o.Ties) != 0:
				t.Errorf("ties = %+v, want none", o.Ties)
			case tc.tieAwarded != nil && (len(o.Ties) != 1 || !equalStrings(o.Ties[0].Awarded, tc.tieAwarded) || o.Ties[0].Stage != decide.TieStagePlurality):
				t.Errorf("ties = %+v, want one awarding %v", o.Ties, tc.tieAwarded)
			}
			if tc.noteContain != "" && !strings.Contains(strings.Join(o.Explanation.Notes, " "), tc.noteContain) {
				t.Errorf("notes %q do not mention %q", o.Explanation.Notes, tc.noteContain)
			}
		})
	}
}

func TestPluralityPreset(t *testing.T) {
	// A district of the 2023 kind where "against all" came first: the CEC default elects the leader.
	p, err := decide.LookupPreset("kz-maslikhat-2023-district")
	if err != nil {
		t.Fatal(err)
	}
	in := decide.Input{
		Options: []string{"Candidate 1", "Candidate 2", "Candidate 3"},
		Total:   decide.Counts{Registered: 20000, TookPart: 9000, Invalid: 200, AgainstAll: 3500, Options: []int64{3100, 1800, 400}},
	}
	o := MustDecide(t, p.Rules, in)
	if o.Elected == nil || *o.Elected != "Candidate 1" || !o.AgainstAllPlurality || o.RerunRequired {
		t.Errorf("outcome = elected %v, against all plurality %v, rerun %v", o.Elected, o.AgainstAllPlurality, o.RerunRequired)
	}
	p.Rules.AgainstAll = decide.AgainstAllRerun
	o = MustDecide(t, p.Rules, in)
	if o.Elected != nil || !o.RerunRequired {
		t.Errorf("with rerun: elected %v, rerun %v", o.Elected, o.RerunRequired)
	}
}
