package cdf

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
)

// ImportOptions tune an import.
type ImportOptions struct {
	// ID is the id of the new election. Empty takes the id an export of
	// Dauys recorded, or else makes one of the election's name and date.
	ID string
	// Lenient skips the check against the schema, for files from tools
	// that bend it. References and counts are checked all the same.
	Lenient bool
	// Source names the file; it is recorded with each protocol.
	Source string
	// Now stamps the new election; zero leaves it to the store.
	Now time.Time
	// Submitter names who imports the report; it is recorded with each
	// protocol (default "cdf-import"). Under double
	// entry it must name a person: the report is that person's entry.
	Submitter string
	// Entry is which entry of double entry the report is (1 or 2). An
	// election with double entry is refused without it, before anything
	// is stored; a second person's import with the other entry goes into
	// the election the first import created.
	Entry int
}

// Imported is a report made into a Dauys election and its protocols, not
// yet stored. Notes name everything in the report that Dauys does not
// represent, or represents differently.
type Imported struct {
	Election    *dauys.Election
	Submissions []intake.Submission
	Notes       []string
	entry       int // ImportOptions.Entry
}

// ImportReport says what an import stored.
type ImportReport struct {
	Election   string   `json:"election"`
	Areas      int      `json:"areas"`
	Contests   int      `json:"contests"`
	Protocols  int      `json:"protocols"`
	Accepted   int      `json:"accepted"`
	Entered    int      `json:"entered"`  // entries waiting for the other entry
	Disputed   int      `json:"disputed"` // entries that differ from the other entry
	Duplicates int      `json:"duplicates"`
	Refused    int      `json:"refused"`
	Warnings   int      `json:"warnings"` // protocols whose warnings were acknowledged on import
	Notes      []string `json:"notes,omitempty"`
}

// Import decodes a report and stores it: the election, then its protocols
// through intake.
func Import(ctx context.Context, store dauys.Store, in *intake.Service, data []byte, opt ImportOptions) (*ImportReport, error) {
	im, err := Decode(data, opt)
	if err != nil {
		return nil, err
	}
	return im.Store(ctx, store, in)
}

// submitBatch is the number of protocols submitted per transaction.
const submitBatch = 1000

// Store creates the election and submits its protocols through intake,
// acknowledging their warnings (the report is what was counted). Decode
// has already checked every protocol against its form, so a refusal here
// means the store changed underneath; it is returned as an error with the
// report of what was stored.
func (im *Imported) Store(ctx context.Context, store dauys.Store, in *intake.Service) (*ImportReport, error) {
	e := im.Election
	rep := &ImportReport{Election: e.ID, Areas: len(e.Areas), Contests: len(e.Contests), Protocols: len(im.Submissions), Notes: im.Notes}
	entry := im.entry
	if err := intake.CheckEntry(e, entry); err != nil {
		return nil, err
	}
	if err := store.CreateElection(ctx, e); err != nil {
		if dauys.ErrorCode(err) != dauys.ECONFLICT {
			return nil, err
		}
		// The other entry of a double-entry election goes into the
		// election the first entry's import created; intake checks each
		// protocol against that election's definition.
		if existing, lerr := store.Election(ctx, e.ID); lerr != nil || entry == 0 || !existing.DoubleEntry {
			return nil, dauys.Errorf(dauys.ECONFLICT, "election %s already exists; import under another id", e.ID)
		}
	}
	in.Elections().Forget(e.ID)
	var refused []string
	for lo := 0; lo < len(im.Submissions); lo += submitBatch {
		batch := im.Submissions[lo:min(lo+submitBatch, len(im.Submissions))]
		res, err := in.Submit(ctx, e.ID, batch)
		if err != nil {
			return rep, err
		}
		for _, r := range res {
			switch {
			case r.Err != nil:
				rep.Refused++
				if len(refused) < 5 {
					refused = append(refused, dauys.ErrorMessage(r.Err))
				}
			case r.Outcome == dauys.OutcomeDuplicate:
				rep.Duplicates++
			case r.Outcome == intake.OutcomeEntered:
				rep.Entered++
			case r.Outcome == intake.OutcomeDisputed:
				rep.Disputed++
			default:
				rep.Accepted++
				if r.Protocol != nil && len(r.Protocol.Warnings) > 0 {
					rep.Warnings++
				}
			}
		}
	}
	if rep.Refused > 0 {
		return rep, dauys.Errorf(dauys.EINVALID, "cdf: %d of %d protocols were refused: %s", rep.Refused, rep.Protocols, strings.Join(refused, "; "))
	}
	return rep, nil
}

// Decode reads an ERR v2 JSON report and makes it into a Dauys election:
// the units become the area tree, the contests with their selections
// become contests with options and a protocol form each, and the counts
// become one protocol per contest and reporting unit. The result is
// checked as intake would check it.
func Decode(data []byte, opt ImportOptions) (*Imported, error) {
	p, err := parse(data, opt.Lenient)
	if err != nil {
		return nil, err
	}
	cv := &converter{p: p, opt: opt, forms: map[string]*dauys.Form{}, formExt: map[string]bool{}}
	im, err := cv.convert()
	if err != nil {
		return nil, err
	}
	if err := check(im); err != nil {
		return nil, err
	}
	return im, nil
}

// converter makes a parsed report into a Dauys election.
type converter struct {
	p     *parsed
	opt   ImportOptions
	notes []string
	tree  *areaTree
	// areaID maps a unit to its area id; unitOf maps back.
	areaID map[string]string
	unitOf map[string]string
	// forms holds the forms an export recorded, by id; formExt marks them.
	forms   map[string]*dauys.Form
	formExt map[string]bool
	formIDs ids
	// aggregates counts, per unit that totals others, the contests that
	// agree with their units and those that do not.
	aggregates map[string]*aggregateCheck
	// What is noted once for all contests.
	writeIns  []string
	primaries []string
	seats     int
	lostNames map[string]bool
	districts map[string]bool
}

type aggregateCheck struct {
	agree    int
	disagree []string
	empty    []string
}

func (cv *converter) note(format string, args ...any) {
	cv.notes = append(cv.notes, fmt.Sprintf(format, args...))
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)

// safeID makes an id URL-safe as a definition requires: letters, digits,
// '-', '_' and '.', at most 100 characters.
func safeID(id string) string {
	if idPattern.MatchString(id) && id != "." && id != ".." {
		return id
	}
	b := []byte(id)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '-'
		}
	}
	s := string(b)
	if len(s) > 90 {
		s = s[:90]
	}
	if strings.Trim(s, ".-") == "" {
		s = "x" + s
	}
	return s
}

// ids hands out unique ids within one namespace.
type ids map[string]bool

func (u ids) take(want string) string {
	if len(want) > 90 {
		want = want[:90] // room for a number, within 100
	}
	id := want
	for n := 2; u[id]; n++ {
		id = fmt.Sprintf("%s-%d", want, n)
	}
	u[id] = true
	return id
}

func (cv *converter) convert() (*Imported, error) {
	p := cv.p
	e := p.election
	cv.aggregates = map[string]*aggregateCheck{}
	cv.lostNames = map[string]bool{}
	cv.districts = map[string]bool{}

	var ee electionExt
	if x, ok := findExt(e.ids, extElection); ok {
		if err := strictJSON(x.value, &ee); err != nil {
			return nil, dauys.Errorf(dauys.EINVALID, "cdf: %s: %s extension: %v", x.path, extElection, err)
		}
	}
	for _, x := range e.ids {
		if x.typ != "other" || x.otherType != extForm {
			continue
		}
		var f dauys.Form
		if err := strictJSON(x.value, &f); err != nil {
			return nil, dauys.Errorf(dauys.EINVALID, "cdf: %s: %s extension: %v", x.path, extForm, err)
		}
		if f.ID == "" || f.ID != x.label {
			return nil, dauys.Errorf(dauys.EINVALID, "cdf: %s: %s extension: the form's id %q is not its Label %q", x.path, extForm, f.ID, x.label)
		}
		cv.forms[f.ID] = &f
		cv.formExt[f.ID] = true
	}

	counted := cv.countedUnits()
	tree, notes := buildTree(p, counted)
	cv.tree = tree
	cv.notes = append(cv.notes, notes...)
	areas := cv.areas()

	def := &dauys.Election{
		Name:        e.name,
		Date:        e.start,
		Timezone:    ee.Timezone,
		Status:      cv.status(),
		Areas:       areas,
		DoubleEntry: ee.DoubleEntry,
		CreatedAt:   cv.opt.Now,
	}
	if ee.Import != nil {
		def.Import = *ee.Import
	}
	if def.Name.IsZero() {
		def.Name = p.units[e.scope].name
	}
	if def.Name.IsZero() {
		def.Name = dauys.T(e.scope)
	}
	if e.end != "" && e.end != e.start {
		cv.note("the election runs from %s to %s; Dauys keeps one date, %s", e.start, e.end, e.start)
	}
	switch e.typ {
	case "", "general":
	default:
		cv.note("the election's Type %q is not kept: Dauys has no election types", e.typ)
	}
	def.ID = cv.opt.ID
	switch {
	case def.ID != "":
		if safeID(def.ID) != def.ID {
			return nil, dauys.Errorf(dauys.EINVALID, "cdf: election id %q is not URL-safe: use 1 to 100 letters, digits, '-', '_' and '.'", def.ID)
		}
	case ee.ID != "":
		def.ID = safeID(ee.ID)
	default:
		name := strings.ReplaceAll(lineToken(def.Name.In("en")), "_", "-")
		def.ID = safeID(strings.Trim(cmpOr(name, "election")+"-"+e.start, "-"))
	}
	def.Source = cv.source(ee.Source)

	var subs []intake.Submission
	contestIDs := ids{}
	cv.formIDs = ids{}
	for id := range cv.forms {
		cv.formIDs[id] = true
	}
	for _, c := range e.contests {
		ct, form, s, err := cv.contest(c, contestIDs)
		if err != nil {
			return nil, err
		}
		if ct == nil {
			continue
		}
		def.Contests = append(def.Contests, *ct)
		if form != nil {
			def.Forms = append(def.Forms, *form)
		}
		subs = append(subs, s...)
	}
	used := map[string]bool{}
	for _, c := range def.Contests {
		used[c.Form] = true
	}
	for _, id := range slices.Sorted(maps.Keys(cv.forms)) {
		if cv.formExt[id] && used[id] {
			def.Forms = append(def.Forms, *cv.forms[id])
		}
	}
	if len(def.Contests) == 0 {
		return nil, dauys.Errorf(dauys.EINVALID, "cdf: %s: the election has no contest Dauys can import", e.path)
	}
	cv.gatheredNotes()
	cv.checkBallotAggregates()
	cv.aggregateNotes()
	cv.outsideNotes()
	def.Definition = definitionJSON(def)
	return &Imported{Election: def, Submissions: subs, Notes: append(cv.notes, p.unread...), entry: cv.opt.Entry}, nil
}

// electionExt is what the dauys-election extension carries.
type electionExt struct {
	ID          string           `json:"id"`
	Timezone    string           `json:"timezone,omitempty"`
	Source      string           `json:"source,omitempty"`
	DoubleEntry bool             `json:"double_entry,omitempty"`
	Import      *dauys.CSVImport `json:"import,omitempty"`
}

// contestExt is what the dauys-contest extension carries.
type contestExt struct {
	Kind  string      `json:"kind"`
	Rules dauys.Rules `json:"rules"`
	Form  string      `json:"form"`
	Body  string      `json:"body,omitempty"`
	Units string      `json:"units,omitempty"`
	Areas []string    `json:"areas,omitempty"`
}

func hasLine(m map[string]int64, k string) bool {
	_, ok := m[k]
	return ok
}

func strictJSON(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// definitionJSON is the definition as a JSON document, which is also YAML:
// what Election.Definition keeps for publication.
func definitionJSON(e *dauys.Election) []byte {
	type def struct {
		ID          string          `json:"id"`
		Name        dauys.Text      `json:"name"`
		Date        string          `json:"date"`
		Timezone    string          `json:"timezone,omitempty"`
		Status      string          `json:"status"`
		Source      string          `json:"source,omitempty"`
		DoubleEntry bool            `json:"double_entry,omitempty"`
		Areas       []dauys.Area    `json:"areas"`
		Contests    []dauys.Contest `json:"contests"`
		Forms       []dauys.Form    `json:"forms"`
		Import      dauys.CSVImport `json:"import"`
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	_ = enc.Encode(def{e.ID, e.Name, e.Date, e.Timezone, e.Status, e.Source, e.DoubleEntry, e.Areas, e.Contests, e.Forms, e.Import})
	return b.Bytes()
}

func (cv *converter) source(recorded string) string {
	p := cv.p
	if recorded != "" {
		return recorded
	}
	var b strings.Builder
	b.WriteString("Imported from an NIST SP 1500-100 v2 election results report")
	if p.issuer != "" {
		fmt.Fprintf(&b, " issued by %s", p.issuer)
		if p.issuerAbbr != "" && p.issuerAbbr != p.issuer {
			fmt.Fprintf(&b, " (%s)", p.issuerAbbr)
		}
	}
	if p.vendor != "" {
		fmt.Fprintf(&b, " with %s", p.vendor)
	}
	if p.generated != "" {
		fmt.Fprintf(&b, " on %s", p.generated)
	}
	if p.status != "" {
		fmt.Fprintf(&b, " (status %s)", p.status)
	}
	b.WriteString(".")
	if p.notes != "" {
		b.WriteString(" " + p.notes)
	}
	return b.String()
}

// status maps the report's status to the election's.
func (cv *converter) status() string {
	p := cv.p
	if p.isTest {
		cv.note("the report is marked as a test (IsTest); Dauys does not mark elections as tests")
	}
	switch p.status {
	case StatusPreElection:
		return dauys.StatusPreElection
	case StatusUnofficialPartial:
		return dauys.StatusCounting
	case StatusUnofficialComplete, "":
		return dauys.StatusComplete
	case StatusCertified:
		return dauys.StatusCertified
	case StatusCorrection:
		cv.note("the report's status %q is imported as %q: Dauys keeps corrections as amendments of protocols", p.status, dauys.StatusComplete)
		return dauys.StatusComplete
	case StatusRecount:
		cv.note("the report's status %q is imported as %q", p.status, dauys.StatusCounting)
		return dauys.StatusCounting
	}
	cv.note("the report's status %q is unknown; the election is imported as %q", p.status, dauys.StatusComplete)
	return dauys.StatusComplete
}

// countedUnits lists the units that carry counts of any contest.
func (cv *converter) countedUnits() map[string]bool {
	e := cv.p.election
	out := map[string]bool{}
	for _, c := range e.contests {
		for _, s := range c.selections {
			for u := range s.counts {
				out[u] = true
			}
		}
		for u := range c.other {
			out[u] = true
		}
		for u := range e.extLines[c.id] {
			out[u] = true
		}
	}
	for u := range e.ballots {
		out[u] = true
	}
	return out
}

// areas makes the tree's units into areas.
func (cv *converter) areas() []dauys.Area {
	t := cv.tree
	cv.areaID, cv.unitOf = map[string]string{}, map[string]string{}
	taken := ids{}
	for _, u := range t.order {
		unit := cv.p.units[u]
		want := u
		if x, ok := findExt(unit.ids, extID); ok {
			want = x.value
		}
		id := taken.take(safeID(want))
		cv.areaID[u], cv.unitOf[id] = id, u
	}
	var renamed []string
	var out []dauys.Area
	for _, u := range t.order {
		unit := cv.p.units[u]
		a := dauys.Area{ID: cv.areaID[u], Level: levelOf(unit), Name: unit.name, Number: unit.number, Registered: unit.registered}
		if _, ok := findExt(unit.ids, extID); !ok && a.ID != u {
			renamed = append(renamed, fmt.Sprintf("%q as %s", u, a.ID))
		}
		if par, ok := t.parent[u]; ok {
			a.Parent = cv.areaID[par]
		}
		if a.Name.IsZero() {
			a.Name = dauys.T(u)
		}
		if x, ok := findExt(unit.ids, extISO); ok {
			a.ISO = x.value
		}
		if x, ok := findExt(unit.ids, extTile); ok {
			if c, r, ok := strings.Cut(x.value, ","); ok {
				ci, err1 := strconv.Atoi(c)
				ri, err2 := strconv.Atoi(r)
				if err1 == nil && err2 == nil && ci >= 0 && ri >= 0 {
					a.Tile = []int{ci, ri}
				}
			}
		}
		out = append(out, a)
	}
	if len(renamed) > 0 {
		cv.note("%s: ids must be URL-safe", listUnits("GpUnits are imported under new ids:", renamed))
	}
	return out
}

func levelOf(u *unit) string {
	switch {
	case u.device:
		return "device"
	case u.typ == "other" && u.otherType != "":
		return safeID(u.otherType)
	case u.typ == "":
		return "other"
	}
	return safeID(u.typ)
}

var writeInName = dauys.Text{KK: "Қолмен жазылған кандидат", RU: "Вписанный кандидат", EN: "Write-in"}

// contest makes one contest with its form and protocols.
func (cv *converter) contest(c *contest, taken ids) (*dauys.Contest, *dauys.Form, []intake.Submission, error) {
	p := cv.p
	e := p.election
	var x contestExt
	extMode := false
	if xi, ok := findExt(c.ids, extContest); ok {
		if err := strictJSON(xi.value, &x); err != nil {
			return nil, nil, nil, dauys.Errorf(dauys.EINVALID, "cdf: %s: %s extension: %v", xi.path, extContest, err)
		}
		if cv.forms[x.Form] == nil {
			return nil, nil, nil, dauys.Errorf(dauys.EINVALID, "cdf: %s: %s extension: form %q is not in the report's %s extensions", xi.path, extContest, x.Form, extForm)
		}
		extMode = true
	}
	want := c.id
	if xi, ok := findExt(c.ids, extID); ok {
		want = xi.value
	}
	ct := &dauys.Contest{ID: taken.take(safeID(want))}
	if ct.ID != want {
		cv.note("contest %q is imported as %s: ids must be URL-safe", want, ct.ID)
	}
	ct.Name = c.title
	if ct.Name.EN == "" && c.name != "" && !extMode {
		ct.Name.EN = c.name
	}
	if ct.Name.IsZero() {
		ct.Name = dauys.T(cmpOr(c.name, c.id))
	}
	if len(c.primary) > 0 {
		var names []string
		for _, pid := range c.primary {
			names = append(names, cmpOr(p.parties[pid].name.In("en"), pid))
		}
		suffix := " (" + strings.Join(names, ", ") + ")"
		for _, s := range []*string{&ct.Name.KK, &ct.Name.RU, &ct.Name.EN} {
			if *s != "" {
				*s += suffix
			}
		}
		cv.primaries = append(cv.primaries, c.id)
	}

	// The units with counts of the contest.
	withData := map[string]bool{}
	for _, s := range c.selections {
		for u := range s.counts {
			withData[u] = true
		}
	}
	for u := range c.other {
		withData[u] = true
	}
	for u := range e.extLines[c.id] {
		withData[u] = true
	}
	var leaves, elsewhere []string
	for _, u := range cv.tree.order {
		if withData[u] && cv.tree.isLeaf(u) {
			leaves = append(leaves, u)
		}
	}
	for _, u := range cv.p.unitOrder {
		if withData[u] && !cv.tree.isLeaf(u) {
			elsewhere = append(elsewhere, u)
		}
	}

	// Options, and the lines that hold each selection's votes.
	perType := false
	for _, s := range c.selections {
		for _, u := range leaves {
			for sfx := range s.counts[u] {
				if sfx != "" {
					perType = true
				}
			}
		}
	}
	optIDs := ids{}
	selLine := make([]string, len(c.selections))
	measure := false
	if !extMode && (c.typ == "BallotMeasureContest" || c.typ == "RetentionContest") {
		if yes, no, ok := yesNo(c.selections); ok {
			measure = true
			selLine[yes], selLine[no] = lineYes, lineNo
		}
	}
	for i, s := range c.selections {
		if measure {
			continue
		}
		if extMode {
			if xl, ok := findExt(s.ids, extLine); ok {
				selLine[i] = xl.value
				continue
			}
		}
		id := safeID(cv.optionID(s, extMode))
		if perType && !extMode {
			// Relations between a total and its vote types are
			// expressions, where '-' is a minus.
			id = strings.ReplaceAll(id, "-", "_")
		}
		id = optIDs.take(id)
		o := dauys.Option{ID: id}
		cv.optionNames(&o, s, extMode)
		ct.Options = append(ct.Options, o)
		selLine[i] = dauys.OptionLinePrefix + id
	}
	if perType && !extMode {
		cv.note("contest %s: counts are broken down by vote type; its option ids have '-' replaced by '_' so that the form can relate each total to its types", c.id)
	}
	if !extMode && !measure && len(ct.Options) == 0 {
		cv.note("contest %s (%s) has no selections and is not imported", c.id, c.name)
		return nil, nil, nil, nil
	}

	linesAt := func(u string) map[string]int64 {
		m := map[string]int64{}
		for i, s := range c.selections {
			for sfx, v := range s.counts[u] {
				name := selLine[i]
				if sfx != "" {
					name += "." + sfx
				}
				m[name] = v
			}
		}
		for k, v := range c.other[u] {
			m[k] = v
		}
		for k, v := range e.ballots[u] {
			m[k] = v
		}
		for k, v := range e.extLines[c.id][u] {
			m[k] = v
		}
		return m
	}
	data := make(map[string]map[string]int64, len(leaves))
	for _, u := range leaves {
		data[u] = linesAt(u)
	}

	// Kind, rules and form.
	var form *dauys.Form
	if extMode {
		ct.Kind, ct.Rules, ct.Body, ct.Units, ct.Form = x.Kind, x.Rules, x.Body, x.Units, x.Form
		form = cv.forms[x.Form]
	} else {
		if measure {
			// A measure's yes and no are a referendum's lines. It is
			// adopted by a simple majority of the votes on it, so the
			// participants are those votes; the ballots cast in the
			// election are not the measure's.
			ct.Kind, ct.Rules = dauys.KindReferendum, dauys.Rules{Method: "referendum"}
			for _, lines := range data {
				for k := range lines {
					if base, _, _ := strings.Cut(k, "."); base == lineTookPart || base == lineBallotsRejected || base == lineBallotsOutstanding {
						delete(lines, k)
					}
				}
			}
			cv.note("contest %s (%s) is a ballot measure: it is imported as a referendum with lines yes and no, adopted when yes has more than half of yes + no (its took_part is yes + no; a passage threshold is not applied)", c.id, c.name)
		} else {
			cv.kindAndRules(c, ct, data)
		}
		ct.Form = cv.formIDs.take(ct.ID)
		form = cv.genericForm(ct, c, selLine, data)
	}
	v, err := dauys.NewValidator(form, ct)
	if err != nil {
		return nil, nil, nil, dauys.Errorf(dauys.EINVALID, "cdf: %s: %s", c.path, dauys.ErrorMessage(err))
	}

	// Protocols: the form's lines, missing ones as 0.
	formLines := map[string]bool{}
	var read []string
	for _, l := range v.Lines() {
		formLines[l.Name] = true
		if l.Derived == "" {
			read = append(read, l.Name)
		}
	}
	electionLevel := map[string]bool{}
	for _, m := range e.ballots {
		for k := range m {
			electionLevel[k] = true
		}
	}
	missing, dropped := 0, map[string]bool{}
	var subs []intake.Submission
	final := map[string]map[string]int64{}
	for _, u := range leaves {
		lines := map[string]int64{}
		for k, val := range data[u] {
			switch {
			case formLines[k]:
				lines[k] = val
			case !electionLevel[k] || hasLine(e.extLines[c.id][u], k):
				// An election's ballot counts go to the contests whose
				// forms record them; any other line is named.
				dropped[k] = true
			}
		}
		for _, k := range read {
			if _, ok := lines[k]; !ok {
				lines[k] = 0
				missing++
			}
		}
		final[u] = lines
		subs = append(subs, intake.Submission{Contest: ct.ID, Area: cv.areaID[u], Lines: lines,
			AcknowledgeWarnings: true, Submitter: cmp.Or(cv.opt.Submitter, "cdf-import"), Source: cv.opt.Source, Entry: cv.opt.Entry})
	}
	if missing > 0 {
		cv.note("contest %s: %d counts the form needs are missing from the report and are imported as 0", c.id, missing)
	}
	if len(dropped) > 0 {
		cv.note("contest %s: lines %s are not on its form %s and are not imported", c.id, strings.Join(slices.Sorted(maps.Keys(dropped)), ", "), form.ID)
	}

	// Counts at units that total others are checked against their sum.
	for _, u := range elsewhere {
		cv.checkAggregate(c, u, linesAt(u), final, electionLevel)
	}
	if len(leaves) == 0 && len(elsewhere) > 0 {
		cv.note("contest %s has counts only at %s, which %s not a reporting unit of the area tree; its counts are not imported",
			c.id, strings.Join(elsewhere, ", "), map[bool]string{true: "is", false: "are"}[len(elsewhere) == 1])
	}

	// Areas.
	if extMode {
		ct.Areas = cv.recordedAreas(c.id, x.Areas, leaves)
		if ct.Units != "" && len(cv.unitsAt(ct.Units)) == 0 {
			cv.note("contest %s: its territorial units (%s) are not in the report's area tree; the territorial rule has nothing to count", c.id, ct.Units)
		}
	} else {
		ct.Areas = cv.contestAreas(c, leaves)
	}
	if c.district != "" {
		cv.districts[c.district] = true
	}
	switch c.measureType {
	case "", "referendum", "ballot-measure":
	default:
		if !extMode {
			cv.note("contest %s: its measure type %q is not kept", c.id, c.measureType)
		}
	}
	cv.contestNotes(c)
	if extMode {
		return ct, nil, subs, nil
	}
	return ct, form, subs, nil
}

// optionID is the id an option takes: the Dauys id an export recorded (on
// a ballot measure selection, on the one Candidate, or, for a Dauys list,
// as the key of the one Party), else the selection's @id.
func (cv *converter) optionID(s *selection, extMode bool) string {
	if x, ok := findExt(s.ids, extID); ok {
		return x.value
	}
	if len(s.candidates) == 1 {
		if ca := cv.p.candidates[s.candidates[0]]; ca != nil && ca.dauysID != "" {
			return ca.dauysID
		}
	}
	if extMode && len(s.parties) == 1 {
		if pa := cv.p.parties[s.parties[0]]; pa != nil {
			return cmpOr(pa.dauysID, pa.id)
		}
	}
	return s.id
}

// yesNo finds the selections of a ballot measure that read yes and no.
func yesNo(sels []*selection) (yes, no int, ok bool) {
	if len(sels) != 2 {
		return 0, 0, false
	}
	answer := func(s *selection) string {
		for _, t := range []string{s.text.EN, s.text.RU, s.text.KK} {
			switch strings.ToLower(strings.TrimSpace(t)) {
			case "yes", "for", "approve", "approved", "да", "за", "иә":
				return lineYes
			case "no", "against", "reject", "rejected", "нет", "против", "жоқ":
				return lineNo
			}
		}
		return ""
	}
	a, b := answer(sels[0]), answer(sels[1])
	switch {
	case a == lineYes && b == lineNo:
		return 0, 1, true
	case a == lineNo && b == lineYes:
		return 1, 0, true
	}
	return 0, 0, false
}

// recordedAreas are the areas an export recorded for a contest, when the
// report's tree has them all; otherwise (a summary has no areas below the
// scope) the areas that cover the units with the contest's counts and
// those of the recorded areas it has.
func (cv *converter) recordedAreas(contest string, recorded, leaves []string) []string {
	var missing []string
	set := map[string]bool{}
	for _, u := range leaves {
		set[u] = true
	}
	for _, a := range recorded {
		u, ok := cv.unitOf[a]
		if !ok {
			missing = append(missing, a)
			continue
		}
		for _, l := range cv.tree.below[u] {
			set[l] = true
		}
	}
	if len(missing) == 0 {
		return recorded
	}
	var out []string
	if cover := cv.tree.cover(set); len(set) > 0 && !(len(cover) == 1 && cover[0] == cv.tree.root) {
		for _, u := range cover {
			out = append(out, cv.areaID[u])
		}
	}
	where := "over the whole election"
	if len(out) > 0 {
		where = "over " + strings.Join(out, ", ")
	}
	cv.note("contest %s: %s are not in the report's area tree; the contest is imported %s", contest, listUnits("its areas", missing), where)
	return out
}

// unitsAt lists the areas of a level.
func (cv *converter) unitsAt(level string) []string {
	var out []string
	for _, u := range cv.tree.order {
		if levelOf(cv.p.units[u]) == level {
			out = append(out, u)
		}
	}
	return out
}

// optionNames names an option after its selection's candidates, parties
// or text.
func (cv *converter) optionNames(o *dauys.Option, s *selection, extMode bool) {
	p := cv.p
	join := func(texts []dauys.Text) dauys.Text {
		var t dauys.Text
		for _, lang := range []struct {
			dst *string
			get func(dauys.Text) string
		}{{&t.KK, func(x dauys.Text) string { return x.KK }}, {&t.RU, func(x dauys.Text) string { return x.RU }}, {&t.EN, func(x dauys.Text) string { return x.EN }}} {
			var parts []string
			for _, x := range texts {
				if v := lang.get(x); v != "" {
					parts = append(parts, v)
				}
			}
			if len(parts) == len(texts) {
				*lang.dst = strings.Join(parts, " / ")
			}
		}
		if t.IsZero() && len(texts) > 0 {
			var parts []string
			for _, x := range texts {
				parts = append(parts, x.In("en"))
			}
			t.EN = strings.Join(parts, " / ")
		}
		return t
	}
	switch {
	case len(s.candidates) > 0:
		var names []dauys.Text
		for _, id := range s.candidates {
			ca := p.candidates[id]
			names = append(names, ca.name)
			if o.Party == "" && ca.party != "" {
				pa := p.parties[ca.party]
				o.Party = safeID(cmpOr(pa.dauysID, pa.id))
				if !extMode {
					cv.lostNames[ca.party] = true
				}
			}
		}
		o.Name = join(names)
	case len(s.parties) > 0:
		var names []dauys.Text
		for _, id := range s.parties {
			names = append(names, p.parties[id].name)
		}
		o.Name = join(names)
		if len(s.parties) == 1 {
			pa := p.parties[s.parties[0]]
			o.Short, o.Color = pa.abbr, pa.color
		}
	default:
		o.Name = s.text
	}
	if s.writeIn {
		if o.Name.IsZero() {
			o.Name = writeInName
		}
		cv.writeIns = append(cv.writeIns, s.id)
	}
	if o.Name.IsZero() {
		o.Name = dauys.T(s.id)
	}
}

// kindAndRules decides how a contest without the Dauys extension is
// decided: by plurality of its selections, filling NumberElected seats.
func (cv *converter) kindAndRules(c *contest, ct *dauys.Contest, data map[string]map[string]int64) {
	seats := int64(1)
	switch c.typ {
	case "CandidateContest":
		switch {
		case c.numberElected > 0:
			seats = c.numberElected
			if c.votesAllowed > 0 && c.votesAllowed != c.numberElected {
				cv.note("contest %s: %d votes allowed for %d seats; Dauys records the seats", c.id, c.votesAllowed, c.numberElected)
			}
		case c.votesAllowed > 0:
			seats = c.votesAllowed
		}
	case "PartyContest":
		cv.note("contest %s (%s) is a party contest; it is imported as a plurality contest of its parties for one seat (straight-party votes are not carried into other contests)", c.id, c.name)
	case "BallotMeasureContest", "RetentionContest":
		cv.note("contest %s (%s) is a ballot measure; it is imported as a plurality contest of its selections (a passage threshold is not applied)", c.id, c.name)
	}
	if seats > 1<<20 {
		seats = 1 << 20
	}
	ct.Kind = dauys.KindPlurality
	ct.Rules = dauys.Rules{Method: "plurality", Seats: int(seats)}
	switch c.variation {
	case "", "plurality", "n-of-m":
	case "majority":
		tookPart := len(data) > 0
		for _, lines := range data {
			if _, ok := lines[lineTookPart]; !ok {
				tookPart = false
			}
		}
		if seats == 1 && tookPart {
			ct.Kind = dauys.KindMajority
			ct.Rules = dauys.Rules{Method: "majority"}
		} else {
			cv.note("contest %s: vote variation majority is decided as plurality here (Dauys needs ballots cast for an absolute majority, of one seat)", c.id)
		}
	default:
		cv.note("contest %s: vote variation %q is not one Dauys decides; the contest is decided by plurality of the counts imported", c.id, c.variation)
	}
}

// lineGroup is a line and its breakdown by vote type.
type lineGroup struct {
	base     string
	kind     string
	title    dauys.Text
	suffixes []string
	total    bool // the report gives the total itself
}

// genericForm makes the form of a contest from the lines its counts fill.
func (cv *converter) genericForm(ct *dauys.Contest, c *contest, selLine []string, data map[string]map[string]int64) *dauys.Form {
	form := &dauys.Form{ID: ct.Form}
	groups := map[string]*lineGroup{}
	var order []string
	group := func(base, kind string, title dauys.Text) *lineGroup {
		g := groups[base]
		if g == nil {
			g = &lineGroup{base: base, kind: kind, title: title}
			groups[base] = g
			order = append(order, base)
		}
		return g
	}
	// Ballot lines first, then other counts, then the options.
	fixed := []struct {
		base, kind string
		title      dauys.Text
	}{
		{lineTookPart, dauys.LineBallots, dauys.Text{KK: "Берілген бюллетеньдер", RU: "Поданные бюллетени", EN: "Ballots cast"}},
		{lineBallotsRejected, dauys.LineBallots, dauys.Text{EN: "Ballots rejected"}},
		{lineBallotsOutstanding, dauys.LineBallots, dauys.Text{EN: "Ballots outstanding"}},
		{lineOvervotes, dauys.LineVotes, dauys.Text{EN: "Overvotes"}},
		{lineUndervotes, dauys.LineVotes, dauys.Text{EN: "Undervotes"}},
		{lineWriteIns, dauys.LineVotes, dauys.Text{EN: "Write-in votes"}},
	}
	present := map[string]bool{}
	for _, lines := range data {
		for k := range lines {
			present[k] = true
		}
	}
	isOption := map[string]bool{}
	for _, l := range selLine {
		isOption[l] = true
	}
	for _, f := range fixed {
		for k := range present {
			base, sfx, _ := strings.Cut(k, ".")
			if base != f.base {
				continue
			}
			g := group(f.base, f.kind, f.title)
			if sfx == "" {
				g.total = true
			} else if !slices.Contains(g.suffixes, sfx) {
				g.suffixes = append(g.suffixes, sfx)
			}
		}
	}
	var others []string
	for k := range present {
		base, _, _ := strings.Cut(k, ".")
		if groups[base] == nil && !isOption[k] && !strings.HasPrefix(k, dauys.OptionLinePrefix) {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	for _, k := range others {
		group(k, "", dauys.T(k)).total = true
	}
	perType := false
	for i, s := range c.selections {
		title := optionTitle(ct, selLine[i])
		if !strings.HasPrefix(selLine[i], dauys.OptionLinePrefix) && !s.text.IsZero() {
			title = s.text
		}
		g := group(selLine[i], dauys.LineVotes, title)
		for u := range data {
			for sfx := range s.counts[u] {
				if sfx == "" {
					g.total = true
				} else if !slices.Contains(g.suffixes, sfx) {
					g.suffixes = append(g.suffixes, sfx)
					perType = true
				}
			}
		}
		if !g.total && len(g.suffixes) == 0 {
			g.total = true // no counts at all: a line of zeros
		}
	}
	form.OptionLines = !perType
	if ct.Kind == dauys.KindReferendum {
		form.OptionLines = false
		form.Lines = append(form.Lines, dauys.Line{Name: lineTookPart, Kind: dauys.LineVotes, Derived: lineYes + " + " + lineNo,
			Title: dauys.Text{KK: "Шара бойынша дауыстар (иә + жоқ)", RU: "Голоса по вопросу (да + нет)", EN: "Votes on the measure (yes + no)"}})
	}
	code := 0
	for _, base := range order {
		g := groups[base]
		slices.Sort(g.suffixes)
		if isOption[base] && form.OptionLines && strings.HasPrefix(base, dauys.OptionLinePrefix) {
			continue
		}
		var typed []string
		for _, sfx := range g.suffixes {
			typed = append(typed, base+"."+sfx)
		}
		line := dauys.Line{Name: base, Kind: g.kind, Title: g.title}
		if strings.HasPrefix(base, dauys.OptionLinePrefix) && !form.OptionLines && g.total {
			// The option's own CSV column is "option:<id>"; the line
			// that holds its total reads another.
			line.Column = base + ".total"
		}
		switch {
		case len(typed) == 0:
		case !g.total:
			line.Derived = strings.Join(typed, " + ")
		default:
			// The total is given too: where a unit lacks it, it is the
			// sum of its types; where the types add up to it everywhere,
			// the form checks that they do.
			consistent, filled := true, 0
			for _, lines := range data {
				var sum int64
				for _, t := range typed {
					sum += lines[t]
				}
				if _, ok := lines[base]; !ok {
					lines[base] = sum
					filled++
				} else if lines[base] != sum {
					consistent = false
				}
			}
			if filled > 0 {
				cv.note("contest %s: %s is missing at %d units and is taken as the sum of its vote types", c.id, base, filled)
			}
			if consistent {
				code++
				form.Relations = append(form.Relations, dauys.Relation{
					Code: fmt.Sprintf("E_TYPES_%d", code),
					Expr: base + " = " + strings.Join(typed, " + "),
					Message: dauys.Text{
						KK: fmt.Sprintf("%s жолының дауыс беру түрлері бойынша қосындысы жалпы санына тең емес", base),
						RU: fmt.Sprintf("Сумма строки %s по видам голосования не равна итогу", base),
						EN: fmt.Sprintf("The counts of %s by vote type do not add up to its total", base),
					},
				})
			} else {
				cv.note("contest %s: the vote types of %s do not add up to its total everywhere (types are missing); the form does not relate them", c.id, base)
			}
		}
		form.Lines = append(form.Lines, line)
		for _, sfx := range g.suffixes {
			t, other := countType(sfx)
			label := cmpOr(other, t)
			form.Lines = append(form.Lines, dauys.Line{Name: base + "." + sfx, Kind: g.kind,
				Title: dauys.Text{EN: g.title.In("en") + " (" + label + ")"}})
		}
	}
	return form
}

func optionTitle(ct *dauys.Contest, line string) dauys.Text {
	for _, o := range ct.Options {
		if dauys.OptionLinePrefix+o.ID == line {
			return o.Name
		}
	}
	return dauys.T(line)
}

// contestAreas are the areas a contest without the extension is voted in:
// the units with its counts, and, while counting goes on or when nothing
// is in, the units of its district.
func (cv *converter) contestAreas(c *contest, leaves []string) []string {
	t := cv.tree
	set := map[string]bool{}
	for _, u := range leaves {
		set[u] = true
	}
	var district []string
	if c.district != "" {
		district = t.leavesOf(cv.p, c.district)
	}
	partial := cv.p.status == StatusUnofficialPartial || cv.p.status == StatusPreElection || cv.p.status == StatusRecount
	if partial || len(set) == 0 {
		for _, u := range district {
			set[u] = true
		}
	} else if len(district) > 0 {
		in := map[string]bool{}
		for _, u := range district {
			in[u] = true
		}
		var outside []string
		for _, u := range leaves {
			if !in[u] {
				outside = append(outside, u)
			}
		}
		if len(outside) > 0 {
			cv.note("contest %s has counts in %s, outside its district %s; they are imported", c.id, listUnits("units", outside), c.district)
		}
	}
	if len(set) == 0 {
		return nil
	}
	cover := t.cover(set)
	if len(cover) == 1 && cover[0] == t.root {
		return nil
	}
	out := make([]string, len(cover))
	for i, u := range cover {
		out[i] = cv.areaID[u]
	}
	return out
}

// checkAggregate compares a contest's counts at a unit that totals others
// with the sum of those units.
func (cv *converter) checkAggregate(c *contest, u string, lines map[string]int64, final map[string]map[string]int64, electionLevel map[string]bool) {
	a := cv.aggregates[u]
	if a == nil {
		a = &aggregateCheck{}
		cv.aggregates[u] = a
	}
	leaves := cv.tree.leavesOf(cv.p, u)
	var with []string
	for _, l := range leaves {
		if final[l] != nil {
			with = append(with, l)
		}
	}
	if len(with) == 0 {
		a.empty = append(a.empty, c.id)
		return
	}
	var diffs []string
	for _, k := range slices.Sorted(maps.Keys(lines)) {
		if electionLevel[k] && !hasLine(cv.p.election.extLines[c.id][u], k) {
			continue
		}
		var sum int64
		found := false
		for _, l := range with {
			if v, ok := final[l][k]; ok {
				sum += v
				found = true
			}
		}
		if found && sum != lines[k] {
			diffs = append(diffs, fmt.Sprintf("%s %d, units add up to %d", k, lines[k], sum))
		}
	}
	if len(diffs) == 0 {
		a.agree++
		return
	}
	if len(diffs) > 3 {
		diffs = append(diffs[:3], fmt.Sprintf("and %d more", len(diffs)-3))
	}
	a.disagree = append(a.disagree, fmt.Sprintf("contest %s (%s)", c.id, strings.Join(diffs, "; ")))
}

// checkBallotAggregates compares ballots cast at units that total others
// with the sum of those units.
func (cv *converter) checkBallotAggregates() {
	b := cv.p.election.ballots
	for _, u := range cv.p.unitOrder {
		lines := b[u]
		if lines == nil || cv.tree.isLeaf(u) {
			continue
		}
		a := cv.aggregates[u]
		if a == nil {
			a = &aggregateCheck{}
			cv.aggregates[u] = a
		}
		leaves := cv.tree.leavesOf(cv.p, u)
		for _, k := range slices.Sorted(maps.Keys(lines)) {
			var sum int64
			all := len(leaves) > 0
			for _, l := range leaves {
				v, ok := b[l][k]
				if !ok {
					all = false
					break
				}
				sum += v
			}
			if all && sum != lines[k] {
				a.disagree = append(a.disagree, fmt.Sprintf("BallotCounts %s (%d, units add up to %d)", k, lines[k], sum))
			}
		}
	}
}

func (cv *converter) aggregateNotes() {
	var agree []string
	for _, u := range cv.p.unitOrder {
		if a := cv.aggregates[u]; a != nil && a.agree > 0 && len(a.disagree) == 0 {
			agree = append(agree, u)
		}
	}
	if len(agree) > 0 {
		cv.note("counts at %s are totals of the reporting units below them: they agree with their units' sums and are not stored twice", listUnits("GpUnits", agree))
	}
	for _, u := range slices.Sorted(maps.Keys(cv.aggregates)) {
		a := cv.aggregates[u]
		if len(a.disagree) > 0 {
			cv.note("counts at GpUnit %s do not agree with the sum of the reporting units below it; the units' counts are imported: %s", u, strings.Join(a.disagree, ", "))
		}
		if len(a.empty) > 0 {
			cv.note("counts at GpUnit %s cover no reporting unit of the area tree and are not imported (contests %s)", u, strings.Join(a.empty, ", "))
		}
	}
}

// outsideNotes names the units that are not areas.
func (cv *converter) outsideNotes() {
	var districts, other []string
	for _, u := range cv.p.unitOrder {
		if cv.tree.kept[u] || cv.aggregates[u] != nil {
			continue
		}
		label := u
		if t := cv.p.units[u].typ; t != "" {
			label += " (" + t + ")"
		}
		if cv.districts[u] {
			districts = append(districts, label)
		} else {
			other = append(other, label)
		}
	}
	if len(districts) > 0 {
		cv.note("%s overlap the area tree; they delimit contests (each contest lists the areas it is voted in) but are not areas", listUnits("GpUnits", districts))
	}
	if len(other) > 0 {
		cv.note("%s are not part of the area tree and are not imported", listUnits("GpUnits", other))
	}
}

func (cv *converter) contestNotes(c *contest) {
	if len(c.rounds) > 1 {
		cv.note("contest %s: counts are given for rounds %v of a ranked-choice tabulation; Dauys imports round %d only", c.id, c.rounds, c.round)
	}
	if c.seats > 0 {
		cv.seats += c.seats
	}
	if c.duplicateCounts > 0 {
		cv.note("contest %s: %d counts are given more than once for the same unit and type (by device class, for instance) and are added up", c.id, c.duplicateCounts)
	}
}

func (cv *converter) gatheredNotes() {
	if len(cv.writeIns) > 0 {
		cv.note("%s are imported as ordinary options (Dauys does not mark write-ins)", listUnits("write-in selections", cv.writeIns))
	}
	if len(cv.primaries) > 0 {
		cv.note("%s are party primaries (PrimaryPartyIds); Dauys has no primaries, so each is a contest of its own with the party in its name", listUnits("contests", cv.primaries))
	}
	if cv.seats > 0 {
		cv.note("%d VoteCounts of type seats are outcomes; Dauys decides contests by their rules itself and does not import them", cv.seats)
	}
	var lost []string
	for _, id := range slices.Sorted(maps.Keys(cv.lostNames)) {
		if n := cv.p.parties[id].name.In("en"); n != "" && n != id {
			lost = append(lost, fmt.Sprintf("%s (%s)", id, n))
		}
	}
	if len(lost) > 0 {
		cv.note("candidates keep their party's id, not its name: %s", strings.Join(lost, ", "))
	}
	var coalitions []string
	for _, id := range slices.Sorted(maps.Keys(cv.p.parties)) {
		if cv.p.parties[id].coalition {
			coalitions = append(coalitions, id)
		}
	}
	if len(coalitions) > 0 {
		cv.note("coalitions %s are read as parties; their member parties are not kept", strings.Join(coalitions, ", "))
	}
	if cv.p.format == FormatSummary {
		cv.note("the report is a summary (%s): each contest has one protocol for the whole election", FormatSummary)
	}
}

// check runs what intake and the rules engine will run: the definition
// compiles, every contest's rules make sense, and every protocol passes
// its form.
func check(im *Imported) error {
	e := im.Election
	ie, err := election.Compile(e)
	if err != nil {
		return dauys.Errorf(dauys.EINVALID, "cdf: the imported election does not compile: %s", dauys.ErrorMessage(err))
	}
	var problems []string
	for i := range e.Contests {
		if err := rules.Check(&e.Contests[i]); err != nil {
			problems = append(problems, dauys.ErrorMessage(err))
		}
	}
	for _, s := range im.Submissions {
		c := e.Contest(s.Contest)
		switch {
		case !ie.Tree.IsLeaf(s.Area):
			problems = append(problems, fmt.Sprintf("contest %s: %s is not a reporting unit", s.Contest, s.Area))
			continue
		case !ie.Tree.InContest(s.Area, c):
			problems = append(problems, fmt.Sprintf("contest %s: %s is not one of its areas", s.Contest, s.Area))
			continue
		}
		lines := maps.Clone(s.Lines)
		errs, _ := ie.Validator(s.Contest).Complete(lines)
		for _, f := range errs {
			msg := f.Message.In("en")
			if f.Detail != "" {
				msg += " (" + f.Detail + ")"
			}
			problems = append(problems, fmt.Sprintf("contest %s, unit %s: %s: %s", s.Contest, s.Area, f.Code, msg))
		}
		if len(problems) >= maxErrors {
			break
		}
	}
	if len(problems) > 0 {
		if len(problems) > maxErrors {
			problems = problems[:maxErrors]
		}
		return dauys.Errorf(dauys.EINVALID, "cdf: the report's counts do not pass the checks of their forms:\ncdf: %s", strings.Join(problems, "\ncdf: "))
	}
	return nil
}
