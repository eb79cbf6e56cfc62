package cdf

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/rules"
)

// Detail levels of an export.
const (
	// LevelPrecinct exports every precinct's protocol and each contest's
	// totals at its district.
	LevelPrecinct = "precinct"
	// LevelSummary exports each contest's totals for the whole election,
	// and, for a referendum with a territorial rule, for each of its
	// territorial units.
	LevelSummary = "summary"
)

// ExportOptions tune an export.
type ExportOptions struct {
	// Level is LevelPrecinct (the default) or LevelSummary.
	Level string
	// Now is the report's GeneratedDate; zero means time.Now.
	Now time.Time
	// Issuer names who publishes the report (default "Dauys").
	Issuer, IssuerAbbreviation string
	// Progress, when set, is called as protocols are read, with the
	// number read and an estimate of the total (areas times contests,
	// an upper bound).
	Progress func(read, estimate int64)
}

// Export writes an election as an ERR v2 report. Notes name what the
// format cannot say. The report is not validated here; Encode does that.
func Export(ctx context.Context, store dauys.Store, elections *election.Loader, id string, opt ExportOptions) (*Report, []string, error) {
	e, err := elections.Load(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	x := &exporter{ctx: ctx, store: store, e: e, opt: opt, taken: ids{}}
	switch opt.Level {
	case "", LevelPrecinct:
		x.opt.Level = LevelPrecinct
	case LevelSummary:
	default:
		return nil, nil, dauys.Errorf(dauys.EINVALID, "cdf: export level %q is unknown (precinct or summary)", opt.Level)
	}
	if err := x.collect(); err != nil {
		return nil, nil, err
	}
	return x.report(), x.notes, nil
}

// Encode validates a report against the schema and returns it as indented
// JSON; an invalid report is an EINTERNAL error, since Dauys wrote it.
func Encode(r *Report) ([]byte, error) {
	data, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return nil, fmt.Errorf("cdf: encode: %w", err)
	}
	if err := Validate(data); err != nil {
		return nil, &dauys.Error{Code: dauys.EINTERNAL, Message: dauys.ErrorMessage(err)}
	}
	return append(data, '\n'), nil
}

type exporter struct {
	ctx   context.Context
	store dauys.Store
	e     *election.Election
	opt   ExportOptions
	notes []string
	taken ids

	// counts holds, per contest, the lines written by unit: every
	// precinct's protocol, or, for a summary, the totals at the root and
	// the territorial units.
	counts map[string]map[string]map[string]int64
	// totals and reported are each contest's totals at the root, which a
	// precinct-level report writes at the contest's district.
	totals   map[string]map[string]int64
	reported map[string]int64
	anyIn    bool

	gp      map[string]string // area id -> GpUnit @id
	extraGp []GpUnit          // the units made of a contest's areas
	partyID map[string]string // party key -> Party @id
	parties []Party
}

func (x *exporter) note(format string, args ...any) {
	x.notes = append(x.notes, fmt.Sprintf(format, args...))
}

// collect reads the protocols and totals the report needs.
func (x *exporter) collect() error {
	e := x.e
	root := e.Tree.Root()
	x.counts, x.totals, x.reported = map[string]map[string]map[string]int64{}, map[string]map[string]int64{}, map[string]int64{}
	for _, c := range e.Contests {
		x.counts[c.ID] = map[string]map[string]int64{}
	}
	if x.opt.Level == LevelPrecinct {
		var read int64
		estimate := int64(len(e.Areas)) * int64(len(e.Contests))
		err := x.store.EachProtocol(x.ctx, e.ID, "", func(p *dauys.Protocol) error {
			if m := x.counts[p.Contest]; m != nil {
				m[p.Area] = p.Lines
			}
			if read++; x.opt.Progress != nil && read%256 == 0 {
				x.opt.Progress(read, estimate)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for i := range e.Contests {
		c := &e.Contests[i]
		lines, reported, err := x.areaLines(c.ID, root)
		if err != nil {
			return err
		}
		x.totals[c.ID], x.reported[c.ID] = lines, reported
		if reported > 0 {
			x.anyIn = true
		}
		if x.opt.Level == LevelSummary && reported > 0 {
			x.counts[c.ID][root] = lines
			if c.Kind == dauys.KindReferendum && c.Units != "" {
				for _, u := range e.Tree.AtLevel(c.Units) {
					lines, n, err := x.areaLines(c.ID, u)
					if err != nil {
						return err
					}
					if n > 0 {
						x.counts[c.ID][u] = lines
					}
				}
			}
		}
	}
	return nil
}

// areaLines returns a contest's lines in an area and the precincts they
// add up: a precinct's protocol, or an inner area's running totals.
func (x *exporter) areaLines(contest, area string) (map[string]int64, int64, error) {
	if x.e.Tree.IsLeaf(area) {
		p, err := x.store.Protocol(x.ctx, x.e.ID, contest, area)
		if dauys.ErrorCode(err) == dauys.ENOTFOUND {
			return nil, 0, nil
		} else if err != nil {
			return nil, 0, err
		}
		return p.Lines, 1, nil
	}
	tot, err := x.store.Totals(x.ctx, x.e.ID, contest, []string{area})
	if err != nil {
		return nil, 0, err
	}
	out := map[string]int64{}
	for k, v := range tot[area] {
		if !strings.HasPrefix(k, "@") {
			out[k] = v
		}
	}
	return out, tot[area][dauys.ReportedLine], nil
}

// status is the report's status: certified, complete, or while counting
// partial until every precinct of every contest is in.
func (x *exporter) status() string {
	e := x.e
	switch e.Status {
	case dauys.StatusCertified:
		return StatusCertified
	case dauys.StatusComplete:
		return StatusUnofficialComplete
	case dauys.StatusPreElection:
		if !x.anyIn {
			return StatusPreElection
		}
	}
	for i := range e.Contests {
		c := &e.Contests[i]
		expected, _ := e.Tree.Expected(e.Tree.Root(), c)
		if x.reported[c.ID] < int64(expected) {
			return StatusUnofficialPartial
		}
	}
	return StatusUnofficialComplete
}

func (x *exporter) report() *Report {
	e := x.e
	now := x.opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	r := &Report{
		Type:                typePrefix + "ElectionReport",
		Format:              FormatPrecinct,
		GeneratedDate:       now.Format(time.RFC3339),
		Issuer:              cmpOr(x.opt.Issuer, "Dauys"),
		IssuerAbbreviation:  cmpOr(x.opt.IssuerAbbreviation, "Dauys"),
		SequenceStart:       1,
		SequenceEnd:         1,
		Status:              x.status(),
		VendorApplicationID: "Dauys",
	}
	if x.opt.Level == LevelSummary {
		r.Format = FormatSummary
	}
	r.GpUnit = x.gpUnits()
	x.partiesOf()
	el := Election{
		Type:            typePrefix + "Election",
		ElectionScopeID: x.gp[e.Tree.Root()],
		Name:            intlText(e.Name, e.ID),
		StartDate:       e.Date,
		EndDate:         e.Date,
		ElectionType:    "general",
	}
	allReferendums := true
	for _, c := range e.Contests {
		if c.Kind != dauys.KindReferendum {
			allReferendums = false
		}
	}
	if allReferendums {
		el.ElectionType, el.OtherType = "other", "referendum"
	}
	ee := electionExt{ID: e.ID, Timezone: e.Timezone, Source: e.Source, DoubleEntry: e.DoubleEntry}
	if e.Import.AreaColumn != "" || len(e.Import.AreaColumns) > 0 || e.Import.ContestColumn != "" || e.Import.Contest != "" {
		imp := e.Import
		ee.Import = &imp
	}
	el.ExternalIdentifier = append(el.ExternalIdentifier, ext(extElection, mustJSON(ee)))
	used := map[string]bool{}
	for _, c := range e.Contests {
		used[c.Form] = true
	}
	for _, f := range e.Forms {
		if used[f.ID] {
			fx := ext(extForm, mustJSON(f))
			fx.Label = f.ID
			el.ExternalIdentifier = append(el.ExternalIdentifier, fx)
		}
	}
	ballots := map[string]map[string][]contestLine{} // unit -> election-level line -> values by contest
	var extLines []BallotCounts
	for i := range e.Contests {
		ct, cands, bl, xl := x.contest(&e.Contests[i], i+1)
		el.Contest = append(el.Contest, ct)
		el.Candidate = append(el.Candidate, cands...)
		for u, m := range bl {
			if ballots[u] == nil {
				ballots[u] = map[string][]contestLine{}
			}
			for k, v := range m {
				ballots[u][k] = append(ballots[u][k], v)
			}
		}
		extLines = append(extLines, xl...)
	}
	el.BallotCounts = append(x.ballotCounts(ballots), extLines...)
	r.GpUnit = append(r.GpUnit, x.extraGp...)
	r.Party = x.parties
	r.Election = []Election{el}
	if len(e.Forms) > 0 {
		x.note("protocol forms (lines, control relations and checks) are not part of the format; they travel in the %s extension", extForm)
	}
	return r
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the values are plain domain structs
	}
	return string(b)
}

// reportingUnitTypes are the ReportingUnitType values a Dauys level keeps as
// it is; any other level is Type "other" with the level as OtherType.
var reportingUnitTypes = map[string]bool{
	"ballot-batch": true, "ballot-style-area": true, "borough": true, "city": true, "city-council": true,
	"combined-precinct": true, "congressional": true, "country": true, "county": true, "county-council": true,
	"drop-box": true, "judicial": true, "municipality": true, "polling-place": true, "precinct": true,
	"school": true, "special": true, "split-precinct": true, "state": true, "state-house": true,
	"state-senate": true, "town": true, "township": true, "utility": true, "village": true,
	"vote-center": true, "ward": true, "water": true,
}

func (x *exporter) gpUnits() []GpUnit {
	e := x.e
	x.gp = map[string]string{}
	for _, a := range e.Areas {
		x.gp[a.ID] = x.alloc(a.ID, "gp-")
	}
	out := make([]GpUnit, 0, len(e.Areas))
	for _, a := range e.Areas {
		g := GpUnit{ID: x.gp[a.ID], Type: typePrefix + "ReportingUnit", Number: a.Number}
		name := intlText(a.Name, a.ID)
		g.Name = &name
		if reportingUnitTypes[a.Level] || a.Level == "other" {
			g.UnitType = a.Level
		} else {
			g.UnitType, g.OtherType = "other", a.Level
		}
		for _, k := range e.Tree.Children(a.ID) {
			g.ComposingGpUnitIDs = append(g.ComposingGpUnitIDs, x.gp[k])
		}
		if a.Registered > 0 {
			reg := a.Registered
			g.VotersRegistered = &reg
		}
		if g.ID != a.ID {
			g.ExternalIdentifier = append(g.ExternalIdentifier, ext(extID, a.ID))
		}
		if a.ISO != "" {
			g.ExternalIdentifier = append(g.ExternalIdentifier, ext(extISO, a.ISO))
		}
		if len(a.Tile) == 2 {
			g.ExternalIdentifier = append(g.ExternalIdentifier, ext(extTile, fmt.Sprintf("%d,%d", a.Tile[0], a.Tile[1])))
		}
		out = append(out, g)
	}
	return out
}

// alloc hands out a document-wide unique @id: the Dauys id when it is
// free, else with a prefix, else numbered.
func (x *exporter) alloc(want, prefix string) string {
	if !x.taken[want] && want != "" {
		x.taken[want] = true
		return want
	}
	return x.taken.take(prefix + want)
}

// partiesOf makes a Party of every list contest's option and every party a
// candidate names, once per id.
func (x *exporter) partiesOf() {
	e := x.e
	x.partyID = map[string]string{}
	add := func(key string, o *dauys.Option) {
		if _, ok := x.partyID[key]; ok {
			return
		}
		id := x.alloc(key, "party-")
		x.partyID[key] = id
		p := Party{ID: id, Type: typePrefix + "Party", Name: intlText(dauys.T(key), key)}
		if o != nil {
			p.Name = intlText(o.Name, key)
			if !o.Short.IsZero() {
				abbr := intlText(o.Short, key)
				p.Abbreviation = &abbr
			}
			p.Color = htmlColor(o.Color)
		}
		if id != key {
			p.ExternalIdentifier = []ExternalIdentifier{ext(extID, key)}
		}
		x.parties = append(x.parties, p)
	}
	for _, c := range e.Contests {
		if c.Kind == dauys.KindList {
			for i := range c.Options {
				add(c.Options[i].ID, &c.Options[i])
			}
		}
	}
	lists := 0
	for _, c := range e.Contests {
		for _, o := range c.Options {
			if o.Party != "" {
				add(o.Party, nil)
			}
			if len(o.Candidates) > 0 {
				lists++
			}
		}
	}
	if lists > 0 {
		x.note("the candidate lists of %d party options are not exported: a PartySelection has no candidates", lists)
	}
}

// htmlColor turns "#1C75BC" or "#abc" into the format's "1c75bc".
func htmlColor(c string) string {
	c = strings.ToLower(strings.TrimPrefix(c, "#"))
	if len(c) == 3 {
		c = string([]byte{c[0], c[0], c[1], c[1], c[2], c[2]})
	}
	if len(c) != 6 || strings.Trim(c, "0123456789abcdef") != "" {
		return ""
	}
	return c
}

// contestLine is one contest's value of a line at a unit.
type contestLine struct {
	contest string // @id
	value   int64
}

// lineKind says where a line of a contest goes in the report.
type lineKind struct {
	selection int    // index in the contest's selections, or -1
	suffix    string // count type suffix of a selection line or ballot line
	other     bool   // overvotes, undervotes, write_ins
	ballot    string // took_part, ballots_rejected, ballots_outstanding
	skip      bool   // derived: not written
}

// contest writes one contest: its selections with their counts, its other
// counts, the candidates it names, and the lines it leaves to the ballot
// counts (election-level lines by unit, and extension lines).
func (x *exporter) contest(c *dauys.Contest, seq int) (Contest, []Candidate, map[string]map[string]contestLine, []BallotCounts) {
	e := x.e
	v := e.Validator(c.ID)
	ct := Contest{ID: x.alloc(c.ID, "contest-"), SequenceOrder: seq, Name: c.Name.In("en")}
	if ct.Name == "" {
		ct.Name = c.ID
	}
	title := intlText(c.Name, c.ID)
	ct.BallotTitle = &title
	if ct.ID != c.ID {
		ct.ExternalIdentifier = append(ct.ExternalIdentifier, ext(extID, c.ID))
	}
	ct.ExternalIdentifier = append(ct.ExternalIdentifier, ext(extContest, mustJSON(contestExt{
		Kind: c.Kind, Rules: c.Rules, Form: c.Form, Body: c.Body, Units: c.Units, Areas: c.Areas})))
	ct.ElectionDistrictID = x.district(c)
	seats := c.Rules.Seats
	if seats == 0 {
		if r, err := rules.For(c); err == nil {
			seats = r.Seats
		}
	}
	switch c.Kind {
	case dauys.KindList:
		ct.Type = typePrefix + "PartyContest"
		ct.VoteVariation = "proportional"
	case dauys.KindReferendum:
		ct.Type = typePrefix + "BallotMeasureContest"
		ct.MeasureType = "referendum"
	default:
		ct.Type = typePrefix + "CandidateContest"
		allowed, elected := max(seats, 1), max(seats, 1)
		ct.VotesAllowed, ct.NumberElected = &allowed, &elected
		switch {
		case c.Kind == dauys.KindMajority:
			ct.VoteVariation = "majority"
			one := 1
			ct.VotesAllowed = &one
		case seats > 1:
			ct.VoteVariation = "n-of-m"
		default:
			ct.VoteVariation = "plurality"
		}
	}

	// Selections: the options, and a referendum's yes and no.
	type sel struct {
		line string
		cs   ContestSelection
	}
	var sels []sel
	var cands []Candidate
	for i, o := range c.Options {
		// Only a ballot measure's selections have ExternalIdentifiers; a
		// candidate's option id travels on its Candidate, a list's on its
		// Party (whose key is the option id).
		cs := ContestSelection{ID: x.alloc(o.ID, ct.ID+"-"), SequenceOrder: i + 1}
		switch c.Kind {
		case dauys.KindList:
			cs.Type = typePrefix + "PartySelection"
			cs.PartyIDs = []string{x.partyID[o.ID]}
		case dauys.KindReferendum:
			cs.Type = typePrefix + "BallotMeasureSelection"
			t := intlText(o.Name, o.ID)
			cs.Selection = &t
			if cs.ID != o.ID {
				cs.ExternalIdentifier = []ExternalIdentifier{ext(extID, o.ID)}
			}
		default:
			cs.Type = typePrefix + "CandidateSelection"
			cand := Candidate{ID: x.alloc("can-"+cs.ID, "candidate-"), Type: typePrefix + "Candidate", BallotName: intlText(o.Name, o.ID)}
			if o.Party != "" {
				cand.PartyID = x.partyID[o.Party]
			}
			if cs.ID != o.ID {
				cand.ExternalIdentifier = []ExternalIdentifier{ext(extID, o.ID)}
			}
			cands = append(cands, cand)
			cs.CandidateIDs = []string{cand.ID}
		}
		sels = append(sels, sel{dauys.OptionLinePrefix + o.ID, cs})
	}
	formLines := map[string]dauys.Line{}
	for _, l := range v.Lines() {
		formLines[l.Name] = l
	}
	if c.Kind == dauys.KindReferendum {
		for _, answer := range []struct {
			line string
			text dauys.Text
		}{{lineYes, dauys.Text{KK: "Иә", RU: "Да", EN: "Yes"}}, {lineNo, dauys.Text{KK: "Жоқ", RU: "Нет", EN: "No"}}} {
			l, ok := formLines[answer.line]
			if !ok {
				continue
			}
			text := answer.text
			if !l.Title.IsZero() {
				text = l.Title
			}
			t := intlText(text, answer.line)
			cs := ContestSelection{ID: x.alloc(ct.ID+"-"+answer.line, ct.ID+"-"), Type: typePrefix + "BallotMeasureSelection",
				Selection: &t, SequenceOrder: len(sels) + 1, ExternalIdentifier: []ExternalIdentifier{ext(extLine, answer.line)}}
			sels = append(sels, sel{answer.line, cs})
		}
	}

	// Where each line goes.
	kinds := map[string]lineKind{}
	selIndex := map[string]int{}
	for i, s := range sels {
		selIndex[s.line] = i
	}
	for _, l := range v.Lines() {
		k := lineKind{selection: -1}
		if l.Derived != "" && !hasKey(selIndex, l.Name) {
			// The form recomputes a derived line; only a selection's
			// total is written, for readers of the format.
			k.skip = true
			kinds[l.Name] = k
			continue
		}
		if i, ok := selIndex[l.Name]; ok {
			k.selection = i
		} else if base, sfx, ok := cutSuffix(l.Name); ok && hasKey(selIndex, base) {
			k.selection, k.suffix = selIndex[base], sfx
		}
		if k.selection < 0 {
			switch base, sfx, _ := strings.Cut(l.Name, "."); {
			case l.Name == lineOvervotes || l.Name == lineUndervotes || l.Name == lineWriteIns:
				k.other = true
			case base == lineTookPart || base == lineBallotsRejected || base == lineBallotsOutstanding:
				k.ballot, k.suffix = base, sfx
			}
		}
		kinds[l.Name] = k
	}

	// Counts by unit, in the order of the areas.
	ballots := map[string]map[string]contestLine{}
	var extLines []BallotCounts
	counts := x.counts[c.ID]
	for _, u := range x.unitOrder(c) {
		lines := counts[u]
		gp := x.gp[u]
		if u == "" {
			gp, lines = ct.ElectionDistrictID, x.totals[c.ID]
		}
		if lines == nil {
			continue
		}
		var oc OtherCounts
		hasOther := false
		for _, name := range slices.Sorted(maps.Keys(lines)) {
			val := lines[name]
			k, known := kinds[name]
			switch {
			case !known:
				x.note("contest %s: line %s is not on its form and is not exported", c.ID, name)
			case k.skip:
			case k.selection >= 0:
				typ, other := "total", ""
				if k.suffix != "" {
					typ, other = countType(k.suffix)
				}
				sels[k.selection].cs.VoteCounts = append(sels[k.selection].cs.VoteCounts,
					VoteCounts{Type: typePrefix + "VoteCounts", Count: val, GpUnitID: gp, CountType: typ, OtherType: other})
			case k.other:
				hasOther = true
				n := val
				switch name {
				case lineOvervotes:
					oc.Overvotes = &n
				case lineUndervotes:
					oc.Undervotes = &n
				default:
					oc.WriteIns = &n
				}
			case k.ballot != "":
				if ballots[gp] == nil {
					ballots[gp] = map[string]contestLine{}
				}
				ballots[gp][name] = contestLine{ct.ID, val}
			default:
				n := val
				extLines = append(extLines, BallotCounts{Type: typePrefix + "BallotCounts", GpUnitID: gp, CountType: "other",
					OtherType: extLinePrefix + ct.ID + ":" + name, BallotsCast: &n})
			}
		}
		if hasOther {
			oc.Type, oc.GpUnitID = typePrefix+"OtherCounts", gp
			ct.OtherCounts = append(ct.OtherCounts, oc)
		}
	}

	// Seats, at the contest's district, and progress.
	if rep := x.reported[c.ID]; rep > 0 {
		if c.Kind != dauys.KindReferendum {
			won, err := seatsWon(c, x.totals[c.ID])
			if err != nil {
				x.note("contest %s: seats are not exported: %s", c.ID, dauys.ErrorMessage(err))
			} else {
				at := ct.ElectionDistrictID
				if x.opt.Level == LevelSummary {
					at = x.gp[e.Tree.Root()]
				}
				for i := range c.Options {
					sels[i].cs.VoteCounts = append(sels[i].cs.VoteCounts, VoteCounts{Type: typePrefix + "VoteCounts",
						Count: int64(won[i]), GpUnitID: at, CountType: "seats"})
				}
			}
		} else {
			x.note("contest %s: a referendum's outcome (valid, adopted) has no place in the format and is not exported", c.ID)
		}
		expected, _ := e.Tree.Expected(e.Tree.Root(), c)
		total := int64(expected)
		ct.SubUnitsReported, ct.TotalSubUnits = &rep, &total
	}
	for _, s := range sels {
		ct.ContestSelection = append(ct.ContestSelection, s.cs)
	}
	return ct, cands, ballots, extLines
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

// cutSuffix splits "option:x.absentee" into "option:x" and "absentee": the
// suffix is what follows the last '.'.
func cutSuffix(name string) (base, suffix string, ok bool) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

// unitOrder lists the units whose counts a contest writes, in area order;
// "" stands for the contest's totals at its district, in a precinct-level
// report.
func (x *exporter) unitOrder(c *dauys.Contest) []string {
	var out []string
	for _, a := range x.e.Areas {
		if _, ok := x.counts[c.ID][a.ID]; ok {
			out = append(out, a.ID)
		}
	}
	// The totals go at the district unless the district is itself a
	// precinct, whose protocol is its total.
	district := x.e.Tree.Root()
	if len(c.Areas) == 1 {
		district = c.Areas[0]
	}
	if x.opt.Level == LevelPrecinct && x.reported[c.ID] > 0 && (len(c.Areas) > 1 || !x.e.Tree.IsLeaf(district)) {
		out = append(out, "")
	}
	return out
}

// district is the GpUnit a contest is voted in: the root, its one area, or
// a unit made of its areas.
func (x *exporter) district(c *dauys.Contest) string {
	switch len(c.Areas) {
	case 0:
		return x.gp[x.e.Tree.Root()]
	case 1:
		return x.gp[c.Areas[0]]
	}
	var members []string
	for _, a := range c.Areas {
		members = append(members, x.gp[a])
	}
	key := strings.Join(members, "\x00")
	for _, g := range x.extraGp {
		if strings.Join(g.ComposingGpUnitIDs, "\x00") == key {
			return g.ID
		}
	}
	name := intlText(c.Name, c.ID)
	g := GpUnit{ID: x.alloc(c.ID+"-areas", "gp-"), Type: typePrefix + "ReportingUnit", ComposingGpUnitIDs: members,
		Name: &name, UnitType: "other", OtherType: "dauys-contest-areas"}
	x.extraGp = append(x.extraGp, g)
	return g.ID
}

// ballotCounts writes the election-level lines: where every contest with
// the line agrees at a unit, as the unit's BallotCounts; where they differ
// (separate ballots per contest), as extension lines of each contest.
func (x *exporter) ballotCounts(ballots map[string]map[string][]contestLine) []BallotCounts {
	var order []string
	seen := map[string]bool{}
	for _, a := range x.e.Areas {
		if g := x.gp[a.ID]; ballots[g] != nil && !seen[g] {
			order = append(order, g)
			seen[g] = true
		}
	}
	for _, g := range x.extraGp {
		if ballots[g.ID] != nil && !seen[g.ID] {
			order = append(order, g.ID)
			seen[g.ID] = true
		}
	}
	var out, extLines []BallotCounts
	for _, g := range order {
		byType := map[string]*BallotCounts{}
		var types []string
		for _, name := range slices.Sorted(maps.Keys(ballots[g])) {
			vals := ballots[g][name]
			uniform := true
			for _, v := range vals[1:] {
				if v.value != vals[0].value {
					uniform = false
				}
			}
			if !uniform {
				for _, v := range vals {
					n := v.value
					extLines = append(extLines, BallotCounts{Type: typePrefix + "BallotCounts", GpUnitID: g, CountType: "other",
						OtherType: extLinePrefix + v.contest + ":" + name, BallotsCast: &n})
				}
				continue
			}
			base, sfx, _ := strings.Cut(name, ".")
			bc := byType[sfx]
			if bc == nil {
				typ, other := "total", ""
				if sfx != "" {
					typ, other = countType(sfx)
				}
				bc = &BallotCounts{Type: typePrefix + "BallotCounts", GpUnitID: g, CountType: typ, OtherType: other}
				byType[sfx] = bc
				types = append(types, sfx)
			}
			n := vals[0].value
			switch base {
			case lineTookPart:
				bc.BallotsCast = &n
			case lineBallotsRejected:
				bc.BallotsRejected = &n
			default:
				bc.BallotsOutstanding = &n
			}
		}
		for _, sfx := range types {
			out = append(out, *byType[sfx])
		}
	}
	return append(out, extLines...)
}

// seatsWon decides a contest on its totals and returns the seats of each
// option.
func seatsWon(c *dauys.Contest, lines map[string]int64) ([]int, error) {
	r, err := rules.For(c)
	if err != nil {
		return nil, err
	}
	in := rules.Input(c, lines)
	index := map[string]int{}
	for i, o := range c.Options {
		index[o.ID] = i
	}
	out, err := decide.Decide(r, in)
	if err != nil {
		return nil, err
	}
	won := make([]int, len(c.Options))
	switch {
	case len(out.Seats) > 0:
		for _, s := range out.Seats {
			won[index[s.Option]] = s.Seats
		}
	case out.Elected != nil:
		won[index[*out.Elected]] = 1
	default:
		for _, w := range out.Winners {
			won[index[w]] = 1
		}
	}
	return won, nil
}
