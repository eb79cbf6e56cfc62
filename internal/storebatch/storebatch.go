// Package storebatch holds what the SQLite and PostgreSQL stores share
// beneath their SQL: above all the storage-independent plan of a
// SaveProtocols call, and the checks of elections they keep. A Plan checks the
// submissions, applies dauys.Reconcile to each in order against what the
// store and the earlier items of the batch hold, and adds up the deltas of
// the whole batch so that each running total is written once per batch.
//
// The stores do the SQL around it, in this order:
//
//	plan := storebatch.NewPrepared(pp) // pp := Prepare(ps), made earlier; or New(ps)
//	// load the contests of plan.Elections() and which of plan.Areas() exist
//	plan.RefuseUnknown(contests, areas)
//	// load the heads of plan.Keys()
//	plan.Reconcile(heads)
//	// load the versions plan.Missing() names
//	totals := plan.Resolve(loaded)
//	// insert plan.Versions(), upsert plan.ChangedHeads() and SortedTotals(totals)
//	return plan.Results()
//
// Prepare does all of it that concerns one submission alone (checks,
// canonical encoding, content hash, stored lines), so that intake's group
// commit has each sender do it before its protocols join a group, and the
// group's transaction only plans.
//
// Keeping this here, once, means the two stores cannot drift apart on what
// a batch means; only how they read and write it differs.
//
// It imports only the domain.
package storebatch

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/dauys/dauys"
)

// Key names the protocol history of one precinct and contest.
type Key struct{ Election, Contest, Area string }

// KeyOf returns the key of p's history.
func KeyOf(p *dauys.Protocol) Key { return Key{p.Election, p.Contest, p.Area} }

// VersionKey names one stored version.
type VersionKey struct {
	Key
	Version int
}

// AreaKey names the running totals of one area and contest.
type AreaKey struct{ Election, Contest, Area string }

// TotalKey names one running total.
type TotalKey struct{ Election, Contest, Area, Line string }

// Head is the current version number and hash of a history as the store
// holds it.
type Head struct {
	Version int
	Hash    string
}

// current is the current version of a precinct and contest as the batch
// knows it: from the store, or from an earlier item of the batch, in which
// case protocol holds the whole version.
type current struct {
	Head
	protocol *dauys.Protocol
}

// change is a new version and the version it replaces: old when the batch
// holds it, oldVersion when it has to be loaded (0 for none).
type change struct {
	new        *dauys.Protocol
	sub        int // index of new in the batch
	old        *dauys.Protocol
	oldVersion int
}

// Encoded is what Prepare makes of a checked submission, on every
// processor or in the sender's goroutine, so that the store's single
// writer does not: its canonical encoding (from which the content hash is
// checked, and which the log's record holds) and its lines as a store
// keeps them (EncodeLines).
type Encoded struct {
	Canonical []byte
	Lines     []byte
}

// Prepared is one submission as Prepare leaves it: all a plan needs of it
// that depends neither on the other submissions of the batch nor on the
// store, that is its checks, canonical encoding, content hash and stored
// lines, or its refusal. Intake's group commit prepares each sender's
// protocols in the sender's goroutine, before they join the group, so that
// the group's transaction only plans and writes. A Prepared is never
// changed once made: a plan numbers a copy of it, so it may go into more
// than one plan (group commit saves a refused group's protocols again,
// apart).
type Prepared struct {
	sub *dauys.Protocol // the checked copy of the submission; nil when refused
	enc Encoded
	err error
}

// Prepare checks the submissions as every store does, refusing with
// EINVALID a protocol that lacks an election, contest or area, has an
// unknown kind, a count out of bounds or a hash that does not match its
// content, and encodes and copies those that pass, so that the caller's
// protocols are never changed. Hashing the content is most of the work; a
// large batch is hashed on every processor.
func Prepare(ps []*dauys.Protocol) []Prepared {
	out := make([]Prepared, len(ps))
	// Each item is written by one goroutine only.
	workers := min(runtime.GOMAXPROCS(0), 1+len(ps)/256)
	if workers == 1 {
		for i, p := range ps {
			out[i].sub, out[i].enc, out[i].err = checkSubmission(p)
		}
		return out
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(ps); i += workers {
				out[i].sub, out[i].enc, out[i].err = checkSubmission(ps[i])
			}
		})
	}
	wg.Wait()
	return out
}

// Plan is the plan of one SaveProtocols call.
type Plan struct {
	results []dauys.SaveResult
	subs    []*dauys.Protocol // checked copies of the submissions; nil when refused
	encoded []Encoded         // of subs
	heads   map[Key]*current
	changes []change
	// duplicates maps the index of a duplicate whose current version is
	// stored but not loaded to that version.
	duplicates map[int]VersionKey
}

// New checks the submissions and plans those that pass: it is
// NewPrepared(Prepare(ps)).
func New(ps []*dauys.Protocol) *Plan { return NewPrepared(Prepare(ps)) }

// NewPrepared plans submissions that Prepare checked, keeping their
// refusals. It only copies: each plan numbers its own copy of a checked
// protocol, so that the Prepared stays as it was made.
func NewPrepared(pp []Prepared) *Plan {
	plan := &Plan{
		results:    make([]dauys.SaveResult, len(pp)),
		subs:       make([]*dauys.Protocol, len(pp)),
		encoded:    make([]Encoded, len(pp)),
		heads:      map[Key]*current{},
		duplicates: map[int]VersionKey{},
	}
	for i, p := range pp {
		switch {
		case p.sub != nil:
			q := *p.sub
			plan.subs[i], plan.encoded[i] = &q, p.enc
		case p.err != nil:
			plan.results[i].Err = p.err
		default: // a zero Prepared, which Prepare never makes
			_, _, plan.results[i].Err = checkSubmission(nil)
		}
	}
	return plan
}

// checkSubmission returns a copy of p ready to be reconciled: its kind
// defaults to an original and its hash to the content hash. A hash that does
// not match the content is refused, because a wrong hash would make a
// different protocol pass for a duplicate forever after.
func checkSubmission(p *dauys.Protocol) (*dauys.Protocol, Encoded, error) {
	if p == nil {
		return nil, Encoded{}, dauys.Errorf(dauys.EINVALID, "empty protocol")
	}
	if p.Election == "" || p.Contest == "" || p.Area == "" {
		return nil, Encoded{}, dauys.Errorf(dauys.EINVALID, "a protocol needs an election, a contest and an area")
	}
	q := *p
	q.Version = 0
	switch q.Kind {
	case "":
		q.Kind = dauys.ProtocolOriginal
	case dauys.ProtocolOriginal, dauys.ProtocolAmendment:
	default:
		return nil, Encoded{}, dauys.Errorf(dauys.EINVALID, "precinct %s, contest %s: unknown protocol kind %q", p.Area, p.Contest, p.Kind)
	}
	if q.Lines == nil {
		q.Lines = map[string]int64{}
	}
	// Intake's forms refuse such counts; a store refuses them too, so that
	// no other path can make a running total overflow, and refuses only
	// the protocol, never its neighbours in the batch.
	for name, v := range q.Lines {
		if v < 0 || v > dauys.MaxCount {
			return nil, Encoded{}, dauys.Errorf(dauys.EINVALID, "precinct %s, contest %s: line %q holds %d, outside 0..%d",
				p.Area, p.Contest, dauys.ClipText(name, 64), v, dauys.MaxCount)
		}
	}
	enc := Encoded{Canonical: q.CanonicalBytes(), Lines: EncodeLines(q.Lines)}
	sum := sha256.Sum256(enc.Canonical) // as dauys.Protocol.ContentHash
	hash := hex.EncodeToString(sum[:])
	if q.Hash == "" {
		q.Hash = hash
	} else if q.Hash != hash {
		return nil, Encoded{}, dauys.Errorf(dauys.EINVALID, "precinct %s, contest %s: the hash does not match the protocol's content", p.Area, p.Contest)
	}
	return &q, enc, nil
}

// Results returns the result of every submission, in submission order. It
// is complete once Resolve has run.
func (plan *Plan) Results() []dauys.SaveResult { return plan.results }

// Elections returns the distinct elections of the checked submissions, in
// id order.
func (plan *Plan) Elections() []string {
	var ids []string
	for _, p := range plan.subs {
		if p != nil && !slices.Contains(ids, p.Election) {
			ids = append(ids, p.Election)
		}
	}
	slices.Sort(ids)
	return ids
}

// Areas returns the distinct election and area pairs of the checked
// submissions.
func (plan *Plan) Areas() [][2]string {
	seen := map[[2]string]bool{}
	var out [][2]string
	for _, p := range plan.subs {
		if p == nil {
			continue
		}
		k := [2]string{p.Election, p.Area}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// RefuseUnknown refuses the submissions whose election, contest or area
// does not exist, with ENOTFOUND. contests maps each existing election to
// its contests; areas holds the existing election and area pairs.
func (plan *Plan) RefuseUnknown(contests map[string]map[string]bool, areas map[[2]string]bool) {
	for i, p := range plan.subs {
		if p == nil {
			continue
		}
		var err error
		switch cs, ok := contests[p.Election]; {
		case !ok:
			err = dauys.Errorf(dauys.ENOTFOUND, "election %s not found", p.Election)
		case !cs[p.Contest]:
			err = dauys.Errorf(dauys.ENOTFOUND, "election %s has no contest %s", p.Election, p.Contest)
		case !areas[[2]string{p.Election, p.Area}]:
			err = dauys.Errorf(dauys.ENOTFOUND, "election %s has no area %s", p.Election, p.Area)
		}
		if err != nil {
			plan.results[i].Err = err
			plan.subs[i] = nil
		}
	}
}

// Keys returns the distinct protocol histories of the checked submissions,
// whose heads Reconcile needs.
func (plan *Plan) Keys() []Key {
	seen := map[Key]bool{}
	var out []Key
	for _, p := range plan.subs {
		if p == nil {
			continue
		}
		k := KeyOf(p)
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// Reconcile applies dauys.Reconcile to every checked submission in order.
// stored holds the current version number and hash of the histories that
// have one. A submission sees the items of the batch before it, so that a
// precinct sent twice in one batch is a duplicate or an amendment of its
// earlier item, as it would be in two batches.
func (plan *Plan) Reconcile(stored map[Key]Head) {
	for k, h := range stored {
		plan.heads[k] = &current{Head: h}
	}
	for i, p := range plan.subs {
		if p == nil {
			continue
		}
		k := KeyOf(p)
		cur := plan.heads[k]
		var head *dauys.Protocol
		if cur != nil {
			head = &dauys.Protocol{Election: k.Election, Contest: k.Contest, Area: k.Area, Version: cur.Version, Hash: cur.Hash}
		}
		outcome, version, err := dauys.Reconcile(head, p)
		if err != nil {
			plan.results[i].Err = err
			continue
		}
		plan.results[i].Outcome = outcome
		if outcome == dauys.OutcomeDuplicate {
			if cur.protocol != nil {
				plan.results[i].Protocol = cur.protocol
			} else {
				plan.duplicates[i] = VersionKey{k, cur.Version}
			}
			continue
		}
		p.Version = version
		plan.results[i].Protocol = p
		c := change{new: p, sub: i}
		if cur != nil {
			c.old, c.oldVersion = cur.protocol, cur.Version
		}
		plan.changes = append(plan.changes, c)
		plan.heads[k] = &current{Head: Head{Version: version, Hash: p.Hash}, protocol: p}
	}
}

// Missing returns the stored versions the batch needs to load: the current
// versions that duplicates answer with and that amendments replace.
func (plan *Plan) Missing() []VersionKey {
	seen := map[VersionKey]bool{}
	var out []VersionKey
	add := func(k VersionKey) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, k := range plan.duplicates {
		add(k)
	}
	for _, c := range plan.changes {
		if c.old == nil && c.oldVersion > 0 {
			add(VersionKey{KeyOf(c.new), c.oldVersion})
		}
	}
	return out
}

// Resolve completes the plan with the loaded versions and returns the
// summed deltas of the batch per area and contest, and per line.
//
// The deltas are first summed per Path, which the precincts of a district
// share, and only then spread over the areas of each Path: a batch of a
// thousand protocols of 30 lines makes some 30,000 additions, not 90,000.
//
// Every addition is checked: counts are bounded by dauys.MaxCount, but a
// version stored before that bound may hold anything. A sum that overflows
// is an error (OverflowError) that refuses the batch; intake's group
// commit then saves its protocols apart, so that only the one that cannot
// be added is refused.
func (plan *Plan) Resolve(loaded map[VersionKey]*dauys.Protocol) (map[AreaKey]map[string]int64, error) {
	for i, k := range plan.duplicates {
		plan.results[i].Protocol = loaded[k]
	}
	type pathKey struct{ election, contest, path string }
	byPath := map[pathKey]map[string]int64{}
	paths := map[pathKey][]string{}
	// add adds v to sums[line]; area names the total when it overflows.
	add := func(sums map[string]int64, line string, v int64, election, contest, area string) error {
		s, ok := dauys.AddCounts(sums[line], v)
		if !ok {
			return OverflowError(TotalKey{election, contest, area, line})
		}
		sums[line] = s
		return nil
	}
	for _, c := range plan.changes {
		old := c.old
		if old == nil && c.oldVersion > 0 {
			old = loaded[VersionKey{KeyOf(c.new), c.oldVersion}]
		}
		k := pathKey{c.new.Election, c.new.Contest, strings.Join(c.new.Path, "\x00")}
		sums := byPath[k]
		if sums == nil {
			sums = map[string]int64{}
			byPath[k], paths[k] = sums, c.new.Path
		}
		// dauys.Delta, added in place.
		for line, v := range c.new.Lines {
			if err := add(sums, line, v, k.election, k.contest, c.new.Area); err != nil {
				return nil, err
			}
		}
		if old == nil {
			sums[dauys.ReportedLine]++
		} else {
			for line, v := range old.Lines {
				if v == math.MinInt64 {
					return nil, OverflowError(TotalKey{k.election, k.contest, c.new.Area, line})
				}
				if err := add(sums, line, -v, k.election, k.contest, c.new.Area); err != nil {
					return nil, err
				}
			}
		}
	}
	totals := map[AreaKey]map[string]int64{}
	for k, sums := range byPath {
		for _, area := range paths[k] {
			a := AreaKey{k.election, k.contest, area}
			if totals[a] == nil {
				totals[a] = make(map[string]int64, len(sums))
			}
			for line, v := range sums {
				if err := add(totals[a], line, v, k.election, k.contest, area); err != nil {
					return nil, err
				}
			}
		}
	}
	return totals, nil
}

// OverflowError is the error of a running total that an addition would
// take beyond what an int64 holds: it names the total, in kk/ru/en.
func OverflowError(k TotalKey) error {
	line := dauys.ClipText(k.Line, 64)
	return &dauys.Error{Code: dauys.EINVALID,
		Message: fmt.Sprintf("contest %s, area %s: the running total of line %q would overflow; the protocols adding to it are not stored", k.Contest, k.Area, line),
		Text: dauys.Text{
			KK: fmt.Sprintf("%s, %s аумағы: %q жолының жиынтығы шектен асады; оған қосылатын хаттамалар сақталмады", k.Contest, k.Area, line),
			RU: fmt.Sprintf("%s, территория %s: итог строки %q переполняется; протоколы, которые в него входят, не сохранены", k.Contest, k.Area, line),
			EN: fmt.Sprintf("contest %s, area %s: the running total of line %q would overflow; the protocols adding to it are not stored", k.Contest, k.Area, line),
		}}
}

// Versions returns the new versions in submission order.
func (plan *Plan) Versions() []*dauys.Protocol {
	out := make([]*dauys.Protocol, len(plan.changes))
	for i, c := range plan.changes {
		out[i] = c.new
	}
	return out
}

// VersionsEncoded returns what Prepare made of each of Versions.
func (plan *Plan) VersionsEncoded() []Encoded {
	out := make([]Encoded, len(plan.changes))
	for i, c := range plan.changes {
		out[i] = plan.encoded[c.sub]
	}
	return out
}

// ChangedHeads returns the final head of every history the batch added a
// version to, in key order.
func (plan *Plan) ChangedHeads() []*dauys.Protocol {
	var out []*dauys.Protocol
	for _, h := range plan.heads {
		if h.protocol != nil {
			out = append(out, h.protocol)
		}
	}
	slices.SortFunc(out, func(x, y *dauys.Protocol) int {
		return cmp.Or(cmp.Compare(x.Election, y.Election), cmp.Compare(x.Contest, y.Contest), cmp.Compare(x.Area, y.Area))
	})
	return out
}

// SortedTotals returns the running totals of totals in key order, so that
// concurrent batches lock rows in the same order.
func SortedTotals(totals map[AreaKey]map[string]int64) ([]TotalKey, []int64) {
	areas := make([]AreaKey, 0, len(totals))
	n := 0
	for k, sums := range totals {
		areas = append(areas, k)
		n += len(sums)
	}
	slices.SortFunc(areas, func(x, y AreaKey) int {
		return cmp.Or(cmp.Compare(x.Election, y.Election), cmp.Compare(x.Contest, y.Contest), cmp.Compare(x.Area, y.Area))
	})
	keys, values := make([]TotalKey, 0, n), make([]int64, 0, n)
	for _, a := range areas {
		sums := totals[a]
		lines := make([]string, 0, len(sums))
		for line := range sums {
			lines = append(lines, line)
		}
		slices.Sort(lines)
		for _, line := range lines {
			keys = append(keys, TotalKey{a.Election, a.Contest, a.Area, line})
			values = append(values, sums[line])
		}
	}
	return keys, values
}

// HeadStatus is the status of a precinct and contest whose current version
// is version.
func HeadStatus(version int) string {
	if version == 1 {
		return dauys.ProtocolAccepted
	}
	return dauys.ProtocolAmended
}
