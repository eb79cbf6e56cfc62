package rules_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/rules"
)

func TestRulesFromDefinition(t *testing.T) {
	tests := []struct {
		name string
		c    dauys.Contest
		ok   bool
	}{
		{"preset", dauys.Contest{ID: "c", Kind: "list", Rules: dauys.Rules{Preset: "kz-mazhilis-2023", Seats: 69}}, true},
		{"method", dauys.Contest{ID: "c", Kind: "list", Rules: dauys.Rules{Method: "dhondt", Seats: 10, Threshold: "5", ThresholdBase: "votes"}}, true},
		{"unknown preset", dauys.Contest{ID: "c", Kind: "list", Rules: dauys.Rules{Preset: "nope"}}, false},
		{"kind mismatch", dauys.Contest{ID: "c", Kind: "plurality", Rules: dauys.Rules{Preset: "kz-mazhilis-2023"}}, false},
		{"bad threshold", dauys.Contest{ID: "c", Kind: "list", Rules: dauys.Rules{Method: "hare", Seats: 5, Threshold: "five"}}, false},
		{"referendum explicit", dauys.Contest{ID: "c", Kind: "referendum", Rules: dauys.Rules{Method: "referendum", Quorum: "50", Territorial: "2/3"}}, true},
		{"majority", dauys.Contest{ID: "c", Kind: "majority", Rules: dauys.Rules{Method: "majority", MajorityBase: "took_part"}}, true},
		{"majority of valid votes", dauys.Contest{ID: "c", Kind: "majority", Rules: dauys.Rules{Method: "majority", MajorityBase: "valid"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := rules.Check(&tt.c); (err == nil) != tt.ok {
				t.Errorf("Check = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

// TestInput: the rules engine is given the lines it reads by their names,
// the option lines in ballot order, and the options' ids.
func TestInput(t *testing.T) {
	c := &dauys.Contest{ID: "c", Kind: dauys.KindList,
		Options: []dauys.Option{{ID: "b"}, {ID: "a"}, {ID: "c"}}}
	lines := map[string]int64{"registered": 1000, "took_part": 700, "invalid": 7, "against_all": 20,
		"both_marked": 3, "yes": 400, "no": 250, "option:a": 100, "option:b": 200, "option:c": 300, "received": 999}
	in := rules.Input(c, lines)
	want := decide.Counts{Registered: 1000, TookPart: 700, Invalid: 7, AgainstAll: 20, BothMarked: 3, Yes: 400, No: 250,
		Options: []int64{200, 100, 300}}
	if !reflect.DeepEqual(in.Total, want) || !slices.Equal(in.Options, []string{"b", "a", "c"}) || in.Units != nil {
		t.Errorf("Input = %+v, want total %+v and options [b a c]", in, want)
	}
	if got := rules.Counts(c, map[string]int64{}); !reflect.DeepEqual(got, decide.Counts{Options: []int64{0, 0, 0}}) {
		t.Errorf("Counts of no lines = %+v", got)
	}
}

// TestTurnoutIsOfVotersWhoReceivedBallots: the CEC's turnout is the voters
// who received ballots over those on the lists (2022 president: 8,300,046
// of 11,953,465 = 69.44%, research/official/kz-president-2022.md), not the
// ballots found in the boxes. A Kazakh form counts both; the rules engine
// is given the first as Issued and shows the turnout of it.
func TestTurnoutIsOfVotersWhoReceivedBallots(t *testing.T) {
	c := &dauys.Contest{ID: "president", Kind: dauys.KindMajority, Rules: dauys.Rules{Preset: "kz-president"},
		Options: []dauys.Option{{ID: "a"}, {ID: "b"}}}
	// 2,000 on the list; 1,400 received ballots, 1,380 ballots were found in the boxes. (Synthetic counts.)
	lines := map[string]int64{"registered": 2000, "issued": 1400, "took_part": 1380, "invalid": 30, "against_all": 50,
		"option:a": 900, "option:b": 400}
	r, err := rules.For(c)
	if err != nil {
		t.Fatal(err)
	}
	o, err := decide.Decide(r, rules.Input(c, lines))
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Explanation.Turnout.PercentHundredths; got != "70.00" {
		t.Errorf("turnout %s%%, want 70.00 (1400 received ballots of 2000), not 69.00 (ballots in the boxes)", got)
	}
	// A Russian-style protocol counts the ballots issued in three lines.
	ru := map[string]int64{"issued_early": 5, "issued_station": 80, "issued_outside": 15, "took_part": 99}
	if got := rules.Counts(c, ru).Issued; got != 100 {
		t.Errorf("issued of a Russian-style protocol = %d, want 100", got)
	}
	if got := rules.Issued(map[string]int64{"took_part": 99}); got != 0 {
		t.Errorf("issued without the lines = %d, want 0 (the engine then takes took_part)", got)
	}
}
