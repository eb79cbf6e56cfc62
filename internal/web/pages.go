package web

import (
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/tally"
)

// The home page: every election with where it stands.

type homePage struct {
	basePage
	Elections []homeItem
}

type homeItem struct {
	Name, Date, Href   string
	Status, StatusText string
	Counting           bool
	Reported, Expected int64
	Replay             bool
}

func (rc *renderCtx) home() (*homePage, error) {
	p := &homePage{basePage: rc.base(rc.L.T("SiteTitle"), nil)}
	es, err := rc.s.cfg.Tally.Elections(rc.ctx)
	if err != nil {
		return nil, err
	}
	for _, def := range es {
		if rc.opts.elections != nil && !slices.Contains(rc.opts.elections, def.ID) {
			continue
		}
		e, err := rc.s.cfg.Tally.Election(rc.ctx, def.ID)
		if err != nil {
			return nil, err
		}
		sub := *rc
		sub.e = e
		v := rc.opts.version
		if !rc.opts.static {
			if v, err = rc.s.electionVersion(rc.ctx, e); err != nil {
				return nil, err
			}
		}
		if sub.sum, err = rc.s.summary(rc.ctx, e, v); err != nil {
			return nil, err
		}
		it := homeItem{Name: rc.L.Name(e.Name), Date: rc.L.PollingDay(e.Date), Href: sub.overviewHref(), Status: def.Status, Replay: e.IsReplay()}
		primary := sub.primaryResult(e.Tree.Root())
		it.Status, it.StatusText, it.Counting = sub.statusText(primary)
		if primary != nil {
			it.Reported, it.Expected = primary.Progress.Reported, primary.Progress.Expected
		}
		p.Elections = append(p.Elections, it)
	}
	return p, nil
}

// Area pages: the country (the election's overview), a region, a district.

type areaPage struct {
	basePage
	Area       areaView
	IsRoot     bool
	Figures    *figures
	Cards      []contestCard
	SMD        *smdSummary
	Bodies     []bodyView
	Districts  []compactRow
	Others     []compactRow
	Children   *childTable
	Map        template.HTML
	GeoMap     template.HTML
	TurnoutMap template.HTML // the cartogram shaded by turnout
	Progress   *progressView
	Log        *logView
	// Turnout is the area's turnout through the day (day.go); Closed says
	// why no results are shown while the polls are open.
	Turnout *turnoutView
	Closed  string
	// Observers says how many precincts below were observed and how many
	// copies match (observers.go).
	Observers *observersView
}

type areaView struct {
	ID, Name, Level, Number string
	Registered              int64
}

func (rc *renderCtx) areaView(a *dauys.Area) areaView {
	return areaView{ID: a.ID, Name: rc.areaName(a), Level: rc.levelName(a.Level), Number: a.Number, Registered: a.Registered}
}

type contestCard struct {
	ID, Name, Href, Kind string
	Progress             string
	Reported, Expected   int64
	Final                bool
	Headline             string
	Rows                 []optionRow
	Bars                 template.HTML
	Hemicycle            template.HTML
	Seats                []optionRow
	Ref                  *refView
	Decided              bool
}

type compactRow struct {
	Name, Href         string
	Progress           string
	Leader, Colour     string
	Share              string
	Result             string
	Reported, Expected int64
}

type smdSummary struct {
	Total, Decided int
	Href           string
	Parties        []optionRow
}

func (rc *renderCtx) area(id string) (*areaPage, error) {
	e := rc.e
	a := e.Tree.Area(id)
	isRoot := id == e.Tree.Root()
	res, err := rc.areaResults(id)
	if err != nil {
		return nil, err
	}
	title := rc.areaName(a)
	if isRoot {
		title = rc.L.Name(e.Name)
	}
	p := &areaPage{basePage: rc.base(title, rc.crumbs(id)), Area: rc.areaView(a), IsRoot: isRoot}
	p.Downloads, p.DownloadsNote = rc.downloads(id)
	open := resultsOpen(rc.sum.day.status)
	if p.Turnout, err = rc.turnout(id, !open); err != nil {
		return nil, err
	}
	if !open {
		// While the polls are open only turnout is published.
		p.Closed = rc.L.T("ResultsAfterClose")
		if rc.sum.day.status == dauys.StatusScheduled {
			p.Closed = rc.L.T("ResultsScheduled")
		}
		if isRoot {
			if p.Log, err = rc.logView(); err != nil {
				return nil, err
			}
		}
		return p, nil
	}
	pc := rc.primaryContest(id)
	var smds []compactRow
	for i := range res.Contests {
		cr := &res.Contests[i]
		c := e.Contest(cr.Contest)
		if c == nil {
			continue
		}
		if pc != nil && c.ID == pc.ID {
			p.Figures = rc.figuresOf(c, cr.Lines, cr.Progress)
		}
		switch {
		case rc.covers(c, id):
			p.Cards = append(p.Cards, rc.card(c, cr, isRoot))
		case c.Kind == dauys.KindPlurality:
			smds = append(smds, rc.compact(c, cr))
		default:
			p.Others = append(p.Others, rc.compact(c, cr))
		}
	}
	if isRoot && len(smds) > 0 {
		p.SMD = rc.smdSummary()
	} else {
		p.Districts = smds
	}
	if pc != nil && !e.Tree.IsLeaf(id) {
		kids, err := rc.resultsOf(pc, e.Tree.Children(id))
		if err != nil {
			return nil, err
		}
		p.Children = rc.childTable(pc, kids)
		p.Map, p.GeoMap, p.TurnoutMap = rc.maps(pc, kids)
	}
	checks, err := rc.checks(id)
	if err != nil {
		return nil, err
	}
	p.Observers = rc.observersView(checks, id)
	if isRoot {
		p.Bodies = rc.bodies()
		if p.Log, err = rc.logView(); err != nil {
			return nil, err
		}
	}
	if isRoot && pc != nil {
		pv, err := rc.progress(pc)
		if err != nil {
			return nil, err
		}
		p.Progress = pv
	}
	return p, nil
}

// downloads are an area's download links, and the note saying how often
// they are made when an export does not make them every time.
func (rc *renderCtx) downloads(area string) ([]link, string) {
	note := ""
	if every := rc.opts.downloadsEvery; every > 0 && !rc.e.Tree.IsLeaf(area) {
		note = rc.L.T("DownloadsEvery", "Count", int64((every+time.Minute-1)/time.Minute))
	}
	return []link{
		{Text: rc.L.T("DownloadCSV"), Href: rc.dataHref(area, "csv")},
		{Text: rc.L.T("DownloadExcel"), Href: rc.excelHref(area)},
		{Text: rc.L.T("DownloadJSON"), Href: rc.dataHref(area, "json")},
	}, note
}

func final(p tally.Progress) bool { return p.Expected > 0 && p.Reported >= p.Expected }

// card is a contest's result in an area it covers.
func (rc *renderCtx) card(c *dauys.Contest, cr *tally.ContestResult, big bool) contestCard {
	k := contestCard{ID: c.ID, Name: rc.L.Name(c.Name), Href: rc.contestHref(c.ID), Kind: c.Kind,
		Progress: rc.L.PctD(cr.Progress.Reported, cr.Progress.Expected, 1), Reported: cr.Progress.Reported, Expected: cr.Progress.Expected,
		Final: final(cr.Progress), Decided: cr.Outcome != nil}
	if c.Kind == dauys.KindReferendum {
		k.Ref = rc.refView(c, cr.Lines, cr.Outcome, k.Final)
		k.Headline = k.Ref.Headline
		return k
	}
	k.Rows, _ = rc.votesOf(c, cr.Lines)
	var lines []refLine
	if c.Kind == dauys.KindMajority {
		lines = append(lines, refLine{Pct: 50, Label: rc.L.T("HalfLine")})
		if o := cr.Outcome; o != nil && o.Explanation.Majority != nil {
			rc.rebase(k.Rows, o.Explanation.Majority.Denominator)
		}
	}
	k.Bars = rc.barsOf(rc.L.T("ChartVotesTitle", "Contest", k.Name), k.Rows, lines)
	k.Headline = rc.headline(c, cr, k.Final)
	if o := cr.Outcome; o != nil && c.Kind == dauys.KindList {
		k.Seats = rc.seatRows(c, o)
		if big {
			k.Hemicycle = rc.hemicycleOf(c, o, k.Seats)
		}
		markSeats(k.Rows, o)
	}
	if o := cr.Outcome; o != nil {
		markResults(k.Rows, o, k.Final)
	}
	return k
}

// seatRows lists the lists that won seats, in ballot order.
func (rc *renderCtx) seatRows(c *dauys.Contest, o *decide.Outcome) []optionRow {
	var out []optionRow
	for _, s := range o.Seats {
		if s.Seats == 0 {
			continue
		}
		r := rc.optionRow(rc.option(c, s.Option), s.Votes, 0, 0)
		r.Seats, r.Passed, r.Admitted = s.Seats, s.Passed, s.Admitted
		r.Share = rc.L.Pct(int64(s.Seats), int64(o.TotalSeats))
		out = append(out, r)
	}
	return out
}

func (rc *renderCtx) hemicycleOf(c *dauys.Contest, o *decide.Outcome, seats []optionRow) template.HTML {
	var groups []seatGroup
	var desc []string
	for _, r := range seats {
		groups = append(groups, seatGroup{Label: r.Short, Colour: r.Colour, Seats: r.Seats})
		desc = append(desc, r.Short+" "+rc.L.N(r.Seats))
	}
	given := 0
	for _, s := range o.Seats {
		given += s.Seats
	}
	title := rc.L.T("ChartSeatsTitle", "Contest", rc.L.Name(c.Name), "Count", o.TotalSeats)
	centre := given
	if given == 0 {
		// Before any seat is allocated the chart shows the seats to fill.
		centre = o.TotalSeats
	}
	return hemicycle(rc.chartID(), title, strings.Join(desc, "; "), groups, rc.L.N(centre))
}

func markSeats(rows []optionRow, o *decide.Outcome) {
	for i := range rows {
		for _, s := range o.Seats {
			if s.Option == rows[i].ID {
				rows[i].Seats, rows[i].Passed, rows[i].Admitted = s.Seats, s.Passed, s.Admitted
			}
		}
	}
}

// markResults marks the elected, leading and runoff options.
func markResults(rows []optionRow, o *decide.Outcome, final bool) {
	mark := func(id, result string) {
		for i := range rows {
			if rows[i].ID == id && rows[i].Result == "" {
				rows[i].Result = result
			}
		}
	}
	switch o.Kind {
	case decide.KindPlurality:
		for _, w := range o.Winners {
			if final {
				mark(w, "elected")
			} else {
				mark(w, "leading")
			}
		}
	case decide.KindMajority:
		if o.Elected != nil {
			if final {
				mark(*o.Elected, "elected")
			} else {
				mark(*o.Elected, "leading")
			}
		}
		for _, r := range o.Runoff {
			mark(r, "runoff")
		}
	}
}

// headline says a contest's result in one sentence.
func (rc *renderCtx) headline(c *dauys.Contest, cr *tally.ContestResult, isFinal bool) string {
	o := cr.Outcome
	leader, _, ok := leaderOf(c, cr.Lines)
	if !ok {
		return rc.L.T("NothingCounted")
	}
	name := rc.optionLabel(c, leader.ID)
	if o == nil {
		return rc.L.T("Leading", "Name", name)
	}
	switch c.Kind {
	case dauys.KindList:
		passed := 0
		for _, s := range o.Seats {
			if s.Seats > 0 {
				passed++
			}
		}
		if isFinal {
			return rc.L.T("ListHeadlineFinal", "Count", passed, "Seats", o.TotalSeats)
		}
		return rc.L.T("ListHeadline", "Count", passed, "Seats", o.TotalSeats)
	case dauys.KindPlurality:
		if o.RerunRequired {
			return rc.L.T("RerunRequired")
		}
		if len(o.Winners) == 0 {
			return rc.L.T("NothingCounted")
		}
		if isFinal {
			return rc.L.T("Elected", "Name", rc.optionLabel(c, o.Winners[0]))
		}
		return rc.L.T("Leading", "Name", rc.optionLabel(c, o.Winners[0]))
	case dauys.KindMajority:
		switch {
		case o.Elected != nil && isFinal:
			// The share of the majority's base, as the rules engine and the
			// CEC state it (2022: 81.31% of the votes for candidates and
			// against all), with that base named.
			share := o.Explanation.Candidates[0].Share.PercentHundredths
			return rc.L.T("ElectedMajority", "Name", rc.optionLabel(c, *o.Elected), "Pct", rc.L.PctOf(share), "Base", rc.L.T("Base_majority_"+string(o.Explanation.Majority.Base)))
		case o.Elected != nil:
			return rc.L.T("LeadingMajority", "Name", rc.optionLabel(c, *o.Elected))
		case len(o.Runoff) == 2 && isFinal:
			return rc.L.T("Runoff", "First", rc.optionLabel(c, o.Runoff[0]), "Second", rc.optionLabel(c, o.Runoff[1]))
		case len(o.Runoff) == 2:
			return rc.L.T("RunoffSoFar", "First", rc.optionLabel(c, o.Runoff[0]), "Second", rc.optionLabel(c, o.Runoff[1]))
		case o.RerunRequired:
			return rc.L.T("RerunRequired")
		}
	}
	return rc.L.T("Leading", "Name", name)
}

// compact is a contest's one-line result in an area it only touches, or at
// the root for a contest of one region.
func (rc *renderCtx) compact(c *dauys.Contest, cr *tally.ContestResult) compactRow {
	r := compactRow{Name: rc.L.Name(c.Name), Href: rc.contestHref(c.ID), Progress: rc.L.PctD(cr.Progress.Reported, cr.Progress.Expected, 1),
		Reported: cr.Progress.Reported, Expected: cr.Progress.Expected}
	if c.Kind == dauys.KindReferendum {
		r.Leader = rc.L.T("Yes")
		r.Colour = colourYes
		r.Share = rc.L.Pct(cr.Lines["yes"], cr.Lines["took_part"])
		return r
	}
	rows, _ := rc.votesOf(c, cr.Lines)
	if len(rows) > 0 && rows[0].Votes > 0 && !rows[0].AgainstAll {
		r.Leader, r.Colour, r.Share = rows[0].Short, rows[0].Colour, rows[0].Share
		if rows[0].Party != "" {
			r.Leader += " (" + rows[0].Party + ")"
		}
	}
	if o := cr.Outcome; o != nil && c.Kind == dauys.KindList {
		var parts []string
		for _, s := range o.Seats {
			if s.Seats > 0 {
				parts = append(parts, rc.optionLabel(c, s.Option)+" "+rc.L.N(s.Seats))
			}
		}
		r.Result = strings.Join(parts, " · ")
	}
	return r
}

// smdSummary counts the single-member districts won or led by each party.
func (rc *renderCtx) smdSummary() *smdSummary {
	sm := &smdSummary{Href: rc.href(rc.electionPath() + "districts.html")}
	count := map[string]int{}
	colour := map[string]string{}
	var order []string
	for i := range rc.e.Contests {
		c := &rc.e.Contests[i]
		if c.Kind != dauys.KindPlurality {
			continue
		}
		sm.Total++
		cr := rc.rootResult(c.ID)
		if cr == nil || cr.Outcome == nil || len(cr.Outcome.Winners) == 0 {
			continue
		}
		if final(cr.Progress) {
			sm.Decided++
		}
		o := rc.option(c, cr.Outcome.Winners[0])
		key := o.Party
		if key == "" {
			key = "\x00independent"
		}
		if _, ok := count[key]; !ok {
			order = append(order, key)
			colour[key] = rc.pal.of(o)
		}
		count[key]++
	}
	for _, k := range order {
		name := rc.L.T("Independent")
		if !strings.HasPrefix(k, "\x00") {
			name = rc.partyName(k)
		}
		sm.Parties = append(sm.Parties, optionRow{ID: k, Short: name, Colour: colour[k], Seats: count[k], VotesText: rc.L.N(count[k])})
	}
	slices.SortStableFunc(sm.Parties, func(a, b optionRow) int { return b.Seats - a.Seats })
	return sm
}

// Tables of an area's children or a contest's units.

type childTable struct {
	Contest    string
	Referendum bool
	Precincts  bool // every row a polling station: no column of precincts counted
	Rows       []childRow
}

type childRow struct {
	Name, Href                 string
	Reported, Expected         int64
	Progress                   string
	Turnout                    string
	Leader, Colour, Share      string
	Yes, No                    string
	Majority, HasData          bool
	TookPart, Registered       string
	ReportedText, ExpectedText string
}

func (rc *renderCtx) childTable(c *dauys.Contest, kids []tally.AreaResult) *childTable {
	t := &childTable{Contest: rc.L.Name(c.Name), Referendum: c.Kind == dauys.KindReferendum, Precincts: len(kids) > 0}
	for _, k := range kids {
		a := rc.e.Tree.Area(k.Area.ID)
		// A polling station's row has no count of precincts: it is
		// one, in or not.
		t.Precincts = t.Precincts && rc.e.Tree.IsLeaf(k.Area.ID)
		r := childRow{Name: rc.areaName(a), Href: rc.areaHref(k.Area.ID), Reported: k.Progress.Reported, Expected: k.Progress.Expected,
			Progress: rc.L.PctD(k.Progress.Reported, k.Progress.Expected, 1), HasData: k.Progress.Reported > 0,
			Turnout: rc.L.Pct(rules.TurnoutVoters(c.Kind, k.Lines), k.Lines["registered"]), TookPart: rc.L.N(rules.TurnoutVoters(c.Kind, k.Lines)),
			Registered: rc.L.N(k.Lines["registered"]), ReportedText: rc.L.N(k.Progress.Reported), ExpectedText: rc.L.N(k.Progress.Expected)}
		if t.Referendum {
			r.Yes = rc.L.Pct(k.Lines["yes"], k.Lines["took_part"])
			r.No = rc.L.Pct(k.Lines["no"], k.Lines["took_part"])
			r.Majority = k.Lines["yes"] > k.Lines["took_part"]-k.Lines["yes"]
		} else if r.HasData {
			rows, _ := rc.votesOf(c, k.Lines)
			if len(rows) > 0 && rows[0].Votes > 0 {
				r.Leader, r.Colour, r.Share = rows[0].Short, rows[0].Colour, rows[0].Share
			}
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

// maps draws the cartogram of an area's children, when they have tiles,
// and their geographic map, when boundaries are known: coloured by the
// leading option, or by the yes share of a referendum.
//
// The third map is the cartogram shaded by turnout.
func (rc *renderCtx) maps(c *dauys.Contest, kids []tally.AreaResult) (template.HTML, template.HTML, template.HTML) {
	var tiles, turnoutTiles []tile
	var shapes []shape
	legend := map[string]string{}
	var legendOrder []string
	ids := make([]string, len(kids))
	for i, k := range kids {
		ids[i] = k.Area.ID
	}
	labels := rc.tileLabels(ids)
	for _, k := range kids {
		a := rc.e.Tree.Area(k.Area.ID)
		name := rc.areaName(a)
		fill, value := colourNoData, ""
		title := name + ": " + rc.L.T("NothingCounted")
		if k.Progress.Reported > 0 {
			if c.Kind == dauys.KindReferendum {
				fill = yesScale(k.Lines["yes"], k.Lines["took_part"])
				value = rc.L.Pct(k.Lines["yes"], k.Lines["took_part"])
				title = name + ": " + rc.L.T("Yes") + " " + value
			} else if o, _, ok := leaderOf(c, k.Lines); ok {
				rows, _ := rc.votesOf(c, k.Lines)
				colour := rc.pal.of(o)
				fill = shade(colour, rows[0].Pct)
				label := rc.optionLabel(c, o.ID)
				value = rows[0].Share
				title = name + ": " + label + " " + rows[0].Share
				if _, seen := legend[label]; !seen {
					legend[label] = colour
					legendOrder = append(legendOrder, label)
				}
			}
		}
		if len(a.Tile) == 2 {
			tiles = append(tiles, tile{Col: a.Tile[0], Row: a.Tile[1], Lines: labels[a.ID], Value: value, Fill: fill, Href: rc.areaHref(a.ID), Title: title})
			t := tile{Col: a.Tile[0], Row: a.Tile[1], Lines: labels[a.ID], Fill: colourNoData, Href: rc.areaHref(a.ID), Title: name + ": " + rc.L.T("NothingCounted")}
			if voters, reg := rules.TurnoutVoters(c.Kind, k.Lines), k.Lines["registered"]; k.Progress.Reported > 0 && reg > 0 {
				t.Value = rc.L.Pct(voters, reg)
				t.Fill = turnoutShade(pctFloat(voters, reg))
				t.Title = name + ": " + rc.L.T("Turnout") + " " + t.Value
			}
			turnoutTiles = append(turnoutTiles, t)
		}
		key := a.ID
		if rc.s.cfg.Boundaries != nil {
			if b := rc.s.cfg.Boundaries(rc.e.ID); b != nil {
				if _, ok := b.Shapes[key]; !ok && a.ISO != "" {
					key = a.ISO
				}
			}
		}
		shapes = append(shapes, shape{Key: key, Fill: fill, Href: rc.areaHref(a.ID), Title: title})
	}
	var items []legendItem
	if c.Kind == dauys.KindReferendum {
		for _, l := range []struct {
			id, fill string
		}{{"YesOver75", "#0072B2"}, {"Yes60to75", "#3D94CC"}, {"Yes50to60", "#9CC7E8"}, {"Yes40to50", "#F3C18F"}, {"YesUnder40", "#D55E00"}, {"NothingCounted", colourNoData}} {
			items = append(items, legendItem{Label: rc.L.T(l.id), Colour: l.fill})
		}
	} else {
		for _, l := range legendOrder {
			items = append(items, legendItem{Label: l, Colour: legend[l], Scale: shadeScale(legend[l])})
		}
		items = append(items, legendItem{Label: rc.L.T("NothingCounted"), Colour: colourNoData})
	}
	var tm, gm, turnout template.HTML
	desc := rc.L.T("MapDesc")
	if len(tiles) > 0 {
		tm = tileMap(rc.chartID(), rc.L.T("MapTitle", "Contest", rc.L.Name(c.Name)), desc, tiles, items)
		var steps []legendItem
		for i, s := range turnoutSteps {
			label := rc.L.T("TurnoutFrom", "Pct", rc.L.N(int64(s.from)))
			if i == 0 {
				label = rc.L.T("TurnoutUnder", "Pct", rc.L.N(int64(turnoutSteps[1].from)))
			}
			steps = append(steps, legendItem{Label: label, Colour: s.fill})
		}
		steps = append(steps, legendItem{Label: rc.L.T("NothingCounted"), Colour: colourNoData})
		turnout = tileMap(rc.chartID(), rc.L.T("TurnoutMapTitle", "Contest", rc.L.Name(c.Name)), rc.L.T("TurnoutMapDesc"), turnoutTiles, steps)
	}
	if rc.s.cfg.Boundaries != nil {
		if b := rc.s.cfg.Boundaries(rc.e.ID); b != nil {
			gm = geoMap(rc.chartID(), rc.L.T("GeoMapTitle", "Contest", rc.L.Name(c.Name)), desc, b, shapes)
		}
	}
	return tm, gm, turnout
}

// tileLabels gives each area its label on the cartogram: its name,
// abbreviated, without the words "region" or "city", unless that makes two
// labels the same (Almaty Region and the city of Almaty), in which case the
// word follows, abbreviated, on a second line.
func (rc *renderCtx) tileLabels(ids []string) map[string][]string {
	short := map[string][]string{}
	count := map[string]int{}
	for _, id := range ids {
		lines := tileLines(rc.areaName(rc.e.Tree.Area(id)), false)
		short[id] = lines
		count[strings.Join(lines, " ")]++
	}
	for id, lines := range short {
		if count[strings.Join(lines, " ")] > 1 {
			short[id] = tileLines(rc.areaName(rc.e.Tree.Area(id)), true)
		}
	}
	return short
}
