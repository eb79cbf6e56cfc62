package storebatch_test

import (
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/storebatch"
)

// The conformance suite in internal/storetest runs plans through both
// stores; these tests walk one plan through its steps without a store, so
// that a failure points here rather than at SQL.

func protocol(area, kind, reason string, yes int64) *dauys.Protocol {
	return &dauys.Protocol{Election: "e", Contest: "c", Area: area, Kind: kind, Reason: reason,
		Lines: map[string]int64{"yes": yes}, Path: []string{"d1", "kz"}}
}

func TestPlan(t *testing.T) {
	stored := protocol("p1", dauys.ProtocolOriginal, "", 10)
	stored.Hash, stored.Version = stored.ContentHash(), 1
	p2 := protocol("p2", "", "", 5) // default kind and hash
	p3 := protocol("p3", dauys.ProtocolOriginal, "", 7)
	p3.Hash = p3.ContentHash()
	amendment := protocol("p1", dauys.ProtocolAmendment, "recount", 12)
	badHash := protocol("p3", dauys.ProtocolOriginal, "", 8)
	badHash.Hash = p3.Hash
	unknownArea := protocol("p9", "", "", 1)
	ps := []*dauys.Protocol{
		p2,          // 0: accepted as version 1
		stored,      // 1: a duplicate of the stored version, which must be loaded
		amendment,   // 2: amends the stored version, which must be loaded
		p2,          // 3: a duplicate of item 0
		nil,         // 4: refused
		badHash,     // 5: refused
		unknownArea, // 6: refused as unknown
		p3,          // 7: accepted as version 1
		protocol("p3", dauys.ProtocolOriginal, "", 9), // 8: conflicts with item 7
	}
	before := *p2

	plan := storebatch.New(ps)
	if got, want := plan.Elections(), []string{"e"}; !slices.Equal(got, want) {
		t.Errorf("Elections() = %v, want %v", got, want)
	}
	plan.RefuseUnknown(map[string]map[string]bool{"e": {"c": true}},
		map[[2]string]bool{{"e", "p1"}: true, {"e", "p2"}: true, {"e", "p3"}: true})
	wantKeys := []storebatch.Key{{Election: "e", Contest: "c", Area: "p2"}, {Election: "e", Contest: "c", Area: "p1"},
		{Election: "e", Contest: "c", Area: "p3"}}
	if got := plan.Keys(); !slices.Equal(got, wantKeys) {
		t.Errorf("Keys() = %v, want %v", got, wantKeys)
	}
	p1 := storebatch.KeyOf(stored)
	plan.Reconcile(map[storebatch.Key]storebatch.Head{p1: {Version: 1, Hash: stored.Hash}})
	storedKey := storebatch.VersionKey{Key: p1, Version: 1}
	if got := plan.Missing(); !slices.Equal(got, []storebatch.VersionKey{storedKey}) {
		t.Errorf("Missing() = %v, want %v", got, []storebatch.VersionKey{storedKey})
	}
	totals, err := plan.Resolve(map[storebatch.VersionKey]*dauys.Protocol{storedKey: stored})
	if err != nil {
		t.Fatal(err)
	}

	type want struct {
		outcome string
		version int
		code    string
	}
	wants := []want{
		{outcome: dauys.OutcomeAccepted, version: 1},
		{outcome: dauys.OutcomeDuplicate, version: 1},
		{outcome: dauys.OutcomeAmended, version: 2},
		{outcome: dauys.OutcomeDuplicate, version: 1},
		{code: dauys.EINVALID},
		{code: dauys.EINVALID},
		{code: dauys.ENOTFOUND},
		{outcome: dauys.OutcomeAccepted, version: 1},
		{code: dauys.ECONFLICT},
	}
	rs := plan.Results()
	if len(rs) != len(wants) {
		t.Fatalf("%d results, want %d", len(rs), len(wants))
	}
	for i, w := range wants {
		r := rs[i]
		if code := dauys.ErrorCode(r.Err); code != w.code || r.Outcome != w.outcome {
			t.Errorf("item %d: outcome %q, error %v; want outcome %q, code %q", i, r.Outcome, r.Err, w.outcome, w.code)
			continue
		}
		if w.code == "" && (r.Protocol == nil || r.Protocol.Version != w.version) {
			t.Errorf("item %d: protocol %+v, want version %d", i, r.Protocol, w.version)
		}
	}
	if rs[0].Protocol.Kind != dauys.ProtocolOriginal || rs[0].Protocol.Hash != p2.ContentHash() {
		t.Errorf("defaults not applied: %+v", rs[0].Protocol)
	}
	if rs[3].Protocol != rs[0].Protocol {
		t.Errorf("a duplicate within the batch answers %p, want its earlier item %p", rs[3].Protocol, rs[0].Protocol)
	}
	if rs[1].Protocol != stored {
		t.Errorf("a duplicate of a stored version answers %+v, want the loaded version", rs[1].Protocol)
	}
	if p2.Kind != before.Kind || p2.Hash != before.Hash || p2.Version != before.Version {
		t.Errorf("the caller's protocol was changed: %+v", p2)
	}

	var versions []string
	for _, p := range plan.Versions() {
		versions = append(versions, p.Area)
	}
	if want := []string{"p2", "p1", "p3"}; !slices.Equal(versions, want) {
		t.Errorf("Versions() are of %v, want %v (submission order)", versions, want)
	}
	var heads []string
	for _, p := range plan.ChangedHeads() {
		heads = append(heads, p.Area)
	}
	if want := []string{"p1", "p2", "p3"}; !slices.Equal(heads, want) {
		t.Errorf("ChangedHeads() are of %v, want %v (key order)", heads, want)
	}

	// p2 and p3 report for the first time; p1 moves from 10 to 12.
	sums := map[string]int64{"yes": 5 + 7 + 2, dauys.ReportedLine: 2}
	wantTotals := map[storebatch.AreaKey]map[string]int64{
		{Election: "e", Contest: "c", Area: "d1"}: sums,
		{Election: "e", Contest: "c", Area: "kz"}: sums,
	}
	if len(totals) != len(wantTotals) {
		t.Fatalf("totals %v, want %v", totals, wantTotals)
	}
	for k, w := range wantTotals {
		if !maps.Equal(totals[k], w) {
			t.Errorf("totals of %v: %v, want %v", k, totals[k], w)
		}
	}
}

func TestSortedTotals(t *testing.T) {
	keys, values := storebatch.SortedTotals(map[storebatch.AreaKey]map[string]int64{
		{Election: "e", Contest: "c2", Area: "a"}: {"y": 1},
		{Election: "e", Contest: "c1", Area: "b"}: {"y": 2, "x": 3},
		{Election: "e", Contest: "c1", Area: "a"}: {"z": 4},
	})
	wantKeys := []storebatch.TotalKey{
		{Election: "e", Contest: "c1", Area: "a", Line: "z"},
		{Election: "e", Contest: "c1", Area: "b", Line: "x"},
		{Election: "e", Contest: "c1", Area: "b", Line: "y"},
		{Election: "e", Contest: "c2", Area: "a", Line: "y"},
	}
	if !slices.Equal(keys, wantKeys) || !slices.Equal(values, []int64{4, 3, 2, 1}) {
		t.Errorf("SortedTotals = %v %v, want %v [4 3 2 1]", keys, values, wantKeys)
	}
}

// TestPlanRefusesCountsOutOfBounds: a store refuses a protocol whose count
// is beyond dauys.MaxCount (four of 2^62 wrapped the totals to 0) or
// negative, and only that protocol: its neighbours in the batch go on.
func TestPlanRefusesCountsOutOfBounds(t *testing.T) {
	ps := []*dauys.Protocol{
		protocol("p1", "", "", 1<<62),
		protocol("p2", "", "", 5),
		protocol("p3", "", "", math.MaxInt64),
		protocol("p4", "", "", math.MinInt64),
		protocol("p5", "", "", dauys.MaxCount),
	}
	plan := storebatch.New(ps)
	plan.RefuseUnknown(map[string]map[string]bool{"e": {"c": true}},
		map[[2]string]bool{{"e", "p1"}: true, {"e", "p2"}: true, {"e", "p3"}: true, {"e", "p4"}: true, {"e", "p5"}: true})
	plan.Reconcile(nil)
	totals, err := plan.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{dauys.EINVALID, "", dauys.EINVALID, dauys.EINVALID, ""} {
		err := plan.Results()[i].Err
		if dauys.ErrorCode(err) != want {
			t.Errorf("item %d: %v, want %q", i, err, want)
		}
		if want != "" && !strings.Contains(dauys.ErrorMessage(err), `line "yes"`) {
			t.Errorf("item %d: %q does not name the line", i, dauys.ErrorMessage(err))
		}
	}
	if got := totals[storebatch.AreaKey{Election: "e", Contest: "c", Area: "kz"}]["yes"]; got != 5+dauys.MaxCount {
		t.Errorf("total %d, want %d", got, 5+dauys.MaxCount)
	}
}

// TestPlanOverflowIsAnError: a version stored before counts were bounded
// may hold anything; amending it must not wrap a total around.
func TestPlanOverflowIsAnError(t *testing.T) {
	for _, old := range []int64{math.MinInt64, math.MinInt64 + 1, -(1 << 62)} {
		stored := protocol("p1", dauys.ProtocolOriginal, "", old)
		stored.Hash, stored.Version = stored.ContentHash(), 1
		amendment := protocol("p1", dauys.ProtocolAmendment, "recount", dauys.MaxCount)
		plan := storebatch.New([]*dauys.Protocol{amendment})
		plan.RefuseUnknown(map[string]map[string]bool{"e": {"c": true}}, map[[2]string]bool{{"e", "p1"}: true})
		k := storebatch.KeyOf(stored)
		plan.Reconcile(map[storebatch.Key]storebatch.Head{k: {Version: 1, Hash: stored.Hash}})
		totals, err := plan.Resolve(map[storebatch.VersionKey]*dauys.Protocol{{Key: k, Version: 1}: stored})
		if old == -(1 << 62) {
			if err != nil {
				t.Errorf("old %d: %v", old, err)
			}
			continue
		}
		if dauys.ErrorCode(err) != dauys.EINVALID || !strings.Contains(dauys.ErrorMessage(err), "overflow") || totals != nil {
			t.Errorf("old %d: totals %v, error %v; want an overflow error", old, totals, err)
		}
	}
}

// TestNewPrepared: a plan of prepared submissions gives the results New
// gives, refusals and their errors included, and a Prepared is not changed
// by a plan, so that a second plan of it (group commit saving a refused
// group apart) numbers it afresh.
func TestNewPrepared(t *testing.T) {
	amendment := protocol("p1", dauys.ProtocolAmendment, "recount", 12)
	badHash := protocol("p2", "", "", 5)
	badHash.Hash = protocol("p2", "", "", 6).ContentHash()
	noArea := protocol("", "", "", 1)
	unknownKind := protocol("p3", "recount", "", 1)
	ps := []*dauys.Protocol{amendment, badHash, nil, protocol("p4", "", "", -1), noArea, unknownKind}
	stored := protocol("p1", dauys.ProtocolOriginal, "", 10)
	stored.Hash = stored.ContentHash()
	k := storebatch.KeyOf(stored)
	run := func(plan *storebatch.Plan, version int) []dauys.SaveResult {
		t.Helper()
		plan.RefuseUnknown(map[string]map[string]bool{"e": {"c": true}}, map[[2]string]bool{{"e", "p1"}: true})
		plan.Reconcile(map[storebatch.Key]storebatch.Head{k: {Version: version, Hash: stored.Hash}})
		if _, err := plan.Resolve(map[storebatch.VersionKey]*dauys.Protocol{{Key: k, Version: version}: stored}); err != nil {
			t.Fatal(err)
		}
		return plan.Results()
	}
	want := run(storebatch.New(ps), 1)
	prepared := storebatch.Prepare(ps)
	first := run(storebatch.NewPrepared(prepared), 1)
	second := run(storebatch.NewPrepared(prepared), 4)
	for i := range ps {
		w, f := want[i], first[i]
		if i == 0 {
			if f.Err != nil || f.Outcome != dauys.OutcomeAmended || f.Protocol.Version != 2 || second[i].Protocol.Version != 5 {
				t.Errorf("amendment: %+v then %+v, want versions 2 and 5", f, second[i])
			}
			continue
		}
		if w.Err == nil || f.Err == nil || second[i].Err == nil ||
			f.Err.Error() != w.Err.Error() || second[i].Err.Error() != w.Err.Error() || dauys.ErrorCode(f.Err) != dauys.ErrorCode(w.Err) {
			t.Errorf("item %d: refused with %v and %v, New refuses it with %v", i, f.Err, second[i].Err, w.Err)
		}
	}
	if first[0].Protocol == second[0].Protocol || first[0].Protocol.Version != 2 {
		t.Errorf("the second plan changed the first's version: %+v", first[0].Protocol)
	}
	if amendment.Version != 0 {
		t.Errorf("the caller's protocol was numbered: %+v", amendment)
	}

	// A zero Prepared, which Prepare never makes, is refused as an
	// empty protocol.
	plan := storebatch.NewPrepared(make([]storebatch.Prepared, 1))
	if err := plan.Results()[0].Err; dauys.ErrorCode(err) != dauys.EINVALID {
		t.Errorf("zero Prepared: %v", err)
	}
}
