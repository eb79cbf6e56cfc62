package integrity

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/tally"
)

// OutstandingReport answers, for the contests of an election, "could this
// still change?": how much is still to come, how large the lead is, and
// whether the votes still to come could change the outcome.
type OutstandingReport struct {
	Election string           `json:"election"`
	Contests []ContestOutlook `json:"contests"`
}

// ContestOutlook is the answer for one contest.
type ContestOutlook struct {
	Contest string     `json:"contest"`
	Name    dauys.Text `json:"name"`
	Kind    string     `json:"kind"`

	PrecinctsExpected int64 `json:"precincts_expected"`
	PrecinctsReported int64 `json:"precincts_reported"`
	PrecinctsMissing  int64 `json:"precincts_missing"`
	// VotesOutstanding is the number of registered voters (from the
	// definition) of the precincts that have not reported: an upper bound
	// on the votes still to come, unless voters are added to the lists on
	// polling day.
	VotesOutstanding int64 `json:"votes_outstanding"`
	// UnknownRegistered counts missing precincts whose registered voters
	// the definition does not give; with any of them there is no bound.
	UnknownRegistered int64 `json:"unknown_registered,omitempty"`

	// Margin is the current lead: between the last winner and the first
	// loser of a plurality or majority contest (first and second for one
	// seat), between yes and no in a referendum. LastSeat is, for a list
	// contest, how close the last seat is.
	Margin   *Margin    `json:"margin,omitempty"`
	LastSeat *SeatShift `json:"last_seat,omitempty"`

	// CanChange reports whether some way the outstanding voters could
	// vote (or not vote) changes the outcome the rules give now; Witness
	// names one such way.
	CanChange bool   `json:"can_change"`
	Witness   string `json:"witness,omitempty"`
	// Statement says all of it in one plain sentence or two.
	Statement string `json:"statement"`
}

// Margin is a lead in votes.
type Margin struct {
	Leader        string `json:"leader"`
	LeaderVotes   int64  `json:"leader_votes"`
	RunnerUp      string `json:"runner_up"`
	RunnerUpVotes int64  `json:"runner_up_votes"`
	Votes         int64  `json:"votes"`
}

// Outstanding answers "could this still change?" for one contest, or for
// every contest when contest is "".
//
// Whether the outcome can change is decided exactly, by the rules engine, on
// the current totals plus each extreme way the voters still out could vote:
// all of them for one option (in turn for every option), all against all,
// all invalid, all yes or all no, or none of them at all. Every condition
// the rules test is monotone in the votes of one option or in the number of
// ballots: a candidate overtakes another most easily when every new vote
// goes to it; a list's remainder or quotient rises against another's most
// when the new votes all go to it (also under the Hare quota, whose
// denominator grows with them); a threshold, a majority or a quorum is
// crossed most easily with all new ballots for, against or absent. So if no
// extreme changes the outcome, no mixture of votes can, and if one does,
// it is a witness. A tie at the boundary is resolved by the contest's own
// tie rule. The one exception is the Droop quota, rounded to whole votes:
// there a change the extremes do not show is not ruled out, and the
// outcome is reported as open.
func Outstanding(ctx context.Context, t *tally.Tally, e *election.Election, contest string) (*OutstandingReport, error) {
	if contest != "" && e.Contest(contest) == nil {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "contest %q does not exist in election %s", contest, e.ID)
	}
	res, err := t.Area(ctx, e.ID, "")
	if err != nil {
		return nil, err
	}
	out := &OutstandingReport{Election: e.ID, Contests: []ContestOutlook{}}
	for i := range res.Contests {
		cr := &res.Contests[i]
		if contest != "" && cr.Contest != contest {
			continue
		}
		c := e.Contest(cr.Contest)
		co, err := outlook(ctx, t, e, c, cr)
		if err != nil {
			return nil, err
		}
		out.Contests = append(out.Contests, *co)
	}
	return out, nil
}

func outlook(ctx context.Context, t *tally.Tally, e *election.Election, c *dauys.Contest, cr *tally.ContestResult) (*ContestOutlook, error) {
	co := &ContestOutlook{Contest: c.ID, Name: c.Name, Kind: c.Kind,
		PrecinctsExpected: cr.Progress.Expected, PrecinctsReported: cr.Progress.Reported}
	miss := &missing{units: map[string]int64{}}
	if cr.Progress.Reported < cr.Progress.Expected {
		var err error
		if miss, err = findMissing(ctx, t, e, c); err != nil {
			return nil, err
		}
	}
	co.PrecinctsMissing, co.VotesOutstanding, co.UnknownRegistered = miss.precincts, miss.registered, miss.unknown

	if cr.Error != nil {
		// The totals cannot be decided (counts stored before they were
		// bounded): say so, as the results do, and look no further.
		co.CanChange, co.Statement = true, cr.Error.EN
		return co, nil
	}
	rules, err := rules.For(c)
	if err != nil {
		return nil, err
	}
	in, err := currentInput(ctx, t, e, c, cr.Lines)
	if err != nil {
		return nil, err
	}
	if co.PrecinctsReported == 0 {
		co.CanChange = co.PrecinctsExpected > 0
		co.Statement = "No precinct has reported yet: everything can still change."
		return co, nil
	}
	now, err := decide.Decide(rules, in)
	if err != nil {
		return nil, fmt.Errorf("integrity: decide contest %s: %w", c.ID, err)
	}
	co.Margin = margin(c, rules, in)
	if c.Kind == dauys.KindList {
		if co.LastSeat, err = LastSeatShift(rules, in); err != nil {
			return nil, fmt.Errorf("integrity: last seat of %s: %w", c.ID, err)
		}
	}

	switch {
	case co.PrecinctsMissing == 0:
		co.Statement = fmt.Sprintf("All %s precincts have reported: new protocols can no longer change the outcome; only an amendment of a protocol could.",
			dauys.Thousands(co.PrecinctsExpected))
		return co, nil
	case co.UnknownRegistered > 0:
		co.CanChange = true
		co.Statement = fmt.Sprintf("%s precincts have not reported, and for %s of them the definition gives no registered voters, so there is no bound on the votes still to come: the outcome can still change.",
			dauys.Thousands(co.PrecinctsMissing), dauys.Thousands(co.UnknownRegistered))
		return co, nil
	}

	has := map[string]bool{}
	for _, l := range e.Validator(c.ID).Lines() {
		has[l.Name] = true
	}
	want := signature(now)
	for _, s := range scenarios(c, in, now, co.Margin, has) {
		o, err := decide.Decide(rules, s.apply(in, miss))
		if err != nil {
			return nil, fmt.Errorf("integrity: decide contest %s if %s: %w", c.ID, s.what, err)
		}
		if signature(o) != want {
			co.CanChange, co.Witness = true, s.what
			break
		}
	}
	if !co.CanChange && rules.Kind == decide.KindList && rules.Method == decide.MethodDroop {
		// The Droop quota is rounded to whole votes, so fewer new votes can
		// change what more do not: the extremes prove nothing here.
		co.CanChange = true
		co.Statement = fmt.Sprintf("%s precincts with %s registered voters have not reported. The Droop quota's rounding to whole votes keeps a change from being ruled out: treat the outcome as open until they are in.",
			dauys.Thousands(co.PrecinctsMissing), dauys.Thousands(co.VotesOutstanding))
		return co, nil
	}
	co.Statement = statement(co)
	return co, nil
}

// missing is what has not reported in a contest: the precincts, their
// registered voters and, per territorial unit, the registered voters there.
type missing struct {
	precincts, registered, unknown int64
	units                          map[string]int64
}

// findMissing walks the tree down from the root, descending only into areas
// where fewer precincts reported than are expected, and adds up the
// precincts without a protocol.
func findMissing(ctx context.Context, t *tally.Tally, e *election.Election, c *dauys.Contest) (*missing, error) {
	tree := e.Tree
	expected := map[string]int64{}
	var count func(id string) int64
	count = func(id string) int64 {
		kids := tree.Children(id)
		if len(kids) == 0 {
			if tree.InContest(id, c) {
				return 1
			}
			return 0
		}
		var n int64
		for _, k := range kids {
			if tree.Touches(k, c) {
				n += count(k)
			}
		}
		expected[id] = n
		return n
	}
	count(tree.Root())

	m := &missing{units: map[string]int64{}}
	var walk func(area string) error
	walk = func(area string) error {
		lines, err := t.Children(ctx, e.ID, c.ID, area)
		if err != nil {
			return err
		}
		for _, k := range tree.Children(area) {
			if !tree.Touches(k, c) {
				continue
			}
			if !tree.IsLeaf(k) {
				if lines[k][dauys.ReportedLine] < expected[k] {
					if err := walk(k); err != nil {
						return err
					}
				}
				continue
			}
			if !tree.InContest(k, c) || lines[k] != nil {
				continue
			}
			reg := tree.Area(k).Registered
			m.precincts++
			m.registered += reg
			if reg <= 0 {
				m.unknown++
			}
			if c.Units != "" {
				m.units[unitOf(e, k, c.Units)] += reg
			}
		}
		return nil
	}
	if err := walk(tree.Root()); err != nil {
		return nil, err
	}
	return m, nil
}

func unitOf(e *election.Election, area, level string) string {
	for _, a := range e.Tree.Ancestors(area) {
		if e.Tree.Area(a).Level == level {
			return a
		}
	}
	return ""
}

// currentInput builds the rules engine's input from the contest's current
// totals, as the tally does: the same lines and, for a referendum with
// territorial units, the units' totals.
func currentInput(ctx context.Context, t *tally.Tally, e *election.Election, c *dauys.Contest, lines map[string]int64) (decide.Input, error) {
	in := rules.Input(c, lines)
	if c.Kind != dauys.KindReferendum || c.Units == "" {
		return in, nil
	}
	units := e.Tree.AtLevel(c.Units)
	byParent := map[string]map[string]map[string]int64{}
	for _, u := range units {
		p := e.Tree.Area(u).Parent
		if _, done := byParent[p]; done {
			continue
		}
		kids, err := t.Children(ctx, e.ID, c.ID, p)
		if err != nil {
			return in, err
		}
		byParent[p] = kids
	}
	for _, u := range units {
		in.Units = append(in.Units, decide.Unit{Name: u, Counts: rules.Counts(c, byParent[e.Tree.Area(u).Parent][u])})
	}
	return in, nil
}

// scenario is one extreme way the voters still out could vote.
type scenario struct {
	what string
	// ballot adds n ballots of this kind to counts (nil: nobody votes).
	ballot func(k *decide.Counts, n int64)
}

func (s scenario) apply(in decide.Input, m *missing) decide.Input {
	out := cloneInput(in)
	add := func(k *decide.Counts, n int64) {
		k.Registered += n
		if s.ballot != nil {
			k.TookPart += n
			s.ballot(k, n)
		}
	}
	add(&out.Total, m.registered)
	for i := range out.Units {
		add(&out.Units[i].Counts, m.units[out.Units[i].Name])
	}
	return out
}

// scenarios lists the extremes to try, the likeliest witness first: the
// runner-up (or the side that is behind) before the others.
func scenarios(c *dauys.Contest, in decide.Input, now *decide.Outcome, mg *Margin, has map[string]bool) []scenario {
	var out []scenario
	if c.Kind == dauys.KindReferendum {
		yes := scenario{"they all voted yes", func(k *decide.Counts, n int64) { k.Yes += n }}
		no := scenario{"they all voted no", func(k *decide.Counts, n int64) { k.No += n }}
		if now.Adopted {
			out = append(out, no, yes)
		} else {
			out = append(out, yes, no)
		}
	} else {
		order := make([]int, len(in.Options))
		for i := range order {
			order[i] = i
		}
		if mg != nil {
			sort.SliceStable(order, func(a, b int) bool { return in.Options[order[a]] == mg.RunnerUp && in.Options[order[b]] != mg.RunnerUp })
		}
		for _, j := range order {
			out = append(out, scenario{"they all voted for " + in.Options[j], func(k *decide.Counts, n int64) { k.Options[j] += n }})
		}
		if has[lineAgainstAll] {
			out = append(out, scenario{"they all voted against all", func(k *decide.Counts, n int64) { k.AgainstAll += n }})
		}
	}
	return append(out,
		scenario{"all their ballots were invalid", func(k *decide.Counts, n int64) { k.Invalid += n }},
		scenario{"none of them voted", nil})
}

// signature is what an outcome decides, so that two outcomes compare equal
// exactly when they decide the same: seats per list, the winners, a runoff
// pair, a re-run, a referendum's validity and adoption.
func signature(o *decide.Outcome) string {
	var b strings.Builder
	switch o.Kind {
	case decide.KindList:
		for _, s := range o.Seats {
			fmt.Fprintf(&b, "%s:%d:%t;", s.Option, s.Seats, s.Admitted)
		}
	case decide.KindPlurality:
		w := append([]string(nil), o.Winners...)
		sort.Strings(w)
		fmt.Fprintf(&b, "won=%s;rerun=%t", strings.Join(w, ","), o.RerunRequired)
	case decide.KindMajority:
		elected := ""
		if o.Elected != nil {
			elected = *o.Elected
		}
		r := append([]string(nil), o.Runoff...)
		sort.Strings(r)
		fmt.Fprintf(&b, "elected=%s;runoff=%s;rerun=%t", elected, strings.Join(r, ","), o.RerunRequired)
	case decide.KindReferendum:
		fmt.Fprintf(&b, "valid=%t;adopted=%t", o.Valid, o.Adopted)
	}
	return b.String()
}

// margin returns the current lead (nil for a list contest or with fewer
// than two options).
func margin(c *dauys.Contest, r decide.Rules, in decide.Input) *Margin {
	k := in.Total
	switch c.Kind {
	case dauys.KindReferendum:
		m := &Margin{Leader: "yes", LeaderVotes: k.Yes, RunnerUp: "no", RunnerUpVotes: k.No}
		if k.No > k.Yes {
			m.Leader, m.LeaderVotes, m.RunnerUp, m.RunnerUpVotes = "no", k.No, "yes", k.Yes
		}
		m.Votes = m.LeaderVotes - m.RunnerUpVotes
		return m
	case dauys.KindPlurality, dauys.KindMajority:
		seats := max(r.Seats, 1)
		if len(in.Options) <= seats {
			return nil
		}
		ranked := make([]int, len(in.Options))
		for i := range ranked {
			ranked[i] = i
		}
		sort.SliceStable(ranked, func(a, b int) bool { return k.Options[ranked[a]] > k.Options[ranked[b]] })
		w, l := ranked[seats-1], ranked[seats]
		return &Margin{Leader: in.Options[w], LeaderVotes: k.Options[w], RunnerUp: in.Options[l], RunnerUpVotes: k.Options[l],
			Votes: k.Options[w] - k.Options[l]}
	}
	return nil
}

func statement(co *ContestOutlook) string {
	var lead string
	switch {
	case co.Margin != nil:
		lead = fmt.Sprintf(" %s leads %s by %s votes.", co.Margin.Leader, co.Margin.RunnerUp, dauys.Thousands(co.Margin.Votes))
	case co.LastSeat != nil && co.LastSeat.Added > 0:
		lead = fmt.Sprintf(" The last seat went to %s; %s new votes for %s would change the allocation.",
			co.LastSeat.From, dauys.Thousands(co.LastSeat.Added), co.LastSeat.To)
	}
	out := fmt.Sprintf("%s of %s precincts have not reported; they have %s registered voters, at most that many votes still to come.",
		dauys.Thousands(co.PrecinctsMissing), dauys.Thousands(co.PrecinctsExpected), dauys.Thousands(co.VotesOutstanding))
	if co.CanChange {
		return "The outcome can still change. " + out + lead + " It would change, for example, if " + co.Witness + "."
	}
	return "The outcome can no longer change. " + out + lead + " However they vote, or if they do not, the outcome stays the same."
}
