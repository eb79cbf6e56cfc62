package rla_test

import (
	"errors"
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/dauys/dauys/internal/rla"
)

// The worked numbers in this file come from VotingWorks Arlo's test suite,
// server/tests/audit_math/test_bravo.py (risk limit 10%), which in turn
// follows Lindeman & Stark, "A Gentle Introduction to Risk-limiting Audits"
// (2012) and Lindeman, Stark & Yates, "BRAVO" (2012). Contest names are
// Arlo's.

const alpha = 0.1

func mustContest(tb testing.TB, votes map[string]int64, ballots int64, seats int) rla.Contest {
	tb.Helper()
	c, err := rla.NewContest("c", votes, ballots, seats)
	if err != nil {
		tb.Fatalf("NewContest: %v", err)
	}
	return c
}

var arloContests = map[string]struct {
	votes   map[string]int64
	ballots int64
	seats   int
}{
	"test1":                      {map[string]int64{"cand1": 600, "cand2": 400}, 1000, 1},
	"test2":                      {map[string]int64{"cand1": 600, "cand2": 200, "cand3": 100}, 900, 1},
	"test6":                      {map[string]int64{"cand1": 300, "cand2": 200, "cand3": 200}, 1000, 1},
	"test7":                      {map[string]int64{"cand1": 300, "cand2": 200, "cand3": 100}, 700, 2},
	"test8":                      {map[string]int64{"cand1": 300, "cand2": 300, "cand3": 100}, 700, 2},
	"test10":                     {map[string]int64{"cand1": 600, "cand2": 300, "cand3": 100}, 1000, 2},
	"test12":                     {map[string]int64{"cand1": 600, "cand2": 400, "cand3": 0}, 1000, 1},
	"test_small_third_candidate": {map[string]int64{"cand1": 10000, "cand2": 9000, "cand3": 200}, 20000, 1},
}

func arlo(tb testing.TB, name string) rla.Contest {
	tb.Helper()
	a := arloContests[name]
	return mustContest(tb, a.votes, a.ballots, a.seats)
}

func TestBravoASN(t *testing.T) {
	// Arlo test_expected_sample_sizes: first round, empty sample.
	for name, want := range map[string]int{
		"test1": 119, "test2": 22, "test6": 238, "test7": 101, "test8": 34, "test10": 48, "test12": 119,
		"test_small_third_candidate": 1769,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := rla.BravoASN(arlo(t, name), alpha, nil)
			if err != nil || got != want {
				t.Errorf("BravoASN = %d, %v; want %d", got, err, want)
			}
		})
	}
}

func TestBravoASNSecondRound(t *testing.T) {
	// Arlo test_expected_sample_sizes_second_round: test2 after a first
	// round of {25, 18, 5} needs 42 more, test8 after {72, 55, 30} needs 14;
	// test1 after {72, 47} is finished (Arlo reports −12, we report 0).
	cases := []struct {
		name   string
		sample map[string]int64
		want   int
	}{
		{"test2", map[string]int64{"cand1": 25, "cand2": 18, "cand3": 5}, 42},
		{"test8", map[string]int64{"cand1": 72, "cand2": 55, "cand3": 30}, 14},
		{"test1", map[string]int64{"cand1": 72, "cand2": 47}, 0},
	}
	for _, c := range cases {
		got, err := rla.BravoASN(arlo(t, c.name), alpha, c.sample)
		if err != nil || got != c.want {
			t.Errorf("%s: BravoASN = %d, %v; want %d", c.name, got, err, c.want)
		}
	}
}

func TestBravoSampleSizeQuantiles(t *testing.T) {
	// Arlo true_sample_sizes: the sizes that finish in one round with
	// probability 0.7, 0.8 and 0.9.
	cases := map[string][3]int{
		"test1":                      {184, 244, 351},
		"test2":                      {32, 41, 57},
		"test6":                      {368, 488, 702},
		"test12":                     {184, 244, 351},
		"test_small_third_candidate": {2837, 3760, 5426},
	}
	for name, want := range cases {
		for i, q := range []float64{0.7, 0.8, 0.9} {
			got, err := rla.BravoSampleSize(arlo(t, name), alpha, q)
			if err != nil || got != want[i] {
				t.Errorf("%s q=%v: BravoSampleSize = %d, %v; want %d", name, q, got, err, want[i])
			}
		}
	}
	// Arlo round2_sample_sizes for test2 after {25, 18, 5}: 57, 66, 87.
	sample := map[string]int64{"cand1": 25, "cand2": 18, "cand3": 5}
	for i, q := range []float64{0.7, 0.8, 0.9} {
		want := [3]int{57, 66, 87}[i]
		got, err := rla.BravoNextRoundSize(arlo(t, "test2"), alpha, q, sample)
		if err != nil || got != want {
			t.Errorf("test2 round 2 q=%v: %d, %v; want %d", q, got, err, want)
		}
	}
}

// TestBravoLindemanSizes reproduces Arlo's test_bravo_sample_sizes, which
// calls Mark Lindeman's function with shares directly; a contest with 100
// ballots gives the same shares exactly.
func TestBravoLindemanSizes(t *testing.T) {
	cases := []struct {
		name       string
		w, r       int64 // reported shares, in percent of 100 ballots
		sw, sr     int64 // ballots already sampled for each
		quantile   float64
		wantRounds int
	}{
		{"0.40 vs 0.32 at 0.9", 40, 32, 0, 0, 0.9, 1599},
		{"0.36 vs 0.32 at 0.9", 36, 32, 0, 0, 0.9, 6067},
		// Arlo expects 2476: its two-way size is 1683 and it divides by
		// Decimal(0.36)+Decimal(0.32), binary approximations whose sum is not
		// exactly 0.68, so ceil(1683/0.68) lands on 2476. Exactly, 1683·100/68
		// is 2475, which we return.
		{"0.36 vs 0.32 at 0.6", 36, 32, 0, 0, 0.6, 2475},
		{"0.52 vs 0.47 at 0.9", 52, 47, 0, 0, 0.9, 5657},
		{"small probability 0.4", 40, 32, 0, 0, 0.4, 409},
		{"round 1 already finished", 52, 47, 10000, 0, 0.9, 0},
		{"round 1 incomplete", 52, 47, 2923, 2735, 0.9, 2636},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			contest := rla.Contest{Name: "x", Winners: []string{"w"}, Losers: []string{"r"},
				Reported: map[string]int64{"w": c.w, "r": c.r, "other": 100 - c.w - c.r}, BallotsCast: 100}
			got, err := rla.BravoNextRoundSize(contest, alpha, c.quantile, map[string]int64{"w": c.sw, "r": c.sr})
			if err != nil || got != c.wantRounds {
				t.Errorf("got %d, %v; want %d", got, err, c.wantRounds)
			}
		})
	}
}

func TestBravoCompletionProbability(t *testing.T) {
	// Arlo test_bravo_expected_prob: 119 ballots of a 60–40 contest finish
	// with probability 0.52; labels of true_sample_sizes: test2 ASN 22 → 0.55,
	// test6 ASN 238 → 0.52, small third candidate ASN 1769 → 0.5, and test2's
	// second round (42 after {25, 18, 5}) → 0.53.
	cases := []struct {
		name   string
		n      int
		sample map[string]int64
		want   float64
	}{
		{"test1", 119, nil, 0.52},
		{"test2", 22, nil, 0.55},
		{"test6", 238, nil, 0.52},
		{"test_small_third_candidate", 1769, nil, 0.5},
		{"test2", 42, map[string]int64{"cand1": 25, "cand2": 18, "cand3": 5}, 0.53},
	}
	for _, c := range cases {
		p, err := rla.BravoCompletionProbability(arlo(t, c.name), alpha, c.n, c.sample)
		if err != nil || math.Round(p*100)/100 != c.want {
			t.Errorf("%s n=%d: probability %.4f, %v; want %.2f", c.name, c.n, p, err, c.want)
		}
	}
}

func TestBravoRisk(t *testing.T) {
	// Arlo test_compute_risk, round-one samples; Arlo compares to two decimals.
	cases := []struct {
		name     string
		sample   map[string]int64
		want     map[[2]string]float64
		finished bool
	}{
		{"test1", map[string]int64{"cand1": 72, "cand2": 47}, map[[2]string]float64{{"cand1", "cand2"}: 0.07}, true},
		{"test2", map[string]int64{"cand1": 25, "cand2": 18, "cand3": 5},
			map[[2]string]float64{{"cand1", "cand2"}: 1, {"cand1", "cand3"}: 0}, false},
		{"test6", map[string]int64{"cand1": 72, "cand2": 48, "cand3": 48},
			map[[2]string]float64{{"cand1", "cand2"}: 0.08, {"cand1", "cand3"}: 0.08}, true},
		{"test7", map[string]int64{"cand1": 30, "cand2": 25, "cand3": 10},
			map[[2]string]float64{{"cand1", "cand3"}: 0.01, {"cand2", "cand3"}: 0.04}, true},
		{"test8", map[string]int64{"cand1": 72, "cand2": 55, "cand3": 30},
			map[[2]string]float64{{"cand1", "cand3"}: 0, {"cand2", "cand3"}: 0.22}, false},
		{"test10", map[string]int64{"cand1": 60, "cand2": 30, "cand3": 10},
			map[[2]string]float64{{"cand1", "cand3"}: 0, {"cand2", "cand3"}: 0.01}, true},
		{"test12", map[string]int64{"cand1": 72, "cand2": 47, "cand3": 0},
			map[[2]string]float64{{"cand1", "cand2"}: 0.07, {"cand1", "cand3"}: 0}, true},
		{"test_small_third_candidate", map[string]int64{"cand1": 1200, "cand2": 1000, "cand3": 10},
			map[[2]string]float64{{"cand1", "cand2"}: 0.000561, {"cand1", "cand3"}: 0}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := rla.BravoRisk(arlo(t, c.name), c.sample)
			if err != nil {
				t.Fatal(err)
			}
			got := map[[2]string]float64{}
			for _, p := range r.Pairs {
				got[[2]string{p.Winner, p.Loser}] = p.Risk
			}
			for pair, want := range c.want {
				if math.Abs(got[pair]-want) >= 0.01 {
					t.Errorf("risk %v = %.4f, want %.2f", pair, got[pair], want)
				}
			}
			if fin := r.Measured <= alpha; fin != c.finished {
				t.Errorf("measured %.4f: finished = %v, want %v", r.Measured, fin, c.finished)
			}
		})
	}
}

// TestBravoRiskExact checks the statistic itself: for test1 with 72 and 47
// ballots, T = 1.2^72 · 0.8^47, so the risk is 0.8^−47 / 1.2^72 = 0.0713….
func TestBravoRiskExact(t *testing.T) {
	r, err := rla.BravoRisk(arlo(t, "test1"), map[string]int64{"cand1": 72, "cand2": 47})
	if err != nil {
		t.Fatal(err)
	}
	want := 1 / (math.Pow(1.2, 72) * math.Pow(0.8, 47))
	if math.Abs(r.Measured-want) > 1e-12*want || r.Draws != 119 {
		t.Errorf("risk %.15g, draws %d; want %.15g, 119", r.Measured, r.Draws, want)
	}
}

// TestBravoRiskGeorgia is Arlo's test_ga_presidential: the 2020 Georgia
// presidential contest (4,992,420 ballots) "audited" with a sample of all but
// ten Biden ballots gives a risk of 2.035688053599178e-09 for Biden over Trump.
// Summing logarithms must agree with Arlo's Decimal arithmetic to many digits.
func TestBravoRiskGeorgia(t *testing.T) {
	votes := map[string]int64{"Trump": 2457924, "Biden": 2471981, "Jorgensen": 62058, "Write-in": 457,
		"Overvote": 0, "Undervote/Blank": 0}
	c := mustContest(t, votes, 4992420, 1)
	sample := map[string]int64{"Trump": 2457924, "Biden": 2471971, "Jorgensen": 62058, "Write-in": 457}
	r, err := rla.BravoRisk(c, sample)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Pairs {
		want := 0.0
		if p.Loser == "Trump" {
			want = 2.035688053599178e-09
		}
		if math.Abs(p.Risk-want) > 1e-9*want+1e-300 {
			t.Errorf("%s–%s risk %.16g, want %.16g", p.Winner, p.Loser, p.Risk, want)
		}
	}
}

func TestBravoTieAndInvalid(t *testing.T) {
	tied := mustContest(t, map[string]int64{"a": 500, "b": 500}, 1000, 1)
	if _, err := rla.BravoASN(tied, alpha, nil); !errors.Is(err, rla.ErrTie) {
		t.Errorf("ASN of a tie: %v, want ErrTie", err)
	}
	if _, err := rla.BravoSampleSize(tied, alpha, 0.9); !errors.Is(err, rla.ErrTie) {
		t.Errorf("sample size of a tie: %v, want ErrTie", err)
	}
	// A tie can never be confirmed by polling: the risk stays at 1.
	if r, err := rla.BravoRisk(tied, map[string]int64{"a": 501, "b": 499}); err != nil || r.Measured != 1 {
		t.Errorf("tie risk %v, %v; want 1", r.Measured, err)
	}
	c := arlo(t, "test1")
	for _, bad := range []map[string]int64{{"nobody": 1}, {"cand1": -1}} {
		if _, err := rla.BravoRisk(c, bad); !errors.Is(err, rla.ErrInvalid) {
			t.Errorf("sample %v: %v, want ErrInvalid", bad, err)
		}
	}
	for _, rl := range []float64{0, 1, -0.1, math.NaN()} {
		if _, err := rla.BravoASN(c, rl, nil); !errors.Is(err, rla.ErrInvalid) {
			t.Errorf("risk limit %v: %v, want ErrInvalid", rl, err)
		}
	}
	if _, err := rla.BravoSampleSize(c, alpha, 1); !errors.Is(err, rla.ErrInvalid) {
		t.Errorf("quantile 1: %v, want ErrInvalid", err)
	}
	uncontested := rla.Contest{Name: "u", Winners: []string{"a"}, Reported: map[string]int64{"a": 5}, BallotsCast: 5}
	if _, err := rla.BravoRisk(uncontested, nil); !errors.Is(err, rla.ErrInvalid) {
		t.Errorf("uncontested: %v, want ErrInvalid", err)
	}
	// A loser reported with no votes but found in the sample refutes the
	// reported shares: the risk is 1 for that pair.
	r, err := rla.BravoRisk(arlo(t, "test12"), map[string]int64{"cand1": 500, "cand3": 1})
	if err != nil || r.Measured != 1 {
		t.Errorf("zero-vote loser sampled: %v, %v", r.Measured, err)
	}
}

// TestBravoRiskMonotone is a property: one more ballot for a winner never
// raises the measured risk, one more for a loser never lowers it.
func TestBravoRiskMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Int64Range(1, 100000).Draw(t, "a")
		b := rapid.Int64Range(0, a).Draw(t, "b")
		c := rla.Contest{Name: "p", Winners: []string{"a"}, Losers: []string{"b"},
			Reported: map[string]int64{"a": a, "b": b}, BallotsCast: a + b}
		na := rapid.Int64Range(0, 500).Draw(t, "na")
		nb := rapid.Int64Range(0, 500).Draw(t, "nb")
		base, err := rla.BravoRisk(c, map[string]int64{"a": na, "b": nb})
		if err != nil {
			t.Fatal(err)
		}
		more, _ := rla.BravoRisk(c, map[string]int64{"a": na + 1, "b": nb})
		less, _ := rla.BravoRisk(c, map[string]int64{"a": na, "b": nb + 1})
		if more.Measured > base.Measured || less.Measured < base.Measured {
			t.Fatalf("risk not monotone: base %v, +winner %v, +loser %v", base.Measured, more.Measured, less.Measured)
		}
		if base.Measured < 0 || base.Measured > 1 {
			t.Fatalf("risk %v outside [0, 1]", base.Measured)
		}
	})
}
