package decide_test

import (
	"errors"
	"testing"

	"github.com/dauys/dauys/decide"
)

func TestMajority(t *testing.T) {
	president := decide.Rules{Kind: decide.KindMajority}
	valid := decide.Rules{Kind: decide.KindMajority, MajorityBase: decide.BaseVotesAgainstAll}
	tests := []struct {
		name    string
		rules   decide.Rules
		options []string
		counts  decide.Counts
		elected string
		runoff  []string
		rerun   bool
		ties    int
	}{
		{
			// Figures modelled on the presidential election of 20 November 2022 (not an official protocol):
			// the winner has far more than half of those who took part.
			name: "first round winner", rules: president,
			options: []string{"Tokayev", "Dairabayev", "Tursynbekova", "Abden", "Kazhyken", "Auesbayev"},
			counts: decide.Counts{
				TookPart: 8022239, Invalid: 30000, AgainstAll: 460484,
				Options: []int64{6456392, 271641, 213711, 206206, 200907, 182898},
			},
			elected: "Tokayev",
		},
		{
			name: "runoff between the top two", rules: president, options: []string{"A", "B", "C"},
			counts: decide.Counts{TookPart: 10000, AgainstAll: 500, Options: []int64{4500, 3000, 2000}},
			runoff: []string{"A", "B"},
		},
		{
			// 5,100 is more than half of the 10,000 valid votes but not of the 10,300 who took part: the
			// denominator decides between a winner and a runoff.
			name: "took part base sends 51% of valid votes to a runoff", rules: president, options: []string{"A", "B"},
			counts: decide.Counts{TookPart: 10300, Invalid: 300, AgainstAll: 200, Options: []int64{5100, 4700}},
			runoff: []string{"A", "B"},
		},
		{
			name: "valid votes base elects with 51%", rules: valid, options: []string{"A", "B"},
			counts:  decide.Counts{TookPart: 10300, Invalid: 300, AgainstAll: 200, Options: []int64{5100, 4700}},
			elected: "A",
		},
		{
			name: "exactly half is not a majority", rules: president, options: []string{"A", "B"},
			counts: decide.Counts{TookPart: 10000, Options: []int64{5000, 5000}},
			runoff: []string{"A", "B"},
		},
		{
			name: "one more than half is", rules: president, options: []string{"A", "B"},
			counts:  decide.Counts{TookPart: 10001, Options: []int64{5001, 5000}},
			elected: "A",
		},
		{
			name: "tie for the second runoff place", rules: president, options: []string{"A", "B", "C"},
			counts: decide.Counts{TookPart: 10000, AgainstAll: 1000, Options: []int64{5000, 2000, 2000}},
			runoff: []string{"A", "B"}, ties: 1,
		},
		{
			name: "tie for the second runoff place by lot", rules: decide.Rules{Kind: decide.KindMajority, Tie: decide.TieLot, Seed: "kz-2023"},
			options: []string{"Leader", "Auyl", "Ak Zhol"},
			counts:  decide.Counts{TookPart: 10000, AgainstAll: 1000, Options: []int64{5000, 2000, 2000}},
			runoff:  []string{"Leader", "Ak Zhol"}, ties: 1,
		},
		{
			name: "a single candidate without a majority", rules: president, options: []string{"A"},
			counts: decide.Counts{TookPart: 1000, AgainstAll: 600, Options: []int64{400}},
			rerun:  true,
		},
		{
			name: "nothing counted yet", rules: president, options: []string{"A", "B"},
			counts: decide.Counts{Options: []int64{0, 0}},
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
			if !equalStrings(o.Runoff, tc.runoff) || (tc.runoff == nil) != (o.Runoff == nil) {
				t.Errorf("runoff = %v, want %v", o.Runoff, tc.runoff)
			}
			if o.RerunRequired != tc.rerun {
				t.Errorf("rerun = %v, want %v", o.RerunRequired, tc.rerun)
			}
			if len(o.Ties) != tc.ties {
				t.Errorf("ties = %+v, want %d", o.Ties, tc.ties)
			}
			for _, tie := range o.Ties {
				if tie.Stage != decide.TieStageRunoff || tie.Places != 1 || len(tie.Options) != 2 {
					t.Errorf("tie = %+v", tie)
				}
			}
		})
	}
}

func TestMajorityShowsBothShares(t *testing.T) {
	// A close race: A has 51.00% of the votes for candidates plus against all, the CEC's published base,
	// but 49.51% of all who took part. The kz-president preset decides as the CEC publishes (elected);
	// the stricter reading of the law, --majority-base took_part, sends A and B to a runoff. Both shares
	// are shown either way. (Synthetic counts.)
	p, err := decide.LookupPreset("kz-president")
	if err != nil {
		t.Fatal(err)
	}
	in := decide.Input{
		Options: []string{"A", "B"},
		Total:   decide.Counts{TookPart: 10300, Invalid: 300, AgainstAll: 200, Options: []int64{5100, 4700}},
	}
	o := MustDecide(t, p.Rules, in)
	m := o.Explanation.Majority
	if m.Base != decide.BaseVotesAgainstAll || m.Denominator != 10000 || m.VotesNeeded != 5001 || m.Valid != 10000 {
		t.Errorf("majority = %+v", m)
	}
	if o.Elected == nil || *o.Elected != "A" || o.Runoff != nil {
		t.Errorf("elected %v, runoff %v; want A elected in the first round, as the CEC would declare", o.Elected, o.Runoff)
	}
	a := o.Explanation.Candidates[0]
	if a.ShareOfTookPart.PercentHundredths != "49.51" || a.ShareOfValid.PercentHundredths != "51.00" || a.Share.PercentHundredths != "51.00" {
		t.Errorf("shares of A = took part %s, valid %s, base %s", a.ShareOfTookPart.PercentHundredths, a.ShareOfValid.PercentHundredths, a.Share.PercentHundredths)
	}

	strict := p.Rules
	strict.MajorityBase = decide.BaseTookPart
	o = MustDecide(t, strict, in)
	m = o.Explanation.Majority
	if m.Base != decide.BaseTookPart || m.Denominator != 10300 || m.VotesNeeded != 5151 {
		t.Errorf("strict majority = %+v", m)
	}
	if o.Elected != nil || !equalStrings(o.Runoff, []string{"A", "B"}) {
		t.Errorf("strict reading: elected %v, runoff %v; want a runoff of A and B", o.Elected, o.Runoff)
	}
	a = o.Explanation.Candidates[0]
	if a.Share.Percent != "49.5146" || a.ShareOfValid.Percent != "51.0000" {
		t.Errorf("strict shares of A = base %s, valid %s", a.Share.Percent, a.ShareOfValid.Percent)
	}
}

func TestRunoffRoundIsPlurality(t *testing.T) {
	// The runoff itself is won by plurality, whatever the share.
	o := MustDecide(t, decide.Rules{Kind: decide.KindPlurality, Seats: 1}, decide.Input{
		Options: []string{"A", "B"},
		Total:   decide.Counts{TookPart: 10000, AgainstAll: 600, Options: []int64{4800, 4600}},
	})
	if o.Elected == nil || *o.Elected != "A" {
		t.Errorf("elected = %v, want A", o.Elected)
	}
}

func TestMajorityNeedsTookPart(t *testing.T) {
	_, err := decide.Decide(decide.Rules{Kind: decide.KindMajority}, decide.Input{
		Options: []string{"A", "B"},
		Total:   decide.Counts{Options: []int64{600, 400}},
	})
	var de *decide.Error
	if !errors.As(err, &de) || de.Field != "input" {
		t.Fatalf("err = %v, want an input error", err)
	}
}
