package web

import (
	"strconv"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/tally"
)

// The members of a list contest: after the commission allocates the list
// seats, each party decides which candidates of its list take them. The
// contest page shows every party with seats, the candidates it named in its
// order, or that it has not named them yet.

type membersView struct {
	Parties []partyMembers
}

type partyMembers struct {
	Name, Colour string
	Seats        int
	Decision     string
	Named        []string // "2. Aigul Seitkali"
	Invented     bool
}

// membersOf returns the members section, or nil while no party has named
// anyone: the section appears with the first decision.
func (rc *renderCtx) membersOf(c *dauys.Contest, cr *tally.ContestResult, o *decide.Outcome) *membersView {
	if len(cr.Assigned) == 0 {
		return nil
	}
	byParty := map[string]tally.AssignedSeats{}
	for _, a := range cr.Assigned {
		byParty[a.Party] = a
	}
	v := &membersView{}
	for _, s := range o.Seats {
		if s.Seats == 0 {
			continue
		}
		opt := rc.option(c, s.Option)
		pm := partyMembers{Name: rc.optionLabel(c, s.Option), Colour: rc.pal.of(opt), Seats: s.Seats, Invented: opt.ListInvented}
		if a, ok := byParty[s.Option]; ok {
			pm.Decision = a.Decision
			for _, m := range a.Candidates {
				name := rc.L.Name(m.Name)
				if name == "" {
					name = "—"
				}
				pm.Named = append(pm.Named, strconv.Itoa(m.Position)+". "+name)
			}
		}
		v.Parties = append(v.Parties, pm)
	}
	return v
}
