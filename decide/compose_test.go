package decide_test

import (
	"math/big"
	"testing"

	"github.com/dauys/dauys/decide"
)

func TestComposeParallel(t *testing.T) {
	// A Mazhilis of the 2023 shape: 69 list seats plus 29 districts, one of them vacant (re-run required).
	p, err := decide.LookupPreset("kz-mazhilis-2023")
	if err != nil {
		t.Fatal(err)
	}
	list := MustDecide(t, p.Rules, decide.Input{
		Options: []string{"AMANAT", "Auyl", "Respublica", "Ak Zhol", "Baytaq"},
		Total:   decide.Counts{AgainstAll: 200, Options: []int64{5000, 1000, 800, 700, 150}},
	})
	districts := make([]string, 0, 29)
	for range 20 {
		districts = append(districts, "AMANAT")
	}
	districts = append(districts, "Self-nominated", "Auyl", "Self-nominated", "", "Self-nominated", "Self-nominated", "Self-nominated", "Self-nominated", "Self-nominated")
	body, err := decide.ComposeParallel(list, districts)
	if err != nil {
		t.Fatal(err)
	}
	if body.ListSeats != 69 || body.DistrictSeats != 28 || body.Vacant != 1 || body.Total != 97 {
		t.Errorf("body = list %d + districts %d (vacant %d) = %d", body.ListSeats, body.DistrictSeats, body.Vacant, body.Total)
	}
	var names []string
	sum := 0
	for _, s := range body.Seats {
		names = append(names, s.Option)
		if s.Total != s.List+s.Districts {
			t.Errorf("%s: %d + %d != %d", s.Option, s.List, s.Districts, s.Total)
		}
		sum += s.Total
	}
	// List parties in ballot order (Baytaq with 0 seats included), then others by first appearance.
	if want := []string{"AMANAT", "Auyl", "Respublica", "Ak Zhol", "Baytaq", "Self-nominated"}; !equalStrings(names, want) {
		t.Errorf("parties = %v, want %v", names, want)
	}
	if sum != body.Total {
		t.Errorf("party totals sum to %d, body total %d", sum, body.Total)
	}
	if amanat := body.Seats[0]; amanat.Districts != 20 || amanat.Total != amanat.List+20 {
		t.Errorf("AMANAT = %+v", amanat)
	}
	if baytaq := body.Seats[4]; baytaq.Total != 0 {
		t.Errorf("Baytaq = %+v, below the threshold", baytaq)
	}

	if _, err := decide.ComposeParallel(MustDecide(t, decide.Rules{Kind: decide.KindMajority}, decide.Input{Options: []string{"A"}, Total: decide.Counts{TookPart: 1, Options: []int64{1}}}), nil); err == nil {
		t.Error("composing a majority outcome should fail")
	}
}

func TestComputeIndices(t *testing.T) {
	tests := []struct {
		name      string
		votes     []int64
		seats     []int
		gallagher string
		lh        string
		enpVotes  string
		enpSeats  string
		wasted    string
	}{
		// Perfect proportionality: every index is zero and the effective numbers equal the party count.
		{"proportional", []int64{50, 30, 20}, []int{5, 3, 2}, "0.000000", "0.000000", "2.631579", "2.631579", "0.0000"},
		// One party takes everything with half the votes: Gallagher = sqrt((50^2 + 50^2)/2) = 50.
		{"winner takes all", []int64{50, 50}, []int{1, 0}, "50.000000", "50.000000", "2.000000", "1.000000", "50.0000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := decide.ComputeIndices(tc.votes, tc.seats)
			if ix == nil {
				t.Fatal("nil indices")
			}
			got := []string{ix.Gallagher.Decimal, ix.LoosemoreHanby.Decimal, ix.EffectivePartiesVotes.Decimal, ix.EffectivePartiesSeats.Decimal, ix.VotesWithoutSeat.Percent}
			want := []string{tc.gallagher, tc.lh, tc.enpVotes, tc.enpSeats, tc.wasted}
			if !equalStrings(got, want) {
				t.Errorf("indices = %v, want %v", got, want)
			}
			// The exact values are fractions, not rounded decimals.
			if _, ok := new(big.Rat).SetString(ix.EffectivePartiesVotes.Exact); !ok {
				t.Errorf("exact = %q", ix.EffectivePartiesVotes.Exact)
			}
		})
	}
	if decide.ComputeIndices([]int64{0, 0}, []int{0, 0}) != nil {
		t.Error("indices of nothing should be nil")
	}
}
