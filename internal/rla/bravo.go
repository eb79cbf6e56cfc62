package rla

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Method names an audit method in plans and statuses.
type Method string

const (
	// MethodBravo is ballot-polling BRAVO.
	MethodBravo Method = "bravo"
	// MethodMacro is batch comparison with MACRO and PPEBWR sampling.
	MethodMacro Method = "macro"
)

// PairRisk is the measured risk for one reported winner against one loser.
type PairRisk struct {
	Winner string  `json:"winner"`
	Loser  string  `json:"loser"`
	Risk   float64 `json:"risk"`
}

// Risk is the measured risk of a reported outcome given an audit sample: the
// P-value of the hypothesis that the outcome is wrong. The outcome is
// confirmed at risk limit α when Measured <= α.
type Risk struct {
	Method   Method     `json:"method"`
	Measured float64    `json:"measured_risk"`
	Pairs    []PairRisk `json:"pairs,omitempty"`
	// Draws is the number of sampled ballots (BRAVO) or batch draws (MACRO)
	// the measurement used.
	Draws int64 `json:"draws"`
	// NeedsFullHandCount is set when no further sampling can confirm the
	// outcome: a reported tie, a batch whose audited count shows the largest
	// overstatement its size allows, a complete hand count that contradicts
	// the reported winners, or a next round as large as the manifest.
	NeedsFullHandCount bool `json:"needs_full_hand_count"`
	// Complete is set when every batch was counted by hand, so the risk is
	// that of a full count: 0 if it confirms the reported winners.
	Complete bool `json:"complete,omitempty"`
}

// BravoRisk measures the risk of contest c's reported outcome from a
// ballot-polling sample drawn uniformly with replacement, given as the number
// of sampled ballots for each choice (every draw counts, repeats included).
//
// For each winner w and loser l, BRAVO's sequential probability ratio test
// statistic is (Lindeman, Stark & Yates 2012, section 4)
//
//	T = (s/½)^n_w · ((1−s)/½)^n_l,  s = V_w/(V_w+V_l),
//
// where V are reported votes and n sampled ballots; ballots for other choices
// leave T unchanged. The measured risk of the pair is min(1, 1/T) and that of
// the contest the largest over all pairs. T is computed as a sum of
// logarithms, so a sample of any size neither overflows nor underflows.
func BravoRisk(c Contest, sample map[string]int64) (Risk, error) {
	if err := c.Validate(); err != nil {
		return Risk{}, err
	}
	draws, err := checkSample(c, sample)
	if err != nil {
		return Risk{}, err
	}
	r := Risk{Method: MethodBravo, Draws: draws}
	for _, w := range c.Winners {
		for _, l := range c.Losers {
			risk := math.Min(1, math.Exp(-bravoLogT(c.Reported[w], c.Reported[l], sample[w], sample[l])))
			r.Pairs = append(r.Pairs, PairRisk{Winner: w, Loser: l, Risk: risk})
			r.Measured = math.Max(r.Measured, risk)
		}
	}
	return r, nil
}

// bravoLogT returns log T for one pair. It is −Inf when the sample contains a
// ballot for a loser reported with no votes (the reported shares are then
// impossible) and 0 when both have no votes (there is nothing to test).
func bravoLogT(vw, vl, nw, nl int64) float64 {
	if vw+vl == 0 {
		return 0
	}
	var logT float64
	if nw > 0 {
		logT += float64(nw) * math.Log(2*float64(vw)/float64(vw+vl))
	}
	if nl > 0 {
		if vl == vw+vl {
			// Unreachable for a valid contest (winners never trail), kept so
			// that the function is total.
			return 0
		}
		if vw == vw+vl {
			return math.Inf(-1)
		}
		logT += float64(nl) * math.Log(2*float64(vl)/float64(vw+vl))
	}
	return logT
}

// checkSample rejects negative counts and choices the contest does not know,
// so that a misspelt choice cannot silently drop ballots from the test.
func checkSample(c Contest, sample map[string]int64) (int64, error) {
	var total int64
	for ch, n := range sample {
		if _, ok := c.Reported[ch]; !ok {
			return 0, fmt.Errorf("%w: contest %q: sample has ballots for unknown choice %q "+
				"(record blank or invalid ballots under a choice listed in Reported)", ErrInvalid, c.Name, ch)
		}
		if n < 0 {
			return 0, fmt.Errorf("%w: contest %q: negative sample count for %q", ErrInvalid, c.Name, ch)
		}
		total += n
	}
	return total, nil
}

// BravoASN returns BRAVO's average sample number: the expected number of
// further ballots to sample before the audit confirms the outcome, if the
// reported shares are exact (Lindeman, Stark & Yates 2012, equation for
// ASN; the form Arlo uses):
//
//	ASN ≈ (ln(1/α) − ln T + ln(2s)/2) / (p_w ln(2s) + p_l ln(2−2s)),
//
// for the hardest pair (the winner with the fewest votes, the loser with the
// most), where p are shares of ballots cast, s = p_w/(p_w+p_l), and T is the
// smallest test statistic of the sample so far (1 with no sample). It
// returns 0 when the sample already meets the risk limit, and ErrTie for a
// tie. With a 60%–40% contest and a 10% risk limit the ASN is 119 ballots.
func BravoASN(c Contest, riskLimit float64, sample map[string]int64) (int, error) {
	if err := bravoChecks(c, riskLimit); err != nil {
		return 0, err
	}
	if _, err := checkSample(c, sample); err != nil {
		return 0, err
	}
	w, l := c.hardestPair()
	b := float64(c.BallotsCast)
	pw, pl := float64(c.Reported[w])/b, float64(c.Reported[l])/b
	sw := pw / (pw + pl)
	zw := math.Log(2 * sw)
	den := pw * zw
	if pl > 0 {
		den += pl * math.Log(2-2*sw)
	}
	logT := minLogT(c, sample)
	if math.IsInf(logT, -1) {
		// The sample contradicts the reported shares; only a full hand
		// count can settle the outcome.
		return int(c.BallotsCast), nil
	}
	n := math.Ceil((math.Log(1/riskLimit) - logT + zw/2) / den)
	if n <= 0 {
		return 0, nil
	}
	return int(n), nil
}

func minLogT(c Contest, sample map[string]int64) float64 {
	logT := math.Inf(1)
	for _, w := range c.Winners {
		for _, l := range c.Losers {
			logT = math.Min(logT, bravoLogT(c.Reported[w], c.Reported[l], sample[w], sample[l]))
		}
	}
	return logT
}

func bravoChecks(c Contest, riskLimit float64) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := validRiskLimit(riskLimit); err != nil {
		return err
	}
	if c.tied() {
		return fmt.Errorf("contest %q: %w", c.Name, ErrTie)
	}
	return nil
}

// BravoSampleSize returns the number of ballots to sample in the first round
// so that, if the reported shares are exact, the audit finishes in that round
// with probability quantile (for example 0.9). It is Mark Lindeman's analytic
// method as implemented in Arlo (bravo.bravo_sample_sizes): solve the normal
// approximation for the two-way sample of the hardest pair, then step up until
// the binomial quantile attains the risk limit, and scale by the pair's share
// of all ballots. Sources of the worked numbers are in the tests.
func BravoSampleSize(c Contest, riskLimit float64, quantile float64) (int, error) {
	return BravoNextRoundSize(c, riskLimit, quantile, nil)
}

// BravoNextRoundSize is BravoSampleSize for a later round: sample holds the
// ballots already audited, and the result is the number of additional
// ballots to sample (0 if the sample already meets the risk limit).
func BravoNextRoundSize(c Contest, riskLimit, quantile float64, sample map[string]int64) (int, error) {
	if err := bravoChecks(c, riskLimit); err != nil {
		return 0, err
	}
	if !(quantile > 0 && quantile < 1) {
		return 0, fmt.Errorf("%w: quantile must be strictly between 0 and 1, got %v", ErrInvalid, quantile)
	}
	if _, err := checkSample(c, sample); err != nil {
		return 0, err
	}
	w, l := c.hardestPair()
	return lindemanSize(riskLimit, c.Reported[w], c.Reported[l], c.BallotsCast, sample[w], sample[l], quantile), nil
}

// lindemanSize is Arlo's bravo_sample_sizes (written by Mark Lindeman) for a
// winner and runner-up with vw and vr of ballots reported votes.
func lindemanSize(alpha float64, vw, vr, ballots, sampleW, sampleR int64, quantile float64) int {
	b := float64(ballots)
	pw, pr := float64(vw)/b, float64(vr)/b
	pw2 := pw / (pw + pr)
	pr2 := 1 - pw2
	plus := math.Log(pw2 / 0.5)
	threshold := math.Log(1/alpha) - float64(sampleW)*plus
	if pr2 <= 0 {
		// The loser has no reported votes: every relevant ballot is a
		// winner's, and the audit needs just enough of them.
		if threshold <= 0 {
			return 0
		}
		size := math.Floor(threshold/plus) + 1
		return dilute(size, vw+vr, ballots)
	}
	minus := math.Log(pr2 / 0.5)
	threshold -= float64(sampleR) * minus
	if threshold <= 0 {
		return 0
	}
	z := -distuv.UnitNormal.Quantile(quantile)

	// E_x = n·p_w2 + z·√(n·p_w2·p_r2) is the expected number of winner
	// ballots at the (1−quantile) quantile and R_x = (threshold − minus·n)/
	// (plus − minus) the fewest that attain the risk limit; setting them equal
	// gives a quadratic in n whose larger root we want when quantile > ½.
	d := pw2 * pr2
	f := threshold / (plus - minus)
	g := minus/(plus-minus) + pw2
	qa := g * g
	qb := -(z*z*d + 2*f*g)
	qc := f * f
	radical := math.Sqrt(math.Max(0, qb*qb-4*qa*qc))
	var size float64
	if quantile > 0.5 {
		size = math.Floor((-qb + radical) / (2 * qa))
	} else {
		size = math.Floor((-qb - radical) / (2 * qa))
	}
	size = math.Max(size, 0)

	// Both sides are continuous approximations of discrete functions, so
	// step up until the exact binomial quantile attains the risk limit.
	for {
		xc := binomialQuantile(1-quantile, int64(size), pw2)
		if float64(xc)*plus+(size-float64(xc))*minus > threshold {
			break
		}
		size++
	}
	return dilute(size, vw+vr, ballots)
}

// dilute scales a two-way sample size up to all ballots, since ballots for
// other choices carry no evidence about the pair: ceil(size·ballots/pair),
// Arlo's "simple adjustment". It is computed exactly in integers; Arlo
// divides by a sum of two binary floating-point shares and can land one
// ballot higher when the quotient is a whole number (see the tests).
func dilute(size float64, pair, ballots int64) int {
	s := int64(size)
	if pair <= 0 {
		return 0
	}
	if s > 0 && ballots > math.MaxInt64/s {
		return int(math.Ceil(size * float64(ballots) / float64(pair)))
	}
	return int((s*ballots + pair - 1) / pair)
}

// binomialQuantile returns the smallest k with P(X <= k) >= q for
// X ~ Binomial(n, p), as scipy.stats.binom.ppf does for 0 < q < 1.
func binomialQuantile(q float64, n int64, p float64) int64 {
	if n <= 0 {
		return 0
	}
	d := distuv.Binomial{N: float64(n), P: p}
	lo, hi := int64(0), n
	for lo < hi {
		mid := lo + (hi-lo)/2
		if d.CDF(float64(mid)) >= q {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// BravoCompletionProbability estimates the chance that a round of n sampled
// ballots finishes the audit if the reported shares are exact, by the normal
// approximation Arlo uses to label its ASN option (bravo.expected_prob): for a
// 60%–40% contest at a 10% risk limit, 119 ballots finish with probability
// about 0.52.
func BravoCompletionProbability(c Contest, riskLimit float64, n int, sample map[string]int64) (float64, error) {
	if err := bravoChecks(c, riskLimit); err != nil {
		return 0, err
	}
	if _, err := checkSample(c, sample); err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, fmt.Errorf("%w: negative round size", ErrInvalid)
	}
	w, l := c.hardestPair()
	b := float64(c.BallotsCast)
	pw, pr := float64(c.Reported[w])/b, float64(c.Reported[l])/b
	pwr := pw + pr
	pw2 := pw / pwr
	pr2 := 1 - pw2
	plus := math.Log(pw2 / 0.5)
	threshold := math.Log(1/riskLimit) - float64(sample[w])*plus
	if pr2 <= 0 {
		if threshold <= 0 {
			return 1, nil
		}
		// Each ballot in the round is the winner's with probability pw.
		need := int64(math.Floor(threshold/plus)) + 1
		return distuv.Binomial{N: float64(n), P: pw}.Survival(float64(need - 1)), nil
	}
	minus := math.Log(pr2 / 0.5)
	threshold -= float64(sample[l]) * minus
	if threshold <= 0 {
		return 1, nil
	}
	if n == 0 {
		return 0, nil
	}
	m := float64(n) * pwr
	rx := (threshold - minus*m) / (plus - minus)
	z := (rx - m*pw2) / math.Sqrt(m*pw2*pr2)
	return distuv.UnitNormal.CDF(-z), nil
}
