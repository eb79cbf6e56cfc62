package definition

import (
	"fmt"
	"time"
	// The time zones of areas are checked with time.LoadLocation, which
	// needs the IANA database; a server or a CEC laptop may lack
	// /usr/share/zoneinfo, so the binary carries its own copy.
	_ "time/tzdata"

	"github.com/dauys/dauys"
)

// knownAreaKinds are the kinds an area may have; "" is an ordinary area.
var knownAreaKinds = []string{dauys.AreaAbroad, dauys.AreaSpecial}

// checkElectionDay checks what the definition says about polling day: the
// turnout reporting hours, and each area's time zone, poll hours and kind.
// It runs after checkAreas, whose depths tell which parents can be
// followed.
func (c *checker) checkElectionDay() {
	c.checkTurnoutHours()
	e := c.e
	children := map[string]bool{}
	for _, a := range e.Areas {
		children[a.Parent] = true
	}
	for i, a := range e.Areas {
		if a.Timezone != "" {
			if _, err := time.LoadLocation(a.Timezone); err != nil || a.Timezone == "Local" {
				c.addArea(i, "area %s: timezone %q is not an IANA time zone such as Asia/Aqtobe", label(a.ID), dauys.ClipText(a.Timezone, 64))
			}
		}
		for _, h := range []struct{ name, v string }{{"opens", a.Opens}, {"closes", a.Closes}} {
			if h.v != "" && !dauys.ValidClock(h.v) {
				c.addArea(i, "area %s: %s %q is not a time of day written HH:MM", label(a.ID), h.name, dauys.ClipText(h.v, 16))
			}
		}
		for _, ct := range e.Contests {
			if a.Kind == dauys.AreaAbroad && ct.Units != "" && a.Level == ct.Units {
				c.addArea(i, "area %s: an area abroad is at level %s, the territorial units of contest %s, and would count as one; give it a level of its own (such as abroad)",
					label(a.ID), a.Level, label(ct.ID))
			}
		}
		switch a.Kind {
		case "":
		case dauys.AreaAbroad:
			// The unit directly under the root holds the precincts abroad;
			// below it areas may repeat the kind. Anywhere else the kind
			// would put precincts abroad inside a region.
			if a.Parent == "" {
				c.addArea(i, "area %s: the root cannot be of kind abroad", label(a.ID))
			} else if chain := c.chain(i); c.depth[i] > 1 && !dauys.Abroad(chain[len(chain)-2:len(chain)-1]) {
				c.addArea(i, "area %s: kind abroad belongs to the unit directly under the root that holds the precincts abroad and to the areas below it, not to an area of %s",
					label(a.ID), label(chain[len(chain)-2].ID))
			}
		case dauys.AreaSpecial:
			if children[a.ID] {
				c.addArea(i, "area %s: kind special is for a precinct, but areas lie below it", label(a.ID))
			}
		default:
			c.addArea(i, "area %s: kind %q is unknown (known: %s)", label(a.ID), dauys.ClipText(a.Kind, 32), joinComma(knownAreaKinds))
		}
		if c.depth[i] < 0 || a.Opens == "" && a.Closes == "" {
			continue
		}
		// The hours each area sets are checked against those it inherits,
		// so that a precinct's early closing is never before its opening.
		opens, closes := dauys.EffectivePollHours(c.chain(i))
		if dauys.ValidClock(opens) && dauys.ValidClock(closes) && closes <= opens {
			c.addArea(i, "area %s: the polls close at %s, not after they open at %s", label(a.ID), closes, opens)
		}
	}
}

// chain returns area i and its ancestors, nearest first; only for areas
// whose depth is known, so that the parents lead to the root.
func (c *checker) chain(i int) []dauys.Area {
	var out []dauys.Area
	for {
		a := c.e.Areas[i]
		out = append(out, a)
		j, ok := c.areas[a.Parent]
		if a.Parent == "" || !ok {
			return out
		}
		i = j
	}
}

// checkTurnoutHours checks that the reporting hours are times of day in
// ascending order, with "close" only last.
func (c *checker) checkTurnoutHours() {
	for i, h := range c.e.TurnoutHours {
		path := fmt.Sprintf("turnout_hours[%d]", i)
		switch {
		case h == dauys.TurnoutClose && i == len(c.e.TurnoutHours)-1:
		case h == dauys.TurnoutClose:
			c.add(path, "election: turnout hour %q may only come last", h)
		case !dauys.ValidClock(h):
			c.add(path, "election: turnout hour %q is not a time of day written HH:MM (or %q for the final figure)", dauys.ClipText(h, 16), dauys.TurnoutClose)
		case i > 0 && h <= c.e.TurnoutHours[i-1]:
			c.add(path, "election: turnout hour %s does not come after %s; list the hours in ascending order", h, dauys.ClipText(c.e.TurnoutHours[i-1], 16))
		}
	}
}
