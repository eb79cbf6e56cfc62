package demo

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
)

// TurnoutEvent is one turnout report of polling day, at an offset from the
// moment the first polling station of the election opened.
type TurnoutEvent struct {
	At time.Duration
	// Report holds the election, the precinct, the reporting time, the
	// voters and the submitter; the time it is received is the writer's.
	Report dauys.TurnoutReport
	// Late marks a report sent long after its hour.
	Late bool
}

// The day's simulated delays: most precincts report within minutes of
// the hour, a few are late and a few never report that hour (they
// always report the close, the figure the night's protocols carry).
const (
	dayMissing = 0.02
	dayLate    = 0.05
)

// Poll hours used when an election defines none: 07:00 to 20:00, the
// Kazakh law's.
const defaultOpens, defaultCloses = "07:00", "20:00"

// Day generates the polling day that comes before a night: every
// precinct with a protocol in the night reports the voters who have
// received ballots at each of the election's reporting hours within its
// poll hours, local to its time zone, along a simulated curve that ends,
// at the close, at the took_part of its protocols. A few precincts are
// late or missing at each hour. The events are sorted by time; the same
// seed and night give the same day. Nil when the election defines no
// reporting hours or the night's form has no took_part line.
func Day(e *election.Election, seed uint64, night []Event) ([]TurnoutEvent, error) {
	times := e.TurnoutTimes()
	if len(times) == 0 {
		return nil, nil
	}
	date, err := time.Parse("2006-01-02", e.Date)
	if err != nil {
		return nil, fmt.Errorf("demo: election %s: date %q: %w", e.ID, dauys.ClipText(e.Date, 16), err)
	}
	final := closingTurnout(night)
	ids := make([]string, 0, len(final))
	for id := range final {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	rng := rand.New(rand.NewPCG(seed^0x646179, seed))
	zones := map[string]*time.Location{}
	tempo := map[string]float64{}
	type report struct {
		ev   TurnoutEvent
		sent time.Time
	}
	var reports []report
	var start time.Time
	for _, id := range ids {
		chain := chainOf(e.Tree, id)
		region := chain[max(0, len(chain)-2)].ID
		zone := dauys.EffectiveZone(chain, e.Timezone)
		loc, ok := zones[zone]
		if !ok {
			if loc, err = time.LoadLocation(zone); err != nil {
				return nil, fmt.Errorf("demo: precinct %s: time zone %q: %w", id, dauys.ClipText(zone, 64), err)
			}
			zones[zone] = loc
		}
		opens, closes := dauys.EffectivePollHours(chain)
		opens, closes = cmp.Or(opens, defaultOpens), cmp.Or(closes, defaultCloses)
		open, shut := clock(date, opens, loc), clock(date, closes, loc)
		if start.IsZero() || open.Before(start) {
			start = open
		}
		// The curve of the share of the day's voters who have come by t
		// hours after the opening: a Weibull distribution whose scale, the
		// tempo, is drawn per region and varies per precinct. Its shape
		// follows the CEC's national figures of 2024 (28% of the day's
		// voters by 10:00, 62% by 12:00, 81% by 14:00, 91% by 16:00).
		if _, seen := tempo[region]; !seen {
			tempo[region] = 5.1 * math.Exp(rng.NormFloat64()*0.12)
		}
		scale := tempo[region] * math.Exp(rng.NormFloat64()*0.2)
		came := func(t time.Time) float64 { return 1 - math.Exp(-math.Pow(t.Sub(open).Hours()/scale, 1.6)) }
		all := came(shut)
		submitter := "demo@" + region
		for _, at := range times {
			r := dauys.TurnoutReport{Election: e.ID, Area: id, Time: at, Submitter: submitter, Source: "demo"}
			if at == dauys.TurnoutClose {
				r.Voters = final[id]
				reports = append(reports, report{TurnoutEvent{Report: r}, shut.Add(time.Duration(10+rng.IntN(50)) * time.Minute)})
				continue
			}
			if at < opens || at > closes {
				continue
			}
			hour := clock(date, at, loc)
			r.Voters = min(final[id], int64(float64(final[id])*came(hour)/all))
			ev := TurnoutEvent{Report: r}
			var delay time.Duration
			switch x := rng.Float64(); {
			case x < dayMissing:
				continue
			case x < dayMissing+dayLate:
				ev.Late = true
				delay = time.Duration(35+rng.IntN(115)) * time.Minute
			default:
				delay = time.Duration(2+rng.IntN(23)) * time.Minute
			}
			reports = append(reports, report{ev, hour.Add(delay)})
		}
	}
	out := make([]TurnoutEvent, len(reports))
	for i, r := range reports {
		out[i] = r.ev
		out[i].At = r.sent.Sub(start)
	}
	slices.SortStableFunc(out, func(a, b TurnoutEvent) int { return cmp.Compare(a.At, b.At) })
	return out, nil
}

// closingTurnout returns the took_part line of each precinct's protocols
// in the night, the voters who received ballots: the same in every
// contest of a precinct and in its corrections.
func closingTurnout(night []Event) map[string]int64 {
	out := map[string]int64{}
	for _, ev := range night {
		if ev.Faulty {
			continue
		}
		if v, ok := ev.Submission.Lines["took_part"]; ok {
			if _, seen := out[ev.Submission.Area]; !seen {
				out[ev.Submission.Area] = v
			}
		}
	}
	return out
}

// chainOf returns the area followed by its ancestors, nearest first.
func chainOf(t *election.Tree, id string) []dauys.Area {
	chain := []dauys.Area{*t.Area(id)}
	for _, a := range t.Ancestors(id) {
		chain = append(chain, *t.Area(a))
	}
	return chain
}

// clock returns the moment of the day at hh:mm, a valid clock, in loc.
func clock(day time.Time, hhmm string, loc *time.Location) time.Time {
	h := int(hhmm[0]-'0')*10 + int(hhmm[1]-'0')
	m := int(hhmm[3]-'0')*10 + int(hhmm[4]-'0')
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
}
