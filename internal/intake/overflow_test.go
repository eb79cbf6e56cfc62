package intake_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/postgres"
	"github.com/dauys/dauys/internal/postgres/pgtest"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/jackc/pgx/v5"
)

// The regression tests of issue #13's first defect at intake, on both
// stores: counts that wrap an int64 around are refused however they come,
// and a protocol whose running total cannot be added (a store holding
// counts from before they were bounded) is refused alone, never failing
// the protocols it shares a group commit with.

// rawStore is a store with a way to write to its database directly, as
// an older version of Dauys could have.
type rawStore struct {
	dauys.Store
	exec func(t *testing.T, query string)
}

func eachStore(t *testing.T, fn func(t *testing.T, s rawStore)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "o.db")
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		fn(t, rawStore{s, func(t *testing.T, query string) {
			db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(query); err != nil {
				t.Fatal(err)
			}
		}})
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.SchemaURL(t)
		if url == "" {
			t.Skip("DAUYS_TEST_POSTGRES is not set")
		}
		s, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		fn(t, rawStore{s, func(t *testing.T, query string) {
			conn, err := pgx.Connect(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			if _, err := conn.Exec(context.Background(), query); err != nil {
				t.Fatal(err)
			}
		}})
	})
}

const q = 1 << 62 // four of them add up to 2^64, which an int64 wraps to 0

func TestOverflowingProtocolIsRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, s rawStore) {
		ctx := context.Background()
		if err := s.CreateElection(ctx, testElection(false)); err != nil {
			t.Fatal(err)
		}
		in := intake.New(s, nil)
		res, err := in.Submit(ctx, "e", []intake.Submission{{Contest: "list", Area: "p1", Lines: lines(1000, 0, q, q, q, q)}})
		if err != nil {
			t.Fatal(err)
		}
		var de *dauys.Error
		if r := res[0]; dauys.ErrorCode(r.Err) != dauys.EINVALID || !errors.As(r.Err, &de) || codesOf(de.Findings) != "E_TOO_LARGE,E_TOO_LARGE,E_TOO_LARGE,E_TOO_LARGE" {
			t.Fatalf("result %+v, %v", r, r.Err)
		}
		if !strings.Contains(de.Text.RU, "option:a") || !strings.Contains(de.Text.KK, "option:a") {
			t.Errorf("the refusal does not name the line: %+v", de.Text)
		}

		// The same row through `dauys protocols import`.
		csv := fmt.Sprintf("area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,0,%d,%d,%d,%d\n", q, q, q, q)
		var rejected []string
		rep, err := in.ImportCSV(ctx, "e", strings.NewReader(csv), "x.csv", intake.ImportOptions{
			Rejected: func(r intake.RowError) { rejected = append(rejected, r.Reason) }})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Accepted != 0 || rep.Rejected != 1 || len(rejected) != 1 || !strings.Contains(rejected[0], "E_TOO_LARGE") {
			t.Errorf("import: %+v, %q", rep, rejected)
		}
		if _, err := s.Protocol(ctx, "e", "list", "p1"); dauys.ErrorCode(err) != dauys.ENOTFOUND {
			t.Errorf("a protocol was stored: %v", err)
		}
	})
}

func TestGroupCommitRefusesOnlyTheOverflowingProtocol(t *testing.T) {
	eachStore(t, func(t *testing.T, s rawStore) {
		ctx := context.Background()
		if err := s.CreateElection(ctx, testElection(false)); err != nil {
			t.Fatal(err)
		}
		// Region r2's total, as an older version could have left it: any
		// vote for a in precinct p3 takes it past an int64.
		s.exec(t, `INSERT INTO totals (election_id, contest_id, area_id, line, value) VALUES ('e', 'list', 'r2', 'option:a', 9223372036854775800)`)
		in := intake.New(s, nil)
		subs := []intake.Submission{
			{Contest: "list", Area: "p1", Lines: lines(1000, 600, 10, 20, 400, 170)},
			{Contest: "list", Area: "p3", Lines: lines(1200, 600, 10, 20, 400, 170)},
			{Contest: "list", Area: "p2", Lines: lines(800, 600, 10, 20, 400, 170)},
		}
		check := func(t *testing.T, res []intake.Result) {
			t.Helper()
			for i, r := range res {
				if i == 1 {
					msg := dauys.ErrorMessage(r.Err)
					if dauys.ErrorCode(r.Err) != dauys.EINVALID || !strings.Contains(msg, "r2") || !strings.Contains(msg, "option:a") || !strings.Contains(msg, "overflow") {
						t.Errorf("p3: %+v, %v", r, r.Err)
					}
				} else if r.Err != nil || r.Outcome != dauys.OutcomeAccepted {
					t.Errorf("%s: %+v, %v", subs[i].Area, r, r.Err)
				}
			}
			if _, err := s.Protocol(ctx, "e", "list", "p3"); dauys.ErrorCode(err) != dauys.ENOTFOUND {
				t.Errorf("p3 was stored: %v", err)
			}
			tot, err := s.Totals(ctx, "e", "list", []string{"kz", "r1", "r2"})
			if err != nil {
				t.Fatal(err)
			}
			if tot["kz"]["option:a"] != 800 || tot["r1"]["option:a"] != 800 || tot["r2"]["option:a"] != 9223372036854775800 {
				t.Errorf("totals %v", tot)
			}
		}

		// One caller's batch: one transaction.
		res, err := in.Submit(ctx, "e", subs)
		if err != nil {
			t.Fatal(err)
		}
		check(t, res)
		refusals, err := s.Refusals(ctx, "e")
		if err != nil || len(refusals) != 1 || refusals[0].Area != "p3" {
			t.Errorf("refusals %+v, %v", refusals, err)
		}

		// Three callers at once, merged as group commit sees fit: the
		// same answers. The two stored protocols are now duplicates.
		res = make([]intake.Result, len(subs))
		var wg sync.WaitGroup
		for i := range subs {
			wg.Go(func() {
				r, err := in.Submit(ctx, "e", subs[i:i+1])
				if err != nil {
					t.Error(err)
					return
				}
				res[i] = r[0]
				if r[0].Outcome == dauys.OutcomeDuplicate {
					res[i].Outcome = dauys.OutcomeAccepted
				}
			})
		}
		wg.Wait()
		check(t, res)
	})
}

func codesOf(fs []dauys.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return strings.Join(out, ",")
}
