package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dauys/dauys"
)

// want is the expected answer to one item of a batch: an outcome and a
// version, or an error code.
type want struct {
	outcome string
	version int
	code    string
}

func accepted(v int) want  { return want{outcome: dauys.OutcomeAccepted, version: v} }
func amended(v int) want   { return want{outcome: dauys.OutcomeAmended, version: v} }
func duplicate(v int) want { return want{outcome: dauys.OutcomeDuplicate, version: v} }
func refused(code string) want {
	return want{code: code}
}

// checkResults compares the answers to a batch with the expected ones.
func checkResults(t *testing.T, ps []*dauys.Protocol, rs []dauys.SaveResult, ws []want) {
	t.Helper()
	for i, w := range ws {
		r, p := rs[i], ps[i]
		what := fmt.Sprintf("item %d (%s/%s)", i, p.Contest, p.Area)
		checkCode(t, what, r.Err, w.code)
		if w.code != "" {
			if r.Outcome != "" || r.Protocol != nil {
				t.Errorf("%s: refused with outcome %q and protocol %+v", what, r.Outcome, r.Protocol)
			}
			continue
		}
		if r.Outcome != w.outcome {
			t.Errorf("%s: outcome %q, want %q", what, r.Outcome, w.outcome)
		}
		if r.Protocol == nil {
			t.Errorf("%s: no protocol in the result", what)
			continue
		}
		if r.Protocol.Version != w.version || r.Protocol.Hash != p.Hash {
			t.Errorf("%s: result version %d hash %.8s, want version %d hash %.8s",
				what, r.Protocol.Version, r.Protocol.Hash, w.version, p.Hash)
		}
	}
}

func testSaveProtocols(t *testing.T, fresh func(*testing.T) dauys.Store) {
	// Each case sends batches in order and names the versions that must be
	// current at the end; the totals of every area must be those the
	// current versions make, and nothing else.
	type batch struct {
		ps   []*dauys.Protocol
		want []want
	}
	type testCase struct {
		batches []batch
		current []*dauys.Protocol
	}
	cases := []struct {
		name  string
		build func(f *fixture) testCase
	}{
		{"accepted as version 1", func(f *fixture) testCase {
			p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
			return testCase{
				batches: []batch{{[]*dauys.Protocol{p1}, []want{accepted(1)}}},
				current: []*dauys.Protocol{stored(p1, 1)},
			}
		}},
		{"identical resubmission is a duplicate", func(f *fixture) testCase {
			p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{p1}, []want{accepted(1)}},
					{[]*dauys.Protocol{f.resend(p1)}, []want{duplicate(1)}},
					{[]*dauys.Protocol{f.resend(p1)}, []want{duplicate(1)}},
				},
				current: []*dauys.Protocol{stored(p1, 1)},
			}
		}},
		{"different content is a conflict and the rest of the batch is stored", func(f *fixture) testCase {
			p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
			p2 := f.original(contestRef, "p2", ref(1500, 900, 600, 280))
			p3 := f.original(contestRef, "p3", ref(900, 500, 100, 390))
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{p1}, []want{accepted(1)}},
					{
						[]*dauys.Protocol{p2, f.original(contestRef, "p1", ref(1200, 800, 501, 299)), p3},
						[]want{accepted(1), refused(dauys.ECONFLICT), accepted(1)},
					},
				},
				current: []*dauys.Protocol{stored(p1, 1), stored(p2, 1), stored(p3, 1)},
			}
		}},
		{"amendment with a reason is version 2", func(f *fixture) testCase {
			p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
			a1 := f.amendment(contestRef, "p1", "recount by the territorial commission", ref(1200, 800, 510, 290))
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{p1}, []want{accepted(1)}},
					{[]*dauys.Protocol{a1}, []want{amended(2)}},
					{[]*dauys.Protocol{f.resend(a1)}, []want{duplicate(2)}},
				},
				current: []*dauys.Protocol{stored(a1, 2)},
			}
		}},
		{"amendments follow each other", func(f *fixture) testCase {
			p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
			a1 := f.amendment(contestRef, "p1", "typo in line yes", ref(1200, 800, 510, 290))
			a2 := f.amendment(contestRef, "p1", "recount", ref(1200, 801, 511, 290))
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{p1}, []want{accepted(1)}},
					{[]*dauys.Protocol{a1}, []want{amended(2)}},
					{[]*dauys.Protocol{a2}, []want{amended(3)}},
					// The original again is neither current nor an amendment.
					{[]*dauys.Protocol{f.resend(p1)}, []want{refused(dauys.ECONFLICT)}},
				},
				current: []*dauys.Protocol{stored(a2, 3)},
			}
		}},
		{"amendment without a reason is invalid", func(f *fixture) testCase {
			p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{p1}, []want{accepted(1)}},
					{[]*dauys.Protocol{f.amendment(contestRef, "p1", "", ref(1200, 800, 510, 290))}, []want{refused(dauys.EINVALID)}},
				},
				current: []*dauys.Protocol{stored(p1, 1)},
			}
		}},
		{"amendment of nothing is a conflict", func(f *fixture) testCase {
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{f.amendment(contestRef, "p1", "fix", ref(1200, 800, 510, 290))}, []want{refused(dauys.ECONFLICT)}},
				},
			}
		}},
		{"the same precinct twice in a batch: a duplicate", func(f *fixture) testCase {
			p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{p1, f.resend(p1)}, []want{accepted(1), duplicate(1)}},
				},
				current: []*dauys.Protocol{stored(p1, 1)},
			}
		}},
		{"the same precinct twice in a batch: an amendment", func(f *fixture) testCase {
			p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
			a1 := f.amendment(contestRef, "p1", "typo", ref(1200, 800, 510, 290))
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{p1, a1, f.resend(a1)}, []want{accepted(1), amended(2), duplicate(2)}},
				},
				current: []*dauys.Protocol{stored(a1, 2)},
			}
		}},
		{"the same precinct twice in a batch: a conflict", func(f *fixture) testCase {
			p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{p1, f.original(contestRef, "p1", ref(1200, 800, 501, 299))}, []want{accepted(1), refused(dauys.ECONFLICT)}},
				},
				current: []*dauys.Protocol{stored(p1, 1)},
			}
		}},
		{"amendments of a stored version inside one batch", func(f *fixture) testCase {
			p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
			a1 := f.amendment(contestRef, "p1", "typo", ref(1200, 800, 510, 290))
			a2 := f.amendment(contestRef, "p1", "recount", ref(1200, 800, 520, 280))
			again := f.resend(a1)
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{p1}, []want{accepted(1)}},
					{[]*dauys.Protocol{a1, f.resend(p1), a2, again}, []want{amended(2), refused(dauys.ECONFLICT), amended(3), amended(4)}},
				},
				// Sending an earlier amendment again is a new amendment: it
				// differs from the current version and has a reason.
				current: []*dauys.Protocol{stored(again, 4)},
			}
		}},
		{"contests are kept apart", func(f *fixture) testCase {
			r1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
			m1 := f.original(contestMay, "p1", mayor(1200, 790, 400, 390))
			m3 := f.original(contestMay, "p3", mayor(900, 500, 250, 250))
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{r1, m1, m3}, []want{accepted(1), accepted(1), accepted(1)}},
				},
				current: []*dauys.Protocol{stored(r1, 1), stored(m1, 1), stored(m3, 1)},
			}
		}},
		{"a line dropped by an amendment leaves the totals", func(f *fixture) testCase {
			p1 := f.original(contestRef, "p1", map[string]int64{"registered": 1200, "took_part": 800, "yes": 500, "no": 300, "spoilt": 7})
			a1 := f.amendment(contestRef, "p1", "no such line on the form", ref(1200, 800, 500, 300))
			return testCase{
				batches: []batch{
					{[]*dauys.Protocol{p1}, []want{accepted(1)}},
					{[]*dauys.Protocol{a1}, []want{amended(2)}},
				},
				current: []*dauys.Protocol{stored(a1, 2)},
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := fresh(t)
			f := newFixture(t, s)
			tc := c.build(f)
			for _, b := range tc.batches {
				rs := mustSave(t, s, b.ps...)
				checkResults(t, b.ps, rs, b.want)
			}
			for _, p := range tc.current {
				got, err := s.Protocol(t.Context(), p.Election, p.Contest, p.Area)
				if err != nil {
					t.Fatalf("protocol %s: %v", describe(p), err)
				}
				checkProtocol(t, "current version", got, p)
			}
			for _, c := range f.e.Contests {
				for _, a := range f.e.Areas {
					if a.Level != dauys.LevelPrecinct || hasCurrent(tc.current, c.ID, a.ID) {
						continue
					}
					_, err := s.Protocol(t.Context(), f.e.ID, c.ID, a.ID)
					checkCode(t, "protocol of "+c.ID+"/"+a.ID, err, dauys.ENOTFOUND)
				}
			}
			checkTotals(t, s, f.e, withPaths(f, tc.current))
		})
	}
}

func hasCurrent(ps []*dauys.Protocol, contest, area string) bool {
	for _, p := range ps {
		if p.Contest == contest && p.Area == area {
			return true
		}
	}
	return false
}

// withPaths returns copies of the protocols with their Path, for
// expectedTotals.
func withPaths(f *fixture, ps []*dauys.Protocol) []*dauys.Protocol {
	out := make([]*dauys.Protocol, len(ps))
	for i, p := range ps {
		q := *p
		q.Path = f.paths[p.Area]
		out[i] = &q
	}
	return out
}

func testSaveProtocolsRefusesUnknown(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	f := newFixture(t, s)
	good := f.original(contestRef, "p2", ref(1500, 900, 600, 280))
	wrongHash := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
	wrongHash.Hash = good.Hash
	unknownKind := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
	unknownKind.Kind = "correction"
	cases := []struct {
		name string
		p    *dauys.Protocol
		code string
	}{
		{"unknown election", func() *dauys.Protocol {
			p := f.original(contestRef, "p1", ref(1, 1, 1, 0))
			p.Election = "nope"
			p.Hash = p.ContentHash()
			return p
		}(), dauys.ENOTFOUND},
		{"unknown contest", f.original("president", "p1", ref(1, 1, 1, 0)), dauys.ENOTFOUND},
		{"unknown area", f.original(contestRef, "p99", ref(1, 1, 1, 0)), dauys.ENOTFOUND},
		{"no area", f.original(contestRef, "", ref(1, 1, 1, 0)), dauys.EINVALID},
		{"hash of other content", wrongHash, dauys.EINVALID},
		{"unknown kind", unknownKind, dauys.EINVALID},
		{"nil", nil, dauys.EINVALID},
	}
	ps := []*dauys.Protocol{good}
	for _, tc := range cases {
		ps = append(ps, tc.p)
	}
	rs := mustSave(t, s, ps...)
	if rs[0].Err != nil || rs[0].Outcome != dauys.OutcomeAccepted {
		t.Errorf("the valid protocol of the batch: outcome %q, error %v", rs[0].Outcome, rs[0].Err)
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkCode(t, "save", rs[i+1].Err, tc.code)
		})
	}
	checkTotals(t, s, f.e, []*dauys.Protocol{good})

	t.Run("defaults", func(t *testing.T) {
		p := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
		p.Kind, p.Hash = "", ""
		rs := mustAccept(t, s, p)
		got, err := s.Protocol(t.Context(), f.e.ID, contestRef, "p1")
		if err != nil {
			t.Fatal(err)
		}
		want := stored(p, 1)
		want.Kind, want.Hash = dauys.ProtocolOriginal, p.ContentHash()
		checkProtocol(t, "stored", got, want)
		checkProtocol(t, "result", stored(rs[0].Protocol, 1), want)
		if p.Version != 0 || p.Kind != "" || p.Hash != "" {
			t.Errorf("the caller's protocol was changed: %+v", p)
		}
	})
}

func testProtocolVersions(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	f := newFixture(t, s)
	p1 := f.original(contestRef, "p1", ref(1200, 1180, 900, 270))
	p1.Warnings = []dauys.Finding{{
		Code: "W1", Severity: dauys.SeverityWarning, Lines: []string{"took_part", "registered"},
		Message: dauys.Text{KK: "Қатысу өте жоғары", RU: "Очень высокая явка", EN: "Turnout is very high"},
		Detail:  "took_part = 1180, 95.00% of registered = 1200",
	}}
	p1.Acknowledged = true
	p1.Submitter, p1.Source = "Айгүл Серікқызы", "scan:IMG_0042.jpg"
	a1 := f.amendment(contestRef, "p1", "the commission recounted the ballots", ref(1200, 1180, 905, 265))
	a2 := f.amendment(contestRef, "p1", "court ruling 2-17/2026", ref(1200, 1179, 905, 264))
	a2.ReceivedAt = a2.ReceivedAt.UTC()
	mustAccept(t, s, p1)
	mustAccept(t, s, a1)
	mustSave(t, s, f.resend(p1), f.resend(a1)) // a conflict and a duplicate change no history
	mustAccept(t, s, a2)
	wants := []*dauys.Protocol{stored(p1, 1), stored(a1, 2), stored(a2, 3)}

	t.Run("every version, oldest first", func(t *testing.T) {
		got, err := s.ProtocolVersions(t.Context(), f.e.ID, contestRef, "p1")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(wants) {
			t.Fatalf("%d versions, want %d", len(got), len(wants))
		}
		for i := range wants {
			checkProtocol(t, "version", got[i], wants[i])
		}
	})
	t.Run("current", func(t *testing.T) {
		got, err := s.Protocol(t.Context(), f.e.ID, contestRef, "p1")
		if err != nil {
			t.Fatal(err)
		}
		checkProtocol(t, "current", got, wants[2])
	})
	t.Run("missing", func(t *testing.T) {
		for _, tc := range []struct{ name, election, contest, area string }{
			{"other precinct", f.e.ID, contestRef, "p2"},
			{"other contest", f.e.ID, contestMay, "p1"},
			{"other election", "nope", contestRef, "p1"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p, err := s.Protocol(t.Context(), tc.election, tc.contest, tc.area)
				checkCode(t, "protocol", err, dauys.ENOTFOUND)
				vs, err2 := s.ProtocolVersions(t.Context(), tc.election, tc.contest, tc.area)
				checkCode(t, "versions", err2, dauys.ENOTFOUND)
				if p != nil || vs != nil {
					t.Errorf("results with the error: %+v, %+v", p, vs)
				}
			})
		}
	})
}

func testTotals(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	f := newFixture(t, s)
	p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
	p2 := f.original(contestRef, "p2", ref(1500, 900, 600, 280))
	p3 := f.original(contestRef, "p3", ref(900, 500, 100, 390))
	m2 := f.original(contestMay, "p2", mayor(1500, 880, 700, 150))
	mustAccept(t, s, p1, m2)
	mustAccept(t, s, p2, p3)
	a1 := f.amendment(contestRef, "p1", "recount", ref(1200, 802, 520, 282))
	a1b := f.amendment(contestRef, "p1", "second recount", ref(1200, 802, 521, 281))
	mustAccept(t, s, a1, a1b)

	all := []string{"kz", "r1", "r2", "r3", "d1", "d2", "p1", "p2", "p3", "elsewhere"}
	for _, tc := range []struct {
		name    string
		contest string
		areas   []string
		want    map[string]map[string]int64
	}{
		{
			name:    "referendum over the tree",
			contest: contestRef,
			areas:   all,
			want: map[string]map[string]int64{
				"kz": {"registered": 3600, "took_part": 2202, "yes": 1221, "no": 951, dauys.ReportedLine: 3},
				"r1": {"registered": 2700, "took_part": 1702, "yes": 1121, "no": 561, dauys.ReportedLine: 2},
				"d1": {"registered": 2700, "took_part": 1702, "yes": 1121, "no": 561, dauys.ReportedLine: 2},
				"r2": {"registered": 900, "took_part": 500, "yes": 100, "no": 390, dauys.ReportedLine: 1},
				"d2": {"registered": 900, "took_part": 500, "yes": 100, "no": 390, dauys.ReportedLine: 1},
			},
		},
		{
			name:    "another contest",
			contest: contestMay,
			areas:   all,
			want: map[string]map[string]int64{
				"kz": {"registered": 1500, "took_part": 880, "option:a": 700, "option:b": 150, dauys.ReportedLine: 1},
				"r1": {"registered": 1500, "took_part": 880, "option:a": 700, "option:b": 150, dauys.ReportedLine: 1},
				"d1": {"registered": 1500, "took_part": 880, "option:a": 700, "option:b": 150, dauys.ReportedLine: 1},
			},
		},
		{
			name:    "only the areas asked for",
			contest: contestRef,
			areas:   []string{"r2"},
			want: map[string]map[string]int64{
				"r2": {"registered": 900, "took_part": 500, "yes": 100, "no": 390, dauys.ReportedLine: 1},
			},
		},
		{
			name:    "no areas",
			contest: contestRef,
			want:    map[string]map[string]int64{},
		},
		{
			name:    "unknown contest",
			contest: "president",
			areas:   all,
			want:    map[string]map[string]int64{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Totals(t.Context(), f.e.ID, tc.contest, tc.areas)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Errorf("totals for %d areas, want %d: %v", len(got), len(tc.want), got)
			}
			for a, w := range tc.want {
				if g := withoutZeros(got[a]); !mapsEqual(g, w) {
					t.Errorf("totals of %s:\n got %v\nwant %v", a, g, w)
				}
			}
		})
	}
	t.Run("missing election", func(t *testing.T) {
		_, err := s.Totals(t.Context(), "nope", contestRef, all)
		checkCode(t, "totals", err, dauys.ENOTFOUND)
	})
	checkTotals(t, s, f.e, []*dauys.Protocol{a1b, p2, p3, m2})
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func testEachProtocol(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	f := newFixture(t, s)
	p3 := f.original(contestRef, "p3", ref(900, 500, 100, 390))
	p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
	m2 := f.original(contestMay, "p2", mayor(1500, 880, 700, 150))
	p2 := f.original(contestRef, "p2", ref(1500, 900, 600, 280))
	mustAccept(t, s, p3, p1)
	mustAccept(t, s, m2, p2)
	a1 := f.amendment(contestRef, "p1", "recount", ref(1200, 802, 520, 282))
	mustAccept(t, s, a1)
	// An entry without a protocol is not a protocol.
	if err := s.SaveEntry(t.Context(), &dauys.Entry{Election: f.e.ID, Contest: contestMay, Area: "p3", Slot: 1,
		Operator: "op", Lines: mayor(900, 500, 250, 250), ReceivedAt: at(100)}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name    string
		contest string
		want    []*dauys.Protocol
	}{
		{"one contest", contestRef, []*dauys.Protocol{stored(a1, 2), stored(p2, 1), stored(p3, 1)}},
		{"other contest", contestMay, []*dauys.Protocol{stored(m2, 1)}},
		{"all contests", "", []*dauys.Protocol{stored(a1, 2), stored(m2, 1), stored(p2, 1), stored(p3, 1)}},
		{"unknown contest", "president", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []*dauys.Protocol
			err := s.EachProtocol(t.Context(), f.e.ID, tc.contest, func(p *dauys.Protocol) error {
				got = append(got, p)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d protocols, want %d", len(got), len(tc.want))
			}
			for i := range got {
				checkProtocol(t, "protocol", got[i], tc.want[i])
			}
		})
	}
	t.Run("stops at an error", func(t *testing.T) {
		calls := 0
		err := s.EachProtocol(t.Context(), f.e.ID, "", func(p *dauys.Protocol) error {
			calls++
			return errStop
		})
		if !errors.Is(err, errStop) {
			t.Errorf("error %v, want %v", err, errStop)
		}
		if calls != 1 {
			t.Errorf("%d calls after the error", calls)
		}
	})
	t.Run("missing election", func(t *testing.T) {
		err := s.EachProtocol(t.Context(), "nope", "", func(*dauys.Protocol) error { return nil })
		checkCode(t, "each protocol", err, dauys.ENOTFOUND)
	})
}

func testHeads(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	f := newFixture(t, s)
	ctx := t.Context()
	p1 := f.original(contestRef, "p1", ref(1200, 800, 500, 300))
	a1 := f.amendment(contestRef, "p1", "recount", ref(1200, 802, 520, 282))
	a2 := f.amendment(contestRef, "p1", "court ruling", ref(1200, 802, 521, 281))
	m2 := f.original(contestMay, "p2", mayor(1500, 880, 700, 150))
	entry := func(contest, area string, slot int, lines map[string]int64, i int) *dauys.Entry {
		return &dauys.Entry{Election: f.e.ID, Contest: contest, Area: area, Slot: slot, Operator: "op", Lines: lines, ReceivedAt: at(i)}
	}
	refusal := func(code, contest, area string, i int) *dauys.Refusal {
		return &dauys.Refusal{Election: f.e.ID, Contest: contest, Area: area, Code: code, Reason: "refused", ReceivedAt: at(i)}
	}
	head := func(contest, area, status string, version int, updated time.Time) dauys.Head {
		return dauys.Head{Contest: contest, Area: area, Status: status, Version: version, UpdatedAt: updated}
	}

	// The steps run in order; each names the heads after it.
	for _, step := range []struct {
		name string
		do   func() error
		want []dauys.Head
	}{
		{"none", func() error { return nil }, nil},
		{
			"entered",
			func() error { return s.SaveEntry(ctx, entry(contestMay, "p2", 1, m2.Lines, 200)) },
			[]dauys.Head{head(contestMay, "p2", dauys.ProtocolEntered, 0, at(200))},
		},
		{
			"accepted",
			func() error { _, err := s.SaveProtocols(ctx, []*dauys.Protocol{p1}); return err },
			[]dauys.Head{
				head(contestMay, "p2", dauys.ProtocolEntered, 0, at(200)),
				head(contestRef, "p1", dauys.ProtocolAccepted, 1, p1.ReceivedAt),
			},
		},
		{
			"a refusal that is no conflict changes nothing",
			func() error { return s.RecordRefusal(ctx, refusal(dauys.EINVALID, contestRef, "p1", 201)) },
			[]dauys.Head{
				head(contestMay, "p2", dauys.ProtocolEntered, 0, at(200)),
				head(contestRef, "p1", dauys.ProtocolAccepted, 1, p1.ReceivedAt),
			},
		},
		{
			"disputed",
			func() error { return s.RecordRefusal(ctx, refusal(dauys.ECONFLICT, contestRef, "p1", 202)) },
			[]dauys.Head{
				head(contestMay, "p2", dauys.ProtocolEntered, 0, at(200)),
				head(contestRef, "p1", dauys.ProtocolDisputed, 1, at(202)),
			},
		},
		{
			"a duplicate does not end a dispute",
			func() error { _, err := s.SaveProtocols(ctx, []*dauys.Protocol{f.resend(p1)}); return err },
			[]dauys.Head{
				head(contestMay, "p2", dauys.ProtocolEntered, 0, at(200)),
				head(contestRef, "p1", dauys.ProtocolDisputed, 1, at(202)),
			},
		},
		{
			"amended after the dispute",
			func() error { _, err := s.SaveProtocols(ctx, []*dauys.Protocol{a1}); return err },
			[]dauys.Head{
				head(contestMay, "p2", dauys.ProtocolEntered, 0, at(200)),
				head(contestRef, "p1", dauys.ProtocolAmended, 2, a1.ReceivedAt),
			},
		},
		{
			"an entry does not hide a protocol",
			func() error { return s.SaveEntry(ctx, entry(contestRef, "p1", 1, a1.Lines, 203)) },
			[]dauys.Head{
				head(contestMay, "p2", dauys.ProtocolEntered, 0, at(200)),
				head(contestRef, "p1", dauys.ProtocolAmended, 2, a1.ReceivedAt),
			},
		},
		{
			"disputed again, then amended",
			func() error {
				if err := s.RecordRefusal(ctx, refusal(dauys.ECONFLICT, contestRef, "p1", 204)); err != nil {
					return err
				}
				_, err := s.SaveProtocols(ctx, []*dauys.Protocol{a2})
				return err
			},
			[]dauys.Head{
				head(contestMay, "p2", dauys.ProtocolEntered, 0, at(200)),
				head(contestRef, "p1", dauys.ProtocolAmended, 3, a2.ReceivedAt),
			},
		},
		{
			"the entered precinct is accepted",
			func() error { _, err := s.SaveProtocols(ctx, []*dauys.Protocol{m2}); return err },
			[]dauys.Head{
				head(contestMay, "p2", dauys.ProtocolAccepted, 1, m2.ReceivedAt),
				head(contestRef, "p1", dauys.ProtocolAmended, 3, a2.ReceivedAt),
			},
		},
		{
			"a conflict over a precinct with no status leaves none",
			func() error { return s.RecordRefusal(ctx, refusal(dauys.ECONFLICT, contestRef, "p3", 205)) },
			[]dauys.Head{
				head(contestMay, "p2", dauys.ProtocolAccepted, 1, m2.ReceivedAt),
				head(contestRef, "p1", dauys.ProtocolAmended, 3, a2.ReceivedAt),
			},
		},
		{
			"a disputed entry",
			func() error {
				if err := s.SaveEntry(ctx, entry(contestRef, "p3", 1, ref(900, 500, 100, 390), 206)); err != nil {
					return err
				}
				return s.RecordRefusal(ctx, refusal(dauys.ECONFLICT, contestRef, "p3", 207))
			},
			[]dauys.Head{
				head(contestMay, "p2", dauys.ProtocolAccepted, 1, m2.ReceivedAt),
				head(contestRef, "p1", dauys.ProtocolAmended, 3, a2.ReceivedAt),
				head(contestRef, "p3", dauys.ProtocolDisputed, 0, at(207)),
			},
		},
	} {
		t.Run(step.name, func(t *testing.T) {
			if err := step.do(); err != nil {
				t.Fatal(err)
			}
			got := mustHeads(t, s, f.e.ID)
			if len(got) != len(step.want) {
				t.Fatalf("heads %+v, want %+v", got, step.want)
			}
			for i, w := range step.want {
				g := got[i]
				if g.Contest != w.Contest || g.Area != w.Area || g.Status != w.Status || g.Version != w.Version || !g.UpdatedAt.Equal(w.UpdatedAt) {
					t.Errorf("head %d: %+v, want %+v", i, g, w)
				}
			}
		})
	}
	t.Run("missing election", func(t *testing.T) {
		_, err := s.Heads(ctx, "nope")
		checkCode(t, "heads", err, dauys.ENOTFOUND)
	})
}
