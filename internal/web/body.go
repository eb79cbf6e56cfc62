package web

import (
	"html/template"
	"slices"
	"strings"

	"github.com/dauys/dauys"
)

// A mixed body as a whole: the seats of a body filled by party lists and
// by single-member districts together (the Mazhilis: 69 by lists and 29 in
// districts), in one hemicycle with its composition by party and by way of
// election. Contests belong to a body by their `body`; a body shows as a
// whole on the overview when it has both a list and a district contest.

type bodyView struct {
	ID, Title, Summary string
	Chart              template.HTML
	Rows               []bodyRow
	Total              bodyRow
}

type bodyRow struct {
	Name, Colour               string
	List, Districts, Seats     int
	ListText, DistrictsText    string
	SeatsText                  string
	Independent, NotYetDecided bool
}

// districtTint is how strong a party's colour is for the seats it won in
// districts: the same hue, lighter, beside its list seats.
const districtTint = 0.5

func (rc *renderCtx) bodies() []bodyView {
	type acc struct {
		lists, districts  bool
		rows              map[string]*bodyRow
		order             []string
		listSeats, dSeats int
		undecided         int
	}
	var ids []string
	groups := map[string]*acc{}
	for i := range rc.e.Contests {
		c := &rc.e.Contests[i]
		if c.Body == "" || (c.Kind != dauys.KindList && c.Kind != dauys.KindPlurality) {
			continue
		}
		g := groups[c.Body]
		if g == nil {
			g = &acc{rows: map[string]*bodyRow{}}
			groups[c.Body] = g
			ids = append(ids, c.Body)
		}
		row := func(key, name, colour string) *bodyRow {
			r := g.rows[key]
			if r == nil {
				r = &bodyRow{Name: name, Colour: colour}
				g.rows[key] = r
				g.order = append(g.order, key)
			}
			return r
		}
		cr := rc.rootResult(c.ID)
		switch c.Kind {
		case dauys.KindList:
			g.lists = true
			g.listSeats += c.Rules.Seats
			given := 0
			if cr != nil && cr.Outcome != nil {
				for _, s := range cr.Outcome.Seats {
					if s.Seats == 0 {
						continue
					}
					o := rc.option(c, s.Option)
					row(o.ID, rc.optionLabel(c, o.ID), rc.pal.of(o)).List += s.Seats
					given += s.Seats
				}
			}
			g.undecided += max(0, c.Rules.Seats-given)
		case dauys.KindPlurality:
			g.districts = true
			seats := max(1, c.Rules.Seats)
			g.dSeats += seats
			won := 0
			if cr != nil && cr.Outcome != nil {
				for _, w := range cr.Outcome.Winners {
					if won == seats {
						break
					}
					o := rc.option(c, w)
					key, name := o.Party, rc.partyName(o.Party)
					if key == "" || name == "" {
						key, name = "\x00independent", rc.L.T("Independent")
					}
					r := row(key, name, rc.pal.of(o))
					r.Independent = key == "\x00independent"
					r.Districts++
					won++
				}
			}
			g.undecided += seats - won
		}
	}
	var out []bodyView
	for _, id := range ids {
		g := groups[id]
		if !g.lists || !g.districts {
			continue
		}
		var rows []bodyRow
		for _, k := range g.order {
			r := *g.rows[k]
			r.Seats = r.List + r.Districts
			rows = append(rows, r)
		}
		slices.SortStableFunc(rows, func(a, b bodyRow) int {
			if a.Independent != b.Independent {
				if a.Independent {
					return 1
				}
				return -1
			}
			return b.Seats - a.Seats
		})
		if g.undecided > 0 {
			rows = append(rows, bodyRow{Name: rc.L.T("BodyNotYetDecided"), Colour: colourNoData, NotYetDecided: true, Seats: g.undecided})
		}
		total := bodyRow{List: g.listSeats, Districts: g.dSeats, Seats: g.listSeats + g.dSeats}
		var seatGroups []seatGroup
		var desc []string
		for i := range rows {
			r := &rows[i]
			r.ListText, r.DistrictsText, r.SeatsText = rc.L.N(r.List), rc.L.N(r.Districts), rc.L.N(r.Seats)
			if r.NotYetDecided {
				r.ListText, r.DistrictsText = "", ""
				seatGroups = append(seatGroups, seatGroup{Label: r.Name, Colour: r.Colour, Seats: r.Seats})
				desc = append(desc, r.Name+" "+r.SeatsText)
				continue
			}
			seatGroups = append(seatGroups,
				seatGroup{Label: r.Name + " · " + rc.L.T("BodyByList"), Colour: r.Colour, Seats: r.List},
				seatGroup{Label: r.Name + " · " + rc.L.T("BodyInDistricts"), Colour: tint(r.Colour, districtTint), Seats: r.Districts})
			desc = append(desc, rc.L.T("BodySeatsOf", "Party", r.Name, "Seats", r.SeatsText, "List", r.ListText, "Districts", r.DistrictsText))
		}
		total.ListText, total.DistrictsText, total.SeatsText = rc.L.N(total.List), rc.L.N(total.Districts), rc.L.N(total.Seats)
		name := rc.bodyName(id)
		title := rc.L.T("BodyTitle", "Body", name, "Seats", total.SeatsText)
		out = append(out, bodyView{ID: id, Title: title, Total: total, Rows: rows,
			Summary: rc.L.T("BodySummary", "List", total.ListText, "Districts", total.DistrictsText),
			Chart:   hemicycle(rc.chartID(), title, strings.Join(desc, "; "), seatGroups, total.SeatsText)})
	}
	return out
}
