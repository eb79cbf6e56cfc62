package web

import (
	"html/template"
	"math/big"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/tally"
)

// The contest page: a contest's full result and the rule that decides it,
// explained with its numbers.

type contestPage struct {
	basePage
	C          contestHead
	Figures    *figures
	Final      bool
	Headline   string
	Rows       []optionRow
	Bars       template.HTML
	Hemicycle  template.HTML
	Seats      []optionRow
	List       *listView
	Members    *membersView
	Candidates *candidatesView
	Ref        *refView
	Units      *childTable
	UnitsTitle string
	Map        template.HTML
	GeoMap     template.HTML
	TurnoutMap template.HTML // the cartogram shaded by turnout
	Notes      []string
	// Undecided says why the contest has no outcome although it is
	// decided here: its stored totals cannot be decided.
	Undecided string
	Summary   string
}

type contestHead struct {
	ID, Name, Kind, KindName string
	Where                    string
}

func (rc *renderCtx) contest(id string) (*contestPage, error) {
	c := rc.e.Contest(id)
	if c == nil {
		return nil, errNotFound("contest")
	}
	cr := rc.rootResult(id)
	if cr == nil {
		return nil, errNotFound("contest")
	}
	name := rc.L.Name(c.Name)
	crumbs := []link{{Text: rc.areaName(rc.e.Tree.Area(rc.e.Tree.Root())), Href: rc.overviewHref()}, {Text: name, Href: rc.contestHref(id)}}
	p := &contestPage{basePage: rc.base(name, crumbs), Final: final(cr.Progress)}
	p.C = contestHead{ID: c.ID, Name: name, Kind: c.Kind, KindName: rc.L.T("Kind_" + c.Kind)}
	var where []string
	for _, a := range c.Areas {
		where = append(where, rc.areaName(rc.e.Tree.Area(a)))
	}
	p.C.Where = strings.Join(where, ", ")
	p.Figures = rc.figuresOf(c, cr.Lines, cr.Progress)
	p.Downloads, p.DownloadsNote = rc.downloads(rc.e.Tree.Root())
	o := cr.Outcome
	if o != nil {
		p.Notes = o.Explanation.Notes
		p.Summary = o.Explanation.Summary
	} else if cr.Error != nil {
		// The stored totals cannot be decided: say so where the outcome's
		// explanation would be.
		p.Undecided = rc.L.Name(*cr.Error)
	}
	switch c.Kind {
	case dauys.KindReferendum:
		p.Ref = rc.refView(c, cr.Lines, o, p.Final)
		p.Headline = p.Ref.Headline
	default:
		p.Rows, _ = rc.votesOf(c, cr.Lines)
		var lines []refLine
		if c.Kind == dauys.KindMajority {
			lines = append(lines, refLine{Pct: 50, Label: rc.L.T("HalfLine")})
		}
		// The bars of a majority contest are shares of the majority's
		// denominator, so that the half line is the rule; the table of
		// both bases below keeps the published percentages.
		shares := p.Rows
		if c.Kind == dauys.KindMajority && o != nil && o.Explanation.Majority != nil {
			shares = append([]optionRow(nil), p.Rows...)
			rc.rebase(shares, o.Explanation.Majority.Denominator)
		}
		if o != nil && o.Explanation.Threshold != nil && c.Kind == dauys.KindList {
			if pct, ok := new(big.Rat).SetString(o.Explanation.Threshold.Percent); ok {
				f, _ := pct.Float64()
				lines = append(lines, refLine{Pct: f, Label: rc.L.T("ThresholdLine", "Pct", rc.L.PctRat(o.Explanation.Threshold.Percent))})
			}
		}
		if o != nil {
			markSeats(p.Rows, o)
			markResults(p.Rows, o, p.Final)
		}
		p.Bars = rc.barsOf(rc.L.T("ChartVotesTitle", "Contest", name), shares, lines)
		p.Headline = rc.headline(c, cr, p.Final)
		if o != nil && c.Kind == dauys.KindList {
			p.Seats = rc.seatRows(c, o)
			p.Hemicycle = rc.hemicycleOf(c, o, p.Seats)
			p.List = rc.listView(c, cr, o)
			p.Members = rc.membersOf(c, cr, o)
		}
		if o != nil && (c.Kind == dauys.KindMajority || c.Kind == dauys.KindPlurality) {
			p.Candidates = rc.candidatesView(c, cr, o, p.Final)
		}
	}
	units := rc.unitsOf(c)
	if len(units) > 0 && !(len(units) == 1 && units[0] == rc.e.Tree.Root()) {
		res, err := rc.resultsOf(c, units)
		if err != nil {
			return nil, err
		}
		p.Units = rc.childTable(c, res)
		p.Map, p.GeoMap, p.TurnoutMap = rc.maps(c, res)
	}
	return p, nil
}

// listView explains a party-list allocation: the threshold, the quota or
// divisors, every list's quotient and remainder, and the same votes under
// other rules.
type listView struct {
	Threshold      string
	ThresholdAfter int // the index in Votes after which lists fail the threshold
	Votes          []listRow
	Quota          []string
	Divisors       string
	LargestRem     bool
	Remainders     []string
	WhatIf         *whatIf
	Indices        []indexRow
}

type listRow struct {
	Name, Colour             string
	Votes, Share             string
	Passed                   bool
	Admitted                 string
	Quotient, Whole          string
	Remainder, Rank          string
	Last, Next               string
	Seats                    int
	ThresholdBelow, RunnerUp bool
}

func (rc *renderCtx) listView(c *dauys.Contest, cr *tally.ContestResult, o *decide.Outcome) *listView {
	L := rc.L
	ex := o.Explanation
	v := &listView{}
	if th := ex.Threshold; th != nil {
		id := "ThresholdRule"
		if !th.Inclusive {
			id = "ThresholdRuleExclusive"
		}
		v.Threshold = L.T(id, "Pct", L.PctRat(th.Percent), "Base", L.T("Base_"+string(th.Base)), "BaseVotes", th.BaseVotes,
			"Min", L.DecTrim(th.MinimumVotes.Decimal, 2), "Count", th.Passed)
		if th.RunnerUp != "" {
			v.Threshold += " " + L.T("RunnerUpAdmitted", "Name", rc.optionLabel(c, th.RunnerUp))
		}
	}
	lines := ex.Lists
	order := make([]int, len(lines))
	for i := range order {
		order[i] = i
	}
	// Most votes first; the threshold line falls between the last list in
	// and the first list out.
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && lines[order[j]].Votes > lines[order[j-1]].Votes; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	v.ThresholdAfter = -1
	for k, i := range order {
		l := lines[i]
		o := rc.option(c, l.Option)
		row := listRow{Name: rc.optionLabel(c, l.Option), Colour: rc.pal.of(o), Votes: L.N(l.Votes), Share: L.PctOf(l.Share.PercentHundredths),
			Passed: l.Passed, Admitted: l.Admitted, Seats: l.Seats, RunnerUp: l.Admitted == "runner_up"}
		if l.Quotient != nil {
			row.Quotient = L.Dec(l.Quotient.Decimal, 4)
		}
		if l.IntegerPart != nil {
			row.Whole = L.N(*l.IntegerPart)
		}
		if l.Remainder != nil {
			row.Remainder = L.Dec(l.Remainder.Decimal, 6)
		}
		if l.RemainderRank > 0 {
			row.Rank = L.N(l.RemainderRank)
		}
		if l.LastQuotient != nil {
			row.Last = L.Dec(l.LastQuotient.Decimal, 2)
		}
		if l.NextQuotient != nil {
			row.Next = L.Dec(l.NextQuotient.Decimal, 2)
		}
		if ex.Threshold != nil && l.Passed {
			v.ThresholdAfter = k
		}
		v.Votes = append(v.Votes, row)
	}
	if v.ThresholdAfter >= 0 && v.ThresholdAfter+1 < len(v.Votes) {
		v.Votes[v.ThresholdAfter].ThresholdBelow = true
	}
	if q := ex.Quota; q != nil {
		v.LargestRem = true
		if q.Method == decide.MethodDroop {
			v.Quota = append(v.Quota, L.T("QuotaDroop", "Votes", q.Votes, "Seats", q.Seats, "Quota", L.Dec(q.Value.Decimal, 0)))
		} else {
			v.Quota = append(v.Quota, L.T("QuotaHare", "Votes", q.Votes, "Seats", q.Seats, "Quota", L.DecTrim(q.Value.Decimal, 6), "Exact", q.Value.Exact))
		}
		v.Quota = append(v.Quota, L.T("QuotaWhole", "Count", q.SeatsByIntegerParts))
		v.Quota = append(v.Quota, L.T("QuotaRemainders", "Count", q.SeatsByRemainders))
		for _, r := range ex.Remainders {
			s := L.T("RemainderRank", "Rank", r.Rank, "Name", rc.optionLabel(c, r.Option), "Remainder", L.Dec(r.Remainder.Decimal, 6))
			if r.Seats > 0 {
				s += " " + L.T("RemainderSeat", "Count", r.Seats)
			}
			if r.Tied {
				s += " " + L.T("RemainderTied")
			}
			v.Remainders = append(v.Remainders, s)
		}
	}
	if d := ex.Divisors; d != nil {
		v.Divisors = L.T("DivisorsRule", "Sequence", d.Sequence, "Last", L.Dec(d.LastAwarded.Decimal, 2), "Next", L.Dec(d.FirstUnawarded.Decimal, 2))
	}
	v.WhatIf = rc.whatIf(c, cr.Lines)
	if ix := o.Indices; ix != nil {
		v.Indices = rc.indexRows(ix)
	}
	return v
}

type indexRow struct {
	Name, Value, Help string
}

func (rc *renderCtx) indexRows(ix *decide.Indices) []indexRow {
	L := rc.L
	return []indexRow{
		{L.T("IndexGallagher"), L.Dec(ix.Gallagher.Decimal, 2), L.T("IndexGallagherHelp")},
		{L.T("IndexLoosemoreHanby"), L.Dec(ix.LoosemoreHanby.Decimal, 2), L.T("IndexLoosemoreHanbyHelp")},
		{L.T("IndexENPVotes"), L.Dec(ix.EffectivePartiesVotes.Decimal, 2), L.T("IndexENPVotesHelp")},
		{L.T("IndexENPSeats"), L.Dec(ix.EffectivePartiesSeats.Decimal, 2), L.T("IndexENPSeatsHelp")},
		{L.T("IndexWasted"), L.PctOf(ix.VotesWithoutSeat.PercentHundredths), L.T("IndexWastedHelp")},
	}
}

// whatIf decides the same votes under other methods and thresholds, with
// the rules engine, so that readers can see what the rule changes.
type whatIf struct {
	Scenarios []string
	Rows      []whatIfRow
	Indices   []whatIfRow
}

type whatIfRow struct {
	Name, Colour string
	Cells        []whatIfCell
}

type whatIfCell struct {
	Value   string
	Changed string // "up", "down" or ""
}

func (rc *renderCtx) whatIf(c *dauys.Contest, lines map[string]int64) *whatIf {
	L := rc.L
	official, err := rules.For(c)
	if err != nil {
		return nil
	}
	in := rules.Input(c, lines)
	var any bool
	for _, v := range in.Total.Options {
		any = any || v > 0
	}
	if !any {
		return nil
	}
	type scenario struct {
		name  string
		rules decide.Rules
	}
	with := func(f func(r *decide.Rules)) decide.Rules {
		r := official
		if r.Threshold != nil {
			r.Threshold = new(big.Rat).Set(r.Threshold)
		}
		f(&r)
		return r
	}
	scenarios := []scenario{{L.T("ScenarioOfficial", "Method", L.T("Method_"+string(official.Method))), official}}
	for _, m := range []decide.Method{decide.MethodHare, decide.MethodDHondt, decide.MethodSainteLague, decide.MethodDroop} {
		if m == official.Method {
			continue
		}
		m := m
		scenarios = append(scenarios, scenario{L.T("Method_" + string(m)), with(func(r *decide.Rules) { r.Method = m })})
	}
	for _, t := range []int64{7, 3} {
		if official.Threshold != nil && official.Threshold.Cmp(big.NewRat(t, 1)) == 0 {
			continue
		}
		t := t
		scenarios = append(scenarios, scenario{L.T("ScenarioThreshold", "Pct", L.PctRat(big.NewRat(t, 1).RatString())), with(func(r *decide.Rules) {
			r.Threshold = big.NewRat(t, 1)
			if r.ThresholdBase == "" {
				r.ThresholdBase = decide.BaseVotesAgainstAll
			}
		})})
	}
	if official.Threshold != nil {
		scenarios = append(scenarios, scenario{L.T("ScenarioNoThreshold"), with(func(r *decide.Rules) { r.Threshold = nil })})
	}
	w := &whatIf{}
	outcomes := make([]*decide.Outcome, 0, len(scenarios))
	for _, s := range scenarios {
		o, err := decide.Decide(s.rules, in)
		if err != nil {
			rc.s.log.WarnContext(rc.ctx, "what-if scenario", "contest", c.ID, "scenario", s.name, "err", err)
			continue
		}
		w.Scenarios = append(w.Scenarios, s.name)
		outcomes = append(outcomes, o)
	}
	if len(outcomes) == 0 {
		return nil
	}
	for i, opt := range c.Options {
		row := whatIfRow{Name: rc.optionLabel(c, opt.ID), Colour: rc.pal.of(opt)}
		base := outcomes[0].Seats[i].Seats
		any := false
		for _, o := range outcomes {
			n := o.Seats[i].Seats
			cell := whatIfCell{Value: L.N(n)}
			if n > base {
				cell.Changed = "up"
			} else if n < base {
				cell.Changed = "down"
			}
			any = any || n > 0
			row.Cells = append(row.Cells, cell)
		}
		if any {
			w.Rows = append(w.Rows, row)
		}
	}
	idx := []struct {
		id  string
		get func(*decide.Indices) string
	}{
		{"IndexGallagher", func(ix *decide.Indices) string { return L.Dec(ix.Gallagher.Decimal, 2) }},
		{"IndexLoosemoreHanby", func(ix *decide.Indices) string { return L.Dec(ix.LoosemoreHanby.Decimal, 2) }},
		{"IndexENPSeats", func(ix *decide.Indices) string { return L.Dec(ix.EffectivePartiesSeats.Decimal, 2) }},
		{"IndexWasted", func(ix *decide.Indices) string { return L.PctOf(ix.VotesWithoutSeat.PercentHundredths) }},
	}
	for _, x := range idx {
		row := whatIfRow{Name: L.T(x.id)}
		for _, o := range outcomes {
			v := "–"
			if o.Indices != nil {
				v = x.get(o.Indices)
			}
			row.Cells = append(row.Cells, whatIfCell{Value: v})
		}
		w.Indices = append(w.Indices, row)
	}
	return w
}

// candidatesView explains a plurality or majority contest.
type candidatesView struct {
	Majority  bool
	Rule      string
	Status    string
	Margin    string
	BothBases bool
	Caption   string // of the table of both bases, naming the base of the majority
}

func (rc *renderCtx) candidatesView(c *dauys.Contest, cr *tally.ContestResult, o *decide.Outcome, isFinal bool) *candidatesView {
	L := rc.L
	v := &candidatesView{Majority: c.Kind == dauys.KindMajority}
	rows, valid := rc.votesOf(c, cr.Lines)
	var cands []optionRow
	for _, r := range rows {
		if !r.AgainstAll {
			cands = append(cands, r)
		}
	}
	if len(cands) >= 2 && cands[0].Votes > 0 {
		d := cands[0].Votes - cands[1].Votes
		v.Margin = L.T("Margin", "Name", cands[0].Short, "Count", d, "Points", L.Dec(decide.Percent(d, valid), 2))
	}
	if m := o.Explanation.Majority; m != nil {
		v.BothBases = true
		v.Caption = L.T("BothBasesCaption")
		if m.Base == decide.BaseTookPart {
			v.Caption = L.T("BothBasesCaptionTookPart")
		}
		v.Rule = L.T("MajorityRule", "Base", L.T("Base_majority_"+string(m.Base)), "Denominator", m.Denominator, "Needed", m.VotesNeeded)
	} else {
		v.Rule = L.T("PluralityRule")
		if o.AgainstAllPlurality {
			v.Rule += " " + L.T("AgainstAllPlurality")
		}
	}
	v.Status = rc.headline(c, cr, isFinal)
	return v
}

// refView shows a referendum: the national answer, the quorum and the
// territorial rule, in plain words.
type refView struct {
	Headline  string
	Adopted   bool
	Stacked   template.HTML
	Rows      []refRow
	Quorum    string
	QuorumMet bool
	National  string
	Territory string
	HasUnits  bool
	Units     []refUnit
}

type refRow struct {
	Name, Colour, Votes, Share string
}

type refUnit struct {
	Name, Href, Yes, No, Turnout string
	Majority                     bool
}

func (rc *renderCtx) refView(c *dauys.Contest, lines map[string]int64, o *decide.Outcome, isFinal bool) *refView {
	L := rc.L
	took := lines["took_part"]
	v := &refView{}
	parts := []struct {
		id, line, colour string
	}{{"Yes", "yes", colourYes}, {"No", "no", colourNo}, {"BothMarked", "both_marked", colourBothMarked}, {"Invalid", "invalid", colourInvalid}}
	var segs []segment
	for _, p := range parts {
		n := lines[p.line]
		v.Rows = append(v.Rows, refRow{Name: L.T(p.id), Colour: p.colour, Votes: L.N(n), Share: L.Pct(n, took)})
		segs = append(segs, segment{Label: L.T(p.id), Value: L.Pct(n, took), Pct: pctFloat(n, took), Colour: p.colour})
	}
	v.Stacked = stacked(rc.chartID(), L.T("ChartReferendumTitle"), L.T("ChartReferendumDesc"), segs, L.T("HalfLine"))
	if o == nil || o.Explanation.Referendum == nil {
		v.Headline = L.T("NothingCounted")
		return v
	}
	re := o.Explanation.Referendum
	if re.Quorum != "" {
		v.QuorumMet = re.QuorumMet
		id := "QuorumNotMet"
		if re.QuorumMet {
			id = "QuorumMet"
		}
		v.Quorum = L.T(id, "TookPart", re.TookPart, "Registered", re.Registered, "Turnout", L.PctOf(re.Turnout.PercentHundredths), "Quorum", L.PctRat(re.Quorum))
	} else {
		v.Quorum = L.T("NoQuorum", "Turnout", L.PctOf(re.Turnout.PercentHundredths))
	}
	id := "NationalNo"
	if re.NationalMajority {
		id = "NationalYes"
	}
	v.National = L.T(id, "Yes", re.Yes, "TookPart", re.TookPart, "Pct", L.PctOf(re.YesShare.PercentHundredths))
	if re.TerritorialRule {
		v.Territory = L.T("TerritorialRule", "Count", re.Units, "Required", re.UnitsRequired, "With", re.UnitsWithMajority, "Fraction", territorialWords(L, re.Territorial))
	}
	v.Adopted = o.Adopted
	switch {
	case took == 0:
		v.Headline = L.T("NothingCounted")
	case o.Adopted && isFinal:
		v.Headline = L.T("Adopted")
	case o.Adopted:
		v.Headline = L.T("AdoptedSoFar")
	case isFinal:
		v.Headline = L.T("NotAdopted")
	default:
		v.Headline = L.T("NotAdoptedSoFar")
	}
	for _, u := range o.Explanation.Units {
		a := rc.e.Tree.Area(u.Name)
		v.HasUnits = true
		v.Units = append(v.Units, refUnit{Name: rc.areaName(a), Href: rc.areaHref(u.Name), Yes: L.PctOf(u.YesShare.PercentHundredths), No: L.PctOf(u.NoShare.PercentHundredths),
			Turnout: L.PctOf(u.Turnout.PercentHundredths), Majority: u.Majority})
	}
	return v
}

// territorialWords names the fraction of units the territorial rule needs.
func territorialWords(L *locale, f string) string {
	if f == "2/3" {
		return L.T("TwoThirds")
	}
	return f
}
