package demo

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
)

// Total is one figure a replay reproduces exactly: the sum of a line of a
// contest's protocols over the precincts of an area (the country or a
// region). Status says whether the figure is the commission's published
// one ("official"), one computed from published ones ("derived") or an
// estimate where nothing was published ("estimated"); Source says where it
// comes from.
type Total struct {
	Contest, Area, Line string
	Value               int64
	Status, Source      string
}

// Total statuses.
const (
	TotalOfficial  = "official"
	TotalDerived   = "derived"
	TotalEstimated = "estimated"
)

// totalsHeader is the header of a replay's totals file.
var totalsHeader = []string{"contest", "area", "line", "value", "status", "source"}

// maxTotals bounds a totals file: a replay has a few lines per contest and
// region.
const maxTotals = 100000

// ReadTotals reads a replay's totals file: a CSV file with the header
// contest,area,line,value,status,source (docs/definitions.md, "Replays").
// Errors name the line.
func ReadTotals(r io.Reader, name string) ([]Total, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(totalsHeader)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	if !slices.Equal(head, totalsHeader) {
		return nil, fmt.Errorf("%s: line 1: the header is %q, want %q", name, strings.Join(head, ","), strings.Join(totalsHeader, ","))
	}
	var out []Total
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(out) == maxTotals {
			return nil, fmt.Errorf("%s: line %d: more than %d totals", name, line, maxTotals)
		}
		v, err := strconv.ParseInt(rec[3], 10, 64)
		if err != nil || v < 0 || v > dauys.MaxCount {
			return nil, fmt.Errorf("%s: line %d: value %q is not a count", name, line, dauys.ClipText(rec[3], 24))
		}
		switch rec[4] {
		case TotalOfficial, TotalDerived, TotalEstimated:
		default:
			return nil, fmt.Errorf("%s: line %d: status %q is not official, derived or estimated", name, line, dauys.ClipText(rec[4], 24))
		}
		out = append(out, Total{Contest: rec[0], Area: rec[1], Line: rec[2], Value: v, Status: rec[4], Source: rec[5]})
	}
}

// Replay generates the night of a replay: one protocol for every precinct
// and contest, such that for every total given the contest's line summed
// over the area's precincts equals it exactly. The voters who took part
// are the same in every contest of a precinct.
//
// For a contest with totals, every precinct of the contest must lie in
// exactly one area below the root that has a total for took_part and for
// every line the ballots found in the boxes are divided into (yes, no,
// both_marked and invalid; or each option, against_all and invalid), and
// the root's totals, when given, must be the sums of those areas'. Within
// each area, took_part is apportioned among the precincts in proportion to
// their registered voters times a seeded factor, never above a precinct's
// registered voters; then the lines are shared out by FillTable, shaped by
// the area's shares with seeded noise per precinct. Every ballot a voter
// received is found in the boxes. A contest without totals (a
// single-member district, whose results were not published) takes the
// voters and the invalid ballots of the precinct's first contest and
// shares its valid votes among its options by seeded weights.
//
// The other lines of the form (ballots received and cancelled, absentee
// and mobile-box voters) are simulated as in Night. The protocols arrive
// through the twelve hours after the close; none is faulty or amended, so
// that the totals are the official ones at every moment the night ends.
func Replay(e *election.Election, totals []Total, seed uint64) ([]Event, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x7265706c6179))
	kzRng := rand.New(rand.NewPCG(seed^0x6b7a666f726d, seed))
	byContest := map[string][]Total{}
	for _, t := range totals {
		c := e.Contest(t.Contest)
		if c == nil {
			return nil, fmt.Errorf("demo: replay %s: totals name contest %q, which the election does not have", e.ID, dauys.ClipText(t.Contest, 64))
		}
		if e.Tree.Area(t.Area) == nil {
			return nil, fmt.Errorf("demo: replay %s: totals of contest %s name area %q, which the election does not have", e.ID, c.ID, dauys.ClipText(t.Area, 64))
		}
		byContest[c.ID] = append(byContest[c.ID], t)
	}
	tookPart := map[string]int64{}                // precinct -> voters who received ballots
	invalid := map[string]int64{}                 // precinct -> invalid ballots of its first contest
	protocols := map[string][]intake.Submission{} // precinct -> its protocols
	for i := range e.Contests {
		c := &e.Contests[i]
		precincts := contestPrecincts(e, c)
		var lines map[string]map[string]int64
		var err error
		ts, winner, err := electedOf(c, byContest[c.ID])
		if err != nil {
			return nil, fmt.Errorf("demo: replay %s: %w", e.ID, err)
		}
		if len(ts) > 0 {
			lines, err = replayContest(e, c, ts, precincts, tookPart, rng)
		} else {
			lines, err = simulateContest(e, c, precincts, tookPart, invalid, winner, rng)
		}
		if err != nil {
			return nil, err
		}
		for _, p := range precincts {
			l := lines[p]
			if _, ok := tookPart[p]; !ok {
				tookPart[p] = l["took_part"]
			}
			if _, ok := invalid[p]; !ok {
				invalid[p] = l["invalid"]
			}
			fillForm(e, c, p, l, kzRng)
			keep := map[string]int64{}
			for _, fl := range e.Validator(c.ID).Lines() {
				if fl.Derived == "" {
					keep[fl.Name] = l[fl.Name]
				}
			}
			protocols[p] = append(protocols[p], intake.Submission{Contest: c.ID, Area: p, Lines: keep, AcknowledgeWarnings: true, Submitter: "replay@" + regionOf(e, p)})
		}
	}
	var events []Event
	for _, p := range e.Tree.AtLevel(dauys.LevelPrecinct) {
		// Counting ends within hours of the close, as in Night.
		at := time.Duration((0.5 + math.Exp(rng.NormFloat64()*0.6)*2.5) * float64(time.Hour))
		at = min(at, 11*time.Hour+time.Duration(rng.IntN(60))*time.Minute)
		for _, s := range protocols[p] {
			events = append(events, Event{At: at, Submission: s})
		}
	}
	slices.SortStableFunc(events, func(a, b Event) int { return int(a.At - b.At) })
	return events, nil
}

// ElectedPrefix starts the line of a total that names a published winner
// ("elected:<option id>", value 1) of a contest whose votes were not
// published: the replay makes that option win.
const ElectedPrefix = "elected:"

// electedOf separates a contest's totals from the winner they name.
func electedOf(c *dauys.Contest, ts []Total) ([]Total, string, error) {
	var out []Total
	winner := ""
	for _, t := range ts {
		id, ok := strings.CutPrefix(t.Line, ElectedPrefix)
		if !ok {
			out = append(out, t)
			continue
		}
		if !slices.ContainsFunc(c.Options, func(o dauys.Option) bool { return o.ID == id }) || winner != "" {
			return nil, "", fmt.Errorf("contest %s: %s names no option of the contest, or a second winner", c.ID, dauys.ClipText(t.Line, 64))
		}
		winner = id
	}
	if winner != "" && len(out) > 0 {
		return nil, "", fmt.Errorf("contest %s: a contest with totals cannot also name its winner", c.ID)
	}
	return out, winner, nil
}

// contestPrecincts lists the precincts of a contest with registered
// voters, in the tree's order.
func contestPrecincts(e *election.Election, c *dauys.Contest) []string {
	var out []string
	for _, p := range e.Tree.AtLevel(dauys.LevelPrecinct) {
		if e.Tree.InContest(p, c) && e.Tree.Area(p).Registered > 0 {
			out = append(out, p)
		}
	}
	return out
}

// regionOf returns the area under the root that holds a precinct.
func regionOf(e *election.Election, p string) string {
	anc := e.Tree.Ancestors(p)
	if len(anc) < 2 {
		return p
	}
	return anc[len(anc)-2]
}

// partition returns the lines the ballots found in the boxes are divided
// into, for a contest.
func partition(c *dauys.Contest, v *dauys.Validator) []string {
	if c.Kind == dauys.KindReferendum {
		return []string{"yes", "no", "both_marked", "invalid"}
	}
	var out []string
	for _, o := range c.Options {
		out = append(out, dauys.OptionLinePrefix+o.ID)
	}
	has := false
	for _, l := range v.Lines() {
		has = has || l.Name == "against_all"
	}
	if has {
		out = append(out, "against_all")
	}
	return append(out, "invalid")
}

// replayContest shares a contest's totals out among its precincts.
func replayContest(e *election.Election, c *dauys.Contest, ts []Total, precincts []string, tookPart map[string]int64, rng *rand.Rand) (map[string]map[string]int64, error) {
	cols := partition(c, e.Validator(c.ID))
	root := e.Tree.Root()
	want := map[string]map[string]int64{} // area -> line -> total
	var areas []string
	for _, t := range ts {
		if want[t.Area] == nil {
			want[t.Area] = map[string]int64{}
			if t.Area != root {
				areas = append(areas, t.Area)
			}
		}
		if _, dup := want[t.Area][t.Line]; dup {
			return nil, fmt.Errorf("demo: replay %s, contest %s: area %s has line %s twice", e.ID, c.ID, t.Area, dauys.ClipText(t.Line, 64))
		}
		want[t.Area][t.Line] = t.Value
	}
	// Each precinct in exactly one area.
	in := map[string][]string{}
	for _, p := range precincts {
		var found []string
		for _, a := range areas {
			if e.Tree.Within(p, a) {
				found = append(found, a)
			}
		}
		if len(found) != 1 {
			return nil, fmt.Errorf("demo: replay %s, contest %s: precinct %s lies in %d of the areas with totals, want 1", e.ID, c.ID, p, len(found))
		}
		in[found[0]] = append(in[found[0]], p)
	}
	// The root's totals are the areas' sums.
	if w := want[root]; w != nil {
		for line, v := range w {
			var sum int64
			for _, a := range areas {
				sum += want[a][line]
			}
			if sum != v {
				return nil, fmt.Errorf("demo: replay %s, contest %s: line %s: the areas sum to %d, the country's total is %d", e.ID, c.ID, line, sum, v)
			}
		}
	}
	out := map[string]map[string]int64{}
	for _, a := range areas {
		ps := in[a]
		w := want[a]
		if len(ps) == 0 {
			if w["took_part"] != 0 {
				return nil, fmt.Errorf("demo: replay %s, contest %s: area %s has no precincts for its %d voters", e.ID, c.ID, a, w["took_part"])
			}
			continue
		}
		if r, ok := w["registered"]; ok {
			var sum int64
			for _, p := range ps {
				sum += e.Tree.Area(p).Registered
			}
			if sum != r {
				return nil, fmt.Errorf("demo: replay %s, contest %s: the precincts of %s have %d voters on the lists, its total is %d", e.ID, c.ID, a, sum, r)
			}
		}
		tp, ok := w["took_part"]
		if !ok {
			return nil, fmt.Errorf("demo: replay %s, contest %s: area %s has no total for took_part", e.ID, c.ID, a)
		}
		colSums := make([]int64, len(cols))
		var sum int64
		for j, l := range cols {
			v, ok := w[l]
			if !ok {
				return nil, fmt.Errorf("demo: replay %s, contest %s: area %s has no total for %s", e.ID, c.ID, a, l)
			}
			colSums[j] = v
			sum += v
		}
		if sum != tp {
			return nil, fmt.Errorf("demo: replay %s, contest %s: area %s: the ballots' lines sum to %d, took_part is %d", e.ID, c.ID, a, sum, tp)
		}
		rows, err := shareTookPart(ps, tp, e, tookPart, rng)
		if err != nil {
			return nil, fmt.Errorf("demo: replay %s, contest %s, area %s: %w", e.ID, c.ID, a, err)
		}
		shape := make([][]float64, len(ps))
		tilt := make([]float64, len(cols))
		for j := range tilt {
			tilt[j] = 0.15 + 0.1*rng.Float64()
			if cols[j] == "invalid" {
				// Invalid ballots vary little, so that no precinct passes
				// the form's 5% warning where the area's share is near it.
				tilt[j] = 0.03
			}
		}
		for i := range ps {
			shape[i] = make([]float64, len(cols))
			for j := range cols {
				shape[i][j] = float64(colSums[j]) * math.Exp(rng.NormFloat64()*tilt[j])
			}
		}
		table, err := FillTable(rows, colSums, shape)
		if err != nil {
			return nil, fmt.Errorf("demo: replay %s, contest %s, area %s: %w", e.ID, c.ID, a, err)
		}
		for i, p := range ps {
			l := map[string]int64{"took_part": rows[i]}
			for j, name := range cols {
				l[name] = table[i][j]
			}
			out[p] = l
		}
	}
	return out, nil
}

// shareTookPart returns the voters who took part in each precinct: those
// of an earlier contest of the precinct where there is one (they must then
// sum to the total), else the total apportioned by registered voters times
// a seeded factor, never above a precinct's registered voters nor, where
// the total leaves room, above 95% of them (the form's warning).
func shareTookPart(ps []string, total int64, e *election.Election, known map[string]int64, rng *rand.Rand) ([]int64, error) {
	out := make([]int64, len(ps))
	have := 0
	var sum int64
	for i, p := range ps {
		if v, ok := known[p]; ok {
			out[i] = v
			sum += v
			have++
		}
	}
	if have == len(ps) {
		if sum != total {
			return nil, fmt.Errorf("the precincts' voters of an earlier contest sum to %d, took_part is %d", sum, total)
		}
		return out, nil
	}
	if have > 0 {
		return nil, fmt.Errorf("%d of %d precincts have voters from an earlier contest", have, len(ps))
	}
	limit := make([]int64, len(ps))
	var reg, soft int64
	for i, p := range ps {
		r := e.Tree.Area(p).Registered
		limit[i] = r * 95 / 100
		reg += r
		soft += limit[i]
	}
	if total > reg {
		return nil, fmt.Errorf("%d took part, more than the %d voters on the lists", total, reg)
	}
	if total*100 > soft*97 {
		for i, p := range ps {
			limit[i] = e.Tree.Area(p).Registered
		}
	}
	w := make([]int64, len(ps))
	for i, p := range ps {
		w[i] = int64(float64(e.Tree.Area(p).Registered) * 1000 * math.Exp(rng.NormFloat64()*0.12))
	}
	out, err := Apportion(total, w)
	if err != nil {
		return nil, err
	}
	// Move voters over a precinct's limit to the precincts with room.
	for {
		var excess int64
		room := make([]int64, len(ps))
		for i := range out {
			if out[i] > limit[i] {
				excess += out[i] - limit[i]
				out[i] = limit[i]
			} else {
				room[i] = limit[i] - out[i]
			}
		}
		if excess == 0 {
			return out, nil
		}
		add, err := Apportion(excess, room)
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i] += add[i]
		}
	}
}

// simulateContest generates a contest that has no totals: each precinct's
// voters and invalid ballots are those of its first contest, and the valid
// votes go to the options and against all by seeded weights, the first
// options on the ballot drawing more, with a tilt per option; a published
// winner, when the totals name one, draws the most.
func simulateContest(e *election.Election, c *dauys.Contest, precincts []string, tookPart, invalid map[string]int64, winner string, rng *rand.Rand) (map[string]map[string]int64, error) {
	cols := partition(c, e.Validator(c.ID))
	base := make([]float64, len(cols)-1)
	top := 0.0
	for j := range base {
		base[j] = 30 / float64(j+1) * math.Exp(rng.NormFloat64()*0.8)
		top = max(top, base[j])
	}
	if cols[len(cols)-2] == "against_all" {
		base[len(base)-1] = 4
	}
	if winner != "" {
		// The published winner leads clearly: half again the strongest.
		base[slices.Index(cols, dauys.OptionLinePrefix+winner)] = 1.5*top + 4
	}
	out := map[string]map[string]int64{}
	for _, p := range precincts {
		tp, ok := tookPart[p]
		if !ok {
			return nil, fmt.Errorf("demo: replay %s, contest %s: precinct %s is in no contest with totals", e.ID, c.ID, p)
		}
		inv := min(invalid[p], tp)
		w := make([]int64, len(base))
		for j, b := range base {
			w[j] = int64(b * 1000 * math.Exp(rng.NormFloat64()*0.15))
		}
		votes, err := Apportion(tp-inv, w)
		if err != nil {
			return nil, err
		}
		l := map[string]int64{"took_part": tp, "invalid": inv}
		for j, v := range votes {
			l[cols[j]] = v
		}
		out[p] = l
	}
	return out, nil
}

// fillForm adds the lines of the form that no total sets: the voters on
// the lists, the ballots received and cancelled, and, on the Kazakh form,
// the absentee and mobile-box voters and the ballots found, every ballot
// issued being found in the boxes.
func fillForm(e *election.Election, c *dauys.Contest, p string, l map[string]int64, kzRng *rand.Rand) {
	reg := e.Tree.Area(p).Registered
	tp := l["took_part"]
	l["registered"] = reg
	received := (reg*102/100/10 + 1) * 10
	l["received"], l["issued"], l["cancelled"], l["lost"] = received, tp, received-tp, 0
	outside := min(tp/10, int64(math.Round(float64(tp)*0.015*math.Exp(kzRng.NormFloat64()*0.5))))
	absentee := min(tp/50, int64(math.Round(float64(tp)*0.0015*math.Exp(kzRng.NormFloat64()))))
	l["absentee"], l["outside"] = absentee, outside
	l["found_mobile"], l["found_stationary"] = outside, tp-outside
}
