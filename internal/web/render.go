package web

import (
	"bytes"
	"context"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/tlog"
)

// renderCtx is one page being rendered.
type renderCtx struct {
	ctx    context.Context
	s      *Site
	L      *locale
	t      target
	full   string // the page's path from the site's root
	root   string // the relative path back to the root
	opts   renderOpts
	e      *election.Election
	sum    *summary
	pal    palette
	now    time.Time
	charts int
}

// renderOpts says what a render is for.
type renderOpts struct {
	version string
	// static renders for the exported site: polling reads the pointer
	// file, and search runs in the browser.
	static bool
	// downloadsEvery, in an export during the count, is how often it
	// makes the bulk downloads (PublishOptions.DownloadsEvery): the pages
	// above the polling stations say so beside their downloads.
	downloadsEvery time.Duration
	// elections limits the home page to these elections (the exported
	// site of one election).
	elections []string
	// prefetch holds every current protocol of the election, so that the
	// export does not ask the store once per precinct.
	prefetch map[string]map[string]*dauys.Protocol // area -> contest -> protocol
	// turnoutReports holds every turnout report of the election by
	// precinct, read once for an export; nil when not prefetched.
	turnoutReports map[string][]*dauys.TurnoutReport
	// log, when logRead, is the election's transparency log (nil when it
	// keeps none), read once for an export.
	log     *protocolLog
	logRead bool
	// memo keeps the results of inner areas for the export, which renders
	// each area in three languages and writes its downloads.
	memo *resultsMemo
	// signals are the integrity page's statistics, computed once for an
	// export.
	signals *signals
	// checks are the observers' copies of the whole election compared
	// with the official protocols, and disputes its complaints and
	// recounts by precinct, read once for an export.
	checks   *tally.Checks
	disputes *disputes
}

// resultsMemo remembers results by area, and by contest and area list.
type resultsMemo struct {
	mu    sync.Mutex
	areas map[string]*tally.Results
	lists map[string][]tally.AreaResult
}

// areaResults returns an area's results, from the memo in an export.
func (rc *renderCtx) areaResults(area string) (*tally.Results, error) {
	if area == rc.e.Tree.Root() {
		return rc.sum.root, nil
	}
	m := rc.opts.memo
	if m != nil {
		m.mu.Lock()
		r := m.areas[area]
		m.mu.Unlock()
		if r != nil {
			return r, nil
		}
	}
	r, err := rc.s.cfg.Tally.Area(rc.ctx, rc.e.ID, area)
	if err != nil {
		return nil, err
	}
	if m != nil {
		m.mu.Lock()
		m.areas[area] = r
		m.mu.Unlock()
	}
	return r, nil
}

// resultsOf returns a contest's results in each of the areas: from the
// protocols an export holds when they are precincts, else from the memo or
// the running totals.
func (rc *renderCtx) resultsOf(c *dauys.Contest, areas []string) ([]tally.AreaResult, error) {
	if pre := rc.opts.prefetch; pre != nil {
		if out, ok := tally.PrecinctAreaResults(rc.e, c, areas, func(a string) *dauys.Protocol { return pre[a][c.ID] }); ok {
			return out, nil
		}
	}
	m := rc.opts.memo
	key := c.ID + "\x00" + strings.Join(areas, "\x00")
	if m != nil {
		m.mu.Lock()
		r, ok := m.lists[key]
		m.mu.Unlock()
		if ok {
			return r, nil
		}
	}
	r, err := rc.s.cfg.Tally.AreaResults(rc.ctx, rc.e.ID, c.ID, areas)
	if err != nil {
		return nil, err
	}
	if m != nil {
		m.mu.Lock()
		m.lists[key] = r
		m.mu.Unlock()
	}
	return r, nil
}

// render builds and executes a page.
func (s *Site) render(ctx context.Context, t target, version string, static bool) ([]byte, error) {
	return s.renderWith(ctx, t, renderOpts{version: version, static: static})
}

func (s *Site) renderWith(ctx context.Context, t target, opts renderOpts) ([]byte, error) {
	rc, err := s.newRenderCtx(ctx, t, opts)
	if err != nil {
		return nil, err
	}
	var name string
	var data any
	kind := t.kind
	if rc.resultsClosed() {
		kind = pageClosed
	}
	switch kind {
	case pageClosed:
		name, data = "closed", rc.closed()
	case pageHome:
		name = "home"
		data, err = rc.home()
	case pageOverview:
		name = "area"
		data, err = rc.area(rc.e.Tree.Root())
	case pageArea:
		if rc.e.Tree.Area(t.id) == nil {
			return nil, errNotFound("area")
		}
		name = "area"
		if rc.e.Tree.IsLeaf(t.id) && t.id != rc.e.Tree.Root() {
			name = "precinct"
			data, err = rc.precinct(t.id)
		} else {
			data, err = rc.area(t.id)
		}
	case pageContest:
		name = "contest"
		data, err = rc.contest(t.id)
	case pageDistricts:
		name = "districts"
		data, err = rc.districts()
	case pageSearch:
		name = "search"
		data, err = rc.search(t.query)
	case pageIntegrity:
		name = "integrity"
		data, err = rc.integrity()
	case pageVerify:
		name = "verify"
		data, err = rc.verify()
	default:
		return nil, errNotFound("page")
	}
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&b, "layout", data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Site) newRenderCtx(ctx context.Context, t target, opts renderOpts) (*renderCtx, error) {
	L := s.locales[t.lang]
	if L == nil {
		return nil, errNotFound("language")
	}
	full := t.lang + "/" + t.self()
	rc := &renderCtx{ctx: ctx, s: s, L: L, t: t, full: full, root: rootOf(full), opts: opts, now: s.cfg.Now()}
	if t.election != "" {
		e, err := s.cfg.Tally.Election(ctx, t.election)
		if err != nil {
			return nil, err
		}
		rc.e = e
		rc.pal = paletteOf(e.Election)
		if rc.sum, err = s.summary(ctx, e, opts.version); err != nil {
			return nil, err
		}
	}
	return rc, nil
}

// renderError renders the error page of a status.
func (s *Site) renderError(ctx context.Context, lang string, status int) ([]byte, error) {
	if s.locales[lang] == nil {
		lang = dauys.Languages[0]
	}
	rc := &renderCtx{ctx: ctx, s: s, L: s.locales[lang], t: target{kind: pageNotFound, lang: lang}, now: s.cfg.Now()}
	rc.full = lang + "/404.html"
	rc.root = "/"
	id := "ErrorNotFound"
	switch status {
	case 400:
		id = "ErrorBadRequest"
	case 500:
		id = "ErrorInternal"
	}
	p := struct {
		basePage
		Message string
	}{rc.base(rc.L.T(id), nil), rc.L.T(id + "Text")}
	p.Langs = nil
	var b bytes.Buffer
	if err := s.pages["error"].ExecuteTemplate(&b, "layout", p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Links between pages, all relative to the page being rendered.

func (rc *renderCtx) href(self string) string { return rc.root + rc.L.Lang + "/" + self }

func (rc *renderCtx) electionPath() string { return "e/" + tlog.Slug(rc.e.ID) + "/" }

func (rc *renderCtx) overviewHref() string { return rc.href(rc.electionPath() + "index.html") }

// areaHref links an area's page: from another area's page, which is in
// the same folder, by its file name alone. A district's page links each
// of its polling stations several times, and is made again by every
// amendment below it.
func (rc *renderCtx) areaHref(id string) string {
	if id == rc.e.Tree.Root() {
		return rc.overviewHref()
	}
	if rc.t.kind == pageArea && rc.t.election == rc.e.ID {
		return tlog.Slug(id) + ".html"
	}
	return rc.href(rc.electionPath() + "a/" + tlog.Slug(id) + ".html")
}

func (rc *renderCtx) contestHref(id string) string {
	return rc.href(rc.electionPath() + "c/" + tlog.Slug(id) + ".html")
}

func (rc *renderCtx) dataHref(area, ext string) string {
	return rc.root + "data/" + tlog.Slug(rc.e.ID) + "/a/" + tlog.Slug(area) + "." + ext
}

// excelHref is the CSV download with a byte order mark, for Excel.
func (rc *renderCtx) excelHref(area string) string {
	return rc.root + "data/" + tlog.Slug(rc.e.ID) + "/excel/" + tlog.Slug(area) + ".csv"
}

func (rc *renderCtx) chartID() string {
	rc.charts++
	return "chart" + strconv.Itoa(rc.charts)
}

// Page data shared by every page.

type link struct {
	Text, Href string
}

type langLink struct {
	Code, Name, Href string
	Current          bool
}

type liveInfo struct {
	Poll    string
	Version string
	Every   int
	Page    string
	Static  bool
}

type electionHead struct {
	ID, Name, Date     string
	Status             string
	StatusText         string
	Overview, Search   string
	Districts          string
	Integrity          string
	Verify             string
	Links              []link
	Reported, Expected int64
	Counting           bool
	ShowName           bool
	SearchIndex        string
	AreaHrefPrefix     string
	// Replay marks a replay of an official result whose precinct figures
	// are simulated: every page of it says so.
	Replay bool
	// StatusMark, when set, stands for the status and progress of the
	// count (the template "election-status") until publish writes the
	// page: an exported area page is not new because the count moved on
	// elsewhere (publish_files.go).
	StatusMark string
}

type basePage struct {
	L         *locale
	Lang      string
	Title     string
	Root      string
	CSS, JS   string
	Langs     []langLink
	Crumbs    []link
	Live      *liveInfo
	Election  *electionHead
	Updated   string
	Downloads []link
	// DownloadsNote says how often the downloads are made, where they
	// are not made in every export (renderOpts.downloadsEvery).
	DownloadsNote string
}

func (rc *renderCtx) base(title string, crumbs []link) basePage {
	p := basePage{L: rc.L, Lang: rc.L.Lang, Title: title, Root: rc.root, Crumbs: crumbs,
		CSS: rc.root + "static/" + rc.s.assets.css, JS: rc.root + "static/" + rc.s.assets.js,
		Updated: rc.L.DateTime(rc.now)}
	self := rc.t.self()
	if rc.t.query != "" {
		self += "?q=" + urlQueryEscape(rc.t.query)
	}
	for _, lang := range dauys.Languages {
		p.Langs = append(p.Langs, langLink{Code: lang, Name: languageNames[lang], Href: rc.root + lang + "/" + self, Current: lang == rc.L.Lang})
	}
	if rc.opts.static {
		p.Updated = updatedMark
	}
	if rc.e != nil {
		p.Election = rc.electionHead()
		if rc.opts.static && rc.t.kind == pageArea && rc.t.id != rc.e.Tree.Root() {
			p.Election.StatusMark = statusMark
		}
		p.Live = &liveInfo{Version: rc.opts.version, Every: int(rc.s.cfg.PollEvery / time.Second), Page: rc.full, Static: rc.opts.static}
		if rc.opts.static {
			// The exported site lives in v/<version>/; the pointer file is
			// next to v/. Its pages carry marks for the export's time and
			// version, which publish puts in when it writes a page whose
			// content changed (publish_files.go).
			p.Live.Poll = rc.root + "../../current.json"
			p.Live.Version = versionMark
		} else {
			p.Live.Poll = rc.root + "data/" + tlog.Slug(rc.e.ID) + "/status.json"
		}
	}
	return p
}

func (rc *renderCtx) electionHead() *electionHead {
	e := rc.e
	h := &electionHead{ID: e.ID, Name: rc.L.Name(e.Name), Date: rc.L.PollingDay(e.Date), Status: e.Status,
		Overview: rc.overviewHref(), Search: rc.href(rc.electionPath() + "search.html"), ShowName: rc.t.kind != pageOverview}
	primary := rc.primaryResult(e.Tree.Root())
	h.Status, h.StatusText, h.Counting = rc.statusText(primary)
	if primary != nil {
		h.Reported, h.Expected = primary.Progress.Reported, primary.Progress.Expected
	}
	for _, c := range e.Contests {
		if c.Kind == dauys.KindPlurality {
			h.Districts = rc.href(rc.electionPath() + "districts.html")
			break
		}
	}
	h.Integrity = rc.href(rc.electionPath() + "integrity.html")
	h.Verify = rc.href(rc.electionPath() + "verify.html")
	if rc.s.cfg.ElectionLinks != nil {
		for _, l := range rc.s.cfg.ElectionLinks(e.Election) {
			h.Links = append(h.Links, link{Text: rc.L.Name(l.Text), Href: rc.href(rc.electionPath() + l.Path)})
		}
	}
	h.SearchIndex = rc.root + "data/" + tlog.Slug(e.ID) + "/precincts.json"
	h.AreaHrefPrefix = rc.href(rc.electionPath() + "a/")
	h.Replay = e.IsReplay()
	return h
}

// statusText says where an election stands (lifecycleText): the status
// for the page's class, its words, and whether the count is running.
func (rc *renderCtx) statusText(primary *tally.ContestResult) (string, string, bool) {
	return rc.lifecycleText(primary)
}

// crumbs returns the path from the election down to an area.
func (rc *renderCtx) crumbs(area string) []link {
	var out []link
	for _, id := range rc.e.Tree.Path(area) {
		out = append(out, link{Text: rc.areaName(rc.e.Tree.Area(id)), Href: rc.areaHref(id)})
	}
	return out
}

// areaName is an area's name in the page's language; precincts, which the
// definitions leave unnamed, are called by their number.
func (rc *renderCtx) areaName(a *dauys.Area) string {
	if a == nil {
		return ""
	}
	if n := rc.L.Name(a.Name); n != "" {
		return n
	}
	if a.Level == dauys.LevelPrecinct || a.Number != "" {
		num := a.Number
		if num == "" {
			num = a.ID
		}
		return rc.L.T("PrecinctNo", "Number", num)
	}
	return a.ID
}

func (rc *renderCtx) levelName(level string) string {
	switch level {
	case dauys.LevelCountry, dauys.LevelRegion, dauys.LevelDistrict, dauys.LevelPrecinct:
		return rc.L.T("Level_" + level)
	}
	return level
}

// Contests and areas.

// covers reports whether every precinct of the area votes in the contest.
func (rc *renderCtx) covers(c *dauys.Contest, area string) bool {
	if len(c.Areas) == 0 {
		return true
	}
	for _, a := range c.Areas {
		if rc.e.Tree.Within(area, a) {
			return true
		}
	}
	return false
}

// primaryContest is the contest an area's key figures and map are about:
// the first nationwide contest, else the first that covers the area.
func (rc *renderCtx) primaryContest(area string) *dauys.Contest {
	for i := range rc.e.Contests {
		if len(rc.e.Contests[i].Areas) == 0 {
			return &rc.e.Contests[i]
		}
	}
	for i := range rc.e.Contests {
		if rc.covers(&rc.e.Contests[i], area) {
			return &rc.e.Contests[i]
		}
	}
	if len(rc.e.Contests) > 0 {
		return &rc.e.Contests[0]
	}
	return nil
}

func (rc *renderCtx) primaryResult(area string) *tally.ContestResult {
	c := rc.primaryContest(area)
	if c == nil || rc.sum == nil {
		return nil
	}
	return rc.rootResult(c.ID)
}

func (rc *renderCtx) rootResult(contest string) *tally.ContestResult {
	for i := range rc.sum.root.Contests {
		if rc.sum.root.Contests[i].Contest == contest {
			return &rc.sum.root.Contests[i]
		}
	}
	return nil
}

// unitsOf returns the areas a contest's results are broken down by: the
// regions of a nationwide contest, the children of a contest's single area,
// or the areas a district is made of.
func (rc *renderCtx) unitsOf(c *dauys.Contest) []string {
	switch len(c.Areas) {
	case 0:
		return rc.e.Tree.Children(rc.e.Tree.Root())
	case 1:
		if kids := rc.e.Tree.Children(c.Areas[0]); len(kids) > 0 {
			return kids
		}
	}
	return c.Areas
}

// regionOf returns the child of the root an area lies in.
func (rc *renderCtx) regionOf(area string) string {
	path := rc.e.Tree.Path(area)
	if len(path) > 1 {
		return path[1]
	}
	return area
}

func urlQueryEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)+0x100, 16)[1:]))
		}
	}
	return b.String()
}

// option rows.

type optionRow struct {
	ID, Name, Short, Party string
	Colour                 string
	Votes                  int64
	VotesText              string
	Share                  string // of the contest's denominator
	ShareOfTookPart        string
	Pct                    float64
	Seats                  int
	Passed, Admitted       bool
	Result                 string // elected, leading, runoff, won
	AgainstAll             bool
}

// votesOf returns the options of a contest with their votes in lines,
// most votes first, and "against all" last when the form has it, and the
// valid votes (for options plus against all). Shares are of the base the
// rules engine states for the contest (shareBase), as the CEC publishes
// them: for Kazakh contests the votes for options plus against all.
func (rc *renderCtx) votesOf(c *dauys.Contest, lines map[string]int64) ([]optionRow, int64) {
	var valid int64
	for _, o := range c.Options {
		valid += lines[dauys.OptionLinePrefix+o.ID]
	}
	_, hasAgainst := lines["against_all"]
	valid += lines["against_all"]
	base := shareBase(c, lines, valid)
	rows := make([]optionRow, 0, len(c.Options)+1)
	for _, o := range c.Options {
		v := lines[dauys.OptionLinePrefix+o.ID]
		rows = append(rows, rc.optionRow(o, v, base, lines["took_part"]))
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Votes > rows[j].Votes })
	if hasAgainst || rc.formHas(c, "against_all") {
		v := lines["against_all"]
		rows = append(rows, optionRow{ID: "against_all", Name: rc.L.T("AgainstAll"), Short: rc.L.T("AgainstAll"), Colour: colourOther,
			Votes: v, VotesText: rc.L.N(v), Share: rc.L.Pct(v, base), ShareOfTookPart: rc.L.Pct(v, lines["took_part"]), Pct: pctFloat(v, base), AgainstAll: true})
	}
	return rows, valid
}

// shareBase is the denominator of the options' published shares: for a
// party list the base the rules engine takes each list's share of (the
// threshold base: votes for lists, with or without against all, or all
// who took part, as the Russian Duma's 7% of took part), so that a card or
// a table reads as the contest's own explanation; for candidates the votes
// for candidates plus against all.
func shareBase(c *dauys.Contest, lines map[string]int64, valid int64) int64 {
	if c.Kind != dauys.KindList {
		return valid
	}
	r, err := rules.For(c)
	if err != nil {
		return valid
	}
	switch r.ThresholdBase {
	case decide.BaseVotesAgainstAll:
		return valid
	case decide.BaseTookPart:
		return lines["took_part"]
	}
	return valid - lines["against_all"]
}

func (rc *renderCtx) optionRow(o dauys.Option, votes, denom, tookPart int64) optionRow {
	short := rc.L.Name(o.Short)
	if short == "" {
		short = rc.L.Name(o.Name)
	}
	r := optionRow{ID: o.ID, Name: rc.L.Name(o.Name), Short: short, Colour: rc.pal.of(o), Votes: votes, VotesText: rc.L.N(votes),
		Share: rc.L.Pct(votes, denom), ShareOfTookPart: rc.L.Pct(votes, tookPart), Pct: pctFloat(votes, denom)}
	if o.Party != "" {
		r.Party = rc.partyName(o.Party)
	}
	return r
}

// partyName finds a party's short name on the election's party lists, or
// "" for a party that has none there.
func (rc *renderCtx) partyName(id string) string {
	for _, c := range rc.e.Contests {
		for _, o := range c.Options {
			if o.ID == id && c.Kind == dauys.KindList {
				if s := rc.L.Name(o.Short); s != "" {
					return s
				}
				return rc.L.Name(o.Name)
			}
		}
	}
	return ""
}

// rebase makes the shares of option rows shares of the majority's
// denominator, so that a bar at half means an absolute majority.
func (rc *renderCtx) rebase(rows []optionRow, denom int64) {
	for i := range rows {
		rows[i].Share = rc.L.Pct(rows[i].Votes, denom)
		rows[i].Pct = pctFloat(rows[i].Votes, denom)
	}
}

func (rc *renderCtx) formHas(c *dauys.Contest, line string) bool {
	v := rc.e.Validator(c.ID)
	if v == nil {
		return false
	}
	for _, l := range v.Lines() {
		if l.Name == line {
			return true
		}
	}
	return false
}

func (rc *renderCtx) option(c *dauys.Contest, id string) dauys.Option {
	for _, o := range c.Options {
		if o.ID == id {
			return o
		}
	}
	return dauys.Option{ID: id, Name: dauys.T(id)}
}

// optionLabel is an option's short name.
func (rc *renderCtx) optionLabel(c *dauys.Contest, id string) string {
	o := rc.option(c, id)
	if s := rc.L.Name(o.Short); s != "" {
		return s
	}
	return rc.L.Name(o.Name)
}

// barsOf draws the bars of option rows.
func (rc *renderCtx) barsOf(title string, rows []optionRow, lines []refLine) template.HTML {
	var bs []bar
	for _, r := range rows {
		label := r.Short
		if r.Party != "" {
			label += " (" + r.Party + ")"
		}
		bs = append(bs, bar{Label: label, Value: r.Share, Pct: r.Pct, Colour: r.Colour})
	}
	return bars(rc.chartID(), title, rc.L.T("ChartBarsDesc"), bs, lines)
}

// leaderOf returns the option with the most votes in lines, or false when
// nothing is counted.
func leaderOf(c *dauys.Contest, lines map[string]int64) (dauys.Option, int64, bool) {
	var best dauys.Option
	var votes int64 = -1
	for _, o := range c.Options {
		if v := lines[dauys.OptionLinePrefix+o.ID]; v > votes {
			best, votes = o, v
		}
	}
	return best, votes, votes > 0
}

// figures are an area's key numbers in its primary contest.
type figures struct {
	Contest                       string
	Registered, TookPart, Turnout string
	Reported, Expected            int64
	ReportedText, ExpectedText    string
	ReportedPct                   string
	RegisteredReported            string
}

// figuresOf gives an area's key figures. The voters who took part and the
// turnout are the CEC's: for an election those who received ballots
// (rules.TurnoutVoters), the numerator the rules engine and the integrity
// page use too.
func (rc *renderCtx) figuresOf(c *dauys.Contest, lines map[string]int64, p tally.Progress) *figures {
	voters := rules.TurnoutVoters(c.Kind, lines)
	return &figures{Contest: rc.L.Name(c.Name),
		Registered: rc.L.N(p.RegisteredExpected), RegisteredReported: rc.L.N(lines["registered"]),
		TookPart: rc.L.N(voters), Turnout: rc.L.Pct(voters, lines["registered"]),
		Reported: p.Reported, Expected: p.Expected, ReportedText: rc.L.N(p.Reported), ExpectedText: rc.L.N(p.Expected),
		ReportedPct: rc.L.PctD(p.Reported, p.Expected, 1)}
}
