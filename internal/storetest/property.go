package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/dauys/dauys"
)

// tree returns a country "kz" with regions, districts and precincts:
// r1, r1-d1, r1-d1-p1 and so on.
func tree(regions, districts, precincts int) []dauys.Area {
	areas := []dauys.Area{{ID: "kz", Level: dauys.LevelCountry, Name: dauys.T("Kazakhstan")}}
	for r := 1; r <= regions; r++ {
		rid := fmt.Sprintf("r%d", r)
		areas = append(areas, dauys.Area{ID: rid, Parent: "kz", Level: dauys.LevelRegion, Name: dauys.T(rid)})
		for d := 1; d <= districts; d++ {
			did := fmt.Sprintf("%s-d%d", rid, d)
			areas = append(areas, dauys.Area{ID: did, Parent: rid, Level: dauys.LevelDistrict, Name: dauys.T(did)})
			for p := 1; p <= precincts; p++ {
				pid := fmt.Sprintf("%s-p%d", did, p)
				areas = append(areas, dauys.Area{ID: pid, Parent: did, Level: dauys.LevelPrecinct, Name: dauys.T(pid)})
			}
		}
	}
	return areas
}

// precinctsOf returns the ids of the precincts among areas.
func precinctsOf(areas []dauys.Area) []string {
	var ids []string
	for _, a := range areas {
		if a.Level == dauys.LevelPrecinct {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// testConcurrency saves disjoint precincts from several goroutines at once,
// originals and then amendments; the totals they share must come out exact.
func testConcurrency(t *testing.T, fresh func(*testing.T) dauys.Store) {
	const workers, batches, perBatch = 8, 4, 10
	s := fresh(t)
	f := newFixtureWith(t, s, newElection("concurrent", "2026-03-15", tree(2, 4, workers*batches*perBatch/8)))
	precincts := precinctsOf(f.e.Areas)
	if len(precincts) != workers*batches*perBatch {
		t.Fatalf("%d precincts", len(precincts))
	}
	current := make([]*dauys.Protocol, len(precincts))
	originals := make([][]*dauys.Protocol, workers*batches)
	amendments := make([][]*dauys.Protocol, workers*batches)
	for i, id := range precincts {
		n := int64(i)
		p := f.original(contestRef, id, ref(1000+n, 600+n, 300+n%7, 200+n%11))
		originals[i/perBatch] = append(originals[i/perBatch], p)
		current[i] = p
		if i%2 == 0 {
			a := f.amendment(contestRef, id, "recount", ref(1000+n, 601+n, 302+n%7, 199+n%11))
			amendments[i/perBatch] = append(amendments[i/perBatch], a)
			current[i] = a
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for b := w; b < len(originals); b += workers {
				for _, batch := range [][]*dauys.Protocol{originals[b], amendments[b]} {
					rs, err := s.SaveProtocols(context.Background(), batch)
					if err != nil {
						errs <- err
						return
					}
					for _, r := range rs {
						if r.Err != nil {
							errs <- r.Err
							return
						}
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("save: %v", err)
	}
	checkTotals(t, s, f.e, current)
	heads := mustHeads(t, s, f.e.ID)
	if len(heads) != len(precincts) {
		t.Errorf("%d heads, want %d", len(heads), len(precincts))
	}
}

// testOrderDoesNotMatter checks two invariants over random histories:
// submitting the same protocols in any order and in any batches (keeping
// each precinct's versions in their order, among duplicates and stale
// resubmissions) yields the same totals, and an amendment never loses the
// version it replaces.
func testOrderDoesNotMatter(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	areas := tree(2, 2, 3)
	precincts := precinctsOf(areas)
	elections := 0
	rapid.Check(t, func(rt *rapid.T) {
		// histories[i] are the versions of precinct i, oldest first.
		histories := make([][]map[string]int64, len(precincts))
		for i := range precincts {
			n := rapid.IntRange(0, 3).Draw(rt, "versions")
			for v := range n {
				lines := map[string]int64{
					"registered": 1000,
					"took_part":  rapid.Int64Range(0, 1000).Draw(rt, "took_part"),
					"yes":        rapid.Int64Range(0, 600).Draw(rt, "yes"),
					"no":         rapid.Int64Range(0, 400).Draw(rt, "no"),
				}
				if rapid.Bool().Draw(rt, "extra line") {
					lines["spoilt"] = rapid.Int64Range(0, 5).Draw(rt, "spoilt")
				}
				// Each version differs from the one it amends.
				lines["registered"] += int64(v)
				histories[i] = append(histories[i], lines)
			}
		}
		var first map[string]map[string]int64
		for run := range 2 {
			elections++
			e := newElection(fmt.Sprintf("order-%d", elections), "2026-03-15", areas)
			e.Definition = nil
			f := newFixtureWith(rt, s, e)
			plan := submissionOrder(rt, f, precincts, histories)
			var current []*dauys.Protocol
			for _, batch := range plan.batches {
				rs := mustSave(rt, s, batch...)
				for i, r := range rs {
					switch p := batch[i]; {
					case plan.noise[p]:
						if r.Err != nil && dauys.ErrorCode(r.Err) != dauys.ECONFLICT || r.Err == nil && r.Outcome != dauys.OutcomeDuplicate {
							rt.Fatalf("resubmission of %s: outcome %q, error %v", describe(p), r.Outcome, r.Err)
						}
					case r.Err != nil || r.Outcome == dauys.OutcomeDuplicate:
						rt.Fatalf("%s: outcome %q, error %v", describe(p), r.Outcome, r.Err)
					}
				}
			}
			for i, id := range precincts {
				vs, err := s.ProtocolVersions(context.Background(), e.ID, contestRef, id)
				if len(histories[i]) == 0 {
					checkCode(rt, "versions of "+id, err, dauys.ENOTFOUND)
					continue
				}
				if err != nil {
					rt.Fatalf("versions of %s: %v", id, err)
				}
				if len(vs) != len(histories[i]) {
					rt.Fatalf("%s: %d versions, want %d", id, len(vs), len(histories[i]))
				}
				for v, p := range vs {
					if p.Version != v+1 || !mapsEqual(p.Lines, histories[i][v]) {
						rt.Fatalf("%s: version %d is %d with %v, want %v", id, v+1, p.Version, p.Lines, histories[i][v])
					}
				}
				last := *vs[len(vs)-1]
				last.Path = f.paths[id]
				current = append(current, &last)
			}
			checkTotals(rt, s, e, current)
			totals, err := s.Totals(context.Background(), e.ID, contestRef, []string{"kz", "r1", "r2"})
			if err != nil {
				rt.Fatal(err)
			}
			if run == 0 {
				first = totals
			} else if !sameTotals(first, totals) {
				rt.Fatalf("totals depend on the order:\n%v\n%v", first, totals)
			}
		}
	})
}

// order is a way of submitting a history: batches of submissions and the
// submissions that are resent noise.
type order struct {
	batches [][]*dauys.Protocol
	noise   map[*dauys.Protocol]bool
}

// submissionOrder draws an interleaving of the precincts' versions,
// sprinkled with resubmissions of what a precinct already sent, cut into
// batches of random sizes.
func submissionOrder(rt *rapid.T, f *fixture, precincts []string, histories [][]map[string]int64) order {
	o := order{noise: map[*dauys.Protocol]bool{}}
	next := make([]int, len(precincts))
	sent := make([][]*dauys.Protocol, len(precincts))
	var seq []*dauys.Protocol
	for {
		var open []int
		for i := range precincts {
			if next[i] < len(histories[i]) {
				open = append(open, i)
			}
		}
		if len(open) == 0 {
			break
		}
		i := rapid.SampledFrom(open).Draw(rt, "precinct")
		v := next[i]
		next[i]++
		var p *dauys.Protocol
		if v == 0 {
			p = f.original(contestRef, precincts[i], histories[i][v])
		} else {
			p = f.amendment(contestRef, precincts[i], fmt.Sprintf("correction %d", v), histories[i][v])
		}
		seq = append(seq, p)
		sent[i] = append(sent[i], p)
		if rapid.IntRange(0, 3).Draw(rt, "noise") == 0 {
			// The latest version again is a duplicate; the original again,
			// once amended, a conflict. Neither changes anything.
			again := f.resend(sent[i][rapid.SampledFrom([]int{0, len(sent[i]) - 1}).Draw(rt, "resend")])
			o.noise[again] = true
			seq = append(seq, again)
		}
	}
	for len(seq) > 0 {
		n := min(len(seq), rapid.IntRange(1, 6).Draw(rt, "batch"))
		o.batches = append(o.batches, seq[:n])
		seq = seq[n:]
	}
	return o
}

// sameTotals reports whether two answers of Totals agree, zeros aside.
func sameTotals(a, b map[string]map[string]int64) bool {
	for area, lines := range a {
		if !mapsEqual(withoutZeros(lines), withoutZeros(b[area])) {
			return false
		}
	}
	for area, lines := range b {
		if !mapsEqual(withoutZeros(lines), withoutZeros(a[area])) {
			return false
		}
	}
	return true
}
