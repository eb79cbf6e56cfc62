package web

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"math"
	"math/big"
	"strconv"
	"sync"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/tally"
)

// Polling day on the site: turnout through the day (docs/election-day.md),
// the referendum's validity announced from it, and the election's status
// (scheduled, voting, preliminary results while counting, final with the
// commission's decision).

// dayState is what the site knows of an election beyond its protocols:
// its current status, read from the store's history (another process, `dauys
// election status`, may have changed it after this one loaded the
// election), the decision that made the results final, and the country's
// turnout through the day.
type dayState struct {
	status   string
	decision *dauys.StatusChange
	// turnout is the root's; nil when the election takes no turnout
	// reports.
	turnout *tally.TurnoutSummary
}

func (s *Site) dayStateOf(ctx context.Context, e *election.Election) (*dayState, error) {
	hist, err := s.cfg.Tally.StatusHistory(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	d := &dayState{status: e.Status, decision: dauys.FinalDecision(hist)}
	if n := len(hist); n > 0 {
		d.status = hist[n-1].To
	}
	if len(e.TurnoutHours) > 0 {
		if d.turnout, err = s.cfg.Tally.Turnout(ctx, e.ID, e.Tree.Root()); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// hash writes what the pages show of the state into an election's version,
// so that a turnout report or a change of status refreshes them as a
// protocol does.
func (d *dayState) hash(w io.Writer) {
	fmt.Fprintf(w, "day\x00%s\x00", d.status)
	if d.decision != nil {
		fmt.Fprintf(w, "%s\x00%s\x00", d.decision.DecisionDate, d.decision.DecisionNumber)
	}
	if d.turnout != nil {
		for _, l := range d.turnout.Reports {
			fmt.Fprintf(w, "%s\x00%d\x00%d\x00%d\x00", l.Time, l.Voters, l.Registered, l.PrecinctsReported)
		}
	}
}

// resultsOpen reports whether an election's pages show results: not while
// it is scheduled or its polls are open, when only turnout is published.
// The older pre-election status keeps showing what has arrived, as it did
// for imported elections.
func resultsOpen(status string) bool {
	return status != dauys.StatusScheduled && status != dauys.StatusVoting
}

// pageClosed stands for a page of results (a contest, the districts, the
// integrity signals) while the polls are open: it says that results come
// after the close and leads to the turnout.
const pageClosed = "closed"

// resultsClosed reports whether the page being rendered is one of results
// that the election's status does not allow yet.
func (rc *renderCtx) resultsClosed() bool {
	switch rc.t.kind {
	case pageContest:
		// A made-up contest stays a not-found, which is not kept.
		return rc.e != nil && rc.e.Contest(rc.t.id) != nil && !resultsOpen(rc.sum.day.status)
	case pageDistricts, pageIntegrity:
		return rc.e != nil && !resultsOpen(rc.sum.day.status)
	}
	return false
}

type closedPage struct {
	basePage
	Message, Overview string
}

func (rc *renderCtx) closed() *closedPage {
	title := rc.L.Name(rc.e.Name)
	if rc.t.kind == pageContest {
		title = rc.L.Name(rc.e.Contest(rc.t.id).Name)
	}
	msg := rc.L.T("ResultsAfterClose")
	if rc.sum.day.status == dauys.StatusScheduled {
		msg = rc.L.T("ResultsScheduled")
	}
	return &closedPage{basePage: rc.base(title, nil), Message: msg, Overview: rc.overviewHref()}
}

// turnoutMemo keeps the turnout of areas for one version of an election,
// shared by the pages of every language.
type turnoutMemo struct {
	mu sync.Mutex
	m  map[string]*tally.TurnoutSummary
}

// turnoutOf returns an area's turnout through the day.
func (rc *renderCtx) turnoutOf(area string) (*tally.TurnoutSummary, error) {
	if area == rc.e.Tree.Root() && rc.sum.day.turnout != nil {
		return rc.sum.day.turnout, nil
	}
	memo := &rc.sum.turnouts
	memo.mu.Lock()
	t := memo.m[area]
	memo.mu.Unlock()
	if t != nil {
		return t, nil
	}
	t, err := rc.s.cfg.Tally.Turnout(rc.ctx, rc.e.ID, area)
	if err != nil {
		return nil, err
	}
	memo.mu.Lock()
	if memo.m == nil {
		memo.m = map[string]*tally.TurnoutSummary{}
	}
	memo.m[area] = t
	memo.mu.Unlock()
	return t, nil
}

// lifecycleText says where an election stands: before the vote, voting
// (turnout only), preliminary results while counting, or final with the
// commission's decision. The bool is true while counting, when the page
// shows the share of precincts in as a progress bar.
func (rc *renderCtx) lifecycleText(primary *tally.ContestResult) (string, string, bool) {
	day := rc.sum.day
	status := day.status
	life := dauys.LifecycleStatus(status)
	switch {
	case life == dauys.StatusFinal:
		if d := day.decision; d != nil {
			return life, rc.L.T("StatusFinalDecision", "Number", d.DecisionNumber, "Date", rc.L.PollingDay(d.DecisionDate)), false
		}
		return life, rc.L.T("StatusFinal"), false
	case status == dauys.StatusVoting:
		return life, rc.L.T("StatusVoting"), false
	case status == dauys.StatusScheduled || primary == nil || (primary.Progress.Reported == 0 && life != dauys.StatusCounting):
		return dauys.StatusScheduled, rc.L.T("StatusPreElection"), false
	case status == dauys.StatusComplete || final(primary.Progress):
		return life, rc.L.T("StatusPreliminaryComplete"), false
	}
	return life, rc.L.T("StatusPreliminary", "Pct", rc.L.PctD(primary.Progress.Reported, primary.Progress.Expected, 1)), true
}

// Turnout through the day.

type turnoutView struct {
	Title, Caption string
	Chart          template.HTML
	Rows           []turnoutRow
	Validity       *validityView
	Regions        *turnoutRegions
	Note           string
	// First puts the turnout before the results: on polling day it is all
	// there is.
	First bool
}

type turnoutRow struct {
	Time, Label                   string
	Voters, Registered, Precincts string
	Percent                       string
}

type validityView struct {
	Valid bool
	Text  string
}

type turnoutRegions struct {
	Caption string
	Times   []string
	Rows    []turnoutRegionRow
}

type turnoutRegionRow struct {
	Name, Href string
	Cells      []string
}

// timeLabel names a reporting time: the hour as written, or the close.
func (rc *renderCtx) timeLabel(at string) string {
	if at == dauys.TurnoutClose {
		return rc.L.T("TurnoutAtClose")
	}
	return at
}

// pctText writes a percent the tally wrote as an exact decimal string in
// the page's language, digit for digit: it is never recomputed.
func (rc *renderCtx) pctText(p string) string {
	if p == "" {
		return "–"
	}
	return rc.L.PctRat(p)
}

// turnout builds an area's turnout card; nil when the election takes no
// turnout reports.
func (rc *renderCtx) turnout(area string, first bool) (*turnoutView, error) {
	e := rc.e
	if len(e.TurnoutHours) == 0 {
		return nil, nil
	}
	ts, err := rc.turnoutOf(area)
	if err != nil {
		return nil, err
	}
	L := rc.L
	isRoot := area == e.Tree.Root()
	name := rc.areaName(e.Tree.Area(area))
	v := &turnoutView{Title: L.T("TurnoutTitle"), Caption: L.T("TurnoutCaption", "Area", name), Note: L.T("TurnoutDayNote"), First: first}
	var cols []turnoutColumn
	for _, l := range ts.Reports {
		v.Rows = append(v.Rows, turnoutRow{Time: l.Time, Label: rc.timeLabel(l.Time), Voters: L.N(l.Voters), Registered: L.N(l.Registered),
			Precincts: L.T("TurnoutPrecincts", "Reported", l.PrecinctsReported, "All", l.Precincts), Percent: rc.pctText(l.Percent)})
		pct, _ := strconv.ParseFloat(l.Percent, 64) // the column's height only
		label := l.Time
		if l.Time == dauys.TurnoutClose {
			label = L.T("TurnoutCloseShort") // a column is narrow
		}
		cols = append(cols, turnoutColumn{Label: label, Value: rc.pctText(l.Percent), Pct: pct})
	}
	quorum := tally.Quorum(e.Election)
	var line *refLine
	if isRoot && quorum != nil {
		q, _ := quorum.Float64()
		line = &refLine{Pct: q, Label: L.T("TurnoutQuorumLine", "Share", quorumText(L, quorum))}
		v.Validity = rc.validity(ts, quorum)
	}
	if len(cols) > 0 {
		v.Chart = turnoutChart(rc.chartID(), L.T("TurnoutChartTitle", "Area", name), L.T("TurnoutChartDesc"), cols, line)
	}
	if isRoot {
		if v.Regions, err = rc.turnoutRegions(); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// turnoutRegions is the country's regions at every reporting time, as the
// CEC's table by region.
func (rc *renderCtx) turnoutRegions() (*turnoutRegions, error) {
	e := rc.e
	kids := e.Tree.Children(e.Tree.Root())
	root := rc.sum.day.turnout
	if len(kids) == 0 || root == nil || len(root.Reports) == 0 {
		return nil, nil
	}
	out := &turnoutRegions{Caption: rc.L.T("TurnoutByRegion")}
	for _, l := range root.Reports {
		out.Times = append(out.Times, rc.timeLabel(l.Time))
	}
	for _, id := range kids {
		ts, err := rc.turnoutOf(id)
		if err != nil {
			return nil, err
		}
		byTime := map[string]string{}
		for _, l := range ts.Reports {
			byTime[l.Time] = l.Percent
		}
		row := turnoutRegionRow{Name: rc.areaName(e.Tree.Area(id)), Href: rc.areaHref(id)}
		for _, l := range root.Reports {
			row.Cells = append(row.Cells, rc.pctText(byTime[l.Time]))
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// validity announces, in words, whether the referendum is valid: from the
// first reporting time at which more than the quorum of all the voters on
// the lists had received ballots, or, before that, how many more must.
func (rc *renderCtx) validity(ts *tally.TurnoutSummary, quorum *big.Rat) *validityView {
	L := rc.L
	half := quorum.Cmp(big.NewRat(50, 1)) == 0
	share := quorumText(L, quorum)
	// The whole register, reported or not, as the tally's quorum is over.
	registered := rc.registeredOf(rc.e.Tree.Root())
	if at := ts.QuorumReachedAt; at != nil {
		if half {
			return &validityView{Valid: true, Text: L.T("ValidHalf", "Time", rc.timeLabel(*at))}
		}
		return &validityView{Valid: true, Text: L.T("ValidShare", "Share", share, "Time", rc.timeLabel(*at))}
	}
	// The least number of voters that is more than the quorum: the floor
	// of quorum% of the register, plus one.
	need := new(big.Rat).Mul(quorum, big.NewRat(registered, 100))
	needed := new(big.Int).Quo(need.Num(), need.Denom())
	needed.Add(needed, big.NewInt(1))
	if len(ts.Reports) == 0 {
		if half {
			return &validityView{Text: L.T("NotYetValidHalfNone", "Registered", registered, "Needed", needed.Int64())}
		}
		return &validityView{Text: L.T("NotYetValidShareNone", "Share", share, "Registered", registered, "Needed", needed.Int64())}
	}
	// The most voters any time counts: a later hour that only some
	// precincts have reported yet can count fewer than an earlier one.
	last := ts.Reports[0]
	for _, l := range ts.Reports[1:] {
		if l.Voters >= last.Voters {
			last = l
		}
	}
	more := needed.Int64() - last.Voters
	if half {
		return &validityView{Text: L.T("NotYetValidHalf", "Time", rc.timeLabel(last.Time), "Voters", last.Voters,
			"Registered", registered, "Needed", needed.Int64(), "More", more)}
	}
	return &validityView{Text: L.T("NotYetValidShare", "Share", share, "Time", rc.timeLabel(last.Time), "Voters", last.Voters,
		"Registered", registered, "Needed", needed.Int64(), "More", more)}
}

// quorumText writes a quorum in percent as the law states it: "50%".
func quorumText(L *locale, quorum *big.Rat) string {
	if quorum.IsInt() {
		return L.PctRat(quorum.FloatString(0))
	}
	return L.PctRat(quorum.FloatString(2))
}

// registeredOf is the number of voters on the lists of every precinct
// below an area, reported or not, as the store counts it for the quorum.
func (rc *renderCtx) registeredOf(area string) int64 {
	var sum int64
	for _, a := range rc.e.Areas {
		if rc.e.Tree.IsLeaf(a.ID) && rc.e.Tree.Within(a.ID, area) {
			sum += a.Registered
		}
	}
	return sum
}

// The precinct's reports.

type precinctTurnout struct {
	Rows []precinctTurnoutRow
}

type precinctTurnoutRow struct {
	Time, Label       string
	Voters, Percent   string
	Version           int
	Amendment         bool
	Superseded        bool
	Reason, At, AtISO string
	AtFull            string
}

// precinctTurnout lists every version of a precinct's turnout reports, in
// the order of the reporting times; nil when the election takes none.
func (rc *renderCtx) precinctTurnout(id string) (*precinctTurnout, error) {
	e := rc.e
	if len(e.TurnoutHours) == 0 {
		return nil, nil
	}
	var reports []*dauys.TurnoutReport
	if rc.opts.turnoutReports != nil {
		// An export read them all at once; a precinct that reported none
		// needs no running totals either.
		if reports = rc.opts.turnoutReports[id]; len(reports) == 0 {
			return &precinctTurnout{}, nil
		}
	} else {
		var err error
		if reports, err = rc.s.cfg.Tally.TurnoutReports(rc.ctx, e.ID, id); err != nil {
			return nil, err
		}
	}
	ts, err := rc.turnoutOf(id)
	if err != nil {
		return nil, err
	}
	current := map[string]tally.TurnoutLine{}
	for _, l := range ts.Reports {
		current[l.Time] = l
	}
	latest := map[string]int{}
	for _, r := range reports {
		latest[r.Time] = max(latest[r.Time], r.Version)
	}
	registered := int64(0)
	if a := e.Tree.Area(id); a != nil {
		registered = a.Registered
	}
	out := &precinctTurnout{}
	for _, at := range e.TurnoutTimes() {
		for _, r := range reports {
			if r.Time != at {
				continue
			}
			row := precinctTurnoutRow{Time: r.Time, Label: rc.timeLabel(r.Time), Voters: rc.L.N(r.Voters), Version: r.Version,
				Amendment: r.Kind == dauys.ProtocolAmendment, Superseded: r.Version < latest[r.Time], Reason: r.Reason,
				// The clock time keeps the column narrow on a phone; the
				// whole moment is in the title.
				At: rc.L.Time(r.Received), AtFull: rc.L.DateTime(r.Received), AtISO: r.Received.UTC().Format("2006-01-02T15:04:05Z")}
			switch {
			case !row.Superseded:
				row.Percent = rc.pctText(current[r.Time].Percent)
			case registered > 0:
				// The same rounding as the tally's, for the figure the
				// amendment replaced.
				row.Percent = rc.pctText(decide.Percent(r.Voters, registered))
			default:
				row.Percent = "–"
			}
			out.Rows = append(out.Rows, row)
		}
	}
	return out, nil
}

// The chart.

// turnoutColumn is one reporting time of the turnout chart.
type turnoutColumn struct {
	Label, Value string
	Pct          float64 // the height, for drawing only
}

// turnoutChart draws turnout through the day as columns on a 0–100% scale,
// one per reporting time with its percent written above it, and the
// referendum's quorum as a dashed line. It is narrow enough (360 units, at
// most eight columns) to read on a phone.
func turnoutChart(id, title, desc string, cols []turnoutColumn, quorum *refLine) template.HTML {
	const w, h = 360.0, 230.0
	const left, right, top, bottom = 34.0, 356.0, 24.0, 196.0
	var b svg
	b.open(id, "turnout", w, h, title, desc)
	yOf := func(p float64) float64 { return bottom - (bottom-top)*math.Max(0, math.Min(100, p))/100 }
	for _, p := range []float64{0, 25, 50, 75, 100} {
		b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="grid"/>`, num(left), num(yOf(p)), num(right), num(yOf(p)))
		b.f(`<text x="%s" y="%s" class="axis" text-anchor="end">%s%%</text>`, num(left-4), num(yOf(p)+4), strconv.Itoa(int(p)))
	}
	slot := (right - left) / float64(max(len(cols), 1))
	colW := math.Min(36, slot*0.7)
	for i, c := range cols {
		x := left + slot*float64(i) + (slot-colW)/2
		y := yOf(c.Pct)
		if c.Pct > 0 {
			b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, num(x), num(y), num(colW), num(math.Max(1, bottom-y)), okabeIto[1])
		}
		b.f(`<text x="%s" y="%s" class="col-value" text-anchor="middle">%s</text>`, num(x+colW/2), num(y-5), esc(c.Value))
		b.f(`<text x="%s" y="%s" class="axis" text-anchor="middle">%s</text>`, num(x+colW/2), num(bottom+16), esc(c.Label))
	}
	if quorum != nil {
		y := yOf(quorum.Pct)
		b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="ref-line"/>`, num(left), num(y), num(right), num(y))
		b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="ref-line"/>`, num(left), num(h-8), num(left+24), num(h-8))
		b.f(`<text x="%s" y="%s" class="ref-label">%s</text>`, num(left+30), num(h-4), esc(quorum.Label))
	}
	return b.close()
}
