package decide_test

import (
	"testing"

	"github.com/dauys/dauys/decide"
)

// TestTurnoutNumerator: an election's turnout is of the voters who received ballots when the protocol
// counts them (Issued), as the CEC publishes it, else of those who took part; a referendum's is of the
// participants the CRC publishes (TookPart), whatever Issued says. (Synthetic counts.)
func TestTurnoutNumerator(t *testing.T) {
	mazhilis, _ := decide.LookupPreset("kz-mazhilis-2023")
	district, _ := decide.LookupPreset("kz-maslikhat-2023-district")
	president, _ := decide.LookupPreset("kz-president")
	referendum, _ := decide.LookupPreset("kz-referendum-ordinary")
	election := decide.Counts{Registered: 2000, Issued: 1400, TookPart: 1380, Invalid: 30, AgainstAll: 50, Options: []int64{900, 400}}
	for _, tc := range []struct {
		name   string
		rules  decide.Rules
		counts decide.Counts
		want   string
	}{
		{"list, issued", mazhilis.Rules, election, "70.00"},
		{"plurality, issued", district.Rules, election, "70.00"},
		{"majority, issued", president.Rules, election, "70.00"},
		{"majority, no issued line", president.Rules, decide.Counts{Registered: 2000, TookPart: 1380, Invalid: 30, AgainstAll: 50, Options: []int64{900, 400}}, "69.00"},
		{"referendum, took part", referendum.Rules, decide.Counts{Registered: 2000, Issued: 1400, TookPart: 1380, Yes: 1000, No: 350, Invalid: 30}, "69.00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := decide.Input{Total: tc.counts}
			if tc.rules.Kind != decide.KindReferendum {
				in.Options = []string{"A", "B"}
			}
			o := MustDecide(t, tc.rules, in)
			if o.Explanation.Turnout == nil || o.Explanation.Turnout.PercentHundredths != tc.want {
				t.Fatalf("turnout %+v, want %s%%", o.Explanation.Turnout, tc.want)
			}
			if len(o.Explanation.Bases) == 0 || o.Explanation.Bases[0].Figure != "turnout" || o.Explanation.Bases[0].Of != "registered" {
				t.Errorf("bases %+v do not start with the turnout of registered", o.Explanation.Bases)
			}
			if p := o.Explanation.Plurality; p != nil && p.Turnout.PercentHundredths != tc.want {
				t.Errorf("plurality turnout %s, want %s", p.Turnout.PercentHundredths, tc.want)
			}
			if re := o.Explanation.Referendum; re != nil && re.Turnout.PercentHundredths != tc.want {
				t.Errorf("referendum turnout %s, want %s", re.Turnout.PercentHundredths, tc.want)
			}
		})
	}
}

func TestIssuedMustNotBeNegative(t *testing.T) {
	_, err := decide.Decide(decide.Rules{Kind: decide.KindPlurality, Seats: 1}, decide.Input{
		Options: []string{"A"}, Total: decide.Counts{Issued: -1, Options: []int64{1}},
	})
	if err == nil {
		t.Fatal("a negative issued line was accepted")
	}
}
