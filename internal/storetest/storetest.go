// Package storetest is the conformance suite of dauys.Store. Every backend
// runs Run against fresh stores, so that SQLite and PostgreSQL keep one
// contract: the one documented on the interface in store.go. A store that
// also implements dauys.TokenStore is held to its contract too (auth.go).
//
// The package also holds the benchmarks both backends share
// (BenchSaveProtocols, BenchTotals), so that their figures measure the same
// work.
//
// It imports only the domain and tests through its interfaces, never a store
// package or driver, so that it cannot favour one backend.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/dauys/dauys"
)

// Run runs the conformance suite. open returns a new, empty store for the
// test it is given; Run closes the store when that test ends.
func Run(t *testing.T, open func(t *testing.T) dauys.Store) {
	fresh := func(t *testing.T) dauys.Store {
		t.Helper()
		s := open(t)
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("close store: %v", err)
			}
		})
		return s
	}
	for _, test := range []struct {
		name string
		run  func(t *testing.T, fresh func(*testing.T) dauys.Store)
	}{
		{"CreateElection", testCreateElection},
		{"Elections", testElections},
		{"SetElectionStatus", testSetElectionStatus},
		{"AddAreas", testAddAreas},
		{"SaveProtocols", testSaveProtocols},
		{"SaveProtocolsRefusesUnknown", testSaveProtocolsRefusesUnknown},
		{"SaveProtocolsRefusesOverflow", testSaveProtocolsRefusesOverflow},
		{"ProtocolVersions", testProtocolVersions},
		{"Totals", testTotals},
		{"EachProtocol", testEachProtocol},
		{"Heads", testHeads},
		{"Entries", testEntries},
		{"Refusals", testRefusals},
		{"Concurrency", testConcurrency},
		{"OrderDoesNotMatter", testOrderDoesNotMatter},
		{"Turnout", testTurnout},
		{"TurnoutModel", testTurnoutModel},
		{"ElectionStatus", testElectionStatus},
		{"Tokens", testTokens},
		{"Keys", testKeys},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"LoginThrottle", testLoginThrottle},
		{"Audit", testAudit},
		{"SeatAssignments", testSeatAssignments},
		{"Observations", testObservations},
		{"Complaints", testComplaints},
	} {
		t.Run(test.name, func(t *testing.T) { test.run(t, fresh) })
	}
}

// The fixture election "kz-2026" is counted over a small tree:
//
//	kz (country)
//	├── r1 (region) ── d1 (district) ── p1, p2 (precincts)
//	├── r2 (region) ── d2 (district) ── p3
//	└── r3 (region), where nothing reports
//
// with a referendum "ref" (lines registered, took_part, yes, no) and a
// plurality contest "mayor" (registered, took_part, option:a, option:b).
const (
	fixtureID  = "kz-2026"
	contestRef = "ref"
	contestMay = "mayor"
)

// fixtureAreas returns the areas of the fixture, parents first.
func fixtureAreas() []dauys.Area {
	return []dauys.Area{
		{ID: "kz", Level: dauys.LevelCountry, Name: dauys.Text{KK: "Қазақстан", RU: "Казахстан", EN: "Kazakhstan"}, ISO: "KZ"},
		{ID: "r1", Parent: "kz", Level: dauys.LevelRegion, Name: dauys.T("Region 1"), ISO: "KZ-10", Tile: []int{1, 2}},
		{ID: "r2", Parent: "kz", Level: dauys.LevelRegion, Name: dauys.T("Region 2"), Tile: []int{3, 0}},
		{ID: "r3", Parent: "kz", Level: dauys.LevelRegion, Name: dauys.T("Region 3")},
		{ID: "d1", Parent: "r1", Level: dauys.LevelDistrict, Name: dauys.T("District 1")},
		{ID: "d2", Parent: "r2", Level: dauys.LevelDistrict, Name: dauys.T("District 2")},
		{ID: "p2", Parent: "d1", Level: dauys.LevelPrecinct, Name: dauys.T("Precinct 2"), Number: "002", Registered: 1500},
		{ID: "p1", Parent: "d1", Level: dauys.LevelPrecinct, Name: dauys.T("Precinct 1"), Number: "001", Registered: 1200},
		{ID: "p3", Parent: "d2", Level: dauys.LevelPrecinct, Name: dauys.T("Precinct 3"), Number: "003", Registered: 900},
	}
}

// newElection returns a definition over areas with the fixture's contests
// and forms.
func newElection(id, date string, areas []dauys.Area) *dauys.Election {
	return &dauys.Election{
		ID:       id,
		Name:     dauys.Text{KK: "Сайлау " + id, RU: "Выборы " + id, EN: "Election " + id},
		Date:     date,
		Timezone: "Asia/Almaty",
		Status:   dauys.StatusPreElection,
		Areas:    areas,
		Contests: []dauys.Contest{
			{ID: contestRef, Name: dauys.T("Referendum"), Kind: dauys.KindReferendum, Units: dauys.LevelRegion,
				Rules: dauys.Rules{Preset: "kz-referendum"}, Form: "ref-form"},
			{ID: contestMay, Name: dauys.T("Mayor"), Kind: dauys.KindPlurality, Form: "mayor-form",
				Rules:   dauys.Rules{Method: "plurality", Seats: 1, Threshold: "50.5", Tie: "lot", Seed: "x"},
				Options: []dauys.Option{{ID: "a", Name: dauys.T("A"), Color: "#123456"}, {ID: "b", Name: dauys.T("B"), Party: "p"}}},
		},
		Forms: []dauys.Form{
			{ID: "ref-form", Lines: []dauys.Line{{Name: "registered", Kind: dauys.LineVoters}, {Name: "took_part"},
				{Name: "yes", Kind: dauys.LineVotes}, {Name: "no", Kind: dauys.LineVotes}},
				Relations: []dauys.Relation{{Code: "R1", Expr: "took_part <= registered"}},
				Checks:    []dauys.Relation{{Code: "W1", Expr: "took_part > 95% registered"}}},
			{ID: "mayor-form", Lines: []dauys.Line{{Name: "registered"}, {Name: "took_part"}}, OptionLines: true},
		},
		Import:      dauys.CSVImport{AreaColumn: "precinct", ContestColumn: "contest"},
		DoubleEntry: true,
		Source:      "synthetic test data",
		Definition:  []byte("id: " + id + "\n# the original file, byte for byte\x00\xff"),
		CreatedAt:   time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC),
	}
}

// almaty is a zone other than UTC, so that the suite checks that times are
// stored as instants.
var almaty = time.FixedZone("ALMT", 5*60*60)

// at returns the i-th instant of polling night, with nanoseconds, so that
// the suite checks that times round-trip exactly.
func at(i int) time.Time {
	return time.Date(2026, 3, 15, 20, 0, 0, 123456789, almaty).Add(time.Duration(i) * time.Second)
}

// paths returns each area's ancestors, nearest first.
func paths(areas []dauys.Area) map[string][]string {
	parent := make(map[string]string, len(areas))
	for _, a := range areas {
		parent[a.ID] = a.Parent
	}
	out := make(map[string][]string, len(areas))
	for _, a := range areas {
		var path []string
		for p := a.Parent; p != ""; p = parent[p] {
			path = append(path, p)
		}
		out[a.ID] = path
	}
	return out
}

// fixture is an election in a store with helpers to build its protocols.
type fixture struct {
	s     dauys.Store
	e     *dauys.Election
	paths map[string][]string
	clock int // the next at(clock)
}

// newFixture creates the fixture election in s.
func newFixture(t *testing.T, s dauys.Store) *fixture {
	t.Helper()
	return newFixtureWith(t, s, newElection(fixtureID, "2026-03-15", fixtureAreas()))
}

func newFixtureWith(t failer, s dauys.Store, e *dauys.Election) *fixture {
	t.Helper()
	mustCreateElection(t, s, e)
	return &fixture{s: s, e: e, paths: paths(e.Areas)}
}

// original returns an original protocol of the area, hashed, with a Path
// and a fresh ReceivedAt.
func (f *fixture) original(contest, area string, lines map[string]int64) *dauys.Protocol {
	f.clock++
	p := &dauys.Protocol{
		Election:   f.e.ID,
		Contest:    contest,
		Area:       area,
		Lines:      lines,
		Kind:       dauys.ProtocolOriginal,
		Submitter:  "operator-" + area,
		Source:     "api",
		ReceivedAt: at(f.clock),
		Path:       f.paths[area],
	}
	p.Hash = p.ContentHash()
	return p
}

// amendment returns an amendment of the area with the reason.
func (f *fixture) amendment(contest, area, reason string, lines map[string]int64) *dauys.Protocol {
	p := f.original(contest, area, lines)
	p.Kind, p.Reason = dauys.ProtocolAmendment, reason
	return p
}

// resend returns a copy of p as sent again later, by someone else.
func (f *fixture) resend(p *dauys.Protocol) *dauys.Protocol {
	f.clock++
	q := *p
	q.ReceivedAt = at(f.clock)
	q.Submitter = "someone-else"
	q.Source = "csv"
	return &q
}

// ref returns the lines of a referendum protocol.
func ref(registered, tookPart, yes, no int64) map[string]int64 {
	return map[string]int64{"registered": registered, "took_part": tookPart, "yes": yes, "no": no}
}

// mayor returns the lines of a mayor protocol.
func mayor(registered, tookPart, a, b int64) map[string]int64 {
	return map[string]int64{"registered": registered, "took_part": tookPart, "option:a": a, "option:b": b}
}

// failer is what the helpers need of *testing.T, *testing.B and *rapid.T.
type failer interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

func mustCreateElection(tb failer, s dauys.Store, e *dauys.Election) {
	tb.Helper()
	if err := s.CreateElection(context.Background(), e); err != nil {
		tb.Fatalf("create election %s: %v", e.ID, err)
	}
}

// mustSave saves a batch and fails on an error of the store itself.
func mustSave(tb failer, s dauys.Store, ps ...*dauys.Protocol) []dauys.SaveResult {
	tb.Helper()
	rs, err := s.SaveProtocols(context.Background(), ps)
	if err != nil {
		tb.Fatalf("save protocols: %v", err)
	}
	if len(rs) != len(ps) {
		tb.Fatalf("save protocols: %d results for %d protocols", len(rs), len(ps))
	}
	return rs
}

// mustAccept saves a batch and fails unless every protocol is stored.
func mustAccept(tb failer, s dauys.Store, ps ...*dauys.Protocol) []dauys.SaveResult {
	tb.Helper()
	rs := mustSave(tb, s, ps...)
	for i, r := range rs {
		if r.Err != nil || r.Outcome == dauys.OutcomeDuplicate {
			tb.Fatalf("save protocols: item %d (%s/%s): outcome %q, error %v", i, ps[i].Contest, ps[i].Area, r.Outcome, r.Err)
		}
	}
	return rs
}

// checkCode reports an error unless err has the domain error code want
// ("" for no error).
func checkCode(tb failer, what string, err error, want string) {
	tb.Helper()
	if got := dauys.ErrorCode(err); got != want {
		tb.Errorf("%s: error code %q (%v), want %q", what, got, err, want)
	}
}

// stored returns the version as the store keeps it: without its Path, with
// its Version.
func stored(p *dauys.Protocol, version int) *dauys.Protocol {
	q := *p
	q.Path = nil
	q.Version = version
	return &q
}

// checkProtocol compares a protocol read from the store with the expected
// one; times compare as instants, Path is not stored.
func checkProtocol(tb failer, what string, got, want *dauys.Protocol) {
	tb.Helper()
	if got == nil || want == nil {
		if got != want {
			tb.Errorf("%s: got %+v, want %+v", what, got, want)
		}
		return
	}
	g, w := *got, *want
	g.Path, w.Path = nil, nil
	if !g.ReceivedAt.Equal(w.ReceivedAt) {
		tb.Errorf("%s: ReceivedAt %v, want %v", what, g.ReceivedAt, w.ReceivedAt)
	}
	g.ReceivedAt, w.ReceivedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		tb.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

// expectedTotals computes the running totals the current versions make,
// independently of dauys.Delta: the sum of every line over the precincts
// below each area, and ReportedLine counting those precincts. Zero sums
// are left out; compare with withoutZeros.
func expectedTotals(current []*dauys.Protocol) map[string]map[string]map[string]int64 {
	out := map[string]map[string]map[string]int64{} // contest -> area -> line
	for _, p := range current {
		if out[p.Contest] == nil {
			out[p.Contest] = map[string]map[string]int64{}
		}
		for _, a := range p.Path {
			if out[p.Contest][a] == nil {
				out[p.Contest][a] = map[string]int64{}
			}
			for n, v := range p.Lines {
				out[p.Contest][a][n] += v
			}
			out[p.Contest][a][dauys.ReportedLine]++
		}
	}
	for _, areas := range out {
		for a, lines := range areas {
			areas[a] = withoutZeros(lines)
		}
	}
	return out
}

// withoutZeros drops zero totals: a line whose sum fell to zero after an
// amendment may be kept as zero or dropped.
func withoutZeros(lines map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for n, v := range lines {
		if v != 0 {
			out[n] = v
		}
	}
	return out
}

// checkTotals compares the totals of every area of the election, precincts
// included (which have none), with those the current versions make.
func checkTotals(tb failer, s dauys.Store, e *dauys.Election, current []*dauys.Protocol) {
	tb.Helper()
	want := expectedTotals(current)
	ids := make([]string, len(e.Areas))
	for i, a := range e.Areas {
		ids[i] = a.ID
	}
	for _, contest := range e.Contests {
		got, err := s.Totals(context.Background(), e.ID, contest.ID, ids)
		if err != nil {
			tb.Fatalf("totals of %s: %v", contest.ID, err)
		}
		for _, a := range ids {
			g, ok := got[a]
			w := want[contest.ID][a]
			if ok != (w != nil) {
				tb.Errorf("totals of %s in %s: present %v, want %v (%v)", contest.ID, a, ok, w != nil, g)
				continue
			}
			if g = withoutZeros(g); w != nil && !maps.Equal(g, w) {
				tb.Errorf("totals of %s in %s:\n got %v\nwant %v", contest.ID, a, g, w)
			}
		}
		for a := range got {
			if !slices.Contains(ids, a) {
				tb.Errorf("totals of %s: area %s was not asked for", contest.ID, a)
			}
		}
	}
}

// mustHeads returns the heads of an election by contest and area.
func mustHeads(tb failer, s dauys.Store, election string) []dauys.Head {
	tb.Helper()
	hs, err := s.Heads(context.Background(), election)
	if err != nil {
		tb.Fatalf("heads: %v", err)
	}
	sort.Slice(hs, func(i, j int) bool {
		if hs[i].Contest != hs[j].Contest {
			return hs[i].Contest < hs[j].Contest
		}
		return hs[i].Area < hs[j].Area
	})
	return hs
}

// errStop is returned by callbacks that stop an iteration.
var errStop = errors.New("stop")

// describe names a protocol in messages.
func describe(p *dauys.Protocol) string {
	return fmt.Sprintf("%s/%s/%s v%d", p.Election, p.Contest, p.Area, p.Version)
}
