package forensics_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
	"pgregory.net/rapid"

	"github.com/dauys/dauys/internal/forensics"
)

// precinct builds a two-option precinct: the leader (option 0) gets lead
// votes and the other option the rest of the valid ballots.
func precinct(area string, registered, issued, cast, invalid, lead int64) forensics.Precinct {
	return forensics.Precinct{
		Area: area, Region: strings.SplitN(area, "/", 2)[0],
		Registered: registered, Issued: issued, Cast: cast, Invalid: invalid,
		Options: []int64{lead, cast - invalid - lead},
	}
}

func mustAnalyze(tb testing.TB, in forensics.Input, cfg forensics.Config) *forensics.Report {
	tb.Helper()
	rep, err := forensics.Analyze(in, cfg)
	if err != nil {
		tb.Fatalf("Analyze: %v", err)
	}
	return rep
}

func TestIntegerPercentInclusionAndCounts(t *testing.T) {
	in := forensics.Input{Options: []string{"Leader", "Other"}, Precincts: []forensics.Precinct{
		// Included, turnout exactly 60% and leader exactly 50%.
		precinct("A/1", 1000, 600, 600, 0, 300),
		// Included, neither is integer: 60.3% and 50.17%.
		precinct("A/2", 1000, 603, 600, 0, 301),
		// Included, turnout 50.05% (on the ±0.05 edge, counts) and leader 33.33%.
		precinct("A/3", 2000, 1001, 999, 0, 333),
		// Excluded: 99 registered voters.
		precinct("B/1", 99, 50, 50, 0, 25),
		// Included: exactly 100 registered voters, 99% turnout, 99% leader.
		precinct("B/2", 100, 99, 100, 0, 99),
		// Excluded: turnout 99.1%.
		precinct("B/3", 1000, 991, 991, 0, 500),
		// Excluded: leader share 99.2%.
		precinct("B/4", 1000, 500, 500, 0, 496),
		// Excluded: no ballots in the boxes.
		precinct("B/5", 1000, 500, 0, 0, 0),
	}}
	// The other option leads nowhere nationally, so option 0 is the leader.
	rep := mustAnalyze(t, in, forensics.Config{Seed: 7})
	ip := rep.IntegerPercent
	if rep.Leader != 0 || rep.LeaderName != "Leader" {
		t.Fatalf("leader = %d %q", rep.Leader, rep.LeaderName)
	}
	got := [4]int{ip.Included, ip.Any, ip.Leader, ip.Turnout}
	want := [4]int{4, 3, 2, 3} // A/1 both, A/3 turnout, B/2 both
	if got != want {
		t.Errorf("included/any/leader/turnout = %v, want %v", got, want)
	}
	if ip.Replicates != 1000 || ip.Seed != 7 || ip.Tolerance != 5 || ip.MinRegistered != 100 || ip.MaxPercent != 99 {
		t.Errorf("defaults not recorded: %+v", ip)
	}
}

// TestIntegerPercentNullKnownAnswer uses precincts whose null distribution is
// known in closed form. With 100 registered voters every turnout is a whole
// percent, so the null count of integer turnouts is always the number of
// precincts (sd 0). With 200 ballots and a leader at 1/2, a leader share is a
// whole percent exactly when the drawn count is even, which for
// Binomial(200, 1/2) has probability 1/2; 400 precincts give a null mean of 200
// and a standard deviation of 10.
func TestIntegerPercentNullKnownAnswer(t *testing.T) {
	var ps []forensics.Precinct
	for i := range 400 {
		_ = i
		ps = append(ps, precinct("R/x", 100, 50, 200, 0, 100))
	}
	rep := mustAnalyze(t, forensics.Input{Options: []string{"L", "O"}, Precincts: ps}, forensics.Config{Seed: 3})
	ip := rep.IntegerPercent
	if ip.ExpectedTurnout != 400 || ip.SDTurnout != 0 || ip.ExcessTurnout != 0 {
		t.Errorf("turnout null: expected %v sd %v excess %v, want 400, 0, 0", ip.ExpectedTurnout, ip.SDTurnout, ip.ExcessTurnout)
	}
	if ip.ExpectedAny != 400 {
		t.Errorf("any null: expected %v, want 400", ip.ExpectedAny)
	}
	// The mean of 1000 replicates has standard error 10/√1000 ≈ 0.32.
	if math.Abs(ip.ExpectedLeader-200) > 4*10/math.Sqrt(1000) {
		t.Errorf("leader null mean %.2f, want 200 ± 1.3", ip.ExpectedLeader)
	}
	if math.Abs(ip.SDLeader-10) > 1 {
		t.Errorf("leader null sd %.2f, want about 10", ip.SDLeader)
	}
	// Observed: every precinct is exactly 50%, so the excess is 400 − ~200.
	if ip.Leader != 400 || math.Abs(ip.ExcessLeader-200) > 1.3 {
		t.Errorf("leader observed %d excess %.1f", ip.Leader, ip.ExcessLeader)
	}
	if ip.PLeader > 0.002 {
		t.Errorf("p-value %.4f should be the smallest possible, 1/1001", ip.PLeader)
	}
}

// TestIntegerPercentNullMatchesExactExpectation compares the Monte Carlo mean
// with the exact expectation Σ P(draw is an integer percent) computed from the
// binomial probability mass function, for precincts of assorted sizes.
func TestIntegerPercentNullMatchesExactExpectation(t *testing.T) {
	var ps []forensics.Precinct
	exact, variance := 0.0, 0.0
	for i := range 300 {
		reg := int64(150 + 37*i)
		issued := reg * int64(40+i%50) / 100
		ps = append(ps, forensics.Precinct{
			Area: "X", Region: "X", Registered: reg, Issued: issued, Cast: issued, Invalid: 0,
			Options: []int64{issued / 2, issued - issued/2},
		})
		dist := distuv.Binomial{N: float64(reg), P: float64(issued) / float64(reg)}
		pInt := 0.0
		for y := int64(0); y <= reg; y++ {
			if wholePercent(y, reg) {
				pInt += dist.Prob(float64(y))
			}
		}
		exact += pInt
		variance += pInt * (1 - pInt)
	}
	rep := mustAnalyze(t, forensics.Input{Options: []string{"A", "B"}, Precincts: ps}, forensics.Config{Seed: 11})
	ip := rep.IntegerPercent
	se := math.Sqrt(variance / float64(ip.Replicates))
	if d := math.Abs(ip.ExpectedTurnout - exact); d > 4*se {
		t.Errorf("Monte Carlo mean %.2f, exact %.2f (4 standard errors = %.2f)", ip.ExpectedTurnout, exact, 4*se)
	}
	if rel := math.Abs(ip.SDTurnout-math.Sqrt(variance)) / math.Sqrt(variance); rel > 0.1 {
		t.Errorf("Monte Carlo sd %.2f, exact %.2f", ip.SDTurnout, math.Sqrt(variance))
	}
}

// wholePercent is an independent statement of the ±0.05 pp rule for tests:
// |10000·v − 100·k·d| <= 5·d for k = the nearest whole percent.
func wholePercent(v, d int64) bool {
	k := (100*v + d/2) / d
	for _, kk := range []int64{k - 1, k, k + 1} {
		diff := 10000*v - 100*kk*d
		if diff < 0 {
			diff = -diff
		}
		if diff <= 5*d {
			return true
		}
	}
	return false
}

func TestAnalyzeIsDeterministic(t *testing.T) {
	var ps []forensics.Precinct
	for i := range 500 {
		reg := int64(300 + 11*i)
		ps = append(ps, precinct("R/p", reg, reg*2/3, reg*2/3, 3, reg/3))
	}
	in := forensics.Input{Options: []string{"L", "O"}, Precincts: ps}
	one := mustAnalyze(t, in, forensics.Config{Seed: 5, Workers: 1})
	many := mustAnalyze(t, in, forensics.Config{Seed: 5, Workers: 7})
	if !reflect.DeepEqual(one, many) {
		t.Error("the number of workers changed the report")
	}
	other := mustAnalyze(t, in, forensics.Config{Seed: 6})
	if reflect.DeepEqual(one.IntegerPercent, other.IntegerPercent) {
		t.Error("a different seed gave an identical Monte Carlo")
	}
}

func TestAnalyzeRejectsInvalidInput(t *testing.T) {
	good := precinct("A/1", 100, 50, 50, 0, 25)
	cases := []struct {
		name string
		in   forensics.Input
		cfg  forensics.Config
	}{
		{"no options", forensics.Input{Precincts: []forensics.Precinct{good}}, forensics.Config{}},
		{"no precincts", forensics.Input{Options: []string{"L", "O"}}, forensics.Config{}},
		{"option count mismatch", forensics.Input{Options: []string{"L"}, Precincts: []forensics.Precinct{good}}, forensics.Config{}},
		{"negative count", forensics.Input{Options: []string{"L", "O"}, Precincts: []forensics.Precinct{precinct("A", -1, 0, 0, 0, 0)}}, forensics.Config{}},
		{"huge count", forensics.Input{Options: []string{"L", "O"}, Precincts: []forensics.Precinct{precinct("A", 1e13, 0, 0, 0, 0)}}, forensics.Config{}},
		{"too few replicates", forensics.Input{Options: []string{"L", "O"}, Precincts: []forensics.Precinct{good}}, forensics.Config{Replicates: 999}},
		{"tolerance of half a point", forensics.Input{Options: []string{"L", "O"}, Precincts: []forensics.Precinct{good}}, forensics.Config{Tolerance: 50}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := forensics.Analyze(c.in, c.cfg); !errors.Is(err, forensics.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	in := forensics.Input{Options: []string{"L", "O"}, Precincts: []forensics.Precinct{
		precinct("A/1", 1000, 555, 555, 5, 333),   // turnout 55.5% → bin 55; leader 60.0% → bin 60
		precinct("A/2", 2000, 1119, 1000, 0, 605), // 55.95% → 55; 60.5% → 60
		precinct("B/1", 500, 500, 500, 0, 500),    // 100% and 100% → the last bins
		precinct("B/2", 500, 501, 500, 0, 1),      // turnout above 100%: excluded
		precinct("B/3", 0, 0, 0, 0, 0),            // no voters: excluded
	}}
	rep := mustAnalyze(t, in, forensics.Config{})
	want := forensics.Histogram{Bins: 100, Precincts: 3, Voters: 3500, Excluded: 2, Cells: []forensics.Cell{
		{Turnout: 55, Leader: 60, Precincts: 2, Voters: 3000},
		{Turnout: 99, Leader: 99, Precincts: 1, Voters: 500},
	}}
	if !reflect.DeepEqual(rep.Fingerprint, want) {
		t.Errorf("fingerprint = %+v\nwant %+v", rep.Fingerprint, want)
	}
	if len(rep.Regions) != 2 || rep.Regions[0].Region != "A" || rep.Regions[0].Fingerprint.Precincts != 2 ||
		rep.Regions[1].Fingerprint.Excluded != 2 || rep.Regions[0].Fingerprint.Area != "A" {
		t.Errorf("regions = %+v", rep.Regions)
	}
}

func TestTurnoutDistribution(t *testing.T) {
	var ps []forensics.Precinct
	// Two clusters of turnout, 40% and 80%, with 1000 voters per precinct.
	for i := range 300 {
		ps = append(ps, precinct("A/1", 1000, int64(370+i%60), 100, 0, 50))
		if i < 150 {
			ps = append(ps, precinct("A/2", 1000, int64(780+i%40), 100, 0, 50))
		}
	}
	// A spike: 40 precincts at exactly 70.0%.
	for range 40 {
		ps = append(ps, precinct("A/3", 1000, 700, 100, 0, 50))
	}
	rep := mustAnalyze(t, forensics.Input{Options: []string{"L", "O"}, Precincts: ps}, forensics.Config{})
	td := rep.Turnout
	if len(td.Precincts) != 1001 || td.Precincts[700] != 40 || td.Precincts[370] != 5 {
		t.Fatalf("bins: len %d, 70.0%% holds %d, 37.0%% holds %d", len(td.Precincts), td.Precincts[700], td.Precincts[370])
	}
	var modes []int
	for _, m := range td.Modes {
		modes = append(modes, m.TurnoutPercent)
	}
	if len(modes) != 3 || modes[0] < 38 || modes[0] > 41 || modes[1] != 70 || modes[2] < 78 || modes[2] > 81 {
		t.Errorf("modes = %v, want about 39–40, 70 and 79–80", modes)
	}
	if len(td.Peaks) != 1 || td.Peaks[0].TurnoutPermille != 700 || td.Peaks[0].Precincts != 40 {
		t.Errorf("peaks = %+v, want one at 70.0%%", td.Peaks)
	}
}

func TestTurnoutBinsAreCentred(t *testing.T) {
	// 59.95% rounds into the 60.0% bin, 60.049…% too, 60.05% into 60.1%.
	in := forensics.Input{Options: []string{"L", "O"}, Precincts: []forensics.Precinct{
		precinct("A", 2000, 1199, 10, 0, 5),
		precinct("A", 20001, 12010, 10, 0, 5),
		precinct("A", 2000, 1201, 10, 0, 5),
	}}
	td := mustAnalyze(t, in, forensics.Config{}).Turnout
	if td.Precincts[600] != 2 || td.Precincts[601] != 1 {
		t.Errorf("bin 600 = %d, 601 = %d; want 2 and 1", td.Precincts[600], td.Precincts[601])
	}
}

func TestDigitTests(t *testing.T) {
	var ps []forensics.Precinct
	// Option A ends in every digit equally often; option B always ends in 0;
	// option C is below the minimum count and enters no test.
	for i := range 1000 {
		a := int64(100 + i%900)
		ps = append(ps, forensics.Precinct{Area: "X", Region: "X", Registered: 5000, Issued: 3000, Cast: 3000,
			Options: []int64{a, int64(10 * (i + 1)), 5}})
	}
	rep := mustAnalyze(t, forensics.Input{Options: []string{"A", "B", "C"}, Precincts: ps}, forensics.Config{})
	a, b, c := rep.LastDigit[0], rep.LastDigit[1], rep.LastDigit[2]
	if a.N != 1000 || a.ChiSquare != 0 || a.PValue != 1 {
		t.Errorf("uniform last digits: n %d chi2 %v p %v", a.N, a.ChiSquare, a.PValue)
	}
	// All N counts in one cell: Σ(O−E)²/E = (0.9N)²/(0.1N) + 9·0.1N = 9N.
	if b.Counts[0] != 1000 || math.Abs(b.ChiSquare-9000) > 1e-6 || b.PValue > 1e-100 {
		t.Errorf("all zeros: counts %v chi2 %v p %v", b.Counts, b.ChiSquare, b.PValue)
	}
	if c.N != 0 || c.PValue != 1 || c.ChiSquare != 0 {
		t.Errorf("small counts entered the test: %+v", c)
	}
	if b.DF != 9 {
		t.Errorf("df = %d", b.DF)
	}
	// Second digits of 100…999 then 100…199: each hundred gives second digits
	// 0–9 ten times, so every digit appears 10·10 = 100 times.
	s := rep.SecondDigit[0]
	for d, n := range s.Counts {
		if n != 100 {
			t.Errorf("second digit %d appears %d times, want 100", d, n)
		}
	}
	// Benford's second-digit law: P(0) = 0.11968, P(9) = 0.08500 (Nigrini, Benford's Law, 2012, table 5.1).
	if e0, e9 := s.Expected[0]/1000, s.Expected[9]/1000; math.Abs(e0-0.11968) > 1e-4 || math.Abs(e9-0.08500) > 1e-4 {
		t.Errorf("Benford second digit P(0) = %.5f, P(9) = %.5f", e0, e9)
	}
	// The statistic against Benford, recomputed independently: Σ (100 − 1000·P(d))²/(1000·P(d)),
	// about 11.9 with 9 degrees of freedom (p ≈ 0.22: 1000 counts cannot tell these laws apart well).
	want := 0.0
	for d := range 10 {
		p := 0.0
		for k := 1; k <= 9; k++ {
			p += math.Log10(1 + 1/float64(10*k+d))
		}
		want += (100 - 1000*p) * (100 - 1000*p) / (1000 * p)
	}
	if math.Abs(s.ChiSquare-want) > 1e-9 || math.Abs(s.ChiSquare-11.9) > 0.1 {
		t.Errorf("2BL chi-square %v, want %v", s.ChiSquare, want)
	}
	if wantP := (distuv.ChiSquared{K: 9}).Survival(want); math.Abs(s.PValue-wantP) > 1e-12 || math.Abs(s.PValue-0.22) > 0.01 {
		t.Errorf("2BL p-value %v, want %v", s.PValue, wantP)
	}
}

func TestOutliers(t *testing.T) {
	in := forensics.Input{Options: []string{"L", "O"}, Precincts: []forensics.Precinct{
		precinct("A/1", 1000, 950, 950, 0, 800),   // turnout exactly 95%: listed
		precinct("A/2", 1000, 949, 949, 0, 800),   // 94.9%: not listed
		precinct("A/3", 1000, 500, 500, 0, 475),   // leader exactly 95%
		precinct("A/4", 1000, 500, 500, 50, 200),  // invalid exactly 10%
		precinct("A/5", 1000, 500, 500, 49, 200),  // invalid 9.8%: not listed
		precinct("A/6", 50, 50, 50, 0, 50),        // small station: never listed
		precinct("A/0", 1000, 990, 990, 100, 890), // two signals at once
	}}
	o := mustAnalyze(t, in, forensics.Config{}).Outliers
	var got []string
	for _, p := range o.Precincts {
		got = append(got, p.Area+":"+strings.Join(p.Signals, "+"))
	}
	want := []string{"A/0:turnout+invalid_share", "A/1:turnout", "A/3:leader_share", "A/4:invalid_share"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("outliers = %v, want %v", got, want)
	}
	if o.Count != 4 || o.Precincts[1].TurnoutPercent != 95 {
		t.Errorf("count %d, display turnout %v", o.Count, o.Precincts[1].TurnoutPercent)
	}
}

func TestCrossContest(t *testing.T) {
	issued := map[string]map[string]int64{
		"P1": {"president": 1000, "parliament": 1000},
		"P2": {"president": 1000, "parliament": 994, "local": 1001},
		"P3": {"president": 1000, "parliament": 990},
		"P4": {"president": 700},
	}
	got := forensics.CrossContest(issued, 5)
	if len(got) != 2 || got[0].Area != "P2" || got[0].Spread != 7 || got[0].Min != 994 || got[0].Max != 1001 ||
		got[1].Area != "P3" || got[1].Spread != 10 {
		t.Errorf("CrossContest = %+v", got)
	}
	if got := forensics.CrossContest(issued, 7); len(got) != 1 || got[0].Area != "P3" {
		t.Errorf("tolerance 7 keeps %+v, want P3 only (a spread equal to the tolerance is accepted)", got)
	}
	if n := len(forensics.CrossContest(issued, 10)); n != 0 {
		t.Errorf("tolerance 10 keeps %d findings, want 0", n)
	}
	if n := len(forensics.CrossContest(issued, -3)); n != 2 {
		t.Errorf("negative tolerance acts as 0: got %d findings, want 2", n)
	}
}

func TestReportJSONKeys(t *testing.T) {
	rep := mustAnalyze(t, forensics.Input{Options: []string{"L", "O"}, Precincts: []forensics.Precinct{
		precinct("A/1", 1000, 600, 600, 0, 300),
	}}, forensics.Config{})
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]map[string]any
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(top["integer_percent"], &m); err == nil {
		t.Fatal("integer_percent should be a flat object")
	}
	var ip map[string]any
	if err := json.Unmarshal(top["integer_percent"], &ip); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"included", "any", "leader", "turnout", "excess_any", "sd_any", "excess_leader",
		"sd_leader", "excess_turnout", "sd_turnout", "replicates", "seed"} {
		if _, ok := ip[k]; !ok {
			t.Errorf("integer_percent lacks %q", k)
		}
	}
	for _, k := range []string{"caveat", "fingerprint", "turnout", "last_digit", "second_digit", "outliers", "regions", "totals"} {
		if _, ok := top[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
}

// TestObservedSignalsIgnorePrecinctOrder checks an invariant: everything but
// the Monte Carlo (whose streams are tied to positions) is a function of the
// set of precincts, not of their order.
func TestObservedSignalsIgnorePrecinctOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		var ps []forensics.Precinct
		for i := range n {
			reg := rapid.Int64Range(0, 3000).Draw(t, "reg")
			issued := rapid.Int64Range(0, reg+5).Draw(t, "issued")
			cast := rapid.Int64Range(0, issued+1).Draw(t, "cast")
			inv := rapid.Int64Range(0, cast).Draw(t, "inv")
			lead := rapid.Int64Range(0, cast-inv).Draw(t, "lead")
			ps = append(ps, precinct(string(rune('A'+i%3))+"/x", reg, issued, cast, inv, lead))
		}
		perm := rapid.Permutation(ps).Draw(t, "perm")
		in1 := forensics.Input{Options: []string{"L", "O"}, Precincts: ps}
		in2 := forensics.Input{Options: []string{"L", "O"}, Precincts: perm}
		a, err := forensics.Analyze(in1, forensics.Config{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := forensics.Analyze(in2, forensics.Config{})
		if err != nil {
			t.Fatal(err)
		}
		ia, ib := a.IntegerPercent, b.IntegerPercent
		if ia.Included != ib.Included || ia.Any != ib.Any || ia.Leader != ib.Leader || ia.Turnout != ib.Turnout {
			t.Fatalf("integer counts depend on order: %+v vs %+v", ia, ib)
		}
		if ia.Any > ia.Included || ia.Leader > ia.Any || ia.Turnout > ia.Any || ia.Any > ia.Leader+ia.Turnout {
			t.Fatalf("inconsistent counts %+v", ia)
		}
		if !reflect.DeepEqual(a.Fingerprint, b.Fingerprint) || !reflect.DeepEqual(a.Turnout, b.Turnout) ||
			!reflect.DeepEqual(a.LastDigit, b.LastDigit) || !reflect.DeepEqual(a.SecondDigit, b.SecondDigit) ||
			!reflect.DeepEqual(a.Totals, b.Totals) {
			t.Fatal("observed signals depend on precinct order")
		}
		if a.Fingerprint.Precincts+a.Fingerprint.Excluded != int64(n) {
			t.Fatalf("fingerprint lost precincts: %d + %d != %d", a.Fingerprint.Precincts, a.Fingerprint.Excluded, n)
		}
	})
}

func FuzzAnalyze(f *testing.F) {
	f.Add(int64(1000), int64(600), int64(600), int64(10), int64(300), uint64(1))
	f.Add(int64(100), int64(100), int64(0), int64(0), int64(0), uint64(2))
	f.Add(int64(0), int64(5), int64(7), int64(9), int64(11), uint64(3))
	f.Fuzz(func(t *testing.T, reg, issued, cast, invalid, lead int64, seed uint64) {
		p := forensics.Precinct{Area: "F", Region: "F", Registered: reg, Issued: issued, Cast: cast,
			Invalid: invalid, Options: []int64{lead, 1}}
		rep, err := forensics.Analyze(forensics.Input{Options: []string{"L", "O"}, Precincts: []forensics.Precinct{p, p}},
			forensics.Config{Seed: seed})
		if err != nil {
			if !errors.Is(err, forensics.ErrInvalid) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if _, err := json.Marshal(rep); err != nil {
			t.Fatalf("report does not marshal: %v", err)
		}
		ip := rep.IntegerPercent
		if ip.Included > 2 || ip.Any > ip.Included || math.IsNaN(ip.ExpectedAny) {
			t.Fatalf("bad counts %+v", ip)
		}
	})
}
