package integrity_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
)

// env is a real SQLite store in a temporary folder with an election loaded.
type env struct {
	store  *sqlite.Store
	intake *intake.Service
	tally  *tally.Tally
	e      *election.Election
}

func mustStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "dauys.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// mustEnv stores a definition and loads it through intake.
func mustEnv(tb testing.TB, def *dauys.Election) *env {
	tb.Helper()
	ctx := context.Background()
	s := mustStore(tb)
	if err := s.CreateElection(ctx, def); err != nil {
		tb.Fatal(err)
	}
	in := intake.New(s, nil)
	e, err := in.Elections().Load(ctx, def.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return &env{store: s, intake: in, tally: tally.New(s, in.Elections()), e: e}
}

// mustExample loads one of the shipped example definitions.
func mustExample(tb testing.TB, example string) *env {
	tb.Helper()
	def, err := definition.LoadWith(filepath.Join("..", "..", "examples", example), definition.Options{CheckRules: rules.Check})
	if err != nil {
		tb.Fatal(err)
	}
	return mustEnv(tb, def)
}

// night returns the generated night's submissions as they end up stored:
// the faulty ones (which intake refuses) and the amendments left out, so
// each precinct and contest appears once.
func (v *env) night(seed uint64, base demo.Baseline) []intake.Submission {
	var out []intake.Submission
	for _, ev := range demo.Night(v.e, seed, base) {
		if ev.Faulty || ev.Submission.Amendment {
			continue
		}
		out = append(out, ev.Submission)
	}
	return out
}

// submit stores submissions through intake and requires every one to be
// accepted.
func (v *env) submit(tb testing.TB, subs []intake.Submission) {
	tb.Helper()
	for len(subs) > 0 {
		n := min(len(subs), 2000)
		res, err := v.intake.Submit(context.Background(), v.e.ID, subs[:n])
		if err != nil {
			tb.Fatal(err)
		}
		for i, r := range res {
			if r.Err != nil {
				tb.Fatalf("submission %s/%s refused: %v", subs[i].Area, subs[i].Contest, r.Err)
			}
		}
		subs = subs[n:]
	}
}

// region returns the id of the area at depth 1 above a precinct.
func (v *env) region(area string) string {
	p := v.e.Tree.Path(area)
	return p[1]
}
