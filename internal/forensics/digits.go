package forensics

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// DigitTest is a chi-square goodness-of-fit test of one digit of one option's
// precinct vote counts.
//
// The last-digit test (Beber & Scacco, "What the numbers say", Political
// Analysis 20(2), 2012) compares last digits with the uniform distribution;
// people inventing numbers tend to favour some digits. The second-digit test
// (2BL; Mebane, "Election forensics: vote counts and Benford's law", 2006)
// compares second digits with Benford's second-digit law. Only counts of at
// least MinDigitCount (default 10) enter either test. Both tests have nine
// degrees of freedom; the p-value is the chi-square survival function.
//
// Real vote counts depart from both laws for innocent reasons (precinct size
// caps, two-party races), so a small p-value is a signal to compare with
// similar elections, never a finding on its own.
type DigitTest struct {
	Option    string    `json:"option"`
	N         int64     `json:"n"`        // counts that entered the test
	Counts    [10]int64 `json:"counts"`   // observed digit frequencies 0–9
	Expected  []float64 `json:"expected"` // expected frequencies, for display
	ChiSquare float64   `json:"chi_square"`
	DF        int       `json:"df"`
	PValue    float64   `json:"p_value"`
}

// benfordSecond is Benford's law for the second significant digit:
// P(d) = Σ_{k=1..9} log10(1 + 1/(10k + d)).
var benfordSecond = func() [10]float64 {
	var p [10]float64
	for d := range 10 {
		for k := 1; k <= 9; k++ {
			p[d] += math.Log10(1 + 1/float64(10*k+d))
		}
	}
	return p
}()

func digitTests(in Input, minCount int64) (last, second []DigitTest) {
	uniform := [10]float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}
	last = make([]DigitTest, len(in.Options))
	second = make([]DigitTest, len(in.Options))
	for j, name := range in.Options {
		var lastCounts, secondCounts [10]int64
		for _, p := range in.Precincts {
			v := p.Options[j]
			if v < minCount || v < 10 {
				continue
			}
			lastCounts[v%10]++
			secondCounts[secondDigit(v)]++
		}
		last[j] = chiSquareTest(name, lastCounts, uniform)
		second[j] = chiSquareTest(name, secondCounts, benfordSecond)
	}
	return last, second
}

// secondDigit returns the second significant digit of v >= 10.
func secondDigit(v int64) int64 {
	for v >= 100 {
		v /= 10
	}
	return v % 10
}

func chiSquareTest(option string, counts [10]int64, probs [10]float64) DigitTest {
	t := DigitTest{Option: option, Counts: counts, DF: 9, Expected: make([]float64, 10), PValue: 1}
	for _, c := range counts {
		t.N += c
	}
	if t.N == 0 {
		// No counts, no evidence: report a statistic of 0 and a p-value of 1
		// rather than NaN, which JSON cannot carry.
		return t
	}
	n := float64(t.N)
	for d, c := range counts {
		e := n * probs[d]
		t.Expected[d] = math.Round(e*100) / 100
		diff := float64(c) - e
		t.ChiSquare += diff * diff / e
	}
	t.PValue = distuv.ChiSquared{K: float64(t.DF)}.Survival(t.ChiSquare)
	return t
}
