// Package demo plays polling day and the election night: it generates the
// turnout reports of every precinct through the day (Day), then realistic
// protocols for every precinct and contest of an example election (Night),
// some of them inconsistent at first and corrected later, some accepted and
// then amended, and submits them over time (Player): the protocols through
// the real intake, the turnout reports through the writer it is given.
// Replay generates the night of a replay of an official result instead:
// protocols that add up exactly to the published totals (replay.go, with
// the integer splitting of exact.go).
//
// It owns the generated day and night. It uses internal/intake only to submit, reads
// the loaded definition from internal/election, and must never import tally,
// web, httpapi or a store driver.
package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
)

// Event is one submission at a moment of the night, as an offset from the
// close of the polls.
type Event struct {
	At         time.Duration
	Submission intake.Submission
	// Faulty marks a submission generated with a mistake, which intake is
	// expected to refuse.
	Faulty bool
}

// Baseline vote shares of the example's options, in percent of votes for
// options and against all. Options not listed get the share of
// "Default".
type Baseline struct {
	Shares     map[string]float64
	AgainstAll float64
	Invalid    float64
	// Yes is the share of yes in a referendum, in percent of valid ballots.
	Yes float64
}

// Mazhilis2023 follows the official 2023 Mazhilis list result (CEC,
// 19 March 2023: AMANAT 53.90%, Auyl 10.90%, Respublica 8.59%, Ak Zhol
// 8.41%, People's Party 6.80%, OSDP 5.20%, Baytaq 2.30%, against all
// 3.90%), for random nights of kz-2023 (benchmarks, tests, the tour's
// files); precinct counts around it are synthetic.
var Mazhilis2023 = Baseline{
	Shares: map[string]float64{
		"amanat": 53.90, "auyl": 10.90, "respublica": 8.59, "ak-zhol": 8.41,
		"qhp": 6.80, "osdp": 5.20, "baytaq": 2.30,
	},
	AgainstAll: 3.90,
	Invalid:    1.2,
}

// Night generates the whole night for an election, sorted by time. The
// same seed gives the same night.
func Night(e *election.Election, seed uint64, base Baseline) []Event {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// A second stream draws the lines of the Kazakh form (absentee and
	// mobile-box voters), so that the nights of other forms stay the same.
	kzRng := rand.New(rand.NewPCG(seed^0x6b7a666f726d, seed))
	regions := e.Tree.Children(e.Tree.Root())
	turnout := map[string]float64{}
	tilt := map[string]map[string]float64{}
	for _, r := range regions {
		turnout[r] = 0.38 + 0.35*rng.Float64()
		tilt[r] = map[string]float64{}
	}
	var events []Event
	var precincts []string
	var walk func(string, string)
	walk = func(id, region string) {
		if e.Tree.IsLeaf(id) {
			precincts = append(precincts, id+"\x00"+region)
			return
		}
		for _, k := range e.Tree.Children(id) {
			if region == "" {
				walk(k, k)
			} else {
				walk(k, region)
			}
		}
	}
	walk(e.Tree.Root(), "")
	for _, pr := range precincts {
		var id, region string
		for i := range pr {
			if pr[i] == 0 {
				id, region = pr[:i], pr[i+1:]
			}
		}
		a := e.Tree.Area(id)
		if a.Registered <= 0 {
			continue
		}
		t := clamp(turnout[region]+rng.NormFloat64()*0.07, 0.15, 0.93)
		tookPart := int64(math.Round(float64(a.Registered) * t))
		issued := tookPart + int64(rng.IntN(3))
		if issued > a.Registered {
			issued = a.Registered
		}
		received := (a.Registered*102/100/10 + 1) * 10
		// Voters who voted outside the polling station (about 1-2% in the
		// regional reports of 2023, more in the villages) and with absentee
		// certificates (about 0.1%); all mobile-box ballots are returned.
		// Both stay below the form's warnings (15% and 5%).
		outside := min(tookPart, issued/10, int64(math.Round(float64(issued)*0.015*math.Exp(kzRng.NormFloat64()*0.5))))
		absentee := min(issued/50, int64(math.Round(float64(issued)*0.0015*math.Exp(kzRng.NormFloat64()))))
		// Counting ends within hours of the close; big city precincts
		// are slower.
		at := time.Duration((0.5 + math.Exp(rng.NormFloat64()*0.6)*2.5) * float64(time.Hour))
		// The law gives precinct commissions twelve hours to count.
		at = min(at, 11*time.Hour+time.Duration(rng.IntN(60))*time.Minute)
		for i := range e.Contests {
			c := &e.Contests[i]
			if !e.Tree.InContest(id, c) {
				continue
			}
			lines := map[string]int64{
				"registered": a.Registered, "received": received, "issued": issued,
				"cancelled": received - issued, "took_part": tookPart,
			}
			invalid := int64(math.Round(float64(tookPart) * base.Invalid / 100 * (0.5 + rng.Float64())))
			lines["invalid"] = invalid
			has := map[string]bool{}
			for _, l := range e.Validator(c.ID).Lines() {
				has[l.Name] = true
			}
			if has["found_stationary"] {
				// The Kazakh form: took_part is the voters who received
				// ballots, and the ballots in the boxes are found.
				lines["took_part"], lines["lost"] = issued, 0
				lines["absentee"], lines["outside"] = absentee, outside
				lines["found_mobile"], lines["found_stationary"] = outside, tookPart-outside
			}
			if c.Kind == dauys.KindReferendum {
				// Yes, no and both marked, around the shares of base.Yes.
				yes := clamp(base.Yes/100+rng.NormFloat64()*0.08+tilt[region]["yes"], 0.05, 0.98)
				if _, seen := tilt[region]["yes"]; !seen {
					tilt[region]["yes"] = rng.NormFloat64() * 0.06
				}
				v := split(rng, tookPart-invalid, []float64{yes, 1 - yes - 0.01, 0.01})
				lines["yes"], lines["no"], lines["both_marked"] = v[0], v[1], v[2]
			} else {
				votes := split(rng, tookPart-invalid, weights(rng, c, base, tilt[region]))
				for j, o := range c.Options {
					lines[dauys.OptionLinePrefix+o.ID] = votes[j]
				}
				if has["against_all"] {
					lines["against_all"] = votes[len(c.Options)]
				} else {
					lines["invalid"] += votes[len(c.Options)]
				}
			}
			keep := map[string]int64{}
			for _, l := range e.Validator(c.ID).Lines() {
				if l.Derived == "" {
					keep[l.Name] = lines[l.Name]
				}
			}
			sub := intake.Submission{Contest: c.ID, Area: id, Lines: keep, AcknowledgeWarnings: true, Submitter: "demo@" + region}
			r := rng.Float64()
			switch {
			case r < 0.004:
				// A slip of the pen: refused, then sent right.
				bad := copyLines(keep)
				if len(c.Options) > 0 {
					bad[dauys.OptionLinePrefix+c.Options[0].ID] += 10
				} else {
					bad["yes"] += 10
				}
				events = append(events, Event{At: at, Submission: withLines(sub, bad), Faulty: true})
				events = append(events, Event{At: at + 20*time.Minute, Submission: sub})
			case r < 0.006 && len(c.Options) > 1:
				// Consistent but wrong: accepted, then amended.
				wrong := copyLines(keep)
				n := min(5, wrong[dauys.OptionLinePrefix+c.Options[0].ID])
				wrong[dauys.OptionLinePrefix+c.Options[0].ID] -= n
				wrong[dauys.OptionLinePrefix+c.Options[1].ID] += n
				events = append(events, Event{At: at, Submission: withLines(sub, wrong)})
				fix := sub
				fix.Amendment, fix.Reason = true, "Recount by the precinct commission: 5 ballots were counted for the wrong option"
				events = append(events, Event{At: at + 90*time.Minute, Submission: fix})
			default:
				events = append(events, Event{At: at, Submission: sub})
			}
		}
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].At < events[j].At })
	return events
}

func withLines(s intake.Submission, l map[string]int64) intake.Submission {
	s.Lines = l
	return s
}

func copyLines(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// weights returns the relative weight of each option and, last, of against
// all, for one precinct.
func weights(rng *rand.Rand, c *dauys.Contest, base Baseline, tilt map[string]float64) []float64 {
	w := make([]float64, len(c.Options)+1)
	for i, o := range c.Options {
		s, ok := base.Shares[o.ID]
		if !ok {
			// A candidate in a district: the first few on the ballot draw
			// more, with a tilt fixed per region and contest.
			key := c.ID + "/" + o.ID
			if _, seen := tilt[key]; !seen {
				tilt[key] = math.Exp(rng.NormFloat64() * 0.8)
			}
			s = 30 / float64(i+1) * tilt[key]
		} else {
			if _, seen := tilt[o.ID]; !seen {
				tilt[o.ID] = math.Exp(rng.NormFloat64() * 0.2)
			}
			s *= tilt[o.ID]
		}
		w[i] = s * math.Exp(rng.NormFloat64()*0.15)
	}
	w[len(c.Options)] = base.AgainstAll * math.Exp(rng.NormFloat64()*0.2)
	return w
}

// split divides n votes in proportion to weights, exactly: the integer parts
// first, then the rest one by one to the largest remainders.
func split(rng *rand.Rand, n int64, w []float64) []int64 {
	var sum float64
	for _, x := range w {
		sum += x
	}
	out := make([]int64, len(w))
	if n <= 0 || sum <= 0 {
		return out
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(w))
	var given int64
	for i, x := range w {
		q := float64(n) * x / sum
		out[i] = int64(q)
		given += out[i]
		rems[i] = rem{i, q - float64(out[i]) + rng.Float64()*1e-9}
	}
	sort.Slice(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < n; k = (k + 1) % len(rems) {
		out[rems[k].i]++
		given++
	}
	return out
}

// Player submits a polling day's turnout reports and a night's events
// through intake.
type Player struct {
	Intake *intake.Service
	// SubmitTurnout writes a batch of the day's turnout reports and
	// answers one result per report, as dauys.Store.SaveTurnout does.
	SubmitTurnout func(ctx context.Context, election string, rs []*dauys.TurnoutReport) ([]dauys.TurnoutResult, error)
	// Duration is how long the night takes in real time, DayDuration the
	// day; 0 submits everything at once.
	Duration, DayDuration time.Duration
	// Log, when set, is told what happens.
	Log func(format string, args ...any)
	// Sleep waits; tests make it return at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Stats counts what a day or a night did.
type Stats struct {
	Submitted, Accepted, Amended, Refused, Duplicates int
}

// count adds the answer to one submission.
func (st *Stats) count(outcome string, err error) {
	st.Submitted++
	switch {
	case err != nil:
		st.Refused++
	case outcome == dauys.OutcomeAccepted:
		st.Accepted++
	case outcome == dauys.OutcomeAmended:
		st.Amended++
	case outcome == dauys.OutcomeDuplicate:
		st.Duplicates++
	}
}

// countAll counts the answers to a batch, or returns the failure of the
// batch as a whole.
func countAll[R any](st *Stats, what string, res []R, err error, answer func(R) (string, error)) error {
	if err != nil {
		return fmt.Errorf("demo: %s: %w", what, err)
	}
	for _, r := range res {
		st.count(answer(r))
	}
	return nil
}

// Play submits the events in order, scaling the night's 12 hours to
// Duration, in batches.
func (p *Player) Play(ctx context.Context, election string, events []Event) (Stats, error) {
	var st Stats
	err := p.pace(ctx, "night", p.Duration, &st, len(events), func(i int) time.Duration { return events[i].At }, func(lo, hi int) error {
		subs := make([]intake.Submission, 0, hi-lo)
		for _, ev := range events[lo:hi] {
			subs = append(subs, ev.Submission)
		}
		res, err := p.Intake.Submit(ctx, election, subs)
		return countAll(&st, "submit", res, err, func(r intake.Result) (string, error) { return r.Outcome, r.Err })
	})
	return st, err
}

// PlayDay submits the day's turnout reports in order through
// SubmitTurnout, scaling the day, from the first opening to the last
// report, to DayDuration, in batches.
func (p *Player) PlayDay(ctx context.Context, election string, day []TurnoutEvent) (Stats, error) {
	var st Stats
	err := p.pace(ctx, "day", p.DayDuration, &st, len(day), func(i int) time.Duration { return day[i].At }, func(lo, hi int) error {
		rs := make([]*dauys.TurnoutReport, 0, hi-lo)
		for _, ev := range day[lo:hi] {
			r := ev.Report
			r.Election = election
			rs = append(rs, &r)
		}
		res, err := p.SubmitTurnout(ctx, election, rs)
		return countAll(&st, "turnout", res, err, func(r dauys.TurnoutResult) (string, error) { return r.Outcome, r.Err })
	})
	return st, err
}

// pace sends n events whose times at(i) ascend, scaling the span up to the
// last one to d in steps of half a second (all at once when d is 0), in
// batches of at most 1,000 given to send as the range [lo, hi).
func (p *Player) pace(ctx context.Context, what string, d time.Duration, st *Stats, n int, at func(int) time.Duration, send func(lo, hi int) error) error {
	if p.Sleep == nil {
		p.Sleep = sleep
	}
	if n == 0 {
		return nil
	}
	span := at(n - 1)
	steps := 1
	if d > 0 {
		steps = max(1, int(d/(500*time.Millisecond)))
	}
	next := 0
	for step := 1; step <= steps; step++ {
		until := span * time.Duration(step) / time.Duration(steps)
		if step == steps {
			until = span
		}
		j := next
		for j < n && at(j) <= until {
			j++
		}
		for lo := next; lo < j; lo += 1000 {
			if err := send(lo, min(j, lo+1000)); err != nil {
				return err
			}
		}
		next = j
		if p.Log != nil && d > 0 && step%10 == 0 {
			p.Log("%s %s of %s: %d submitted, %d refused, %d amended", what, until.Round(time.Minute), span.Round(time.Minute), st.Submitted, st.Refused, st.Amended)
		}
		if step < steps {
			if err := p.Sleep(ctx, d/time.Duration(steps)); err != nil {
				return err
			}
		}
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
