package rla_test

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"testing"

	"pgregory.net/rapid"

	"github.com/dauys/dauys/internal/rla"
)

// The MACRO fixtures are Arlo's server/tests/audit_math/test_macro.py: three
// contests over 400 batches (200 "Batch i" of 400 ballots and 200 "Batch i AV"
// of 200 ballots) at a 25% risk limit.

const macroAlpha = 0.25

func macroFixture(t testing.TB) (map[string]rla.Contest, []rla.Batch) {
	t.Helper()
	contests := map[string]rla.Contest{}
	for name, v := range map[string][3]int64{
		"Contest A": {60000, 54000, 120000},
		"Contest B": {30000, 24000, 60000},
		"Contest C": {18000, 12600, 36000},
	} {
		contests[name] = rla.Contest{Name: name, Winners: []string{"winner"}, Losers: []string{"loser"},
			Reported: map[string]int64{"winner": v[0], "loser": v[1]}, BallotsCast: v[2]}
	}
	var batches []rla.Batch
	for i := range 200 {
		big := rla.Batch{ID: fmt.Sprintf("Batch %d", i), Ballots: 400, Reported: rla.Tally{
			"Contest A": {"winner": 200, "loser": 180}}}
		av := rla.Batch{ID: fmt.Sprintf("Batch %d AV", i), Ballots: 200, Reported: rla.Tally{
			"Contest A": {"winner": 100, "loser": 90}}}
		if i < 100 {
			big.Reported["Contest B"] = map[string]int64{"winner": 200, "loser": 160}
			av.Reported["Contest B"] = map[string]int64{"winner": 100, "loser": 80}
		}
		if i < 30 || (i >= 100 && i < 130) {
			big.Reported["Contest C"] = map[string]int64{"winner": 200, "loser": 140}
			av.Reported["Contest C"] = map[string]int64{"winner": 100, "loser": 70}
		}
		batches = append(batches, big, av)
	}
	return contests, batches
}

func TestMacroBounds(t *testing.T) {
	// Arlo test_max_error: u_p = 0.07 and 0.035 in contest A, 0.0733 and
	// 0.0367 in B, 0.0852 and 0.0426 in C, and 0 where a contest is absent.
	// Exactly: (200−180+400)/6000 = 7/100, (200−160+400)/6000 = 11/150,
	// (200−140+400)/5400 = 23/270.
	contests, batches := macroFixture(t)
	want := map[string][2]*big.Rat{
		"Contest A": {big.NewRat(7, 100), big.NewRat(7, 200)},
		"Contest B": {big.NewRat(11, 150), big.NewRat(11, 300)},
		"Contest C": {big.NewRat(23, 270), big.NewRat(23, 540)},
	}
	// U: A = 200·(7/100 + 7/200) = 21, B = 100·(11/150 + 11/300) = 11,
	// C = 60·(23/270 + 23/540) = 23/3.
	wantU := map[string]*big.Rat{"Contest A": big.NewRat(21, 1), "Contest B": big.NewRat(11, 1), "Contest C": big.NewRat(23, 3)}
	for name, c := range contests {
		b, err := rla.MacroBounds([]rla.Contest{c}, batches)
		if err != nil {
			t.Fatal(err)
		}
		if b.Total.Cmp(wantU[name]) != 0 {
			t.Errorf("%s: U = %s, want %s", name, b.Total, wantU[name])
		}
		for i, bb := range b.Batches {
			_, has := batches[i].Reported[name]
			w := new(big.Rat)
			if has {
				w = want[name][i%2]
			}
			if bb.Bound.Cmp(w) != 0 {
				t.Fatalf("%s %s: u = %s, want %s", name, bb.ID, bb.Bound, w)
			}
		}
	}
	// Across contests (true MACRO) a batch's bound is its largest: 23/270 where C is present.
	all := []rla.Contest{contests["Contest A"], contests["Contest B"], contests["Contest C"]}
	b, err := rla.MacroBounds(all, batches)
	if err != nil {
		t.Fatal(err)
	}
	if b.Batches[0].Bound.Cmp(big.NewRat(23, 270)) != 0 || b.Batches[2*50].Bound.Cmp(big.NewRat(11, 150)) != 0 ||
		b.Batches[2*150].Bound.Cmp(big.NewRat(7, 100)) != 0 {
		t.Errorf("across-contest bounds %s %s %s", b.Batches[0].Bound, b.Batches[100].Bound, b.Batches[300].Bound)
	}
}

func TestMacroSampleSize(t *testing.T) {
	contests, batches := macroFixture(t)
	// Arlo test_get_sample_sizes: first round 29, 15, 10; after 31 clean
	// batches 26, 12, 7; after six more with errors in A 25, 12, 6.
	audited := map[string]rla.Tally{}
	check := func(round string, want map[string]int) {
		t.Helper()
		for name, w := range want {
			got, err := rla.MacroSampleSize([]rla.Contest{contests[name]}, batches, macroAlpha, audited)
			if err != nil || got != w {
				t.Errorf("%s %s: %d, %v; want %d", round, name, got, err, w)
			}
		}
	}
	check("first round", map[string]int{"Contest A": 29, "Contest B": 15, "Contest C": 10})
	for i := range 31 {
		audited[fmt.Sprintf("Batch %d", i)] = rla.Tally{
			"Contest A": {"winner": 200, "loser": 180},
			"Contest B": {"winner": 200, "loser": 160},
			"Contest C": {"winner": 200, "loser": 140},
		}
	}
	check("second round", map[string]int{"Contest A": 26, "Contest B": 12, "Contest C": 7})
	for i := 100; i < 106; i++ {
		audited[fmt.Sprintf("Batch %d", i)] = rla.Tally{
			"Contest A": {"winner": 190, "loser": 190},
			"Contest C": {"winner": 200, "loser": 140},
		}
	}
	check("third round", map[string]int{"Contest A": 25, "Contest B": 12, "Contest C": 6})

	// Arlo test_get_sizes_extra_contests: a fourth contest, 400–100 over ten
	// batches of 50 ballots, needs 3 draws.
	extra := rla.Contest{Name: "test2", Winners: []string{"cand1"}, Losers: []string{"cand2"},
		Reported: map[string]int64{"cand1": 400, "cand2": 100}, BallotsCast: 500}
	withExtra := append([]rla.Batch(nil), batches...)
	for i := range 10 {
		b := &withExtra[2*i]
		b.Reported = rla.Tally{"Contest A": b.Reported["Contest A"], "test2": {"cand1": 40, "cand2": 10}}
		b.Ballots = 400
	}
	// With the batch's 400 ballots as b_p, where Arlo uses the contest's own
	// 50, each bound is (30+400)/300 and U = 43/3: a valid but larger bound,
	// so ceil(ln 0.25 / ln(1 − 3/43)) = 20 draws.
	got, err := rla.MacroSampleSize([]rla.Contest{extra}, withExtra, macroAlpha, nil)
	if err != nil || got != 20 {
		t.Errorf("extra contest with 400-ballot batches: %d, %v; want 20", got, err)
	}
	for i := range 10 {
		withExtra[2*i].Ballots = 50
	}
	got, err = rla.MacroSampleSize([]rla.Contest{extra}, withExtra, macroAlpha, nil)
	if err != nil || got != 3 {
		t.Errorf("extra contest: %d, %v; want 3", got, err)
	}
}

func TestMacroRisk(t *testing.T) {
	contests, batches := macroFixture(t)
	// Arlo test_compute_risk: 31 clean batches, then six with errors in A
	// (reported 200–180, found 190–190: taint (20/6000)/(420/6000) = 1/21).
	audited := map[string]rla.Tally{}
	var draws []string
	for i := range 31 {
		id := fmt.Sprintf("Batch %d", i)
		draws = append(draws, id)
		audited[id] = rla.Tally{
			"Contest A": {"winner": 200, "loser": 180},
			"Contest B": {"winner": 200, "loser": 160},
			"Contest C": {"winner": 200, "loser": 140},
		}
	}
	for i := 100; i < 106; i++ {
		id := fmt.Sprintf("Batch %d", i)
		draws = append(draws, id)
		audited[id] = rla.Tally{"Contest A": {"winner": 190, "loser": 190}, "Contest C": {"winner": 200, "loser": 140}}
	}
	// The sequential test stops at the first P <= 25%: with no errors each
	// draw multiplies P by 1 − 1/U, so A stops after 29 draws at (20/21)^29,
	// B after 15 at (10/11)^15 and C after 10 at (20/23)^10. Arlo asserts
	// 0.247688222 ± 0.01 for all three.
	want := map[string]struct {
		p     float64
		draws int64
	}{
		"Contest A": {math.Pow(20.0/21, 29), 29},
		"Contest B": {math.Pow(10.0/11, 15), 15},
		"Contest C": {math.Pow(20.0/23, 10), 10},
	}
	for name, w := range want {
		r, err := rla.MacroRisk([]rla.Contest{contests[name]}, batches, macroAlpha, draws, audited)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(r.Measured-w.p) > 1e-12 || r.Draws != w.draws || math.Abs(r.Measured-0.247688222) > 0.01 {
			t.Errorf("%s: risk %.9f after %d draws, want %.9f after %d", name, r.Measured, r.Draws, w.p, w.draws)
		}
		if r.Measured > macroAlpha || r.NeedsFullHandCount {
			t.Errorf("%s should be confirmed: %+v", name, r)
		}
	}
	// With the tainted draws first, contest A needs the six factors
	// (20/21)/(20/21) = 1 and then 29 clean draws: P = (20/21)^29 after 35.
	reordered := append(append([]string{}, draws[31:]...), draws[:31]...)
	r, err := rla.MacroRisk([]rla.Contest{contests["Contest A"]}, batches, macroAlpha, reordered, audited)
	if err != nil || math.Abs(r.Measured-math.Pow(20.0/21, 29)) > 1e-12 || r.Draws != 35 {
		t.Errorf("reordered: %+v, %v", r, err)
	}
	// Too few draws to finish: P = (20/21)^10, not confirmed.
	r, err = rla.MacroRisk([]rla.Contest{contests["Contest A"]}, batches, macroAlpha, draws[:10], audited)
	if err != nil || math.Abs(r.Measured-math.Pow(20.0/21, 10)) > 1e-12 || r.Measured <= macroAlpha {
		t.Errorf("ten draws: %+v, %v", r, err)
	}
}

func TestMacroWorstCaseAndFullCount(t *testing.T) {
	// Arlo test_worst_case: a 1000–0 contest in two batches of 500; the
	// audit finds batch 1 entirely for the loser, a taint of 1: risk 1.
	c := rla.Contest{Name: "test1", Winners: []string{"winner"}, Losers: []string{"loser"},
		Reported: map[string]int64{"winner": 1000, "loser": 0}, BallotsCast: 1000}
	batches := []rla.Batch{
		{ID: "Batch 1", Ballots: 500, Reported: rla.Tally{"test1": {"winner": 500, "loser": 0}}},
		{ID: "Batch 2", Ballots: 500, Reported: rla.Tally{"test1": {"winner": 500, "loser": 0}}},
	}
	audited := map[string]rla.Tally{"Batch 1": {"test1": {"winner": 0, "loser": 500}}}
	r, err := rla.MacroRisk([]rla.Contest{c}, batches, macroAlpha, []string{"Batch 1"}, audited)
	if err != nil || r.Measured != 1 || !r.NeedsFullHandCount {
		t.Errorf("worst case: %+v, %v", r, err)
	}
	// A full hand count that confirms the winners has risk 0 …
	audited["Batch 2"] = rla.Tally{"test1": {"winner": 500, "loser": 0}}
	audited["Batch 1"] = rla.Tally{"test1": {"winner": 499, "loser": 1}}
	r, err = rla.MacroRisk([]rla.Contest{c}, batches, macroAlpha, nil, audited)
	if err != nil || r.Measured != 0 || r.NeedsFullHandCount {
		t.Errorf("confirming full count: %+v, %v", r, err)
	}
	if n, err := rla.MacroSampleSize([]rla.Contest{c}, batches, macroAlpha, audited); err != nil || n != 0 {
		t.Errorf("sample size after a full count: %d, %v", n, err)
	}
	// … and one that overturns them replaces the outcome.
	audited["Batch 2"] = rla.Tally{"test1": {"winner": 0, "loser": 500}}
	audited["Batch 1"] = rla.Tally{"test1": {"winner": 0, "loser": 500}}
	r, err = rla.MacroRisk([]rla.Contest{c}, batches, macroAlpha, nil, audited)
	if err != nil || r.Measured != 1 || !r.NeedsFullHandCount {
		t.Errorf("overturning full count: %+v, %v", r, err)
	}
}

func TestMacroTies(t *testing.T) {
	// Arlo test_tied_contest: 50000–50000 over 100 batches: every batch must
	// be counted, and one clean batch does not confirm anything.
	tied := rla.Contest{Name: "Tied Contest", Winners: []string{"winner"}, Losers: []string{"loser"},
		Reported: map[string]int64{"winner": 50000, "loser": 50000}, BallotsCast: 100000}
	var batches []rla.Batch
	for i := range 100 {
		batches = append(batches, rla.Batch{ID: fmt.Sprint(i), Ballots: 1000,
			Reported: rla.Tally{"Tied Contest": {"winner": 500, "loser": 500}}})
	}
	n, err := rla.MacroSampleSize([]rla.Contest{tied}, batches, macroAlpha, nil)
	if n != 100 || !errors.Is(err, rla.ErrTie) {
		t.Errorf("tie sample size %d, %v; want 100, ErrTie", n, err)
	}
	audited := map[string]rla.Tally{"0": {"Tied Contest": {"winner": 500, "loser": 500}}}
	r, err := rla.MacroRisk([]rla.Contest{tied}, batches, macroAlpha, []string{"0"}, audited)
	if err != nil || r.Measured <= macroAlpha || !r.NeedsFullHandCount {
		t.Errorf("tie risk %+v, %v", r, err)
	}
	if _, err := rla.SampleBatches("seed", []rla.Contest{tied}, batches, 5); !errors.Is(err, rla.ErrTie) {
		t.Errorf("sampling a tie: %v", err)
	}

	// Arlo test_close_contest: 200–198 over four batches of 100 ballots.
	close := rla.Contest{Name: "c", Winners: []string{"winner"}, Losers: []string{"loser"},
		Reported: map[string]int64{"winner": 200, "loser": 198}, BallotsCast: 400}
	cb := []rla.Batch{
		{ID: "1", Ballots: 100, Reported: rla.Tally{"c": {"winner": 100, "loser": 0}}},
		{ID: "2", Ballots: 100, Reported: rla.Tally{"c": {"winner": 100, "loser": 0}}},
		{ID: "3", Ballots: 100, Reported: rla.Tally{"c": {"winner": 0, "loser": 100}}},
		{ID: "4", Ballots: 100, Reported: rla.Tally{"c": {"winner": 0, "loser": 98}}},
	}
	if n, err := rla.MacroSampleSize([]rla.Contest{close}, cb, macroAlpha, nil); err != nil || n != 4 {
		t.Errorf("close contest sample size %d, %v; want 4", n, err)
	}
	r, err = rla.MacroRisk([]rla.Contest{close}, cb, macroAlpha, []string{"1"},
		map[string]rla.Tally{"1": {"c": {"winner": 100, "loser": 0}}})
	if err != nil || r.Measured <= macroAlpha {
		t.Errorf("close contest after one batch: %+v, %v", r, err)
	}
}

func TestMacroRejectsInconsistentBatches(t *testing.T) {
	c := rla.Contest{Name: "c", Winners: []string{"w"}, Losers: []string{"l"},
		Reported: map[string]int64{"w": 10, "l": 5}, BallotsCast: 20}
	bad := []rla.Batch{{ID: "1", Ballots: 20, Reported: rla.Tally{"c": {"w": 9, "l": 5}}}}
	if _, err := rla.MacroBounds([]rla.Contest{c}, bad); !errors.Is(err, rla.ErrInvalid) {
		t.Errorf("batches that miss a vote: %v", err)
	}
	dup := []rla.Batch{{ID: "1", Ballots: 10, Reported: rla.Tally{"c": {"w": 5, "l": 5}}},
		{ID: "1", Ballots: 10, Reported: rla.Tally{"c": {"w": 5}}}}
	if _, err := rla.MacroBounds([]rla.Contest{c}, dup); !errors.Is(err, rla.ErrInvalid) {
		t.Errorf("duplicate ids: %v", err)
	}
}

func TestSampleBatches(t *testing.T) {
	contests, batches := macroFixture(t)
	c := []rla.Contest{contests["Contest C"]}
	draws, err := rla.SampleBatches("12345678901234567890", c, batches, 200)
	if err != nil || len(draws) != 200 {
		t.Fatalf("%d draws, %v", len(draws), err)
	}
	// Only the 120 batches carrying contest C have a positive bound, and the
	// big ones (bound twice the AV ones) should be drawn about twice as often.
	bounds, _ := rla.MacroBounds(c, batches)
	positive := map[string]bool{}
	for _, b := range bounds.Batches {
		if b.Bound.Sign() > 0 {
			positive[b.ID] = true
		}
	}
	var av int
	for i, d := range draws {
		if d.Index != i+1 || !positive[d.BatchID] {
			t.Fatalf("draw %+v", d)
		}
		if len(d.BatchID) > 3 && d.BatchID[len(d.BatchID)-2:] == "AV" {
			av++
		}
	}
	// Expected share of AV draws is 1/3; 200 draws give sd ≈ 6.7.
	if av < 200/3-27 || av > 200/3+27 {
		t.Errorf("%d of 200 draws are AV batches, expected about 67", av)
	}
	// Prefix consistency and independence from manifest order.
	short, _ := rla.SampleBatches("12345678901234567890", c, batches, 20)
	reversed := append([]rla.Batch(nil), batches...)
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	shuffled, _ := rla.SampleBatches("12345678901234567890", c, reversed, 20)
	for i := range short {
		if short[i] != draws[i] || shuffled[i] != draws[i] {
			t.Fatalf("draw %d differs: %+v %+v %+v", i+1, short[i], shuffled[i], draws[i])
		}
	}
}

// TestSampleBatchesByHand recomputes one draw from its definition, as an
// observer would with a SHA-256 tool: x = SHA-256("seed,1")/2^256, and with
// two batches of bounds 1 and 3 (U = 4) batch "a" is drawn iff x < 1/4.
func TestSampleBatchesByHand(t *testing.T) {
	c := rla.Contest{Name: "c", Winners: []string{"w"}, Losers: []string{"l"},
		Reported: map[string]int64{"w": 3, "l": 1}, BallotsCast: 4}
	// Margin 2. Batch a: (1−1+1)/2 = 1/2; batch b: (2−0+3)/2 = 5/2. U = 3.
	batches := []rla.Batch{
		{ID: "b", Ballots: 3, Reported: rla.Tally{"c": {"w": 2, "l": 0}}},
		{ID: "a", Ballots: 1, Reported: rla.Tally{"c": {"w": 1, "l": 1}}},
	}
	draws, err := rla.SampleBatches("seed", []rla.Contest{c}, batches, 64)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range draws {
		x := hashFraction(fmt.Sprintf("seed,%d", d.Index))
		want := "b"
		if x.Cmp(big.NewRat(1, 6)) < 0 { // cumulative bound of "a" over U: (1/2)/3
			want = "a"
		}
		if d.BatchID != want {
			t.Errorf("draw %d: %s, want %s (x = %s)", d.Index, d.BatchID, want, x.FloatString(6))
		}
	}
}

// TestMacroRiskProperties: the measured risk is in [0, 1], and finding an
// error never lowers it.
func TestMacroRiskProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nb := rapid.IntRange(2, 12).Draw(t, "batches")
		var batches []rla.Batch
		var w, l int64
		for i := range nb {
			ballots := rapid.Int64Range(10, 500).Draw(t, "ballots")
			bw := rapid.Int64Range(ballots/2, ballots).Draw(t, "w")
			bl := ballots - bw
			w += bw
			l += bl
			batches = append(batches, rla.Batch{ID: fmt.Sprint(i), Ballots: ballots,
				Reported: rla.Tally{"c": {"w": bw, "l": bl}}})
		}
		if w <= l {
			t.Skip("not a win")
		}
		c := rla.Contest{Name: "c", Winners: []string{"w"}, Losers: []string{"l"},
			Reported: map[string]int64{"w": w, "l": l}, BallotsCast: w + l}
		draws, err := rla.SampleBatches("p", []rla.Contest{c}, batches, 5)
		if err != nil {
			t.Fatal(err)
		}
		clean := map[string]rla.Tally{}
		shifted := map[string]rla.Tally{}
		var ids []string
		for _, d := range draws {
			ids = append(ids, d.BatchID)
			b := batches[mustAtoi(d.BatchID)]
			clean[d.BatchID] = b.Reported
			shift := rapid.Int64Range(0, b.Reported["c"]["w"]).Draw(t, "shift")
			shifted[d.BatchID] = rla.Tally{"c": {"w": b.Reported["c"]["w"] - shift, "l": b.Reported["c"]["l"] + shift}}
		}
		if len(clean) == nb {
			t.Skip("full count")
		}
		r1, err := rla.MacroRisk([]rla.Contest{c}, batches, 0.05, ids, clean)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := rla.MacroRisk([]rla.Contest{c}, batches, 0.05, ids, shifted)
		if err != nil {
			t.Fatal(err)
		}
		if r1.Measured < 0 || r1.Measured > 1 || r2.Measured < 0 || r2.Measured > 1 {
			t.Fatalf("risks %v %v", r1.Measured, r2.Measured)
		}
		if r2.Measured < r1.Measured-1e-12 {
			t.Fatalf("errors lowered the risk: clean %v, with errors %v", r1.Measured, r2.Measured)
		}
	})
}

func mustAtoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}
