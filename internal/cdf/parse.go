package cdf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dauys/dauys"
)

// parsed is what an import reads from a report, before it is made into a
// Dauys election.
type parsed struct {
	status, format                               string
	issuer, issuerAbbr, generated, vendor, notes string
	isTest                                       bool

	parties    map[string]*party
	units      map[string]*unit
	unitOrder  []string
	candidates map[string]*candidate
	election   *cdfElection
	unread     []string
}

type party struct {
	id, dauysID string
	name, abbr  dauys.Text
	color       string
	coalition   bool
}

type candidate struct {
	id, dauysID string
	name        dauys.Text
	party       string
}

type unit struct {
	id, path       string
	device         bool
	typ, otherType string
	name           dauys.Text
	number         string
	composing      []string
	registered     int64
	ids            []identifier
}

type cdfElection struct {
	path            string
	name            dauys.Text
	start, end, typ string
	scope           string
	ids             []identifier
	contests        []*contest
	// ballots holds the election's ballot counts by unit as lines:
	// took_part, took_part.<type>, ballots_rejected, ballots_outstanding.
	ballots map[string]map[string]int64
	// extLines holds the protocol lines an export put in BallotCounts, by
	// contest @id and unit.
	extLines map[string]map[string]map[string]int64
}

type contest struct {
	id, path, typ   string
	name            string
	title           dauys.Text
	district        string
	votesAllowed    int64
	numberElected   int64
	variation       string
	measureType     string
	primary         []string
	seq             int64
	ids             []identifier
	selections      []*selection
	other           map[string]map[string]int64 // unit -> overvotes, undervotes, write_ins
	seats           int                         // VoteCounts of type seats, which are not imported
	rounds          []int64                     // the rounds counts were given for, when there are several
	round           int64
	roundsGiven     bool
	duplicateCounts int
}

type selection struct {
	id, path, typ string
	candidates    []string
	parties       []string
	writeIn       bool
	text          dauys.Text
	seq           int64
	ids           []identifier
	// counts holds the votes by unit and line suffix: "" for the total,
	// "absentee" and so on for count types.
	counts  map[string]map[string]int64
	byRound map[int64]map[string]map[string]int64
}

// parse decodes the JSON document and reads what an import uses, checking
// that every reference resolves and every count is a whole, non-negative
// number.
func parse(data []byte, lenient bool) (*parsed, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "cdf: not a JSON document: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, dauys.Errorf(dauys.EINVALID, "cdf: the JSON document has more after its end")
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return nil, dauys.Errorf(dauys.EINVALID, "cdf: an ERR report is a JSON object, found %s", describe(doc))
	}
	if !lenient {
		if err := validateValue(top); err != nil {
			return nil, err
		}
	}
	r := &reader{}
	p := &parsed{parties: map[string]*party{}, units: map[string]*unit{}, candidates: map[string]*candidate{}}
	root := r.node("ElectionReport", top, "ElectionReport")
	if t, _ := top["@type"].(string); t != typePrefix+"ElectionReport" {
		root.fail("@type", "is %q, not %q: this is not an ERR v2 election report", t, typePrefix+"ElectionReport")
		return nil, r.err()
	}
	p.read(root)
	if err := r.err(); err != nil {
		return nil, err
	}
	p.unread = append(append(p.unread, r.notRead()...), r.languageNote()...)
	return p, nil
}

func (p *parsed) read(root *node) {
	p.status = root.str("Status")
	p.format = root.str("Format")
	p.issuer = root.str("Issuer")
	p.issuerAbbr = root.str("IssuerAbbreviation")
	p.generated = root.str("GeneratedDate")
	p.vendor = root.str("VendorApplicationId")
	p.notes = root.str("Notes")
	p.isTest = root.boolean("IsTest")
	root.consume("SequenceStart", "SequenceEnd", "TestType", "ExternalIdentifier")

	for _, n := range root.objects("Party", "Party") {
		p.readParty(n)
	}
	for _, n := range root.objects("GpUnit", "GpUnit") {
		p.readUnit(n)
	}
	elections := root.objects("Election", "Election")
	switch len(elections) {
	case 0:
		root.fail("Election", "the report holds no election")
		return
	case 1:
	default:
		root.fail("Election", "the report holds %d elections; Dauys imports one at a time", len(elections))
		return
	}
	p.readElection(elections[0])
	p.checkReferences(root)
}

func (p *parsed) readParty(n *node) {
	id := n.required("@id")
	if id == "" {
		return
	}
	if _, dup := p.parties[id]; dup {
		n.fail("@id", "party %s is defined twice", id)
		return
	}
	pa := &party{id: id, coalition: n.kind == "Coalition"}
	pa.name = n.text("Name")
	pa.abbr = n.text("Abbreviation")
	if c := n.str("Color"); c != "" {
		pa.color = "#" + strings.ToLower(c)
	}
	ids := n.externalIDs()
	if x, ok := findExt(ids, extID); ok {
		pa.dauysID = x.value
	}
	if pa.coalition {
		n.consume("PartyIds")
	}
	p.parties[id] = pa
}

func (p *parsed) readUnit(n *node) {
	id := n.required("@id")
	if id == "" {
		return
	}
	if _, dup := p.units[id]; dup {
		n.fail("@id", "GpUnit %s is defined twice", id)
		return
	}
	u := &unit{id: id, path: n.path, device: n.kind == "ReportingDevice"}
	u.typ = n.str("Type")
	u.otherType = n.str("OtherType")
	u.name = n.text("Name")
	u.number = n.str("Number")
	u.composing = n.strs("ComposingGpUnitIds")
	if v, ok := n.count("VotersRegistered"); ok {
		u.registered = v
	}
	u.ids = n.externalIDs()
	n.consume("SubUnitsReported", "TotalSubUnits", "CountStatus")
	p.units[id] = u
	p.unitOrder = append(p.unitOrder, id)
}

func (p *parsed) readElection(n *node) {
	e := &cdfElection{path: n.path, ballots: map[string]map[string]int64{}, extLines: map[string]map[string]map[string]int64{}}
	p.election = e
	e.name = n.text("Name")
	e.start = n.str("StartDate")
	e.end = n.str("EndDate")
	e.typ = n.str("Type")
	if e.typ == "other" {
		e.typ = "other (" + n.str("OtherType") + ")"
	} else {
		n.consume("OtherType")
	}
	e.scope = n.required("ElectionScopeId")
	e.ids = n.externalIDs()
	n.consume("CountStatus")
	for _, c := range n.objects("Candidate", "Candidate") {
		id := c.required("@id")
		if id == "" {
			continue
		}
		if _, dup := p.candidates[id]; dup {
			c.fail("@id", "candidate %s is defined twice", id)
			continue
		}
		ca := &candidate{id: id}
		ca.name = c.text("BallotName")
		ca.party = c.str("PartyId")
		if x, ok := findExt(c.externalIDs(), extID); ok {
			ca.dauysID = x.value
		}
		if ca.party != "" && p.parties[ca.party] == nil {
			c.fail("PartyId", "party %q does not exist", ca.party)
		}
		p.candidates[id] = ca
	}
	for _, b := range n.objects("BallotCounts", "BallotCounts") {
		p.readBallotCounts(b)
	}
	seen := map[string]bool{}
	for _, c := range n.objects("Contest", "Contest") {
		ct := p.readContest(c)
		if ct == nil {
			continue
		}
		if seen[ct.id] {
			c.fail("@id", "contest %s is defined twice", ct.id)
			continue
		}
		seen[ct.id] = true
		e.contests = append(e.contests, ct)
	}
	slices.SortStableFunc(e.contests, func(a, b *contest) int { return compareSeq(a.seq, b.seq) })
}

// compareSeq orders by SequenceOrder; objects without one (0) keep their
// place after those with one.
func compareSeq(a, b int64) int {
	switch {
	case a == b:
		return 0
	case a == 0:
		return 1
	case b == 0:
		return -1
	case a < b:
		return -1
	}
	return 1
}

func (p *parsed) unitRef(n *node, key string) string {
	id := n.required(key)
	if id != "" && p.units[id] == nil {
		n.fail(key, "GpUnit %q does not exist", id)
		return ""
	}
	return id
}

func (p *parsed) readBallotCounts(n *node) {
	e := p.election
	unitID := p.unitRef(n, "GpUnitId")
	typ := n.required("Type")
	other := n.str("OtherType")
	n.consume("DeviceClass", "IsSuppressedForPrivacy", "Round")
	if unitID == "" {
		return
	}
	if rest, ok := strings.CutPrefix(other, extLinePrefix); ok && typ == "other" {
		contestID, line, ok := strings.Cut(rest, ":")
		if !ok || line == "" {
			n.fail("OtherType", "%q is not %s<contest>:<line>", other, extLinePrefix)
			return
		}
		v, _ := n.count("BallotsCast")
		n.consume("BallotsRejected", "BallotsOutstanding")
		byUnit := e.extLines[contestID]
		if byUnit == nil {
			byUnit = map[string]map[string]int64{}
			e.extLines[contestID] = byUnit
		}
		add(byUnit, unitID, line, v)
		return
	}
	suffix := ""
	if typ != "total" {
		suffix = "." + typeSuffix(typ, other)
	}
	if v, ok := n.count("BallotsCast"); ok {
		add(e.ballots, unitID, lineTookPart+suffix, v)
	}
	if v, ok := n.count("BallotsRejected"); ok {
		add(e.ballots, unitID, lineBallotsRejected+suffix, v)
	}
	if v, ok := n.count("BallotsOutstanding"); ok {
		add(e.ballots, unitID, lineBallotsOutstanding+suffix, v)
	}
}

func add(m map[string]map[string]int64, unit, line string, v int64) {
	if m[unit] == nil {
		m[unit] = map[string]int64{}
	}
	m[unit][line] += v
}

func (p *parsed) readContest(n *node) *contest {
	c := &contest{path: n.path, typ: n.kind, other: map[string]map[string]int64{}}
	c.id = n.required("@id")
	if c.id == "" {
		return nil
	}
	switch c.typ {
	case "CandidateContest", "PartyContest", "BallotMeasureContest", "RetentionContest":
	default:
		n.fail("@type", "unknown contest type %q", c.typ)
		return nil
	}
	c.name = n.str("Name")
	c.title = n.text("BallotTitle")
	c.district = p.unitRef(n, "ElectionDistrictId")
	c.votesAllowed, _ = n.count("VotesAllowed")
	c.numberElected, _ = n.count("NumberElected")
	c.variation = n.str("VoteVariation")
	if c.variation == "other" {
		c.variation = "other (" + n.str("OtherVoteVariation") + ")"
	}
	c.primary = n.strs("PrimaryPartyIds")
	for i, pid := range c.primary {
		if p.parties[pid] == nil {
			n.fail(fmt.Sprintf("PrimaryPartyIds[%d]", i), "party %q does not exist", pid)
		}
	}
	c.seq, _ = n.integer("SequenceOrder")
	c.ids = n.externalIDs()
	n.consume("CountStatus", "SubUnitsReported", "TotalSubUnits", "Abbreviation")
	if c.typ == "BallotMeasureContest" || c.typ == "RetentionContest" {
		c.measureType = n.str("Type")
		if c.measureType == "other" {
			c.measureType = "other (" + n.str("OtherType") + ")"
		} else {
			n.consume("OtherType")
		}
	}
	if c.typ == "RetentionContest" {
		if cid := n.str("CandidateId"); cid != "" && p.candidates[cid] == nil {
			n.fail("CandidateId", "candidate %q does not exist", cid)
		} else if ca := p.candidates[cid]; ca != nil && c.title.IsZero() {
			c.title = ca.name
		}
	}
	seen := map[string]bool{}
	for _, s := range n.objects("ContestSelection", "ContestSelection") {
		sel := p.readSelection(c, s)
		if sel == nil {
			continue
		}
		if seen[sel.id] {
			s.fail("@id", "selection %s is listed twice", sel.id)
			continue
		}
		seen[sel.id] = true
		c.selections = append(c.selections, sel)
	}
	slices.SortStableFunc(c.selections, func(a, b *selection) int { return compareSeq(a.seq, b.seq) })
	c.pickRound()
	for _, o := range n.objects("OtherCounts", "OtherCounts") {
		unitID := p.unitRef(o, "GpUnitId")
		o.consume("DeviceClass")
		for _, f := range []struct{ key, line string }{
			{"Overvotes", lineOvervotes}, {"Undervotes", lineUndervotes}, {"WriteIns", lineWriteIns},
		} {
			if v, ok := o.count(f.key); ok && unitID != "" {
				if _, dup := c.other[unitID][f.line]; dup {
					c.duplicateCounts++
				}
				add(c.other, unitID, f.line, v)
			}
		}
	}
	return c
}

func (p *parsed) readSelection(c *contest, n *node) *selection {
	s := &selection{path: n.path, typ: n.kind, byRound: map[int64]map[string]map[string]int64{}}
	s.id = n.required("@id")
	if s.id == "" {
		return nil
	}
	s.candidates = n.strs("CandidateIds")
	for i, id := range s.candidates {
		if p.candidates[id] == nil {
			n.fail(fmt.Sprintf("CandidateIds[%d]", i), "candidate %q does not exist", id)
		}
	}
	s.parties = n.strs("PartyIds")
	for i, id := range s.parties {
		if p.parties[id] == nil {
			n.fail(fmt.Sprintf("PartyIds[%d]", i), "party %q does not exist", id)
		}
	}
	for i, id := range n.strs("EndorsementPartyIds") {
		if p.parties[id] == nil {
			n.fail(fmt.Sprintf("EndorsementPartyIds[%d]", i), "party %q does not exist", id)
		}
	}
	if n.has("EndorsementPartyIds") {
		// Checked, but not kept: reported as not imported.
		n.used["EndorsementPartyIds"] = false
	}
	s.writeIn = n.boolean("IsWriteIn")
	s.text = n.text("Selection")
	s.seq, _ = n.integer("SequenceOrder")
	s.ids = n.externalIDs()
	for _, v := range n.objects("VoteCounts", "VoteCounts") {
		unitID := p.unitRef(v, "GpUnitId")
		typ := v.required("Type")
		other := v.str("OtherType")
		count, ok := v.count("Count")
		round := int64(-1)
		if r, has := v.integer("Round"); has {
			round = r
		}
		v.consume("DeviceClass")
		if v.has("IsSuppressedForPrivacy") && v.boolean("IsSuppressedForPrivacy") {
			v.fail("IsSuppressedForPrivacy", "a count suppressed for privacy cannot be imported: Dauys needs every count")
		}
		if !ok || unitID == "" || typ == "" {
			continue
		}
		if typ == "seats" {
			c.seats++
			continue
		}
		suffix := ""
		if typ != "total" {
			suffix = typeSuffix(typ, other)
		}
		byUnit := s.byRound[round]
		if byUnit == nil {
			byUnit = map[string]map[string]int64{}
			s.byRound[round] = byUnit
		}
		if _, dup := byUnit[unitID][suffix]; dup {
			c.duplicateCounts++
		}
		add(byUnit, unitID, suffix, count)
	}
	return s
}

// pickRound keeps the counts of the first round when a contest reports
// several (a ranked-choice tabulation): Dauys does not tabulate rounds.
func (c *contest) pickRound() {
	rounds := map[int64]bool{}
	for _, s := range c.selections {
		for r := range s.byRound {
			rounds[r] = true
		}
	}
	c.round = -1
	for r := range rounds {
		c.rounds = append(c.rounds, r)
	}
	slices.Sort(c.rounds)
	if len(c.rounds) > 0 {
		c.round = c.rounds[0]
		c.roundsGiven = c.round >= 0
	}
	for _, s := range c.selections {
		s.counts = s.byRound[c.round]
		if s.counts == nil {
			s.counts = map[string]map[string]int64{}
		}
		s.byRound = nil
	}
}

// checkReferences resolves the ids that are read before what they refer to.
func (p *parsed) checkReferences(root *node) {
	for _, id := range p.unitOrder {
		u := p.units[id]
		for i, c := range u.composing {
			if p.units[c] == nil {
				root.r.fail(fmt.Sprintf("%s.ComposingGpUnitIds[%d]", u.path, i), "GpUnit %q does not exist", c)
			}
		}
	}
	e := p.election
	if e.scope != "" {
		if u := p.units[e.scope]; u == nil {
			root.r.fail(e.path+".ElectionScopeId", "GpUnit %q does not exist", e.scope)
		} else if u.device {
			root.r.fail(e.path+".ElectionScopeId", "GpUnit %q is a reporting device, not a reporting unit", e.scope)
		}
	}
	ids := map[string]bool{}
	for _, c := range e.contests {
		ids[c.id] = true
	}
	for cid := range e.extLines {
		if !ids[cid] {
			root.r.fail(e.path+".BallotCounts", "OtherType %s%s:...: contest %q does not exist", extLinePrefix, cid, cid)
		}
	}
}
