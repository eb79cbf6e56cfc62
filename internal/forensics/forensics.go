package forensics

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
)

// Precinct is one polling station's protocol, reduced to the lines the
// statistics need.
type Precinct struct {
	Area       string  // precinct id or path, e.g. "Республика Адыгея (Адыгея)/1 Адыгейская/1"
	Region     string  // top-level area, for per-area breakdowns
	Registered int64   // voters on the register
	Issued     int64   // ballots issued (the turnout numerator)
	Cast       int64   // ballots found in boxes = valid + invalid (the leader-share denominator)
	Invalid    int64   // invalid ballots
	Options    []int64 // votes per option in ballot order
}

// Input is one contest: its options in ballot order and its precincts.
type Input struct {
	Options   []string
	Precincts []Precinct
}

// Config tunes Analyze. The zero value of every field means its documented
// default, so Config{} reproduces the published method.
type Config struct {
	// Seed seeds the Monte Carlo; the same seed gives the same report.
	Seed uint64
	// Replicates is the number of Monte Carlo replicates: 0 means 1000, and
	// fewer than 1000 is rejected because the standard error of the expected
	// count (sd/sqrt(replicates)) would then be too coarse to publish.
	Replicates int
	// Tolerance is the half-width of the "integer percentage" window in
	// hundredths of a percentage point: 0 means 5, i.e. ±0.05 pp.
	// It must be below 50 (a window of a whole percent would match everything).
	Tolerance int64
	// MinRegistered excludes small precincts from the integer test, where
	// simple fractions (1/2, 3/4) make whole percentages common by chance:
	// 0 means 100.
	MinRegistered int64
	// MaxPercent excludes precincts whose turnout or leader share exceeds it
	// (whole percent) from the integer test, because values near 100% are
	// bunched by the ceiling: 0 means 99.
	MaxPercent int64
	// FingerprintBins is the number of bins per axis of the fingerprint: 0 means 100.
	FingerprintBins int
	// MinDigitCount is the smallest count that enters the digit tests: 0 means
	// 10, so every count has a second digit and single-digit counts, whose
	// last digit is not uniform, are left out. Values below 10 act as 10.
	MinDigitCount int64
	// OutlierTurnout, OutlierLeader and OutlierInvalid are the outlier
	// thresholds in whole percent: 0 means 95, 95 and 10.
	OutlierTurnout, OutlierLeader, OutlierInvalid int64
	// Workers bounds the Monte Carlo's parallelism: 0 means runtime.GOMAXPROCS(0).
	// It never changes a result, only the time taken.
	Workers int
}

// ErrInvalid marks input or configuration that Analyze cannot accept. Callers
// map it to their own "invalid" error code with errors.Is.
var ErrInvalid = errors.New("forensics: invalid input")

// maxCount bounds every count so that the exact integer tests, which multiply
// counts by up to 10,000, cannot overflow int64. No real precinct comes close.
const maxCount = 1_000_000_000_000

// Caveat is attached to every report so that a reader of the JSON alone sees
// how the figures are meant to be read.
const Caveat = "These are statistical signals about the shape of published results, not findings of " +
	"wrongdoing. Each has innocent explanations; use them to decide where to look, then look."

func (c Config) withDefaults() (Config, error) {
	if c.Replicates == 0 {
		c.Replicates = 1000
	}
	if c.Tolerance == 0 {
		c.Tolerance = 5
	}
	if c.MinRegistered == 0 {
		c.MinRegistered = 100
	}
	if c.MaxPercent == 0 {
		c.MaxPercent = 99
	}
	if c.FingerprintBins == 0 {
		c.FingerprintBins = 100
	}
	if c.MinDigitCount == 0 {
		c.MinDigitCount = 10
	}
	if c.OutlierTurnout == 0 {
		c.OutlierTurnout = 95
	}
	if c.OutlierLeader == 0 {
		c.OutlierLeader = 95
	}
	if c.OutlierInvalid == 0 {
		c.OutlierInvalid = 10
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case c.Replicates < 1000 || c.Replicates > 1_000_000:
		return c, fmt.Errorf("%w: replicates must be between 1000 and 1000000, got %d", ErrInvalid, c.Replicates)
	case c.Tolerance < 0 || c.Tolerance >= 50:
		return c, fmt.Errorf("%w: tolerance must be between 1 and 49 hundredths of a point, got %d", ErrInvalid, c.Tolerance)
	case c.MinRegistered < 0:
		return c, fmt.Errorf("%w: negative minimum registered", ErrInvalid)
	case c.MaxPercent < 0 || c.MaxPercent > 100:
		return c, fmt.Errorf("%w: max percent must be between 1 and 100, got %d", ErrInvalid, c.MaxPercent)
	case c.FingerprintBins < 1 || c.FingerprintBins > 1000:
		return c, fmt.Errorf("%w: fingerprint bins must be between 1 and 1000, got %d", ErrInvalid, c.FingerprintBins)
	case c.MinDigitCount < 0:
		return c, fmt.Errorf("%w: negative minimum digit count", ErrInvalid)
	case c.OutlierTurnout < 0 || c.OutlierLeader < 0 || c.OutlierInvalid < 0:
		return c, fmt.Errorf("%w: negative outlier threshold", ErrInvalid)
	}
	return c, nil
}

// Report is the result of Analyze. It marshals to JSON with snake_case keys.
type Report struct {
	Caveat         string              `json:"caveat"`
	Options        []string            `json:"options"`
	Leader         int                 `json:"leader"`      // index of the nationally leading option
	LeaderName     string              `json:"leader_name"` // its name
	Totals         Totals              `json:"totals"`
	Fingerprint    Histogram           `json:"fingerprint"`
	IntegerPercent IntegerPercent      `json:"integer_percent"`
	Turnout        TurnoutDistribution `json:"turnout"`
	LastDigit      []DigitTest         `json:"last_digit"`
	SecondDigit    []DigitTest         `json:"second_digit"`
	Outliers       Outliers            `json:"outliers"`
	Regions        []RegionReport      `json:"regions"`
}

// Totals sums the protocol lines over every precinct.
type Totals struct {
	Precincts  int     `json:"precincts"`
	Registered int64   `json:"registered"`
	Issued     int64   `json:"issued"`
	Cast       int64   `json:"cast"`
	Invalid    int64   `json:"invalid"`
	Votes      []int64 `json:"votes"`
	// Inconsistent counts precincts whose option votes plus invalid ballots
	// differ from the ballots cast. They are still analysed: a forensic report
	// should describe the published numbers, not silently drop them.
	Inconsistent int `json:"inconsistent"`
}

// RegionReport breaks the main signals down by Precinct.Region.
type RegionReport struct {
	Region         string    `json:"region"`
	Precincts      int       `json:"precincts"`
	Registered     int64     `json:"registered"`
	Issued         int64     `json:"issued"`
	Cast           int64     `json:"cast"`
	LeaderVotes    int64     `json:"leader_votes"`
	Included       int       `json:"integer_included"`
	IntegerAny     int       `json:"integer_any"`
	IntegerLeader  int       `json:"integer_leader"`
	IntegerTurnout int       `json:"integer_turnout"`
	Fingerprint    Histogram `json:"fingerprint"`
}

// Analyze computes every signal for one contest.
func Analyze(in Input, cfg Config) (*Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := validate(in); err != nil {
		return nil, err
	}

	rep := &Report{Caveat: Caveat, Options: append([]string(nil), in.Options...)}
	rep.Totals = totals(in)
	rep.Leader = leaderIndex(rep.Totals.Votes)
	rep.LeaderName = in.Options[rep.Leader]

	rep.Fingerprint = fingerprint("", in.Precincts, rep.Leader, cfg.FingerprintBins)
	ip, flags := integerPercent(in.Precincts, rep.Leader, cfg)
	rep.IntegerPercent = ip
	rep.Turnout = turnoutDistribution(in.Precincts)
	rep.LastDigit, rep.SecondDigit = digitTests(in, cfg.MinDigitCount)
	rep.Outliers = outliers(in.Precincts, rep.Leader, cfg)
	rep.Regions = regions(in.Precincts, rep.Leader, flags, cfg)
	return rep, nil
}

func validate(in Input) error {
	if len(in.Options) == 0 {
		return fmt.Errorf("%w: no options", ErrInvalid)
	}
	if len(in.Precincts) == 0 {
		return fmt.Errorf("%w: no precincts", ErrInvalid)
	}
	for i, p := range in.Precincts {
		if len(p.Options) != len(in.Options) {
			return fmt.Errorf("%w: precinct %d (%q) has %d option counts, want %d",
				ErrInvalid, i, p.Area, len(p.Options), len(in.Options))
		}
		counts := [...]int64{p.Registered, p.Issued, p.Cast, p.Invalid}
		for _, v := range counts {
			if v < 0 || v > maxCount {
				return fmt.Errorf("%w: precinct %d (%q) has a count out of range: %d", ErrInvalid, i, p.Area, v)
			}
		}
		for _, v := range p.Options {
			if v < 0 || v > maxCount {
				return fmt.Errorf("%w: precinct %d (%q) has a vote count out of range: %d", ErrInvalid, i, p.Area, v)
			}
		}
	}
	return nil
}

func totals(in Input) Totals {
	t := Totals{Precincts: len(in.Precincts), Votes: make([]int64, len(in.Options))}
	for _, p := range in.Precincts {
		t.Registered += p.Registered
		t.Issued += p.Issued
		t.Cast += p.Cast
		t.Invalid += p.Invalid
		sum := p.Invalid
		for j, v := range p.Options {
			t.Votes[j] += v
			sum += v
		}
		if sum != p.Cast {
			t.Inconsistent++
		}
	}
	return t
}

// leaderIndex returns the option with the most votes; a tie goes to the
// option listed first on the ballot, so the choice never depends on map order
// or sorting stability.
func leaderIndex(votes []int64) int {
	best := 0
	for j, v := range votes {
		if v > votes[best] {
			best = j
		}
	}
	return best
}

func regions(ps []Precinct, leader int, flags []integerFlags, cfg Config) []RegionReport {
	byRegion := map[string][]int{}
	for i, p := range ps {
		byRegion[p.Region] = append(byRegion[p.Region], i)
	}
	names := make([]string, 0, len(byRegion))
	for name := range byRegion {
		names = append(names, name)
	}
	sort.Strings(names)

	out := make([]RegionReport, 0, len(names))
	for _, name := range names {
		idx := byRegion[name]
		rr := RegionReport{Region: name, Precincts: len(idx)}
		sub := make([]Precinct, 0, len(idx))
		for _, i := range idx {
			p := ps[i]
			sub = append(sub, p)
			rr.Registered += p.Registered
			rr.Issued += p.Issued
			rr.Cast += p.Cast
			rr.LeaderVotes += p.Options[leader]
			f := flags[i]
			if f.included {
				rr.Included++
			}
			if f.turnout {
				rr.IntegerTurnout++
			}
			if f.leader {
				rr.IntegerLeader++
			}
			if f.turnout || f.leader {
				rr.IntegerAny++
			}
		}
		rr.Fingerprint = fingerprint(name, sub, leader, cfg.FingerprintBins)
		out = append(out, rr)
	}
	return out
}
