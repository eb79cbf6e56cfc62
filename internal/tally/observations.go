package tally

import (
	"context"

	"github.com/dauys/dauys"
)

// Checks is what observers' copies say of an area: every line on which a
// copy differs from the current official version, and how many precincts
// at or below the area were observed and how many of those match.
//
// A precinct is observed when at least one copy of one of its protocols
// was sent; it matches when every copy sent has an official version to be
// compared with and differs from it on no line. A copy of a protocol
// that has not arrived yet keeps its precinct from matching: nothing was
// compared.
type Checks struct {
	Discrepancies []dauys.Discrepancy `json:"discrepancies"`
	Observed      int                 `json:"precincts_observed"`
	Matching      int                 `json:"precincts_matching"`
	// Precincts holds each observed precinct's copies with their
	// comparison, by precinct id; it is for the pages, not the API.
	Precincts map[string][]CheckedCopy `json:"-"`
}

// CheckedCopy is one observation compared with the official version of
// its protocol; Official is nil while there is none.
type CheckedCopy struct {
	Observation   *dauys.Observation
	Official      *dauys.Protocol
	Discrepancies []dauys.Discrepancy
}

// Matches reports whether the copy was compared and differs on no line.
func (c *CheckedCopy) Matches() bool { return c.Official != nil && len(c.Discrepancies) == 0 }

// manyCopies is how many copies Checks compares with one query each
// before it reads every protocol in one pass instead.
const manyCopies = 64

// Checks compares every observation of the precincts at or below area
// ("" for the whole election) with the current official version of the
// same protocol, line by line.
func (t *Tally) Checks(ctx context.Context, election, area string) (*Checks, error) {
	e, err := t.elections.Load(ctx, election)
	if err != nil {
		return nil, err
	}
	if area == "" {
		area = e.Tree.Root()
	}
	if e.Tree.Area(area) == nil {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "election %s has no such area", e.ID)
	}
	only := ""
	if e.Tree.IsLeaf(area) {
		only = area
	}
	obs, err := t.store.Observations(ctx, e.ID, only)
	if err != nil {
		return nil, err
	}
	out := &Checks{Discrepancies: []dauys.Discrepancy{}, Precincts: map[string][]CheckedCopy{}}
	type key struct{ contest, area string }
	official := map[key]*dauys.Protocol{}
	// Many copies are compared in one pass over the protocols rather than
	// one query each; a precinct's few copies ask for their own.
	if len(obs) > manyCopies {
		wanted := map[key]bool{}
		for _, o := range obs {
			wanted[key{o.Contest, o.Area}] = true
		}
		if err := t.store.EachProtocol(ctx, e.ID, "", func(p *dauys.Protocol) error {
			if k := (key{p.Contest, p.Area}); wanted[k] {
				official[k] = p
			}
			return nil
		}); err != nil {
			return nil, err
		}
		for k := range wanted {
			if _, ok := official[k]; !ok {
				official[k] = nil
			}
		}
	}
	for _, o := range obs {
		if !e.Tree.Within(o.Area, area) {
			continue
		}
		k := key{o.Contest, o.Area}
		p, seen := official[k]
		if !seen {
			p, err = t.store.Protocol(ctx, e.ID, o.Contest, o.Area)
			if dauys.ErrorCode(err) == dauys.ENOTFOUND {
				p, err = nil, nil
			}
			if err != nil {
				return nil, err
			}
			official[k] = p
		}
		c := CheckedCopy{Observation: o, Official: p}
		if p != nil {
			c.Discrepancies = dauys.CompareObservation(o, p)
			out.Discrepancies = append(out.Discrepancies, c.Discrepancies...)
		}
		out.Precincts[o.Area] = append(out.Precincts[o.Area], c)
	}
	for _, copies := range out.Precincts {
		out.Observed++
		matching := true
		for i := range copies {
			matching = matching && copies[i].Matches()
		}
		if matching {
			out.Matching++
		}
	}
	// The store lists observations by precinct, contest and id, and
	// CompareObservation lines by name: the discrepancies are in that order.
	return out, nil
}

// Count returns how many precincts at or below area the checks found
// observed and matching; area must be within the area they were made for.
func (c *Checks) Count(tree interface{ Within(id, other string) bool }, area string) (observed, matching int) {
	for p, copies := range c.Precincts {
		if !tree.Within(p, area) {
			continue
		}
		observed++
		ok := true
		for i := range copies {
			ok = ok && copies[i].Matches()
		}
		if ok {
			matching++
		}
	}
	return observed, matching
}

// ObservationsVersion changes whenever an observation or image of the
// election is added, for the pages' versions.
func (t *Tally) ObservationsVersion(ctx context.Context, election string) (int64, error) {
	return t.store.ObservationsVersion(ctx, election)
}

// Observation returns one observation with its images; ENOTFOUND when
// there is none.
func (t *Tally) Observation(ctx context.Context, election, id string) (*dauys.Observation, error) {
	return t.store.Observation(ctx, election, id)
}

// Within returns the checks of the precincts at or below area, out of
// checks made for an area that contains it: what a page of that area
// shows, without asking the store again.
func (c *Checks) Within(tree interface{ Within(id, other string) bool }, area string) *Checks {
	out := &Checks{Discrepancies: []dauys.Discrepancy{}, Precincts: map[string][]CheckedCopy{}}
	for _, d := range c.Discrepancies {
		if tree.Within(d.Area, area) {
			out.Discrepancies = append(out.Discrepancies, d)
		}
	}
	for p, copies := range c.Precincts {
		if tree.Within(p, area) {
			out.Precincts[p] = copies
		}
	}
	out.Observed, out.Matching = c.Count(tree, area)
	return out
}

// Complaints lists the complaints about a precinct ("" for all), oldest
// first.
func (t *Tally) Complaints(ctx context.Context, election, area string) ([]*dauys.Complaint, error) {
	return t.store.Complaints(ctx, election, area)
}

// Recounts lists the recounts of a precinct ("" for all), oldest first.
func (t *Tally) Recounts(ctx context.Context, election, area string) ([]*dauys.Recount, error) {
	return t.store.Recounts(ctx, election, area)
}
