package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dauys/dauys"
)

// The benchmarks count a synthetic parliamentary election shaped like
// Kazakhstan's: a country of regions of districts of precincts, 500
// precincts to a district and 10 districts to a region (so 95,225 precincts
// make 20 regions), and a party-list contest whose protocols have 30 lines:
// five of the form and one per each of 25 parties. A precinct's Path is its
// district, region and country.
const (
	benchElection      = "bench"
	benchContest       = "parliament"
	benchParties       = 25
	benchPerDistrict   = 500
	benchPerRegion     = 10 // districts
	benchBatch         = 1000
	benchSetupBatch    = 5000
	benchRegisteredMax = 3000
)

// benchDefinition returns the synthetic election with only its root; the
// rest of the tree is added with the protocols, as an import does.
func benchDefinition() *dauys.Election {
	c := dauys.Contest{ID: benchContest, Name: dauys.T("Mazhilis"), Kind: dauys.KindList, Form: "list",
		Rules: dauys.Rules{Preset: "kz-mazhilis", Seats: 69, Threshold: "5"}}
	for i := 1; i <= benchParties; i++ {
		c.Options = append(c.Options, dauys.Option{ID: fmt.Sprintf("party%02d", i), Name: dauys.T(fmt.Sprintf("Party %d", i))})
	}
	return &dauys.Election{
		ID:       benchElection,
		Name:     dauys.T("Benchmark"),
		Date:     "2026-03-15",
		Status:   dauys.StatusCounting,
		Areas:    []dauys.Area{{ID: "kz", Level: dauys.LevelCountry, Name: dauys.T("Kazakhstan")}},
		Contests: []dauys.Contest{c},
		Forms: []dauys.Form{{ID: "list", OptionLines: true, Lines: []dauys.Line{
			{Name: "registered"}, {Name: "ballots_received"}, {Name: "ballots_cancelled"}, {Name: "took_part"}, {Name: "invalid"},
		}}},
	}
}

// benchDistrict and benchRegion place precinct i in the tree.
func benchDistrict(i int) string { return fmt.Sprintf("d%04d", i/benchPerDistrict) }
func benchRegion(i int) string   { return fmt.Sprintf("r%02d", i/benchPerDistrict/benchPerRegion) }
func benchPrecinct(i int) string { return fmt.Sprintf("p%07d", i) }

// benchAreas returns precincts [from, from+n) with their districts and
// regions.
func benchAreas(from, n int) []dauys.Area {
	var areas []dauys.Area
	seen := map[string]bool{}
	for i := from; i < from+n; i++ {
		r, d := benchRegion(i), benchDistrict(i)
		if !seen[r] {
			seen[r] = true
			areas = append(areas, dauys.Area{ID: r, Parent: "kz", Level: dauys.LevelRegion, Name: dauys.T(r)})
		}
		if !seen[d] {
			seen[d] = true
			areas = append(areas, dauys.Area{ID: d, Parent: r, Level: dauys.LevelDistrict, Name: dauys.T(d)})
		}
		areas = append(areas, dauys.Area{ID: benchPrecinct(i), Parent: d, Level: dauys.LevelPrecinct,
			Name: dauys.T(benchPrecinct(i)), Number: fmt.Sprint(i)})
	}
	return areas
}

// benchProtocols returns the original protocols of precincts [from,
// from+n), the same for the same precincts on every run.
func benchProtocols(from, n int, received time.Time) []*dauys.Protocol {
	ps := make([]*dauys.Protocol, n)
	for k := range ps {
		i := from + k
		r := rand.New(rand.NewPCG(uint64(i), 2026))
		registered := 500 + r.Int64N(benchRegisteredMax-500)
		took := registered/2 + r.Int64N(registered/2)
		invalid := r.Int64N(took/50 + 1)
		lines := make(map[string]int64, 5+benchParties)
		lines["registered"], lines["ballots_received"] = registered, registered+10
		lines["ballots_cancelled"], lines["took_part"], lines["invalid"] = registered+10-took, took, invalid
		left := took - invalid
		for o := 1; o <= benchParties; o++ {
			v := left
			if o < benchParties {
				v = r.Int64N(left/4 + 1)
			}
			lines[fmt.Sprintf("option:party%02d", o)] = v
			left -= v
		}
		p := &dauys.Protocol{
			Election: benchElection, Contest: benchContest, Area: benchPrecinct(i), Lines: lines,
			Kind: dauys.ProtocolOriginal, Submitter: "bench", Source: "csv", ReceivedAt: received,
			Path: []string{benchDistrict(i), benchRegion(i), "kz"},
		}
		p.Hash = p.ContentHash()
		ps[k] = p
	}
	return ps
}

// benchSave adds precincts [from, from+n) and saves their protocols.
func benchSave(tb testing.TB, s dauys.Store, from, n int) {
	tb.Helper()
	ctx := context.Background()
	if err := s.AddAreas(ctx, benchElection, benchAreas(from, n)); err != nil {
		tb.Fatal(err)
	}
	for _, r := range mustSave(tb, s, benchProtocols(from, n, time.Now())...) {
		if r.Err != nil {
			tb.Fatal(r.Err)
		}
	}
}

// BenchSaveProtocols measures SaveProtocols on batches of 1000 new
// protocols of 30 lines, as the intake sends them during an import, and
// reports protocols/s. Iteration i saves precincts [1000i, 1000i+1000) of
// one growing election; -benchtime 96x saves 96,000, the size of a
// national election. Adding the batch's areas and building its protocols
// are not timed.
func BenchSaveProtocols(b *testing.B, open func(testing.TB) dauys.Store) {
	s := open(b)
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	mustCreateElection(b, s, benchDefinition())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		from := i * benchBatch
		if err := s.AddAreas(ctx, benchElection, benchAreas(from, benchBatch)); err != nil {
			b.Fatal(err)
		}
		ps := benchProtocols(from, benchBatch, time.Now())
		b.StartTimer()
		rs, err := s.SaveProtocols(ctx, ps)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		for k, r := range rs {
			if r.Err != nil || r.Outcome != dauys.OutcomeAccepted {
				b.Fatalf("%s: outcome %q, error %v", ps[k].Area, r.Outcome, r.Err)
			}
		}
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "protocols/s")
}

// BenchTotals measures reading the national running totals (and those of
// 20 regions) of an election with n precincts reported, for each n in
// sizes. The election is filled once per size, by saving its protocols in
// batches of 5000, which for a million precincts takes minutes; the read
// itself touches only the rows of the areas asked for.
func BenchTotals(b *testing.B, open func(testing.TB) dauys.Store, sizes []int) {
	ctx := context.Background()
	for _, n := range sizes {
		s := open(b)
		b.Cleanup(func() { s.Close() })
		mustCreateElection(b, s, benchDefinition())
		start := time.Now()
		for from := 0; from < n; from += benchSetupBatch {
			benchSave(b, s, from, min(benchSetupBatch, n-from))
		}
		b.Logf("%d precincts saved in %v", n, time.Since(start).Round(time.Millisecond))
		// The regional read asks for 20 regions, as many as Kazakhstan has,
		// whatever the size.
		var regions []string
		for i := 0; i < n && len(regions) < 20; i += benchPerDistrict * benchPerRegion {
			regions = append(regions, benchRegion(i))
		}
		for _, read := range []struct {
			name  string
			areas []string
		}{
			{"national", []string{"kz"}},
			{"regions", regions},
		} {
			b.Run(fmt.Sprintf("precincts=%d/%s", n, read.name), func(b *testing.B) {
				for b.Loop() {
					t, err := s.Totals(ctx, benchElection, benchContest, read.areas)
					if err != nil {
						b.Fatal(err)
					}
					if got := t[read.areas[0]][dauys.ReportedLine]; got == 0 {
						b.Fatalf("nothing reported in %s", read.areas[0])
					}
				}
			})
		}
		if got, err := s.Totals(ctx, benchElection, benchContest, []string{"kz"}); err != nil || got["kz"][dauys.ReportedLine] != int64(n) {
			b.Fatalf("national totals count %d precincts, want %d (%v)", got["kz"][dauys.ReportedLine], n, err)
		}
	}
}
