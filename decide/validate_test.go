package decide_test

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
)

func TestValidate(t *testing.T) {
	list := func(change func(*decide.Rules)) decide.Rules {
		r := decide.Rules{Kind: decide.KindList, Method: decide.MethodHare, Seats: 10}
		change(&r)
		return r
	}
	tests := []struct {
		name  string
		rules decide.Rules
		field string // "" for valid rules
	}{
		{"valid list", list(func(*decide.Rules) {}), ""},
		{"unknown kind", decide.Rules{Kind: "stv"}, "kind"},
		{"unknown method", list(func(r *decide.Rules) { r.Method = "imperiali" }), "method"},
		{"no seats", list(func(r *decide.Rules) { r.Seats = 0 }), "seats"},
		{"negative seats", list(func(r *decide.Rules) { r.Seats = -3 }), "seats"},
		{"too many seats", list(func(r *decide.Rules) { r.Seats = decide.MaxSeats + 1 }), "seats"},
		{"threshold above 100", list(func(r *decide.Rules) { r.Threshold, r.ThresholdBase = big.NewRat(101, 1), decide.BaseVotes }), "threshold"},
		{"negative threshold", list(func(r *decide.Rules) { r.Threshold, r.ThresholdBase = big.NewRat(-1, 1), decide.BaseVotes }), "threshold"},
		{"threshold without base", list(func(r *decide.Rules) { r.Threshold = big.NewRat(5, 1) }), "threshold_base"},
		{"unknown base", list(func(r *decide.Rules) { r.Threshold, r.ThresholdBase = big.NewRat(5, 1), "registered" }), "threshold_base"},
		{"unknown tie rule", list(func(r *decide.Rules) { r.Tie = "coin" }), "tie"},
		{"lot without seed", list(func(r *decide.Rules) { r.Tie = decide.TieLot }), "seed"},
		{"plurality without seats", decide.Rules{Kind: decide.KindPlurality}, "seats"},
		{"unknown against-all rule", decide.Rules{Kind: decide.KindPlurality, Seats: 1, AgainstAll: "annul"}, "against_all"},
		{"majority with two seats", decide.Rules{Kind: decide.KindMajority, Seats: 2}, "seats"},
		{"unknown majority base", decide.Rules{Kind: decide.KindMajority, MajorityBase: "registered"}, "majority_base"},
		{"territorial share above one", decide.Rules{Kind: decide.KindReferendum, Territorial: big.NewRat(4, 3)}, "territorial"},
		{"territorial share zero", decide.Rules{Kind: decide.KindReferendum, Territorial: new(big.Rat)}, "territorial"},
		{"quorum above 100", decide.Rules{Kind: decide.KindReferendum, Quorum: big.NewRat(150, 1)}, "quorum"},
		{"valid referendum", decide.Rules{Kind: decide.KindReferendum, Quorum: big.NewRat(50, 1), Territorial: big.NewRat(2, 3)}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rules.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var de *decide.Error
			if !errors.As(err, &de) || de.Field != tc.field {
				t.Fatalf("Validate = %v, want an *Error on %q", err, tc.field)
			}
		})
	}
}

func TestDecideRejectsBadInput(t *testing.T) {
	r := decide.Rules{Kind: decide.KindList, Method: decide.MethodDHondt, Seats: 3}
	tests := []struct {
		name string
		in   decide.Input
	}{
		{"no options", decide.Input{}},
		{"unnamed option", listInput([]string{"A", ""}, []int64{1, 2})},
		{"duplicate option", listInput([]string{"A", "A"}, []int64{1, 2})},
		{"misaligned counts", listInput([]string{"A", "B"}, []int64{1})},
		{"negative votes", listInput([]string{"A", "B"}, []int64{1, -2})},
		{"negative line", decide.Input{Options: []string{"A"}, Total: decide.Counts{Options: []int64{1}, Invalid: -1}}},
		{"overflowing sum", listInput([]string{"A", "B"}, []int64{math.MaxInt64, 1})},
		{"unit with misaligned counts", decide.Input{Options: []string{"A"}, Total: decide.Counts{Options: []int64{1}},
			Units: []decide.Unit{{Name: "U", Counts: decide.Counts{Options: []int64{1, 2}}}}}},
		{"unnamed unit", decide.Input{Options: []string{"A"}, Total: decide.Counts{Options: []int64{1}}, Units: []decide.Unit{{}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decide.Decide(r, tc.in)
			var de *decide.Error
			if !errors.As(err, &de) || de.Field != "input" {
				t.Fatalf("Decide = %v, want an input *Error", err)
			}
		})
	}
}

func TestAllocateRejectsBadInput(t *testing.T) {
	tests := []struct {
		name   string
		method decide.Method
		votes  []int64
		seats  int
	}{
		{"unknown method", "quota", []int64{1}, 1},
		{"no seats", decide.MethodHare, []int64{1}, 0},
		{"no votes", decide.MethodDHondt, []int64{0, 0}, 3},
		{"negative votes", decide.MethodDroop, []int64{5, -1}, 3},
		{"overflow", decide.MethodSainteLague, []int64{math.MaxInt64, math.MaxInt64}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := decide.Allocate(tc.method, tc.votes, tc.seats); err == nil {
				t.Fatal("Allocate succeeded")
			}
		})
	}
}

func TestLargeCountsStayExact(t *testing.T) {
	// votes*seats far beyond 64 bits: the Hare quotients are computed in 128 bits.
	votes := []int64{math.MaxInt64 / 3, math.MaxInt64 / 3, math.MaxInt64/3 - 1}
	for _, m := range decide.Methods() {
		t.Run(string(m), func(t *testing.T) {
			got, err := decide.Allocate(m, votes, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if want := referenceAllocate(m, votes, 1000); !equalInts(got, want) {
				t.Errorf("Allocate = %v, reference %v", got, want)
			}
		})
	}
}

func TestAllocateMatchesReferenceOnManyLists(t *testing.T) {
	// Many lists and seats exercise the jump start of the divisor methods, including lists whose votes
	// sit exactly on a quotient boundary.
	votes := make([]int64, 60)
	for i := range votes {
		votes[i] = int64(1000 + (i*7919)%5000)
	}
	votes[10], votes[11] = 3000, 3000
	for _, m := range decide.Methods() {
		for _, seats := range []int{1, 7, 59, 60, 61, 250} {
			got, err := decide.Allocate(m, votes, seats)
			if err != nil {
				t.Fatal(err)
			}
			if want := referenceAllocate(m, votes, seats); !equalInts(got, want) {
				t.Errorf("%s, %d seats: Allocate = %v, reference %v", m, seats, got, want)
			}
		}
	}
}

// TestDecideRefusesOverflowingCounts is the rules engine's part of issue
// #13's first defect: four counts of 2^62 add up to 2^64, which an int64
// wraps to 0. Every kind of contest refuses such totals as input, naming
// what overflows, and never decides on a wrapped sum.
func TestDecideRefusesOverflowingCounts(t *testing.T) {
	const q = 1 << 62
	four := []string{"A", "B", "C", "D"}
	tests := []struct {
		name  string
		rules decide.Rules
		in    decide.Input
	}{
		{"list", decide.Rules{Kind: decide.KindList, Method: decide.MethodHare, Seats: 10},
			listInput(four, []int64{q, q, q, q})},
		{"list, sum with against all", decide.Rules{Kind: decide.KindList, Method: decide.MethodDHondt, Seats: 10},
			decide.Input{Options: []string{"A"}, Total: decide.Counts{Options: []int64{math.MaxInt64 - 1}, AgainstAll: 1, Invalid: 1}}},
		{"plurality", decide.Rules{Kind: decide.KindPlurality, Seats: 1},
			listInput(four, []int64{q, q, q, q})},
		{"majority", decide.Rules{Kind: decide.KindMajority},
			decide.Input{Options: four, Total: decide.Counts{Options: []int64{q, q, q, q}, TookPart: math.MaxInt64}}},
		{"referendum", decide.Rules{Kind: decide.KindReferendum},
			decide.Input{Total: decide.Counts{Yes: q, No: q, BothMarked: q, Invalid: q, TookPart: math.MaxInt64, Registered: math.MaxInt64}}},
		{"referendum unit", decide.Rules{Kind: decide.KindReferendum, Territorial: big.NewRat(2, 3)},
			decide.Input{Total: decide.Counts{Yes: 1, TookPart: 1, Registered: 1},
				Units: []decide.Unit{{Name: "U", Counts: decide.Counts{Yes: math.MaxInt64, No: 1, TookPart: math.MaxInt64}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := decide.Decide(tc.rules, tc.in)
			var de *decide.Error
			if !errors.As(err, &de) || de.Field != "input" || !strings.Contains(de.Message, "add up to more than") {
				t.Fatalf("Decide = %v, %v; want an input *Error on the sum", out, err)
			}
		})
	}
}
