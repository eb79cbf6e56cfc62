package postgres

import (
	"cmp"
	"encoding/json"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dauys/dauys"
)

// This file holds the part of SaveProtocols that does not depend on SQL: it
// checks the submissions, applies dauys.Reconcile to each in order against
// what the store and the earlier items of the batch hold, and adds up the
// deltas of the whole batch so that each running total is written once per
// batch. The SQLite store has the same file; keep them in step.

// protocolKey names the protocol history of one precinct and contest.
type protocolKey struct{ election, contest, area string }

// versionKey names one stored version.
type versionKey struct {
	protocolKey
	version int
}

// totalKey names one running total.
type totalKey struct{ election, contest, area, line string }

// areaKey names the running totals of one area and contest.
type areaKey struct{ election, contest, area string }

// head is the current version of a precinct and contest as the batch knows
// it: from the heads table, or from an earlier item of the batch, in which
// case protocol holds the whole version.
type head struct {
	version  int
	hash     string
	protocol *dauys.Protocol
}

// change is a new version and the version it replaces: old when the batch
// holds it, oldVersion when it has to be loaded (0 for none).
type change struct {
	new        *dauys.Protocol
	old        *dauys.Protocol
	oldVersion int
}

// batch is the plan of one SaveProtocols call.
type batch struct {
	results []dauys.SaveResult
	subs    []*dauys.Protocol // checked copies of the submissions; nil when refused
	heads   map[protocolKey]*head
	changes []change
	// duplicates maps the index of a duplicate whose current version is
	// stored but not loaded to that version.
	duplicates map[int]versionKey
}

// newBatch checks the submissions and copies those that pass, so that the
// caller's protocols are never changed.
func newBatch(ps []*dauys.Protocol) *batch {
	b := &batch{
		results:    make([]dauys.SaveResult, len(ps)),
		subs:       make([]*dauys.Protocol, len(ps)),
		heads:      map[protocolKey]*head{},
		duplicates: map[int]versionKey{},
	}
	// Hashing the content is most of the checking; a large batch is hashed
	// on every processor. Each item is written by one goroutine only.
	workers := min(runtime.GOMAXPROCS(0), 1+len(ps)/256)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(ps); i += workers {
				b.subs[i], b.results[i].Err = checkSubmission(ps[i])
			}
		})
	}
	wg.Wait()
	return b
}

// checkSubmission returns a copy of p ready to be reconciled: its kind
// defaults to an original and its hash to the content hash. A hash that does
// not match the content is refused, because a wrong hash would make a
// different protocol pass for a duplicate forever after.
func checkSubmission(p *dauys.Protocol) (*dauys.Protocol, error) {
	if p == nil {
		return nil, dauys.Errorf(dauys.EINVALID, "empty protocol")
	}
	if p.Election == "" || p.Contest == "" || p.Area == "" {
		return nil, dauys.Errorf(dauys.EINVALID, "a protocol needs an election, a contest and an area")
	}
	q := *p
	q.Version = 0
	switch q.Kind {
	case "":
		q.Kind = dauys.ProtocolOriginal
	case dauys.ProtocolOriginal, dauys.ProtocolAmendment:
	default:
		return nil, dauys.Errorf(dauys.EINVALID, "precinct %s, contest %s: unknown protocol kind %q", p.Area, p.Contest, p.Kind)
	}
	if q.Lines == nil {
		q.Lines = map[string]int64{}
	}
	hash := q.ContentHash()
	if q.Hash == "" {
		q.Hash = hash
	} else if q.Hash != hash {
		return nil, dauys.Errorf(dauys.EINVALID, "precinct %s, contest %s: the hash does not match the protocol's content", p.Area, p.Contest)
	}
	return &q, nil
}

// elections returns the distinct elections of the checked submissions.
func (b *batch) elections() []string {
	var ids []string
	for _, p := range b.subs {
		if p != nil && !slices.Contains(ids, p.Election) {
			ids = append(ids, p.Election)
		}
	}
	slices.Sort(ids)
	return ids
}

// areas returns the distinct election and area pairs of the checked
// submissions.
func (b *batch) areas() [][2]string {
	seen := map[[2]string]bool{}
	var out [][2]string
	for _, p := range b.subs {
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

// refuseUnknown refuses the submissions whose election, contest or area
// does not exist. contests maps each existing election to its contests;
// areas holds the existing election and area pairs.
func (b *batch) refuseUnknown(contests map[string]map[string]bool, areas map[[2]string]bool) {
	for i, p := range b.subs {
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
			b.results[i].Err = err
			b.subs[i] = nil
		}
	}
}

// keys returns the distinct protocol histories of the checked submissions.
func (b *batch) keys() []protocolKey {
	seen := map[protocolKey]bool{}
	var out []protocolKey
	for _, p := range b.subs {
		if p == nil {
			continue
		}
		k := keyOf(p)
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func keyOf(p *dauys.Protocol) protocolKey { return protocolKey{p.Election, p.Contest, p.Area} }

// reconcile applies dauys.Reconcile to every checked submission in order.
// stored holds the current version number and hash of the histories that
// have one. A submission sees the items of the batch before it, so that a
// precinct sent twice in one batch is a duplicate or an amendment of its
// earlier item, as it would be in two batches.
func (b *batch) reconcile(stored map[protocolKey]head) {
	for k, h := range stored {
		b.heads[k] = &head{version: h.version, hash: h.hash}
	}
	for i, p := range b.subs {
		if p == nil {
			continue
		}
		k := keyOf(p)
		cur := b.heads[k]
		var current *dauys.Protocol
		if cur != nil {
			current = &dauys.Protocol{Election: k.election, Contest: k.contest, Area: k.area, Version: cur.version, Hash: cur.hash}
		}
		outcome, version, err := dauys.Reconcile(current, p)
		if err != nil {
			b.results[i].Err = err
			continue
		}
		b.results[i].Outcome = outcome
		if outcome == dauys.OutcomeDuplicate {
			if cur.protocol != nil {
				b.results[i].Protocol = cur.protocol
			} else {
				b.duplicates[i] = versionKey{k, cur.version}
			}
			continue
		}
		p.Version = version
		b.results[i].Protocol = p
		c := change{new: p}
		if cur != nil {
			c.old, c.oldVersion = cur.protocol, cur.version
		}
		b.changes = append(b.changes, c)
		b.heads[k] = &head{version: version, hash: p.Hash, protocol: p}
	}
}

// missing returns the stored versions the batch needs to load: the current
// versions that duplicates answer with and that amendments replace.
func (b *batch) missing() []versionKey {
	seen := map[versionKey]bool{}
	var out []versionKey
	add := func(k versionKey) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, k := range b.duplicates {
		add(k)
	}
	for _, c := range b.changes {
		if c.old == nil && c.oldVersion > 0 {
			add(versionKey{keyOf(c.new), c.oldVersion})
		}
	}
	return out
}

// resolve completes the batch with the loaded versions and returns the
// summed deltas of the batch per area and contest, and per line.
//
// The deltas are first summed per Path, which the precincts of a district
// share, and only then spread over the areas of each Path: a batch of a
// thousand protocols of 30 lines makes some 30,000 additions, not 90,000.
func (b *batch) resolve(loaded map[versionKey]*dauys.Protocol) map[areaKey]map[string]int64 {
	for i, k := range b.duplicates {
		b.results[i].Protocol = loaded[k]
	}
	type pathKey struct{ election, contest, path string }
	byPath := map[pathKey]map[string]int64{}
	paths := map[pathKey][]string{}
	for _, c := range b.changes {
		old := c.old
		if old == nil && c.oldVersion > 0 {
			old = loaded[versionKey{keyOf(c.new), c.oldVersion}]
		}
		k := pathKey{c.new.Election, c.new.Contest, strings.Join(c.new.Path, "\x00")}
		sums := byPath[k]
		if sums == nil {
			sums = map[string]int64{}
			byPath[k], paths[k] = sums, c.new.Path
		}
		for line, v := range dauys.Delta(old, c.new) {
			sums[line] += v
		}
	}
	totals := map[areaKey]map[string]int64{}
	for k, sums := range byPath {
		for _, area := range paths[k] {
			a := areaKey{k.election, k.contest, area}
			if totals[a] == nil {
				totals[a] = make(map[string]int64, len(sums))
			}
			for line, v := range sums {
				totals[a][line] += v
			}
		}
	}
	return totals
}

// versions returns the new versions in submission order.
func (b *batch) versions() []*dauys.Protocol {
	out := make([]*dauys.Protocol, len(b.changes))
	for i, c := range b.changes {
		out[i] = c.new
	}
	return out
}

// changedHeads returns the final head of every history the batch added a
// version to, in key order.
func (b *batch) changedHeads() []*dauys.Protocol {
	var out []*dauys.Protocol
	for _, h := range b.heads {
		if h.protocol != nil {
			out = append(out, h.protocol)
		}
	}
	slices.SortFunc(out, func(x, y *dauys.Protocol) int {
		return cmp.Or(cmp.Compare(x.Election, y.Election), cmp.Compare(x.Contest, y.Contest), cmp.Compare(x.Area, y.Area))
	})
	return out
}

// sortedTotals returns the running totals of totals in key order, so that
// concurrent batches lock rows in the same order.
func sortedTotals(totals map[areaKey]map[string]int64) ([]totalKey, []int64) {
	areas := make([]areaKey, 0, len(totals))
	n := 0
	for k, sums := range totals {
		areas = append(areas, k)
		n += len(sums)
	}
	slices.SortFunc(areas, func(x, y areaKey) int {
		return cmp.Or(cmp.Compare(x.election, y.election), cmp.Compare(x.contest, y.contest), cmp.Compare(x.area, y.area))
	})
	keys, values := make([]totalKey, 0, n), make([]int64, 0, n)
	for _, a := range areas {
		sums := totals[a]
		lines := make([]string, 0, len(sums))
		for line := range sums {
			lines = append(lines, line)
		}
		slices.Sort(lines)
		for _, line := range lines {
			keys = append(keys, totalKey{a.election, a.contest, a.area, line})
			values = append(values, sums[line])
		}
	}
	return keys, values
}

// encodeLines encodes protocol lines as a JSON object with sorted keys, as
// encoding/json does, without its reflection: it is most of the cost of
// storing a version.
func encodeLines(lines map[string]int64) []byte {
	names := make([]string, 0, len(lines))
	size := 2
	for n := range lines {
		names = append(names, n)
		size += len(n) + 24
	}
	slices.Sort(names)
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, n := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, n)
		b = append(b, ':')
		b = strconv.AppendInt(b, lines[n], 10)
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string: as it is when it needs no
// escaping, as line names do not, and by encoding/json otherwise.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// headStatus is the status of a precinct and contest whose current version
// is version.
func headStatus(version int) string {
	if version == 1 {
		return dauys.ProtocolAccepted
	}
	return dauys.ProtocolAmended
}
