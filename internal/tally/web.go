package tally

import (
	"context"
	"sort"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/rules"
)

// This file answers the questions the public results site asks beyond
// Area: the results of a contest in each child of an area, the input the
// rules engine would see (for "what if" scenarios) and the progress of the
// count over the night.

// AreaResult is one area's summed lines of one contest with its progress.
type AreaResult struct {
	Area     AreaRef          `json:"area"`
	Lines    map[string]int64 `json:"lines"`
	Progress Progress         `json:"progress"`
}

// ChildResults returns the results of a contest in each child of an area
// that votes in it, in definition order, with the precincts expected and
// reported in each. Children with nothing reported are included with empty
// lines, so that a table or map shows them as waiting.
func (t *Tally) ChildResults(ctx context.Context, election, contest, area string) ([]AreaResult, error) {
	e, c, err := t.contest(ctx, election, contest)
	if err != nil {
		return nil, err
	}
	if area == "" {
		area = e.Tree.Root()
	}
	if e.Tree.Area(area) == nil {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "area %q does not exist in election %s", area, election)
	}
	return t.results(ctx, e, c, e.Tree.Children(area))
}

// AreaResults is ChildResults for a list of areas of the election, such as
// the areas a single-member district is made of.
func (t *Tally) AreaResults(ctx context.Context, election, contest string, areas []string) ([]AreaResult, error) {
	e, c, err := t.contest(ctx, election, contest)
	if err != nil {
		return nil, err
	}
	return t.results(ctx, e, c, areas)
}

func (t *Tally) results(ctx context.Context, e *election.Election, c *dauys.Contest, areas []string) ([]AreaResult, error) {
	lines, err := t.areaLines(ctx, e, c, areas)
	if err != nil {
		return nil, err
	}
	exp := t.expectedFor(e)
	out := make([]AreaResult, 0, len(areas))
	for _, id := range areas {
		a := e.Tree.Area(id)
		if a == nil || !e.Tree.Touches(id, c) {
			continue
		}
		l := lines[id]
		r := AreaResult{Area: ref(a), Lines: withoutPseudo(l)}
		r.Progress.Reported = l[dauys.ReportedLine]
		r.Progress.RegisteredReported = r.Lines["registered"]
		if e.Tree.IsLeaf(id) {
			r.Progress.Expected, r.Progress.RegisteredExpected = 1, a.Registered
		} else {
			r.Progress.Expected, r.Progress.RegisteredExpected = exp.get(c.ID, id)
		}
		out = append(out, r)
	}
	return out, nil
}

// HistoryPoint is the state of a contest's count at a moment of the night:
// the precincts whose protocols had arrived by then, their registered
// voters, the voters who took part there and the numerator of the turnout
// as the CEC computes it (rules.TurnoutVoters: for an election the voters
// who received ballots), so that the turnout through the night ends at the
// turnout of the results.
type HistoryPoint struct {
	At            time.Time `json:"at"`
	Reported      int64     `json:"precincts_reported"`
	Registered    int64     `json:"registered_reported"`
	TookPart      int64     `json:"took_part"`
	TurnoutVoters int64     `json:"turnout_voters"`
}

// History returns the progress of a contest's count over time, one point
// per arrival time, oldest first. A precinct counts from the arrival of its
// first version; its numbers are those of its current version, so that the
// last point equals the running totals.
func (t *Tally) History(ctx context.Context, election, contest string) ([]HistoryPoint, error) {
	_, c, err := t.contest(ctx, election, contest)
	if err != nil {
		return nil, err
	}
	type arrival struct {
		at                            time.Time
		registered, tookPart, turnout int64
	}
	arrivalOf := func(at time.Time, p *dauys.Protocol) arrival {
		return arrival{at, p.Lines["registered"], p.Lines["took_part"], rules.TurnoutVoters(c.Kind, p.Lines)}
	}
	var arrivals []arrival
	var amended []*dauys.Protocol
	err = t.store.EachProtocol(ctx, election, contest, func(p *dauys.Protocol) error {
		if p.Version > 1 {
			amended = append(amended, p)
			return nil
		}
		arrivals = append(arrivals, arrivalOf(p.ReceivedAt, p))
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range amended {
		vs, err := t.store.ProtocolVersions(ctx, election, contest, p.Area)
		if err != nil {
			return nil, err
		}
		at := p.ReceivedAt
		if len(vs) > 0 {
			at = vs[0].ReceivedAt
		}
		arrivals = append(arrivals, arrivalOf(at, p))
	}
	sort.SliceStable(arrivals, func(i, j int) bool { return arrivals[i].at.Before(arrivals[j].at) })
	var out []HistoryPoint
	var cur HistoryPoint
	for _, a := range arrivals {
		registered, ok1 := dauys.AddCounts(cur.Registered, a.registered)
		took, ok2 := dauys.AddCounts(cur.TookPart, a.tookPart)
		voters, ok3 := dauys.AddCounts(cur.TurnoutVoters, a.turnout)
		if !ok1 || !ok2 || !ok3 {
			// Only counts stored before dauys.MaxCount bounded them can
			// get here: the history stops where they cannot be added, the
			// chart shows what came before, and the totals' own error says
			// why.
			break
		}
		if len(out) > 0 && !a.at.After(out[len(out)-1].At) {
			out = out[:len(out)-1]
		}
		cur.At = a.at
		cur.Reported++
		cur.Registered, cur.TookPart, cur.TurnoutVoters = registered, took, voters
		out = append(out, cur)
	}
	return out, nil
}

// PrecinctResults is what Area returns for a precinct, built from its
// current protocols (contest -> protocol) that the caller already holds,
// such as an export that read every protocol in one pass. ok is false when
// a contest is decided at the precinct itself, which only Area does.
func PrecinctResults(e *election.Election, area string, protocols map[string]*dauys.Protocol) (res *Results, ok bool) {
	a := e.Tree.Area(area)
	if a == nil || !e.Tree.IsLeaf(area) {
		return nil, false
	}
	res = &Results{Election: e.ID, Name: e.Name, Status: e.Status, Area: ref(a)}
	for _, id := range e.Tree.Path(area) {
		res.Path = append(res.Path, ref(e.Tree.Area(id)))
	}
	for i := range e.Contests {
		c := &e.Contests[i]
		if !e.Tree.Touches(area, c) {
			continue
		}
		if area == e.Tree.Root() || (len(c.Areas) == 1 && c.Areas[0] == area) {
			return nil, false
		}
		cr := ContestResult{Contest: c.ID, Name: c.Name, Kind: c.Kind, Body: c.Body}
		if p := protocols[c.ID]; p != nil {
			cr.Protocol, cr.Lines = p, p.Lines
			cr.Progress.Reported = 1
			cr.Progress.RegisteredReported = p.Lines["registered"]
		} else {
			cr.Lines = map[string]int64{}
		}
		cr.Progress.Expected, cr.Progress.RegisteredExpected = 1, a.Registered
		res.Contests = append(res.Contests, cr)
	}
	return res, true
}

// PrecinctAreaResults is AreaResults for precincts whose current protocols
// the caller holds (protocol returns nil for one that has not reported). ok
// is false when an area is not a precinct.
func PrecinctAreaResults(e *election.Election, c *dauys.Contest, areas []string, protocol func(area string) *dauys.Protocol) (out []AreaResult, ok bool) {
	for _, id := range areas {
		a := e.Tree.Area(id)
		if a == nil || !e.Tree.IsLeaf(id) {
			return nil, false
		}
		if !e.Tree.Touches(id, c) {
			continue
		}
		r := AreaResult{Area: ref(a), Lines: map[string]int64{}}
		if p := protocol(id); p != nil {
			r.Lines = withoutPseudo(p.Lines)
			r.Progress.Reported = 1
			r.Progress.RegisteredReported = r.Lines["registered"]
		}
		r.Progress.Expected, r.Progress.RegisteredExpected = 1, a.Registered
		out = append(out, r)
	}
	return out, true
}
