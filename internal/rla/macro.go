package rla

import (
	"fmt"
	"math"
	"math/big"
	"sort"
)

// Tally holds votes by contest name and choice: tally[contest][choice].
type Tally map[string]map[string]int64

// Batch is one audit batch (here: a precinct) with its reported results.
type Batch struct {
	ID string `json:"id"`
	// Ballots is the number of ballots in the batch. It bounds how far any
	// contest's count in the batch can be overstated; for a contest on only
	// some of the batch's ballots it is a conservative (larger) bound.
	Ballots int64 `json:"ballots"`
	// Reported holds the reported votes. Contests not being audited are
	// ignored; a missing choice counts as zero votes.
	Reported Tally `json:"reported"`
}

// BatchBound is a batch's error bound u_p, exact.
type BatchBound struct {
	ID    string   `json:"id"`
	Bound *big.Rat `json:"bound"`
}

// Bounds are the MACRO error bounds of all batches and their total U, the
// largest total overstatement the batches could hide. JSON carries the
// rationals as exact "numerator/denominator" strings.
type Bounds struct {
	Batches []BatchBound `json:"batches"`
	Total   *big.Rat     `json:"total"`
}

// macro is the validated, precomputed state shared by the MACRO functions.
type macro struct {
	contests []Contest
	margins  []map[[2]string]int64 // per contest: V_w − V_l for each (w, l)
	batches  []Batch
	index    map[string]int
	bounds   []*big.Rat
	total    *big.Rat
}

// newMacro validates contests and batches and computes every u_p.
//
// MACRO, the maximum across-contest relative overstatement (Stark 2008), is
// for batch p
//
//	u_p = max over audited contests c and pairs (w, l) of (v_wp − v_lp + b_p) / V_wl,
//
// where v are the batch's reported votes, b_p its ballots and V_wl = V_w − V_l
// the contest's reported margin: the overstatement that would remain if every
// ballot in the batch had really been for l. With a single contest this is
// Arlo's macro.compute_max_error. The batches must account for every reported
// vote of each winner and loser, or the bound would not cover the contest.
func newMacro(contests []Contest, batches []Batch) (*macro, error) {
	if len(contests) == 0 {
		return nil, fmt.Errorf("%w: no contests to audit", ErrInvalid)
	}
	if len(batches) == 0 {
		return nil, fmt.Errorf("%w: no batches", ErrInvalid)
	}
	m := &macro{contests: contests, batches: batches, index: make(map[string]int, len(batches))}
	names := map[string]bool{}
	for _, c := range contests {
		if err := c.Validate(); err != nil {
			return nil, err
		}
		if names[c.Name] {
			return nil, fmt.Errorf("%w: contest %q listed twice", ErrInvalid, c.Name)
		}
		names[c.Name] = true
		margins := map[[2]string]int64{}
		for _, w := range c.Winners {
			for _, l := range c.Losers {
				margins[[2]string{w, l}] = c.Reported[w] - c.Reported[l]
			}
		}
		m.margins = append(m.margins, margins)
	}
	for i, b := range batches {
		if b.ID == "" {
			return nil, fmt.Errorf("%w: batch %d has no id", ErrInvalid, i)
		}
		if _, dup := m.index[b.ID]; dup {
			return nil, fmt.Errorf("%w: batch id %q used twice", ErrInvalid, b.ID)
		}
		m.index[b.ID] = i
		if b.Ballots < 0 {
			return nil, fmt.Errorf("%w: batch %q has negative ballots", ErrInvalid, b.ID)
		}
		if err := checkTally(b.Reported, "batch "+b.ID); err != nil {
			return nil, err
		}
	}
	for _, c := range contests {
		for _, ch := range append(append([]string{}, c.Winners...), c.Losers...) {
			var sum int64
			for _, b := range batches {
				sum += b.Reported[c.Name][ch]
			}
			if sum != c.Reported[ch] {
				return nil, fmt.Errorf("%w: contest %q: batches report %d votes for %q, the contest %d",
					ErrInvalid, c.Name, sum, ch, c.Reported[ch])
			}
		}
	}

	for _, c := range contests {
		if c.tied() {
			return m, fmt.Errorf("contest %q: %w", c.Name, ErrTie)
		}
	}
	m.total = new(big.Rat)
	m.bounds = make([]*big.Rat, len(batches))
	for i, b := range batches {
		u := new(big.Rat)
		for ci, c := range contests {
			votes, ok := b.Reported[c.Name]
			if !ok {
				continue
			}
			for pair, margin := range m.margins[ci] {
				num := votes[pair[0]] - votes[pair[1]] + b.Ballots
				if r := big.NewRat(num, margin); r.Cmp(u) > 0 {
					u = r
				}
			}
		}
		m.bounds[i] = u
		m.total.Add(m.total, u)
	}
	return m, nil
}

func checkTally(t Tally, where string) error {
	for contest, votes := range t {
		for ch, v := range votes {
			if v < 0 {
				return fmt.Errorf("%w: %s: negative votes for %q in %q", ErrInvalid, where, ch, contest)
			}
		}
	}
	return nil
}

// overstatement returns e_p, the batch's largest relative overstatement of
// any reported margin. Understatements (errors that made a winner look weaker
// than the ballots show) count as zero, as in Arlo; giving them credit would
// be valid but less conservative:
//
//	e_p = max(0, max over c, (w, l) of ((v_wp − v_lp) − (a_wp − a_lp)) / V_wl),
//
// where a are the audited votes. Every audited contest the batch reports must
// be in the audited tally.
func (m *macro) overstatement(i int, audited Tally) (*big.Rat, error) {
	b := m.batches[i]
	e := new(big.Rat)
	for ci, c := range m.contests {
		reported, ok := b.Reported[c.Name]
		if !ok {
			continue
		}
		found, ok := audited[c.Name]
		if !ok {
			return nil, fmt.Errorf("%w: batch %q: audited tally has no count for contest %q", ErrInvalid, b.ID, c.Name)
		}
		for pair, margin := range m.margins[ci] {
			num := (reported[pair[0]] - reported[pair[1]]) - (found[pair[0]] - found[pair[1]])
			if r := big.NewRat(num, margin); r.Cmp(e) > 0 {
				e = r
			}
		}
	}
	return e, nil
}

// MacroBounds returns the error bound u_p of every batch (in input order) and
// their total U. It returns ErrTie for a tied contest, where no bound exists.
func MacroBounds(contests []Contest, batches []Batch) (Bounds, error) {
	m, err := newMacro(contests, batches)
	if err != nil {
		return Bounds{}, err
	}
	out := Bounds{Total: m.total}
	for i, b := range batches {
		out.Batches = append(out.Batches, BatchBound{ID: b.ID, Bound: m.bounds[i]})
	}
	return out, nil
}

// MacroSampleSize returns the number of PPEBWR draws expected to confirm the
// outcomes if the audit finds no errors (Arlo, macro.get_sample_sizes):
//
//	n = ceil(ln α / ln(1 − 1/U)),
//
// capped at the number of batches. audited holds batches already hand-counted
// (by batch id); their bound is replaced by the overstatement actually found,
// which shows how far the audit still is from finishing. It returns 0 when
// every batch has been audited or U < 1 (even the largest possible errors
// could not change an outcome), 1 when U = 1, and the number of batches,
// with ErrTie, for a tied contest.
func MacroSampleSize(contests []Contest, batches []Batch, riskLimit float64, audited map[string]Tally) (int, error) {
	if err := validRiskLimit(riskLimit); err != nil {
		return 0, err
	}
	m, err := newMacro(contests, batches)
	if err != nil {
		if m != nil {
			return len(batches), err
		}
		return 0, err
	}
	if err := m.checkAudited(audited); err != nil {
		return 0, err
	}
	if len(audited) == len(batches) {
		return 0, nil
	}
	u := new(big.Rat)
	for i, b := range batches {
		if a, ok := audited[b.ID]; ok {
			e, err := m.overstatement(i, a)
			if err != nil {
				return 0, err
			}
			u.Add(u, e)
			continue
		}
		u.Add(u, m.bounds[i])
	}
	one := big.NewRat(1, 1)
	switch u.Cmp(one) {
	case -1:
		return 0, nil
	case 0:
		return 1, nil
	}
	uf, _ := u.Float64()
	n := math.Ceil(math.Log(riskLimit) / math.Log1p(-1/uf))
	return int(math.Min(n, float64(len(batches)))), nil
}

func (m *macro) checkAudited(audited map[string]Tally) error {
	for id, t := range audited {
		if _, ok := m.index[id]; !ok {
			return fmt.Errorf("%w: audited batch %q is not in the manifest", ErrInvalid, id)
		}
		if err := checkTally(t, "audited batch "+id); err != nil {
			return err
		}
	}
	return nil
}

// MacroRisk measures the risk of the reported outcomes from batches drawn by
// PPEBWR and hand-counted: draws lists batch ids in sampling order (a batch
// drawn twice appears twice) and audited holds each drawn batch's hand count.
//
// The measure is the Kaplan–Markov P-value (Stark 2009), as in Arlo's
// macro.compute_risk:
//
//	P = Π over draws j of (1 − 1/U) / (1 − t_j),  t_j = e_p/u_p (the taint),
//
// with U computed from reported results only, which is conservative. The test
// is sequential: it stops at the first draw where P <= riskLimit, and reports
// that P; otherwise it reports P after all draws, capped at 1. A taint of 1 or
// more (the batch was overstated as much as its size allows) or a tied contest
// makes confirmation impossible: the risk is 1 and NeedsFullHandCount is set.
// Draws of batches that carry none of the audited contests, which PPEBWR
// cannot produce, are skipped, as Arlo does; counting them would lower P.
//
// If every batch has been hand-counted the audit is a full hand count: the
// risk is 0 if the counts confirm every reported winner, and 1 (with
// NeedsFullHandCount) otherwise — the hand count's outcome then replaces the
// reported one.
func MacroRisk(contests []Contest, batches []Batch, riskLimit float64, draws []string, audited map[string]Tally) (Risk, error) {
	if err := validRiskLimit(riskLimit); err != nil {
		return Risk{}, err
	}
	r := Risk{Method: MethodMacro, Measured: 1}
	m, err := newMacro(contests, batches)
	if err != nil {
		if m == nil {
			return Risk{}, err
		}
		// A tie: only a full hand count can decide it.
		r.NeedsFullHandCount = true
	}
	if err := m.checkAudited(audited); err != nil {
		return Risk{}, err
	}
	if len(audited) == len(batches) {
		return m.fullCount(audited)
	}
	if r.NeedsFullHandCount {
		return r, nil
	}

	one := big.NewRat(1, 1)
	if m.total.Cmp(one) < 0 {
		// Even maximal errors in every batch could not change an outcome.
		r.Measured = 0
		return r, nil
	}
	uf, _ := m.total.Float64()
	logStep := math.Log1p(-1 / uf) // ln(1 − 1/U); −Inf when U = 1
	logP := 0.0
	for _, id := range draws {
		i, ok := m.index[id]
		if !ok {
			return Risk{}, fmt.Errorf("%w: drawn batch %q is not in the manifest", ErrInvalid, id)
		}
		if m.bounds[i].Sign() == 0 {
			continue
		}
		a, ok := audited[id]
		if !ok {
			return Risk{}, fmt.Errorf("%w: drawn batch %q has no audited count yet", ErrInvalid, id)
		}
		e, err := m.overstatement(i, a)
		if err != nil {
			return Risk{}, err
		}
		taint := new(big.Rat).Quo(e, m.bounds[i])
		r.Draws++
		if taint.Cmp(one) >= 0 {
			r.Measured = 1
			r.NeedsFullHandCount = true
			return r, nil
		}
		tf, _ := taint.Float64()
		logP += logStep - math.Log1p(-tf)
		if logP <= math.Log(riskLimit) {
			r.Measured = math.Exp(logP)
			return r, nil
		}
	}
	r.Measured = math.Min(1, math.Exp(logP))
	return r, nil
}

// fullCount judges a complete hand count: the reported outcome stands if every
// reported winner still beats every reported loser in the counted totals.
func (m *macro) fullCount(audited map[string]Tally) (Risk, error) {
	r := Risk{Method: MethodMacro, Draws: int64(len(m.batches)), Complete: true}
	for _, c := range m.contests {
		totals := map[string]int64{}
		for _, b := range m.batches {
			if _, ok := b.Reported[c.Name]; !ok {
				continue
			}
			found, ok := audited[b.ID][c.Name]
			if !ok {
				return Risk{}, fmt.Errorf("%w: batch %q: audited tally has no count for contest %q", ErrInvalid, b.ID, c.Name)
			}
			for ch, v := range found {
				totals[ch] += v
			}
		}
		for _, w := range c.Winners {
			for _, l := range c.Losers {
				if totals[w] <= totals[l] {
					r.Measured = 1
					r.NeedsFullHandCount = true
				}
			}
		}
	}
	return r, nil
}

// sortedBatches returns the batches ordered by id, so that a sample never
// depends on the order in which a manifest happens to list them.
func sortedBatches(m *macro) []int {
	idx := make([]int, len(m.batches))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return m.batches[idx[a]].ID < m.batches[idx[b]].ID })
	return idx
}
