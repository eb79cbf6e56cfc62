package tally

import (
	"context"
	"math/big"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/rules"
)

// Turnout returns an area's turnout through polling day: the voters who
// received ballots at each reporting time the election defines, summed
// over the precincts below the area that reported, and, for an election
// with a referendum, the first time at which they passed its quorum.
func (t *Tally) Turnout(ctx context.Context, election, area string) (*TurnoutSummary, error) {
	e, err := t.elections.Load(ctx, election)
	if err != nil {
		return nil, err
	}
	if e.Tree.Area(area) == nil {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "election %s has no area %s", election, dauys.QuotePrefix(area))
	}
	totals, err := t.store.Turnout(ctx, election, area)
	if err != nil {
		return nil, err
	}
	s := SummarizeTurnout(e.TurnoutTimes(), totals, Quorum(e.Election))
	return &s, nil
}

// TurnoutReports returns every version of every turnout report of the
// precincts below an area, as the store keeps them.
func (t *Tally) TurnoutReports(ctx context.Context, election, area string) ([]*dauys.TurnoutReport, error) {
	return t.store.TurnoutReports(ctx, election, area)
}

// Quorum returns the turnout quorum of the election's referendum, in
// percent of the registered voters, or nil when no contest of it has one.
// The quorum is the rules engine's (the contest's preset or its own
// rules), so the page that announces validity and the decision agree.
func Quorum(e *dauys.Election) *big.Rat {
	for i := range e.Contests {
		r, err := rules.For(&e.Contests[i])
		if err == nil && r.Quorum != nil && r.Quorum.Sign() > 0 {
			return r.Quorum
		}
	}
	return nil
}

// overQuorum reports whether voters are more than quorum percent of
// registered, exactly.
func overQuorum(voters int64, quorum *big.Rat, registered int64) bool {
	lhs := new(big.Rat).SetInt(new(big.Int).Mul(big.NewInt(voters), big.NewInt(100)))
	rhs := new(big.Rat).Mul(quorum, new(big.Rat).SetInt64(registered))
	return lhs.Cmp(rhs) > 0
}

// percentOrEmpty is decide.Percent, the one rounding of published shares,
// or "" when there is nothing to divide by.
func percentOrEmpty(num, den int64) string {
	if den <= 0 {
		return ""
	}
	return decide.Percent(num, den)
}

// TurnoutSummary is the turnout of an area as the API and the CLI show it.
type TurnoutSummary struct {
	Area    string        `json:"area"`
	Reports []TurnoutLine `json:"reports"`
	// QuorumReachedAt is the first reporting time at which the voters
	// exceeded the referendum's quorum of the area's registered voters
	// (all its precincts', reported or not); nil before that, or when no
	// quorum applies.
	QuorumReachedAt *string `json:"quorum_reached_at"`
}

// TurnoutLine is one reporting time of a TurnoutSummary.
type TurnoutLine struct {
	Time              string `json:"time"`
	Voters            int64  `json:"voters"`
	Registered        int64  `json:"registered"`
	PrecinctsReported int64  `json:"precincts_reported"`
	Precincts         int64  `json:"precincts"`
	// Percent is voters over the registered voters of the precincts that
	// reported at the time, in percent, rounded half up to the hundredth;
	// empty when they have no registered voters.
	Percent string `json:"percent"`
}

// SummarizeTurnout turns an area's totals into its summary, in the order
// of times (the election's TurnoutTimes), leaving out times nobody
// reported. quorum is the referendum's quorum in percent of the area's
// registered voters (decide.Rules.Quorum: 50 means more than half), nil
// for none.
func SummarizeTurnout(times []string, t *dauys.TurnoutTotals, quorum *big.Rat) TurnoutSummary {
	s := TurnoutSummary{Area: t.Area, Reports: []TurnoutLine{}}
	byTime := make(map[string]dauys.TurnoutTotal, len(t.Times))
	for _, tt := range t.Times {
		byTime[tt.Time] = tt
	}
	for _, at := range times {
		tt, found := byTime[at]
		if !found {
			continue
		}
		s.Reports = append(s.Reports, TurnoutLine{
			Time: at, Voters: tt.Voters, Registered: tt.Registered,
			PrecinctsReported: tt.Reported, Precincts: t.Precincts,
			Percent: percentOrEmpty(tt.Voters, tt.Registered),
		})
		if quorum != nil && s.QuorumReachedAt == nil && t.Registered > 0 && overQuorum(tt.Voters, quorum, t.Registered) {
			reached := at
			s.QuorumReachedAt = &reached
		}
	}
	return s
}
