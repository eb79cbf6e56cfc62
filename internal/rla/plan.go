package rla

import (
	"fmt"
	"math"
)

// The types in this file carry an audit through its public steps, one JSON
// document each, which is how `dauys audit plan|sample|record|status` is meant
// to use them:
//
//  1. plan: the board publishes a Plan (contests, risk limit, manifest or
//     batches, first-round size) before any randomness exists;
//  2. sample: after a public seed is drawn (dice rolled in public), anyone can
//     recompute the Sample from the Plan and the seed;
//  3. record: auditors record what the paper shows in a Record;
//  4. status: the Plan, Sample and Record give a Status per contest — the
//     measured risk and whether to stop or escalate.

// Plan is a published audit plan.
type Plan struct {
	Method    Method    `json:"method"`
	RiskLimit float64   `json:"risk_limit"`
	Contests  []Contest `json:"contests"`
	// Quantile is the chance, if the reported results are exact, that the
	// first round finishes a BRAVO audit; it sets the round size.
	Quantile float64 `json:"quantile,omitempty"`
	// Manifest lists the paper ballots a BRAVO sample is drawn from.
	Manifest []ManifestBatch `json:"manifest,omitempty"`
	// Batches are the MACRO batches with their reported results.
	Batches []Batch `json:"batches,omitempty"`
	// SampleSize is the size of the first round: ballots for BRAVO, batch
	// draws for MACRO.
	SampleSize int        `json:"sample_size"`
	Estimates  []Estimate `json:"estimates"`
}

// Estimate is the planning arithmetic for one contest (BRAVO) or for all
// contests together (MACRO). BRAVO sizes are scaled from the contest's own
// ballots to the whole manifest, since ballots without the contest are drawn
// too.
type Estimate struct {
	Contest        string  `json:"contest"`
	SampleSize     int     `json:"sample_size"`
	ASN            int     `json:"asn,omitempty"`
	ASNProbability float64 `json:"asn_probability,omitempty"`
}

// NewBravoPlan plans a ballot-polling audit of contests whose ballots are
// listed in manifest. The first round is the largest of the contests' sizes
// for the given quantile.
func NewBravoPlan(contests []Contest, manifest []ManifestBatch, riskLimit, quantile float64) (Plan, error) {
	p := Plan{Method: MethodBravo, RiskLimit: riskLimit, Contests: contests, Quantile: quantile, Manifest: manifest}
	total, err := manifestTotal(manifest)
	if err != nil {
		return Plan{}, err
	}
	if len(contests) == 0 {
		return Plan{}, fmt.Errorf("%w: no contests to audit", ErrInvalid)
	}
	for _, c := range contests {
		if c.BallotsCast > total {
			return Plan{}, fmt.Errorf("%w: contest %q has %d ballots, the manifest only %d",
				ErrInvalid, c.Name, c.BallotsCast, total)
		}
		n, err := BravoSampleSize(c, riskLimit, quantile)
		if err != nil {
			return Plan{}, err
		}
		asn, err := BravoASN(c, riskLimit, nil)
		if err != nil {
			return Plan{}, err
		}
		prob, err := BravoCompletionProbability(c, riskLimit, asn, nil)
		if err != nil {
			return Plan{}, err
		}
		e := Estimate{Contest: c.Name, SampleSize: scaleToManifest(n, c.BallotsCast, total),
			ASN: scaleToManifest(asn, c.BallotsCast, total), ASNProbability: math.Round(prob*100) / 100}
		p.Estimates = append(p.Estimates, e)
		p.SampleSize = max(p.SampleSize, e.SampleSize)
	}
	return p, nil
}

// NewMacroPlan plans a batch-comparison audit of contests over batches.
func NewMacroPlan(contests []Contest, batches []Batch, riskLimit float64) (Plan, error) {
	n, err := MacroSampleSize(contests, batches, riskLimit, nil)
	if err != nil {
		return Plan{}, err
	}
	names := ""
	for i, c := range contests {
		if i > 0 {
			names += ", "
		}
		names += c.Name
	}
	return Plan{Method: MethodMacro, RiskLimit: riskLimit, Contests: contests, Batches: batches, SampleSize: n,
		Estimates: []Estimate{{Contest: names, SampleSize: n}}}, nil
}

func manifestTotal(manifest []ManifestBatch) (int64, error) {
	var total int64
	seen := map[string]bool{}
	for _, b := range manifest {
		if b.Ballots < 0 || b.ID == "" || seen[b.ID] {
			return 0, fmt.Errorf("%w: manifest batch %q is malformed or repeated", ErrInvalid, b.ID)
		}
		seen[b.ID] = true
		total += b.Ballots
	}
	if total == 0 {
		return 0, fmt.Errorf("%w: the manifest lists no ballots", ErrInvalid)
	}
	return total, nil
}

// scaleToManifest converts a number of ballots carrying a contest into the
// number of manifest ballots to draw to expect that many: ceil(n·total/ballots).
func scaleToManifest(n int, ballots, total int64) int {
	if ballots <= 0 || ballots == total {
		return n
	}
	return int(math.Ceil(float64(n) * float64(total) / float64(ballots)))
}

// Sample is a drawn sample: ballots (BRAVO) or batch draws (MACRO), in draw
// order, with the seed that produced them.
type Sample struct {
	Method  Method   `json:"method"`
	Seed    string   `json:"seed"`
	Ballots []Ballot `json:"ballots,omitempty"`
	Draws   []Draw   `json:"draws,omitempty"`
}

// Sample draws the first n items of the plan's sample from seed. Asking for a
// larger n later returns the same first n items followed by new ones, which
// is how an audit escalates.
func (p Plan) Sample(seed string, n int) (Sample, error) {
	s := Sample{Method: p.Method, Seed: seed}
	switch p.Method {
	case MethodBravo:
		total, err := manifestTotal(p.Manifest)
		if err != nil {
			return Sample{}, err
		}
		positions, err := SampleBallots(seed, n, total)
		if err != nil {
			return Sample{}, err
		}
		s.Ballots, err = LocateBallots(p.Manifest, positions)
		if err != nil {
			return Sample{}, err
		}
	case MethodMacro:
		draws, err := SampleBatches(seed, p.Contests, p.Batches, n)
		if err != nil {
			return Sample{}, err
		}
		s.Draws = draws
	default:
		return Sample{}, fmt.Errorf("%w: unknown method %q", ErrInvalid, p.Method)
	}
	return s, nil
}

// Record is what the auditors found.
type Record struct {
	// Ballots (BRAVO) counts the sampled ballots by contest and choice. A
	// ballot drawn twice is counted twice, as sampling with replacement
	// requires; blank or invalid ballots go under a choice listed in the
	// contest's Reported (such as "blank"), and ballots without the contest
	// are not counted.
	Ballots map[string]map[string]int64 `json:"ballots,omitempty"`
	// Batches (MACRO) holds the hand count of each audited batch by id.
	Batches map[string]Tally `json:"batches,omitempty"`
}

// Status is the state of an audit after a round.
type Status struct {
	Contests  []string `json:"contests"`
	Method    Method   `json:"method"`
	RiskLimit float64  `json:"risk_limit"`
	Risk      Risk     `json:"risk"`
	// Finished is set when the measured risk is within the risk limit: the
	// reported outcome is confirmed and the audit can stop.
	Finished bool `json:"finished"`
	// Escalate is set otherwise: draw NextRoundSize more items, or count
	// every ballot by hand (always when Risk.NeedsFullHandCount is set).
	Escalate      bool   `json:"escalate"`
	NextRoundSize int    `json:"next_round_size,omitempty"`
	Message       string `json:"message"`
}

// Status evaluates a round: the measured risk for each contest (BRAVO) or for
// all contests together (MACRO, whose sample was drawn for all of them), and
// whether to stop or escalate.
func (p Plan) Status(s Sample, r Record) ([]Status, error) {
	if err := validRiskLimit(p.RiskLimit); err != nil {
		return nil, err
	}
	switch p.Method {
	case MethodBravo:
		return p.bravoStatus(s, r)
	case MethodMacro:
		return p.macroStatus(s, r)
	}
	return nil, fmt.Errorf("%w: unknown method %q", ErrInvalid, p.Method)
}

func (p Plan) bravoStatus(s Sample, r Record) ([]Status, error) {
	total, err := manifestTotal(p.Manifest)
	if err != nil {
		return nil, err
	}
	for name := range r.Ballots {
		if !p.hasContest(name) {
			return nil, fmt.Errorf("%w: record has ballots for unknown contest %q", ErrInvalid, name)
		}
	}
	var out []Status
	for _, c := range p.Contests {
		sample := r.Ballots[c.Name]
		risk, err := BravoRisk(c, sample)
		if err != nil {
			return nil, err
		}
		if risk.Draws > int64(len(s.Ballots)) {
			return nil, fmt.Errorf("%w: contest %q: %d ballots recorded but only %d drawn",
				ErrInvalid, c.Name, risk.Draws, len(s.Ballots))
		}
		st := Status{Contests: []string{c.Name}, Method: MethodBravo, RiskLimit: p.RiskLimit, Risk: risk}
		if risk.Measured <= p.RiskLimit {
			st.Finished = true
		} else {
			st.Escalate = true
			next, err := BravoNextRoundSize(c, p.RiskLimit, p.Quantile, sample)
			if err != nil {
				return nil, err
			}
			st.NextRoundSize = scaleToManifest(next, c.BallotsCast, total)
			if int64(len(s.Ballots)+st.NextRoundSize) >= total {
				st.Risk.NeedsFullHandCount = true
			}
		}
		st.Message = statusMessage(st)
		out = append(out, st)
	}
	return out, nil
}

func (p Plan) macroStatus(s Sample, r Record) ([]Status, error) {
	ids := make([]string, len(s.Draws))
	for i, d := range s.Draws {
		ids[i] = d.BatchID
	}
	risk, err := MacroRisk(p.Contests, p.Batches, p.RiskLimit, ids, r.Batches)
	if err != nil {
		return nil, err
	}
	st := Status{Method: MethodMacro, RiskLimit: p.RiskLimit, Risk: risk}
	for _, c := range p.Contests {
		st.Contests = append(st.Contests, c.Name)
	}
	if risk.Measured <= p.RiskLimit {
		st.Finished = true
	} else {
		st.Escalate = true
		if !risk.NeedsFullHandCount {
			n, err := MacroSampleSize(p.Contests, p.Batches, p.RiskLimit, r.Batches)
			if err != nil {
				return nil, err
			}
			st.NextRoundSize = n
		}
	}
	st.Message = statusMessage(st)
	return []Status{st}, nil
}

func (p Plan) hasContest(name string) bool {
	for _, c := range p.Contests {
		if c.Name == name {
			return true
		}
	}
	return false
}

// statusMessage explains a status in plain words. It describes evidence, not
// blame: an escalation means the sample so far is not strong enough, which
// happens to correct outcomes too.
func statusMessage(st Status) string {
	limit := fmt.Sprintf("%g%%", st.RiskLimit*100)
	switch {
	case st.Risk.Complete && st.Finished:
		return "Every batch was counted by hand and the counts confirm the reported outcome."
	case st.Risk.Complete:
		return "Every batch was counted by hand and the counts do not confirm the reported outcome: " +
			"the hand count decides it."
	case st.Finished:
		return fmt.Sprintf("The sample confirms the reported outcome: the measured risk %.4g is within the %s "+
			"risk limit, so the audit can stop.", st.Risk.Measured, limit)
	case st.Risk.NeedsFullHandCount:
		return "The sample cannot confirm the reported outcome at this risk limit. Count every ballot by hand; " +
			"the hand count decides the outcome."
	default:
		return fmt.Sprintf("The measured risk %.4g is above the %s risk limit: the sample is not yet strong enough "+
			"evidence. Escalate by drawing about %d more, or count every ballot by hand.",
			st.Risk.Measured, limit, st.NextRoundSize)
	}
}
