package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/tlog"
)

// count is the election replayed from its log and added up.
type count struct {
	e          *election
	definition *tlog.Record
	// current is the latest version of each precinct's protocol.
	current map[pkey]*version
	// sums holds, per contest and area above the precincts, the sum of
	// each line of the current versions below it and ReportedLine.
	sums map[string]map[string]map[string]int64
	// expected holds, per contest and area above the precincts, the
	// precincts that vote in the contest below it and their registered
	// voters.
	expected map[string]map[string][2]int64
}

// total adds the current versions up through the geography. A sum that
// would overflow an int64 (possible only in a log whose protocols break
// the count bound, which checkLines reports) is returned as an error
// naming it; the sum is then left at its last value.
func (c *count) total() error {
	var overflow error
	t := c.e.tree
	c.sums = map[string]map[string]map[string]int64{}
	c.expected = map[string]map[string][2]int64{}
	for i := range c.e.Contests {
		c.sums[c.e.Contests[i].ID] = map[string]map[string]int64{}
		c.expected[c.e.Contests[i].ID] = map[string][2]int64{}
	}
	for k, ver := range c.current {
		for _, a := range t.ancestors(k.area) {
			m := c.sums[k.contest][a]
			if m == nil {
				m = map[string]int64{}
				c.sums[k.contest][a] = m
			}
			for line, n := range ver.lines {
				sum, ok := dauys.AddCounts(m[line], n)
				if !ok {
					if overflow == nil {
						overflow = fmt.Errorf("contest %s, area %s: the sum of line %s overflows", k.contest, a, line)
					}
					continue
				}
				m[line] = sum
			}
			m[dauys.ReportedLine]++
		}
	}
	for _, id := range t.order {
		if !t.isLeaf(id) {
			continue
		}
		anc := t.ancestors(id)
		reg := t.areas[id].Registered
		for i := range c.e.Contests {
			ct := &c.e.Contests[i]
			if !t.inContest(id, ct) {
				continue
			}
			for _, a := range anc {
				x := c.expected[ct.ID][a]
				c.expected[ct.ID][a] = [2]int64{x[0] + 1, x[1] + reg}
			}
		}
	}
	return overflow
}

// lines returns the summed lines of a contest in an area, without the
// pseudo-lines, as the results show them: a precinct's are its protocol's.
func (c *count) lines(ct *dauys.Contest, area string) map[string]int64 {
	out := map[string]int64{}
	if c.e.tree.isLeaf(area) {
		if v := c.current[pkey{ct.ID, area}]; v != nil {
			for k, n := range v.lines {
				out[k] = n
			}
		}
		return out
	}
	for k, n := range c.sums[ct.ID][area] {
		if !strings.HasPrefix(k, "@") {
			out[k] = n
		}
	}
	return out
}

// decidedAt reports whether a contest's outcome is shown in an area's
// results: at the root, and in the contest's own area.
func (c *count) decidedAt(ct *dauys.Contest, area string) bool {
	return area == c.e.tree.root || (len(ct.Areas) == 1 && ct.Areas[0] == area)
}

// outcome decides a contest on the lines of an area; a referendum with
// territorial units also gets each unit's lines.
func (c *count) outcome(ct *dauys.Contest, area string) (*decide.Outcome, error) {
	in := rules.Input(ct, c.lines(ct, area))
	if ct.Kind == dauys.KindReferendum && ct.Units != "" {
		for _, u := range c.e.tree.atLevel(ct.Units) {
			var lines map[string]int64
			if c.e.tree.touches(u, ct) {
				lines = c.lines(ct, u)
			}
			in.Units = append(in.Units, decide.Unit{Name: u, Counts: rules.Counts(ct, lines)})
		}
	}
	return decide.Decide(c.e.rules[ct.ID], in)
}

// published is a results file: what the API answers for
// /api/v1/elections/<id>/results?area=<area>, of which the verifier reads
// the numbers.
type published struct {
	Election string `json:"election"`
	Area     struct {
		ID         string `json:"id"`
		Registered int64  `json:"registered"`
	} `json:"area"`
	Contests []struct {
		Contest  string           `json:"contest"`
		Lines    map[string]int64 `json:"lines"`
		Progress struct {
			Reported           int64 `json:"precincts_reported"`
			Expected           int64 `json:"precincts_expected"`
			RegisteredReported int64 `json:"registered_reported"`
			RegisteredExpected int64 `json:"registered_expected"`
		} `json:"progress"`
		Outcome  json.RawMessage `json:"outcome"`
		Protocol *struct {
			Version    int       `json:"version"`
			Kind       string    `json:"kind"`
			Reason     string    `json:"reason"`
			ReceivedAt time.Time `json:"received_at"`
			Hash       string    `json:"hash"`
			KeyID      string    `json:"key_id"`
			Signature  []byte    `json:"signature"`
		} `json:"protocol"`
	} `json:"contests"`
}

// ResultsPath is where a published site keeps the results of an area, as
// internal/web's publish writes them.
func ResultsPath(election, area string) string {
	return "data/" + tlog.Slug(election) + "/a/" + tlog.Slug(area) + ".json"
}

// compareResults reads the results file of every area and compares it
// with the count, root first, then down the tree.
func (v *verifier) compareResults(ctx context.Context) error {
	c := v.count
	areas := c.e.tree.walk()
	files := make([]*published, len(areas))
	errs := make([]error, len(areas))
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < v.cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(areas) {
					return
				}
				b, err := v.cfg.Source.ReadFile(ctx, ResultsPath(v.report.Election, areas[i]))
				if err != nil {
					errs[i] = err
					continue
				}
				var p published
				if err := json.Unmarshal(b, &p); err != nil {
					errs[i] = err
					continue
				}
				files[i] = &p
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if errors.Is(errs[0], fs.ErrNotExist) {
		v.report.add("results", "%s has no results files (%s): check with --log-only, or verify a folder written by dauys publish",
			v.cfg.Source, ResultsPath(v.report.Election, areas[0]))
		return nil
	}
	for i, area := range areas {
		where := "results of " + c.e.tree.name(area)
		if errs[i] != nil {
			v.report.add(where, "cannot be read: %v", errs[i])
			continue
		}
		v.compareArea(where, area, files[i])
		v.report.Results++
	}
	return nil
}

// compareArea compares one results file with the count.
func (v *verifier) compareArea(where, area string, p *published) {
	r, c := v.report, v.count
	t := c.e.tree
	a := t.areas[area]
	if p.Election != r.Election || p.Area.ID != area {
		r.add(where, "the file is of election %q, area %q", p.Election, p.Area.ID)
		return
	}
	if p.Area.Registered != a.Registered {
		r.add(where, "registered voters: published %d, the log's areas have %d", p.Area.Registered, a.Registered)
	}
	byID := map[string]int{}
	for i, pc := range p.Contests {
		if _, dup := byID[pc.Contest]; dup {
			r.add(where, "contest %s is published twice", pc.Contest)
		}
		byID[pc.Contest] = i
	}
	for i := range c.e.Contests {
		ct := &c.e.Contests[i]
		if !t.touches(area, ct) {
			continue
		}
		j, ok := byID[ct.ID]
		if !ok {
			r.add(where, "contest %s is not published", ct.ID)
			continue
		}
		delete(byID, ct.ID)
		pc := &p.Contests[j]
		cw := where + ", contest " + ct.ID
		want := c.lines(ct, area)
		for _, name := range differingLines(pc.Lines, want) {
			pub, inPub := pc.Lines[name]
			got, inLog := want[name]
			switch {
			case !inPub:
				r.add(cw, "line %s: not published, the log adds up to %d", name, got)
			case !inLog:
				r.add(cw, "line %s: published %d, the log has no such line", name, pub)
			default:
				r.add(cw, "line %s: published %d, the log adds up to %d", name, pub, got)
			}
		}
		v.compareProgress(cw, ct, area, pc.Progress.Reported, pc.Progress.Expected, pc.Progress.RegisteredReported, pc.Progress.RegisteredExpected)
		v.compareOutcome(cw, ct, area, pc.Outcome)
		if t.isLeaf(area) {
			cur := c.current[pkey{ct.ID, area}]
			switch {
			case cur == nil && pc.Protocol != nil:
				r.add(cw, "publishes protocol version %d, which is not in the log", pc.Protocol.Version)
			case cur != nil && pc.Protocol == nil:
				r.add(cw, "publishes no protocol, the log has version %d (entry %d)", cur.rec.Version, cur.index)
			case cur != nil:
				v.compareProtocol(cw, cur, pc.Protocol.Version, pc.Protocol.Hash, pc.Protocol.Kind, pc.Protocol.Reason,
					pc.Protocol.ReceivedAt, pc.Protocol.KeyID, pc.Protocol.Signature)
			}
		}
	}
	for id := range byID {
		r.add(where, "contest %s is published, but the definition does not hold it here", id)
	}
}

func differingLines(a, b map[string]int64) []string {
	var out []string
	for k, n := range a {
		if m, ok := b[k]; !ok || m != n {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (v *verifier) compareProgress(where string, ct *dauys.Contest, area string, reported, expected, regReported, regExpected int64) {
	c := v.count
	var want [4]int64
	if c.e.tree.isLeaf(area) {
		want[1], want[3] = 1, c.e.tree.areas[area].Registered
		if cur := c.current[pkey{ct.ID, area}]; cur != nil {
			want[0], want[2] = 1, cur.lines["registered"]
		}
	} else {
		s := c.sums[ct.ID][area]
		x := c.expected[ct.ID][area]
		want = [4]int64{s[dauys.ReportedLine], x[0], s["registered"], x[1]}
	}
	got := [4]int64{reported, expected, regReported, regExpected}
	names := [4]string{"precincts reported", "precincts expected", "registered voters reported", "registered voters expected"}
	for i := range got {
		if got[i] != want[i] {
			v.report.add(where, "%s: published %d, the log gives %d", names[i], got[i], want[i])
		}
	}
}

func (v *verifier) compareOutcome(where string, ct *dauys.Contest, area string, pub json.RawMessage) {
	r := v.report
	decided := v.count.decidedAt(ct, area)
	hasPub := len(pub) > 0 && !bytes.Equal(pub, []byte("null"))
	switch {
	case !decided && hasPub:
		r.add(where, "publishes an outcome where the contest is not decided")
		return
	case !decided:
		return
	case !hasPub:
		r.add(where, "publishes no outcome")
		return
	}
	out, err := v.count.outcome(ct, area)
	if err != nil {
		r.add(where, "the rules engine cannot decide the logged votes: %v", err)
		return
	}
	want, err := json.Marshal(out)
	if err != nil {
		r.add(where, "%v", err)
		return
	}
	r.Outcomes++
	var a, b any
	if err := decodeNumbers(pub, &a); err != nil {
		r.add(where, "the published outcome does not read: %v", err)
		return
	}
	if err := decodeNumbers(want, &b); err != nil {
		r.add(where, "%v", err)
		return
	}
	if path, pa, pb, ok := firstDifference("outcome", a, b); !ok {
		r.add(where, "%s: published %s, the rules engine decides %s", path, brief(pa), brief(pb))
	}
}

func decodeNumbers(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// firstDifference walks two decoded JSON values and returns the path of
// the first place they differ.
func firstDifference(path string, a, b any) (string, any, any, bool) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return path, a, b, false
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			seen := map[string]bool{}
			for k := range x {
				seen[k] = true
				if !yield(k) {
					return
				}
			}
			for k := range y {
				if !seen[k] && !yield(k) {
					return
				}
			}
		})
		for _, k := range keys {
			if p, pa, pb, ok := firstDifference(path+"."+k, x[k], y[k]); !ok {
				return p, pa, pb, false
			}
		}
		return path, a, b, true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return path, a, b, false
		}
		for i := range x {
			if p, pa, pb, ok := firstDifference(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); !ok {
				return p, pa, pb, false
			}
		}
		return path, a, b, true
	}
	return path, a, b, reflect.DeepEqual(a, b)
}

// brief writes a JSON value for a message, shortened.
func brief(v any) string {
	if v == nil {
		return "nothing"
	}
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

func (v *verifier) compareProtocol(where string, cur *version, ver int, hash, kind, reason string, at time.Time, keyID string, sig []byte) {
	r, rec := v.report, cur.rec
	sum := sha256.Sum256(rec.Content)
	switch {
	case ver != rec.Version:
		r.add(where, "publishes protocol version %d, the log's latest is %d (entry %d)", ver, rec.Version, cur.index)
	case hash != hex.EncodeToString(sum[:]):
		r.add(where, "publishes protocol hash %s, the logged version (entry %d) hashes to %s", hash, cur.index, hex.EncodeToString(sum[:]))
	case kind != rec.ProtocolKind || reason != rec.Reason:
		r.add(where, "publishes the version as %s %q, the log as %s %q", kind, reason, rec.ProtocolKind, rec.Reason)
	case !at.Equal(rec.ReceivedAt):
		r.add(where, "publishes the version as received at %s, the log at %s", at.Format(time.RFC3339Nano), rec.ReceivedAt.Format(time.RFC3339Nano))
	case keyID != rec.KeyID || !bytes.Equal(sig, rec.Signature):
		r.add(where, "publishes another signature than the log's (entry %d)", cur.index)
	}
}
