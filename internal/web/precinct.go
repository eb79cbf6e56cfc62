package web

import (
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/tally"
)

// The precinct page: each protocol as the commission signed it, with every
// amendment, its reason and time.

type precinctPage struct {
	basePage
	Area      areaView
	Protocols []protocolView
	// Turnout lists the precinct's turnout reports (day.go).
	Turnout *precinctTurnout
	// Observers says whether observers' copies match (observers.go).
	Observers *observersView
	// Disputes are the complaints and recounts of the precinct.
	Disputes *disputesView
}

// protocolRecount is the status of a protocol whose precinct was ordered
// to count again: the published count stands until the new one arrives.
const protocolRecount = "recount"

type protocolView struct {
	Contest, Href string
	Status        string
	StatusText    string
	Lines         []lineView
	Rows          template.HTML // Lines as the rows of the table
	Warnings      []warningView
	Versions      []versionView
	Hash          string
	Received      string
	Missing       bool
	// Copies are the observers' copies of this protocol (observers.go).
	Copies []copyView
}

type lineView struct {
	Name, Title, Value string
	Votes, Changed     bool
}

// htmlEscaper escapes text and quoted attribute values as html/template
// does (its htmlReplacementTable), so that rows written here are the bytes
// the template wrote.
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// lineRows writes the rows of a protocol's table. A precinct page has some
// fifty of them, and an export 30,000 precinct pages in each language:
// written here they cost a fraction of html/template's reflection for each
// value (docs/performance.md, Publishing). The golden pages hold the bytes.
func (rc *renderCtx) lineRows(lines []lineView) template.HTML {
	var b strings.Builder
	b.Grow(len(lines) * 192)
	for _, l := range lines {
		b.WriteString(`<tr data-line="`)
		htmlEscaper.WriteString(&b, l.Name)
		b.WriteByte('"')
		if l.Changed {
			b.WriteString(` class="changed"`)
		}
		b.WriteString(`><th scope="row">`)
		htmlEscaper.WriteString(&b, l.Title)
		if l.Changed {
			b.WriteString(` <span class="mark mark-amended">`)
			htmlEscaper.WriteString(&b, rc.L.T("LineAmended"))
			b.WriteString(`</span>`)
		}
		b.WriteString(`</th><td class="num" data-k="line">`)
		htmlEscaper.WriteString(&b, l.Value)
		b.WriteString(`</td></tr>`)
	}
	return template.HTML(b.String())
}

type warningView struct {
	Code, Message, Detail string
	Acknowledged          bool
}

type versionView struct {
	Version       int
	Kind, At      string
	Reason        string
	Hash          string
	Changes       []string
	Amendment     bool
	ReceivedAtISO string
	// Log says where the version is in the election's transparency log;
	// empty when the election keeps none.
	Log string
}

func (rc *renderCtx) precinct(id string) (*precinctPage, error) {
	e := rc.e
	a := e.Tree.Area(id)
	p := &precinctPage{basePage: rc.base(rc.areaName(a), rc.crumbs(id)), Area: rc.areaView(a)}
	p.Downloads, p.DownloadsNote = rc.downloads(id)
	var err error
	if p.Turnout, err = rc.precinctTurnout(id); err != nil {
		return nil, err
	}
	pl := rc.opts.log
	if !rc.opts.logRead {
		if pl, err = rc.protocolLog(); err != nil {
			return nil, err
		}
	}
	checks, err := rc.checks(id)
	if err != nil {
		return nil, err
	}
	p.Observers = rc.observersView(checks, id)
	var recount map[string]bool
	if p.Disputes, recount, err = rc.disputes(id); err != nil {
		return nil, err
	}
	for i := range e.Contests {
		c := &e.Contests[i]
		if !e.Tree.InContest(id, c) {
			continue
		}
		cur, err := rc.currentProtocol(c.ID, id)
		if err != nil {
			return nil, err
		}
		var versions []*dauys.Protocol
		switch {
		case cur == nil:
		case cur.Version == 1:
			versions = []*dauys.Protocol{cur}
		default:
			if versions, err = rc.s.cfg.Tally.ProtocolVersions(rc.ctx, e.ID, c.ID, id); err != nil {
				return nil, err
			}
		}
		pv := rc.protocolView(c, cur, versions)
		pv.Copies = rc.copyViews(c, checks.Precincts[id])
		if recount[c.ID] {
			pv.Status, pv.StatusText = protocolRecount, rc.L.T("ProtocolRecount")
		}
		if pl != nil {
			for j, v := range versions {
				if pv.Versions[j].Log, err = rc.logIndexText(pl, v); err != nil {
					return nil, err
				}
			}
		}
		p.Protocols = append(p.Protocols, pv)
	}
	return p, nil
}

// logIndexText says where a protocol version is in the log.
func (rc *renderCtx) logIndexText(pl *protocolLog, p *dauys.Protocol) (string, error) {
	i, signed, ok, err := pl.index(rc.ctx, p)
	switch {
	case err != nil:
		return "", err
	case !ok:
		return rc.L.T("LogNotYet"), nil
	case !signed:
		return rc.L.T("LogIndexUnsigned", "Index", strconv.FormatInt(i, 10)), nil
	}
	return rc.L.T("LogIndex", "Index", strconv.FormatInt(i, 10)), nil
}

// currentProtocol returns the current version of a precinct's protocol, or
// nil when none has arrived.
func (rc *renderCtx) currentProtocol(contest, area string) (*dauys.Protocol, error) {
	if rc.opts.prefetch != nil {
		return rc.opts.prefetch[area][contest], nil
	}
	p, err := rc.s.cfg.Tally.Protocol(rc.ctx, rc.e.ID, contest, area)
	if dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return nil, nil
	}
	return p, err
}

func (rc *renderCtx) protocolView(c *dauys.Contest, cur *dauys.Protocol, versions []*dauys.Protocol) protocolView {
	L := rc.L
	v := protocolView{Contest: L.Name(c.Name), Href: rc.contestHref(c.ID), Missing: cur == nil}
	switch {
	case cur == nil:
		v.Status, v.StatusText = dauys.ProtocolMissing, L.T("ProtocolMissing")
	case cur.Version > 1:
		v.Status, v.StatusText = dauys.ProtocolAmended, L.T("ProtocolAmended", "Count", cur.Version-1)
	default:
		v.Status, v.StatusText = dauys.ProtocolAccepted, L.T("ProtocolAccepted")
	}
	changed := map[string]bool{}
	titles := rc.lineTitles(c)
	for i, pv := range versions {
		vv := versionView{Version: pv.Version, At: L.DateTime(pv.ReceivedAt), Reason: pv.Reason, Hash: pv.Hash,
			Amendment: pv.Kind == dauys.ProtocolAmendment, ReceivedAtISO: pv.ReceivedAt.UTC().Format(time.RFC3339)}
		vv.Kind = L.T("VersionOriginal")
		if vv.Amendment {
			vv.Kind = L.T("VersionAmendment")
		}
		if i > 0 {
			prev := versions[i-1]
			var names []string
			for n := range pv.Lines {
				if prev.Lines[n] != pv.Lines[n] {
					names = append(names, n)
				}
			}
			for n := range prev.Lines {
				if _, ok := pv.Lines[n]; !ok {
					names = append(names, n)
				}
			}
			sort.Strings(names)
			for _, n := range names {
				changed[n] = true
				t := titles[n]
				if t == "" {
					t = n
				}
				vv.Changes = append(vv.Changes, L.T("LineChange", "Line", t, "Old", prev.Lines[n], "New", pv.Lines[n]))
			}
		}
		v.Versions = append(v.Versions, vv)
	}
	if val := rc.e.Validator(c.ID); val != nil {
		for _, l := range val.Lines() {
			lv := lineView{Name: l.Name, Title: titles[l.Name], Value: "–", Votes: l.Kind == dauys.LineVotes || strings.HasPrefix(l.Name, dauys.OptionLinePrefix), Changed: changed[l.Name]}
			if cur != nil {
				if n, ok := cur.Lines[l.Name]; ok {
					lv.Value = L.N(n)
				}
			}
			v.Lines = append(v.Lines, lv)
		}
		v.Rows = rc.lineRows(v.Lines)
	}
	if cur != nil {
		v.Hash = cur.Hash
		v.Received = L.DateTime(cur.ReceivedAt)
		for _, w := range cur.Warnings {
			v.Warnings = append(v.Warnings, warningView{Code: w.Code, Message: L.Name(w.Message), Detail: w.Detail, Acknowledged: cur.Acknowledged})
		}
	}
	return v
}

// lineTitles returns the title of each line of a contest's form in the
// page's language: an option's line is titled with the option's name.
func (rc *renderCtx) lineTitles(c *dauys.Contest) map[string]string {
	L := rc.L
	titles := map[string]string{}
	if val := rc.e.Validator(c.ID); val != nil {
		for _, l := range val.Lines() {
			title := L.Name(l.Title)
			if title == "" {
				title = l.Name
			}
			if strings.HasPrefix(l.Name, dauys.OptionLinePrefix) {
				o := rc.option(c, strings.TrimPrefix(l.Name, dauys.OptionLinePrefix))
				title = L.Name(o.Name)
				if o.Party != "" {
					title += " (" + rc.partyName(o.Party) + ")"
				}
			}
			titles[l.Name] = title
		}
	}
	return titles
}

// The single-member districts of an election: every district with its
// winner or leader, the margin and how much is counted, and a cartogram
// with one stripe per district in its region's tile.

type districtsPage struct {
	basePage
	Groups []districtGroup
	Map    template.HTML
}

type districtGroup struct {
	Name string
	Rows []districtRow
}

type districtRow struct {
	Name, Href, Where   string
	Winner, Party       string
	Colour              string
	Share, Margin       string
	Progress            string
	Final, HasData      bool
	Runner, RunnerShare string
}

func (rc *renderCtx) districts() (*districtsPage, error) {
	L := rc.L
	p := &districtsPage{basePage: rc.base(L.T("DistrictsTitle"), []link{{Text: rc.areaName(rc.e.Tree.Area(rc.e.Tree.Root())), Href: rc.overviewHref()}})}
	p.Downloads, p.DownloadsNote = rc.downloads(rc.e.Tree.Root())
	groups := map[string]*districtGroup{}
	var order []string
	stripes := map[string][]stripe{}
	for i := range rc.e.Contests {
		c := &rc.e.Contests[i]
		if c.Kind != dauys.KindPlurality {
			continue
		}
		cr := rc.rootResult(c.ID)
		if cr == nil {
			continue
		}
		g := groups[c.Body]
		if g == nil {
			g = &districtGroup{Name: rc.bodyName(c.Body)}
			groups[c.Body] = g
			order = append(order, c.Body)
		}
		r := districtRow{Name: L.Name(c.Name), Href: rc.contestHref(c.ID), Progress: L.PctD(cr.Progress.Reported, cr.Progress.Expected, 1),
			Final: final(cr.Progress), HasData: cr.Progress.Reported > 0}
		var where []string
		for _, a := range c.Areas {
			where = append(where, rc.areaName(rc.e.Tree.Area(a)))
		}
		r.Where = strings.Join(where, ", ")
		rows, valid := rc.votesOf(c, cr.Lines)
		var cands []optionRow
		for _, x := range rows {
			if !x.AgainstAll {
				cands = append(cands, x)
			}
		}
		fill := colourNoData
		if len(cands) > 0 && cands[0].Votes > 0 {
			r.Winner, r.Party, r.Colour, r.Share = cands[0].Name, cands[0].Party, cands[0].Colour, cands[0].Share
			if r.Party == "" {
				r.Party = L.T("Independent")
			}
			fill = cands[0].Colour
			if len(cands) > 1 {
				d := cands[0].Votes - cands[1].Votes
				r.Margin = L.T("MarginShort", "Votes", d, "Points", L.Dec(decide.Percent(d, valid), 2))
				r.Runner, r.RunnerShare = cands[1].Name, cands[1].Share
			}
		}
		g.Rows = append(g.Rows, r)
		region := ""
		if len(c.Areas) > 0 {
			region = rc.regionOf(c.Areas[0])
		}
		title := r.Name
		if r.Winner != "" {
			title += ": " + r.Winner + " (" + r.Party + ") " + r.Share
		}
		stripes[region] = append(stripes[region], stripe{Fill: fill, Href: r.Href, Title: title})
	}
	for _, b := range order {
		p.Groups = append(p.Groups, *groups[b])
	}
	var tiles []tile
	labels := rc.tileLabels(rc.e.Tree.Children(rc.e.Tree.Root()))
	for _, id := range rc.e.Tree.Children(rc.e.Tree.Root()) {
		a := rc.e.Tree.Area(id)
		if len(a.Tile) != 2 || len(stripes[id]) == 0 {
			continue
		}
		tiles = append(tiles, tile{Col: a.Tile[0], Row: a.Tile[1], Lines: []string{strings.Join(labels[id], " ")}, Stripes: stripes[id]})
	}
	if len(tiles) > 0 {
		sm := rc.smdSummary()
		var legend []legendItem
		for _, pr := range sm.Parties {
			legend = append(legend, legendItem{Label: pr.Short, Colour: pr.Colour})
		}
		p.Map = tileMap(rc.chartID(), L.T("DistrictsMapTitle"), L.T("DistrictsMapDesc"), tiles, legend)
	}
	return p, nil
}

// bodyName names an elected body from its contests: the name of its first
// contest up to the comma ("Mazhilis, party lists" gives "Mazhilis").
func (rc *renderCtx) bodyName(body string) string {
	if body == "" {
		return rc.L.T("DistrictsTitle")
	}
	for _, c := range rc.e.Contests {
		if c.Body == body {
			n := rc.L.Name(c.Name)
			if i := strings.Index(n, ","); i > 0 {
				return n[:i]
			}
			return n
		}
	}
	return body
}

// Search: a precinct by its number or id, or an area by name.

type searchPage struct {
	basePage
	Query   string
	Results []searchResult
	More    bool
	Static  bool
}

type searchResult struct {
	Name, Href, Where string
}

const maxSearchResults = 100

func (rc *renderCtx) search(q string) (*searchPage, error) {
	p := &searchPage{basePage: rc.base(rc.L.T("SearchTitle"), []link{{Text: rc.areaName(rc.e.Tree.Area(rc.e.Tree.Root())), Href: rc.overviewHref()}}),
		Query: q, Static: rc.opts.static}
	if q == "" || rc.opts.static {
		return p, nil
	}
	ids := rc.s.searchIndex(rc.e).find(q, rc.L.Lang)
	for i, id := range ids {
		if i == maxSearchResults {
			p.More = true
			break
		}
		a := rc.e.Tree.Area(id)
		var where []string
		path := rc.e.Tree.Path(id)
		for _, anc := range path[1 : len(path)-1] {
			where = append(where, rc.areaName(rc.e.Tree.Area(anc)))
		}
		p.Results = append(p.Results, searchResult{Name: rc.areaName(a), Href: rc.areaHref(id), Where: strings.Join(where, " › ")})
	}
	return p, nil
}

// The progress of the count over the night.

type progressView struct {
	Chart template.HTML
	Rows  []progressRow
	Note  string
}

type progressRow struct {
	At, Reported, Pct, Turnout string
}

func (rc *renderCtx) progress(c *dauys.Contest) (*progressView, error) {
	L := rc.L
	hist, err := rc.s.historyOf(rc.ctx, rc.e, c.ID, rc.opts.version)
	if err != nil {
		return nil, err
	}
	cr := rc.rootResult(c.ID)
	if cr == nil || len(hist) == 0 {
		return nil, nil
	}
	expected := cr.Progress.Expected
	pts := thin(hist, 120)
	var cp []progressPoint
	for _, h := range pts {
		cp = append(cp, progressPoint{At: h.At, Reported: pctFloat(h.Reported, expected), Turnout: pctFloat(h.TurnoutVoters, h.Registered)})
	}
	// A history that did not start on the election's night (the demo's
	// replay, a later import) is told by the time since its first
	// protocol: its clock is not the night's.
	elapsed := !onElectionNight(rc.e.Date, hist[0].At.In(rc.L.zone))
	v := &progressView{Chart: progressChart(rc.chartID(), L.T("ProgressTitle"), L.T("ProgressDesc"), cp, rc.L.zone, elapsed, L.T("ProgressReported"), L.T("ProgressTurnout")),
		Note: L.T("ProgressNote")}
	if elapsed {
		v.Note = L.T("ProgressNoteElapsed")
	}
	for _, h := range thin(hist, 12) {
		at := L.Time(h.At)
		if elapsed {
			at = sinceLabel(h.At.Sub(hist[0].At))
		}
		v.Rows = append(v.Rows, progressRow{At: at, Reported: L.N(h.Reported), Pct: L.PctD(h.Reported, expected, 1), Turnout: L.Pct(h.TurnoutVoters, h.Registered)})
	}
	return v, nil
}

// onElectionNight tells whether a moment is on the polling day (YYYY-MM-DD)
// or within the two days after it, when counts arrive; an election without
// a date has no night to compare with.
func onElectionNight(date string, at time.Time) bool {
	day, err := time.ParseInLocation("2006-01-02", date, at.Location())
	if err != nil {
		return true
	}
	return !at.Before(day) && at.Before(day.AddDate(0, 0, 3))
}

// thin keeps at most n points of a history spread evenly over its time,
// always with the last.
func thin(h []tally.HistoryPoint, n int) []tally.HistoryPoint {
	if len(h) <= n {
		return h
	}
	from, to := h[0].At, h[len(h)-1].At
	step := to.Sub(from) / time.Duration(n-1)
	var out []tally.HistoryPoint
	next := from
	for i, p := range h {
		last := i == len(h)-1
		if !p.At.Before(next) && !last {
			out = append(out, p)
			next = p.At.Add(step)
		}
		if last {
			out = append(out, p)
		}
	}
	return out
}
