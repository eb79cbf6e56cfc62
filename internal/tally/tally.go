// Package tally adds protocols up through the geography and decides each
// contest with the rules engine. It reads running totals the store keeps up
// to date as protocols arrive, so that a result never needs a recount.
//
// It owns sums, progress and decisions, and the reads the public pages make
// (read.go). It loads elections through internal/election and must never
// import intake (results do not depend on the write path), integrity, web,
// httpapi or a store driver.
package tally

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/rules"
)

// Tally answers results questions over a store.
type Tally struct {
	store     dauys.Store
	elections *election.Loader

	mu       sync.Mutex
	expected map[string]*expectedCache
}

// New returns a tally over the store that loads elections through the
// loader; pass the one intake uses (intake.Service.Elections), so that
// precincts an import adds are counted.
func New(store dauys.Store, elections *election.Loader) *Tally {
	return &Tally{store: store, elections: elections, expected: map[string]*expectedCache{}}
}

// Election returns the loaded election, as the tally sees it.
func (t *Tally) Election(ctx context.Context, id string) (*election.Election, error) {
	return t.elections.Load(ctx, id)
}

// Results is the state of every contest that concerns an area.
type Results struct {
	Election string          `json:"election"`
	Name     dauys.Text      `json:"name"`
	Status   string          `json:"status"`
	Area     AreaRef         `json:"area"`
	Path     []AreaRef       `json:"path"`
	Contests []ContestResult `json:"contests"`
}

// AreaRef names an area.
type AreaRef struct {
	ID         string     `json:"id"`
	Level      string     `json:"level"`
	Name       dauys.Text `json:"name"`
	Number     string     `json:"number,omitempty"`
	Registered int64      `json:"registered,omitempty"`
}

// ContestResult is one contest's summed lines in an area and, where the area
// is where the contest is decided, its outcome.
type ContestResult struct {
	Contest  string           `json:"contest"`
	Name     dauys.Text       `json:"name"`
	Kind     string           `json:"kind"`
	Body     string           `json:"body,omitempty"`
	Lines    map[string]int64 `json:"lines"`
	Progress Progress         `json:"progress"`
	Outcome  *decide.Outcome  `json:"outcome,omitempty"`
	// Protocol is set for a precinct: its current version.
	Protocol *dauys.Protocol `json:"protocol,omitempty"`
	Status   string          `json:"status,omitempty"`
	// Error says, in kk/ru/en, why the contest has no outcome in this area
	// although it is decided here: its totals cannot be decided, as when
	// a store holds counts from before dauys.MaxCount that add up to more
	// than an int64. The rest of the results are served all the same.
	Error *dauys.Text `json:"error,omitempty"`
	// Assigned are the parties' decisions naming who takes their list
	// seats, where recorded; only with an outcome.
	Assigned []AssignedSeats `json:"assigned,omitempty"`
}

// Progress is how much of an area has reported.
type Progress struct {
	Reported           int64 `json:"precincts_reported"`
	Expected           int64 `json:"precincts_expected"`
	RegisteredReported int64 `json:"registered_reported"`
	RegisteredExpected int64 `json:"registered_expected"`
}

// Percent is the share of expected precincts that reported, for display.
func (p Progress) Percent() float64 {
	if p.Expected == 0 {
		return 0
	}
	return 100 * float64(p.Reported) / float64(p.Expected)
}

// Area returns the results of every contest that concerns the area ("" is
// the root). A contest's outcome is included at the root and at the
// contest's own area, where it is decided.
func (t *Tally) Area(ctx context.Context, election, area string) (*Results, error) {
	e, err := t.elections.Load(ctx, election)
	if err != nil {
		return nil, err
	}
	if area == "" {
		area = e.Tree.Root()
	}
	a := e.Tree.Area(area)
	if a == nil {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "area %q does not exist in election %s", area, election)
	}
	res := &Results{Election: e.ID, Name: e.Name, Status: e.Status, Area: ref(a)}
	for _, id := range e.Tree.Path(area) {
		res.Path = append(res.Path, ref(e.Tree.Area(id)))
	}
	leaf := e.Tree.IsLeaf(area)
	exp := t.expectedFor(e)
	for i := range e.Contests {
		c := &e.Contests[i]
		if !e.Tree.Touches(area, c) {
			continue
		}
		cr := ContestResult{Contest: c.ID, Name: c.Name, Kind: c.Kind, Body: c.Body}
		if leaf {
			p, err := t.store.Protocol(ctx, election, c.ID, area)
			switch {
			case dauys.ErrorCode(err) == dauys.ENOTFOUND:
				cr.Lines = map[string]int64{}
			case err != nil:
				return nil, err
			default:
				cr.Protocol, cr.Lines = p, p.Lines
				cr.Progress.Reported = 1
				cr.Progress.RegisteredReported = p.Lines["registered"]
			}
			cr.Progress.Expected, cr.Progress.RegisteredExpected = 1, a.Registered
		} else {
			tot, err := t.store.Totals(ctx, election, c.ID, []string{area})
			if err != nil {
				return nil, err
			}
			cr.Lines = withoutPseudo(tot[area])
			cr.Progress = Progress{Reported: tot[area][dauys.ReportedLine], RegisteredReported: cr.Lines["registered"]}
			cr.Progress.Expected, cr.Progress.RegisteredExpected = exp.get(c.ID, area)
		}
		if area == e.Tree.Root() || (len(c.Areas) == 1 && c.Areas[0] == area) {
			out, err := t.decide(ctx, e, c, cr.Lines)
			if msg, ok := undecidable(c, area, err); ok {
				cr.Error = msg
			} else if err != nil {
				return nil, err
			}
			cr.Outcome = out
			if out != nil && c.Kind == dauys.KindList {
				if cr.Assigned, err = t.assigned(ctx, election, c); err != nil {
					return nil, err
				}
			}
		}
		res.Contests = append(res.Contests, cr)
	}
	return res, nil
}

func ref(a *dauys.Area) AreaRef {
	return AreaRef{ID: a.ID, Level: a.Level, Name: a.Name, Number: a.Number, Registered: a.Registered}
}

func withoutPseudo(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		if !strings.HasPrefix(k, "@") {
			out[k] = v
		}
	}
	return out
}

// Children returns the summed lines of a contest in each child of an area,
// for drill-down tables and maps.
func (t *Tally) Children(ctx context.Context, election, contest, area string) (map[string]map[string]int64, error) {
	e, c, err := t.contest(ctx, election, contest)
	if err != nil {
		return nil, err
	}
	return t.areaLines(ctx, e, c, e.Tree.Children(area))
}

// contest loads an election and finds one of its contests.
func (t *Tally) contest(ctx context.Context, election, contest string) (*election.Election, *dauys.Contest, error) {
	e, err := t.elections.Load(ctx, election)
	if err != nil {
		return nil, nil, err
	}
	c := e.Contest(contest)
	if c == nil {
		return nil, nil, dauys.Errorf(dauys.ENOTFOUND, "contest %q does not exist", contest)
	}
	return e, c, nil
}

// areaLines returns the summed lines of a contest in each area, reading
// running totals for inner areas and the protocol for precincts.
func (t *Tally) areaLines(ctx context.Context, e *election.Election, c *dauys.Contest, areas []string) (map[string]map[string]int64, error) {
	var inner []string
	out := map[string]map[string]int64{}
	for _, id := range areas {
		if !e.Tree.Touches(id, c) {
			continue
		}
		if !e.Tree.IsLeaf(id) {
			inner = append(inner, id)
			continue
		}
		p, err := t.store.Protocol(ctx, e.ID, c.ID, id)
		if dauys.ErrorCode(err) == dauys.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		lines := make(map[string]int64, len(p.Lines)+1)
		for k, v := range p.Lines {
			lines[k] = v
		}
		lines[dauys.ReportedLine] = 1
		out[id] = lines
	}
	if len(inner) > 0 {
		tot, err := t.store.Totals(ctx, e.ID, c.ID, inner)
		if err != nil {
			return nil, err
		}
		for k, v := range tot {
			out[k] = v
		}
	}
	return out, nil
}

// decide runs the rules engine on a contest's summed lines; a referendum
// also reads its territorial units.
func (t *Tally) decide(ctx context.Context, e *election.Election, c *dauys.Contest, lines map[string]int64) (*decide.Outcome, error) {
	r, err := rules.For(c)
	if err != nil {
		return nil, err
	}
	in := rules.Input(c, lines)
	if c.Kind == dauys.KindReferendum && c.Units != "" {
		units := e.Tree.AtLevel(c.Units)
		tot, err := t.areaLines(ctx, e, c, units)
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			in.Units = append(in.Units, decide.Unit{Name: u, Counts: rules.Counts(c, tot[u])})
		}
	}
	out, err := decide.Decide(r, in)
	if err != nil {
		return nil, fmt.Errorf("tally: decide contest %s: %w", c.ID, err)
	}
	return out, nil
}

// undecidable reports whether err is the rules engine's refusal of the
// counts it was given (not a failure of the store or of the rules), and
// says so for the contest and area in kk/ru/en.
func undecidable(c *dauys.Contest, area string, err error) (*dauys.Text, bool) {
	var de *decide.Error
	if !errors.As(err, &de) || de.Field != "input" {
		return nil, false
	}
	return &dauys.Text{
		KK: fmt.Sprintf("%s, %s: қорытындыны анықтау мүмкін емес, жиынтық сандар қате (%s)", c.ID, area, de.Message),
		RU: fmt.Sprintf("%s, %s: итог нельзя определить, суммы ошибочны (%s)", c.ID, area, de.Message),
		EN: fmt.Sprintf("%s, %s: the outcome cannot be decided, the totals are wrong (%s)", c.ID, area, de.Message),
	}, true
}

// expectedCache holds, per contest and inner area, the precincts expected
// and their registered voters, computed once per shape of the tree.
type expectedCache struct {
	size int
	m    map[string][2]int64 // contest + "\x00" + area
}

func (x *expectedCache) get(contest, area string) (int64, int64) {
	v := x.m[contest+"\x00"+area]
	return v[0], v[1]
}

func (t *Tally) expectedFor(e *election.Election) *expectedCache {
	t.mu.Lock()
	defer t.mu.Unlock()
	if x, ok := t.expected[e.ID]; ok && x.size == e.Tree.Len() {
		return x
	}
	x := &expectedCache{size: e.Tree.Len(), m: map[string][2]int64{}}
	for i := range e.Contests {
		c := &e.Contests[i]
		for _, leaf := range leaves(e.Tree) {
			if !e.Tree.InContest(leaf, c) {
				continue
			}
			reg := e.Tree.Area(leaf).Registered
			for _, a := range e.Tree.Ancestors(leaf) {
				v := x.m[c.ID+"\x00"+a]
				x.m[c.ID+"\x00"+a] = [2]int64{v[0] + 1, v[1] + reg}
			}
		}
	}
	t.expected[e.ID] = x
	return x
}

func leaves(t *election.Tree) []string {
	var out []string
	var walk func(string)
	walk = func(id string) {
		kids := t.Children(id)
		if len(kids) == 0 {
			out = append(out, id)
		}
		for _, k := range kids {
			walk(k)
		}
	}
	walk(t.Root())
	sort.Strings(out)
	return out
}
