package decide_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
)

// mazhilis2021 is the official result of the Mazhilis party-list election of 10 January 2021
// (KAZAKHSTAN.md §2): 7,241,562 votes for five parties, no "against all" on that ballot.
func mazhilis2021() decide.Input {
	return listInput(
		[]string{"Nur Otan", "Ak Zhol", "People's Party", "Auyl", "Adal"},
		[]int64{5148074, 792828, 659019, 383023, 258618},
	)
}

func TestMazhilis2021(t *testing.T) {
	p, err := decide.LookupPreset("kz-mazhilis-2021")
	if err != nil {
		t.Fatal(err)
	}
	o := MustDecide(t, p.Rules, mazhilis2021())

	// The official seats: Nur Otan 76, Ak Zhol 12, People's Party 10.
	if got, want := seatsOf(o), []int{76, 12, 10, 0, 0}; !equalInts(got, want) {
		t.Fatalf("seats = %v, want %v", got, want)
	}
	wantPassed := []bool{true, true, true, false, false}
	for i, s := range o.Seats {
		if s.Passed != wantPassed[i] || s.Admitted != wantPassed[i] {
			t.Errorf("%s: passed %v admitted %v, want %v", s.Option, s.Passed, s.Admitted, wantPassed[i])
		}
	}
	if len(o.Ties) != 0 {
		t.Errorf("ties = %+v, want none", o.Ties)
	}

	ex := o.Explanation
	t.Run("threshold", func(t *testing.T) {
		th := ex.Threshold
		if th == nil {
			t.Fatal("no threshold explanation")
		}
		if th.BaseVotes != 7241562 || th.Percent != "7" || th.Comparison != ">=" || th.Passed != 3 {
			t.Errorf("threshold = %+v", th)
		}
		// 7% of 7,241,562 = 506,909.34 = 25345467/50 exactly.
		if th.MinimumVotes.Decimal != "506909.340000" {
			t.Errorf("minimum votes = %+v", th.MinimumVotes)
		}
		if got := ex.Lists[0].Share.Percent; got != "71.0907" {
			t.Errorf("Nur Otan share = %s%%, want 71.0907%%", got)
		}
	})
	t.Run("quota", func(t *testing.T) {
		q := ex.Quota
		if q == nil {
			t.Fatal("no quota explanation")
		}
		if q.Value.Exact != "6599921/98" || q.Value.Decimal != "67346.132653" {
			t.Errorf("quota = %+v, want 6599921/98 = 67346.132653", q.Value)
		}
		if q.SeatsByIntegerParts != 96 || q.SeatsByRemainders != 2 {
			t.Errorf("integer parts %d, remainders %d; want 96 and 2", q.SeatsByIntegerParts, q.SeatsByRemainders)
		}
	})
	t.Run("remainders", func(t *testing.T) {
		// Remainders as fractions of a quota: votes*98 mod 6599921, over 6599921.
		want := []struct {
			option string
			exact  string
			seats  int
		}{
			{"People's Party", "5184573/6599921", 1},
			{"Ak Zhol", "5098013/6599921", 1},
			{"Nur Otan", "2917256/6599921", 0},
		}
		if len(ex.Remainders) != len(want) {
			t.Fatalf("remainders = %+v", ex.Remainders)
		}
		for i, w := range want {
			r := ex.Remainders[i]
			if r.Rank != i+1 || r.Option != w.option || r.Remainder.Exact != w.exact || r.Seats != w.seats {
				t.Errorf("rank %d = %+v, want %+v", i+1, r, w)
			}
		}
		if p := ex.Lists[0].IntegerPart; p == nil || *p != 76 {
			t.Errorf("Nur Otan integer part = %v, want 76", p)
		}
	})
	t.Run("indices", func(t *testing.T) {
		ix := o.Indices
		if ix == nil {
			t.Fatal("no indices")
		}
		// Checked against a floating-point computation of the same formulas.
		checks := map[string][2]string{
			"gallagher":      {ix.Gallagher.Decimal, "6.533204"},
			"loosemoreHanby": {ix.LoosemoreHanby.Decimal, "8.860533"},
			"enpVotes":       {ix.EffectivePartiesVotes.Decimal, "1.887755"},
			"enpSeats":       {ix.EffectivePartiesSeats.Decimal, "1.595349"},
			"wasted":         {ix.VotesWithoutSeat.Percent, "8.8605"},
		}
		for name, c := range checks {
			if c[0] != c[1] {
				t.Errorf("%s = %s, want %s", name, c[0], c[1])
			}
		}
	})
}

// wikiLR is the example of Wikipedia's "Largest remainder method" article (section Examples): 100,000
// votes for 10 seats.
var wikiLR = struct {
	names []string
	votes []int64
}{
	[]string{"Yellows", "Whites", "Reds", "Greens", "Blues", "Pinks"},
	[]int64{47000, 16000, 15800, 12000, 6100, 3100},
}

// wikiHA is the example of Wikipedia's "D'Hondt method" and "Sainte-Laguë method" articles: 230,000
// votes for 8 seats.
var wikiHA = struct {
	names []string
	votes []int64
}{
	[]string{"A", "B", "C", "D"},
	[]int64{100000, 80000, 30000, 20000},
}

func TestTextbookMethods(t *testing.T) {
	tests := []struct {
		name   string
		method decide.Method
		seats  int
		names  []string
		votes  []int64
		want   []int
		ties   int
	}{
		// Wikipedia, "Largest remainder method": Hare quota 10,000 gives 5, 2, 1, 1, 1, 0.
		{"wikipedia hare", decide.MethodHare, 10, wikiLR.names, wikiLR.votes, []int{5, 2, 1, 1, 1, 0}, 0},
		// Same article: Droop quota 9,091 gives 5, 2, 2, 1, 0, 0.
		{"wikipedia droop", decide.MethodDroop, 10, wikiLR.names, wikiLR.votes, []int{5, 2, 2, 1, 0, 0}, 0},
		// Wikipedia, "D'Hondt method": the 8 highest quotients run from 100,000 down to 25,000.
		{"wikipedia dhondt", decide.MethodDHondt, 8, wikiHA.names, wikiHA.votes, []int{4, 3, 1, 0}, 0},
		// Wikipedia, "Sainte-Laguë method": 3, 3, 1, 1. A's 100,000/5 and D's 20,000/1 tie at 20,000 but both
		// win a seat, so the tie decides nothing and is not reported.
		{"wikipedia sainte-lague", decide.MethodSainteLague, 8, wikiHA.names, wikiHA.votes, []int{3, 3, 1, 1}, 0},
		// With the first divisor 1.4, A's 100,000/7 and D's 20,000/1.4 are both exactly 100000/7 and compete
		// for the 8th seat: registration order gives it to A. Floating point cannot be trusted to see the tie.
		{"modified sainte-lague exact tie", decide.MethodModifiedSainteLague, 8, wikiHA.names, wikiHA.votes, []int{4, 3, 1, 0}, 1},
		// The 2021 Mazhilis lists that passed, under Hare and, for comparison, the divisor methods (checked
		// against a rational-arithmetic implementation).
		{"mazhilis hare", decide.MethodHare, 98, []string{"NO", "AZ", "PP"}, []int64{5148074, 792828, 659019}, []int{76, 12, 10}, 0},
		{"mazhilis dhondt", decide.MethodDHondt, 98, []string{"NO", "AZ", "PP"}, []int64{5148074, 792828, 659019}, []int{77, 12, 9}, 0},
		{"mazhilis sainte-lague", decide.MethodSainteLague, 98, []string{"NO", "AZ", "PP"}, []int64{5148074, 792828, 659019}, []int{76, 12, 10}, 0},
		// A Droop quota rounded up on 100 votes for 30 seats (quota 4) leaves 7 seats for 3 lists: two full
		// rounds, then A and C tie on remainder 3 for the last seat.
		{"droop full rounds", decide.MethodDroop, 30, []string{"A", "B", "C"}, []int64{23, 26, 51}, []int{8, 8, 14}, 1},
		{"single list", decide.MethodSainteLague, 5, []string{"A"}, []int64{7}, []int{5}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := decide.Rules{Kind: decide.KindList, Method: tc.method, Seats: tc.seats}
			o := MustDecide(t, r, listInput(tc.names, tc.votes))
			if got := seatsOf(o); !equalInts(got, tc.want) {
				t.Errorf("seats = %v, want %v", got, tc.want)
			}
			if len(o.Ties) != tc.ties {
				t.Errorf("ties = %+v, want %d", o.Ties, tc.ties)
			}
			got, err := decide.Allocate(tc.method, tc.votes, tc.seats)
			if err != nil {
				t.Fatal(err)
			}
			if !equalInts(got, tc.want) {
				t.Errorf("Allocate = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDivisorExplanation(t *testing.T) {
	r := decide.Rules{Kind: decide.KindList, Method: decide.MethodModifiedSainteLague, Seats: 8}
	o := MustDecide(t, r, listInput(wikiHA.names, wikiHA.votes))
	d := o.Explanation.Divisors
	if d == nil {
		t.Fatal("no divisor explanation")
	}
	// 100000/7 is A's quotient with the true divisor 7; D's 20000/1.4 is written 100000/7 as well.
	if d.LastAwarded.Exact != "500000/35" || d.FirstUnawarded.Exact != "100000/7" {
		t.Errorf("cut = %+v / %+v", d.LastAwarded, d.FirstUnawarded)
	}
	tie := o.Ties[0]
	if tie.Stage != decide.TieStageQuotient || !equalStrings(tie.Options, []string{"A", "D"}) || !equalStrings(tie.Awarded, []string{"A"}) || tie.Places != 1 {
		t.Errorf("tie = %+v", tie)
	}
}

func TestThreshold(t *testing.T) {
	// A has exactly 5% of 1,000 (party votes 950 + against all 50).
	in := decide.Input{
		Options: []string{"A", "B", "C"},
		Total:   decide.Counts{Options: []int64{50, 450, 450}, AgainstAll: 50, Invalid: 20, TookPart: 1020},
	}
	tests := []struct {
		name      string
		base      decide.ThresholdBase
		inclusive bool
		threshold string
		passA     bool
	}{
		{"exactly 5% inclusive passes", decide.BaseVotesAgainstAll, true, "5", true},
		{"exactly 5% exclusive fails", decide.BaseVotesAgainstAll, false, "5", false},
		{"party votes base raises the share", decide.BaseVotes, false, "5", true},  // 50/950 = 5.26%
		{"took part base lowers the share", decide.BaseTookPart, true, "5", false}, // 50/1020 = 4.90%
		{"fractional threshold", decide.BaseVotesAgainstAll, true, "4.99", true},
		{"fractional threshold just above", decide.BaseVotesAgainstAll, true, "5.01", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := decide.Rules{
				Kind: decide.KindList, Method: decide.MethodHare, Seats: 10,
				Threshold: pct(t, tc.threshold), ThresholdBase: tc.base, ThresholdInclusive: tc.inclusive,
			}
			o := MustDecide(t, r, in)
			if o.Seats[0].Passed != tc.passA {
				t.Errorf("A passed = %v, want %v (explanation %+v)", o.Seats[0].Passed, tc.passA, o.Explanation.Threshold)
			}
			total := 0
			for _, s := range o.Seats {
				total += s.Seats
			}
			if total != 10 {
				t.Errorf("seats sum to %d", total)
			}
		})
	}
}

func TestThresholdTookPartNeedsLine(t *testing.T) {
	r := decide.Rules{Kind: decide.KindList, Method: decide.MethodHare, Seats: 10, Threshold: big.NewRat(5, 1), ThresholdBase: decide.BaseTookPart}
	_, err := decide.Decide(r, listInput([]string{"A", "B"}, []int64{10, 20}))
	var de *decide.Error
	if !errors.As(err, &de) || !strings.Contains(de.Message, "took_part") {
		t.Fatalf("err = %v, want an *Error about took_part", err)
	}
}

func TestRunnerUp(t *testing.T) {
	base := decide.Rules{
		Kind: decide.KindList, Method: decide.MethodHare, Seats: 10,
		Threshold: big.NewRat(7, 1), ThresholdBase: decide.BaseVotes, ThresholdInclusive: true,
	}
	tests := []struct {
		name      string
		admit     bool
		votes     []int64
		want      []int
		admitted  []bool
		tieStages []string
	}{
		// A alone passes 7% of 1,000; B, the next, is admitted: quota 960/10, A 9.375 and B 0.625, so B
		// takes the one remainder seat.
		{"admitted", true, []int64{900, 60, 40}, []int{9, 1, 0}, []bool{true, true, false}, nil},
		{"not admitted", false, []int64{900, 60, 40}, []int{10, 0, 0}, []bool{true, false, false}, nil},
		// B and C tie for the runner-up place; B registered earlier.
		{"tie for runner-up", true, []int64{900, 50, 50}, []int{9, 1, 0}, []bool{true, true, false}, []string{decide.TieStageRunnerUp}},
		// Two lists pass: no runner-up.
		{"two pass", true, []int64{500, 450, 50}, []int{5, 5, 0}, []bool{true, true, false}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			r.AdmitRunnerUp = tc.admit
			o := MustDecide(t, r, listInput([]string{"A", "B", "C"}, tc.votes))
			if got := seatsOf(o); !equalInts(got, tc.want) {
				t.Errorf("seats = %v, want %v", got, tc.want)
			}
			for i, s := range o.Seats {
				if s.Admitted != tc.admitted[i] {
					t.Errorf("%s admitted = %v, want %v", s.Option, s.Admitted, tc.admitted[i])
				}
			}
			var stages []string
			for _, tie := range o.Ties {
				stages = append(stages, tie.Stage)
			}
			if !equalStrings(stages, tc.tieStages) {
				t.Errorf("tie stages = %v, want %v", stages, tc.tieStages)
			}
		})
	}
}

func TestNoSeatsAllocated(t *testing.T) {
	r := decide.Rules{Kind: decide.KindList, Method: decide.MethodDHondt, Seats: 5, Threshold: big.NewRat(50, 1), ThresholdBase: decide.BaseVotes}
	tests := []struct {
		name  string
		votes []int64
		note  string
	}{
		{"nobody passes", []int64{40, 30, 30}, "No list passed"},
		{"no votes yet", []int64{0, 0, 0}, "No votes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := MustDecide(t, r, listInput([]string{"A", "B", "C"}, tc.votes))
			if got := seatsOf(o); !equalInts(got, []int{0, 0, 0}) {
				t.Errorf("seats = %v", got)
			}
			if o.Indices != nil {
				t.Errorf("indices = %+v, want nil", o.Indices)
			}
			if len(o.Explanation.Notes) == 0 || !strings.Contains(o.Explanation.Notes[0], tc.note) {
				t.Errorf("notes = %q", o.Explanation.Notes)
			}
		})
	}
}
