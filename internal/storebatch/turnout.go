package storebatch

import (
	"fmt"
	"sort"

	"github.com/dauys/dauys"
)

// TurnoutReader is what a store reads, inside its transaction, for a
// SaveTurnout batch. Each is asked at most once per batch for the same
// arguments.
type TurnoutReader interface {
	// TurnoutTimes returns the election's reporting times
	// (dauys.Election.TurnoutTimes) and whether the election exists.
	TurnoutTimes(election string) (times []string, found bool, err error)
	// Area returns the area and whether it exists.
	Area(election, id string) (a dauys.Area, found bool, err error)
	// HasChildren reports whether areas lie below the area.
	HasChildren(election, id string) (bool, error)
	// CurrentTurnout returns the current version of the precinct's report
	// at each time that has one.
	CurrentTurnout(election, area string) (map[string]*dauys.TurnoutReport, error)
}

// TurnoutKey names the running turnout total of an area at a time.
type TurnoutKey struct{ Election, Area, Time string }

// TurnoutPlan is the outcome of a SaveTurnout batch: what to answer, which
// versions to insert and what to add to which running totals.
type TurnoutPlan struct {
	Results  []dauys.TurnoutResult
	Versions []*dauys.TurnoutReport
	// Deltas holds the additions to running totals, by key; Keys lists
	// them sorted, the order in which stores write them so that two
	// batches never wait on each other's rows in opposite orders.
	Deltas map[TurnoutKey]dauys.TurnoutTotal
	Keys   []TurnoutKey
}

// PlanTurnout applies dauys.ReconcileTurnout to each report in order,
// reading through r, each report seeing the versions of those before it.
// An error of r is the store's and fails the batch.
func PlanTurnout(rs []*dauys.TurnoutReport, r TurnoutReader) (*TurnoutPlan, error) {
	plan := &TurnoutPlan{Results: make([]dauys.TurnoutResult, len(rs)), Deltas: map[TurnoutKey]dauys.TurnoutTotal{}}
	type place struct{ election, area string }
	times := map[string][]string{}
	found := map[string]bool{}
	areas := map[place]*dauys.Area{}
	leaves := map[place]*dauys.TurnoutPrecinct{}
	area := func(election, id string) (*dauys.Area, error) {
		k := place{election, id}
		if a, ok := areas[k]; ok {
			return a, nil
		}
		a, ok, err := r.Area(election, id)
		if err != nil {
			return nil, err
		}
		var p *dauys.Area
		if ok {
			p = &a
		}
		areas[k] = p
		return p, nil
	}
	precinct := func(election, id string) (*dauys.TurnoutPrecinct, error) {
		k := place{election, id}
		if p, ok := leaves[k]; ok {
			return p, nil
		}
		p := &dauys.TurnoutPrecinct{}
		leaves[k] = p
		for next := id; next != "" && len(p.Chain) < 64; {
			a, err := area(election, next)
			if err != nil {
				return nil, err
			}
			if a == nil {
				break
			}
			p.Chain = append(p.Chain, *a)
			next = a.Parent
		}
		if len(p.Chain) == 0 {
			return p, nil
		}
		children, err := r.HasChildren(election, id)
		if err != nil {
			return nil, err
		}
		p.Leaf = !children
		if p.Current, err = r.CurrentTurnout(election, id); err != nil {
			return nil, err
		}
		if p.Current == nil {
			p.Current = map[string]*dauys.TurnoutReport{}
		}
		return p, nil
	}
	for i, sub := range rs {
		if sub == nil {
			plan.Results[i].Err = dauys.Errorf(dauys.EINVALID, "report %d is empty", i+1)
			continue
		}
		rep := *sub
		if rep.Kind == "" {
			rep.Kind = dauys.ProtocolOriginal
		}
		if _, ok := found[rep.Election]; !ok && rep.Election != "" {
			t, ok, err := r.TurnoutTimes(rep.Election)
			if err != nil {
				return nil, fmt.Errorf("election %s: %w", rep.Election, err)
			}
			times[rep.Election], found[rep.Election] = t, ok
		}
		if rep.Election != "" && !found[rep.Election] {
			plan.Results[i].Err = dauys.Errorf(dauys.ENOTFOUND, "election %s not found", dauys.ClipText(rep.Election, 64))
			continue
		}
		p := &dauys.TurnoutPrecinct{}
		if rep.Election != "" && rep.Area != "" {
			var err error
			if p, err = precinct(rep.Election, rep.Area); err != nil {
				return nil, fmt.Errorf("area %s: %w", rep.Area, err)
			}
		}
		outcome, version, err := dauys.ReconcileTurnout(times[rep.Election], p, &rep)
		if err != nil {
			plan.Results[i].Err = err
			continue
		}
		plan.Results[i].Outcome = outcome
		if outcome == dauys.OutcomeDuplicate {
			plan.Results[i].Report = p.Current[rep.Time]
			continue
		}
		rep.Version = version
		old := p.Current[rep.Time]
		p.Current[rep.Time] = &rep
		plan.Results[i].Report = &rep
		plan.Versions = append(plan.Versions, &rep)
		voters, reg, reported := dauys.TurnoutDelta(old, &rep, p.Chain[0].Registered)
		for _, a := range p.Chain {
			k := TurnoutKey{rep.Election, a.ID, rep.Time}
			d := plan.Deltas[k]
			d.Time = rep.Time
			var ok1, ok2, ok3 bool
			d.Voters, ok1 = dauys.AddCounts(d.Voters, voters)
			d.Registered, ok2 = dauys.AddCounts(d.Registered, reg)
			d.Reported, ok3 = dauys.AddCounts(d.Reported, reported)
			if !ok1 || !ok2 || !ok3 {
				return nil, dauys.Errorf(dauys.EINVALID, "turnout of %s at %s: the batch's sum overflows", dauys.ClipText(a.ID, 64), rep.Time)
			}
			plan.Deltas[k] = d
		}
	}
	for k := range plan.Deltas {
		plan.Keys = append(plan.Keys, k)
	}
	sort.Slice(plan.Keys, func(i, j int) bool {
		a, b := plan.Keys[i], plan.Keys[j]
		if a.Election != b.Election {
			return a.Election < b.Election
		}
		if a.Area != b.Area {
			return a.Area < b.Area
		}
		return a.Time < b.Time
	})
	return plan, nil
}

// CurrentOf picks the current version at each time from a precinct's
// versions.
func CurrentOf(versions []*dauys.TurnoutReport) map[string]*dauys.TurnoutReport {
	cur := map[string]*dauys.TurnoutReport{}
	for _, v := range versions {
		if c := cur[v.Time]; c == nil || v.Version > c.Version {
			cur[v.Time] = v
		}
	}
	return cur
}
