package httpapi_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
)

// BenchmarkTurnoutRead measures the national turnout read of a country of
// 1,000 precincts (4 regions of 250) that have all reported at 10:00, on
// SQLite: "store" is tally.Turnout itself, what every uncached answer
// costs, and "api" the GET answered from the results cache. On the 2-core
// test machine (December 2026): store 265 ms a read (986 ms at 2,000
// precincts: the store's walk of the subtree grows faster than the tree),
// api 0.33 ms a read over 2,000 reads, one of them computed. Hence the
// cache.
//
//	go test -run '^$' -bench BenchmarkTurnoutRead -benchtime 50x ./internal/httpapi/
func BenchmarkTurnoutRead(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	e := turnoutDefinition("e")
	e.Areas = []dauys.Area{{ID: "kz", Level: dauys.LevelCountry}}
	var reports []*dauys.TurnoutReport
	const regions, perRegion = 4, 250
	for r := range regions {
		region := fmt.Sprintf("r%02d", r)
		e.Areas = append(e.Areas, dauys.Area{ID: region, Parent: "kz", Level: dauys.LevelRegion})
		for p := range perRegion {
			id := fmt.Sprintf("%s-%03d", region, p)
			e.Areas = append(e.Areas, dauys.Area{ID: id, Parent: region, Level: dauys.LevelPrecinct, Registered: 1500})
			reports = append(reports, &dauys.TurnoutReport{Election: "e", Area: id, Time: "10:00", Voters: 200, Received: time.Now()})
		}
	}
	if err := s.CreateElection(ctx, e); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := s.SaveTurnout(ctx, reports); err != nil {
		b.Fatal(err)
	}
	b.Logf("stored %d reports in %v", len(reports), time.Since(start))
	in := intake.New(s, nil)
	t := tally.New(s, in.Elections())
	b.Run("store", func(b *testing.B) {
		for b.Loop() {
			if _, err := t.Turnout(ctx, "e", "kz"); err != nil {
				b.Fatal(err)
			}
		}
	})
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Store: s, Tokens: s, Intake: in, Tally: t}))
	defer srv.Close()
	b.Run("api", func(b *testing.B) {
		for b.Loop() {
			resp, err := srv.Client().Get(srv.URL + "/api/v1/elections/e/turnout")
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(resp, err)
			}
			resp.Body.Close()
		}
	})
}
