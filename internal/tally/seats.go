package tally

import (
	"context"
	"slices"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/rules"
)

// AssignedSeats is a party's decision naming who takes its list seats.
type AssignedSeats struct {
	Party      string              `json:"party"`
	PartyName  dauys.Text          `json:"party_name"`
	Decision   string              `json:"decision,omitempty"`
	At         time.Time           `json:"at"`
	Candidates []AssignedCandidate `json:"candidates"`
}

// AssignedCandidate is one person named, with the position on the list.
type AssignedCandidate struct {
	Position int        `json:"position"`
	Name     dauys.Text `json:"name"`
}

// assigned returns the recorded seat assignments of a list contest, with
// the candidates' names from the definition.
func (t *Tally) assigned(ctx context.Context, election string, c *dauys.Contest) ([]AssignedSeats, error) {
	as, err := t.store.SeatAssignments(ctx, election, c.ID)
	if err != nil {
		return nil, err
	}
	var out []AssignedSeats
	for _, a := range as {
		var list []dauys.Candidate
		s := AssignedSeats{Party: a.Party, PartyName: dauys.T(a.Party), Decision: a.Decision, At: a.At}
		for _, o := range c.Options {
			if o.ID == a.Party {
				list, s.PartyName = o.Candidates, o.Name
			}
		}
		for _, p := range a.Candidates {
			ac := AssignedCandidate{Position: p}
			if p >= 1 && p <= len(list) {
				ac.Name = list[p-1].Name
			}
			s.Candidates = append(s.Candidates, ac)
		}
		out = append(out, s)
	}
	return out, nil
}

// AssignmentFacts returns what checking a party's seat assignment needs:
// the loaded election, the seats the current outcome gives the party in
// the contest, and the winners of the election's single-member contests
// as decided now.
func (t *Tally) AssignmentFacts(ctx context.Context, election, contest, party string) (*dauys.Election, rules.Assignment, error) {
	var facts rules.Assignment
	res, err := t.Area(ctx, election, "")
	if err != nil {
		return nil, facts, err
	}
	e, err := t.elections.Load(ctx, election)
	if err != nil {
		return nil, facts, err
	}
	for _, cr := range res.Contests {
		if cr.Outcome == nil {
			continue
		}
		if cr.Contest == contest {
			for _, s := range cr.Outcome.Seats {
				if s.Option == party {
					facts.Seats = s.Seats
				}
			}
		}
		c := e.Contest(cr.Contest)
		if c == nil || cr.Kind == dauys.KindList || cr.Kind == dauys.KindReferendum {
			continue
		}
		winners := cr.Outcome.Winners
		if el := cr.Outcome.Elected; el != nil && !slices.Contains(winners, *el) {
			winners = append(slices.Clone(winners), *el)
		}
		for _, w := range winners {
			for _, o := range c.Options {
				if o.ID == w {
					facts.DistrictWinners = append(facts.DistrictWinners, rules.DistrictWinner{Contest: c.ID, Name: o.Name})
				}
			}
		}
	}
	return e.Election, facts, nil
}
