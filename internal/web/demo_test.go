package web_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/examples"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
)

// demoElection is the example the browser test and the benchmarks load:
// the 2023 Kazakh election night, 10,223 precincts and about 30,000
// protocols, played through the real intake into a real SQLite file.
const demoElection = "kz-2023"

// demoData is the night loaded once per test binary: loading takes a few
// seconds and the tests and benchmarks only read it.
type demoData struct {
	store  *sqlite.Store
	intake *intake.Service
	tally  *tally.Tally
}

var (
	demoOnce sync.Once
	demoDB   *demoData
	demoErr  error
	demoDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDB != nil {
		demoDB.store.Close()
	}
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

// loadDemo plays the demo night with a fixed seed (the one `dauys demo`
// uses) into a temporary SQLite store.
func loadDemo(tb testing.TB) *demoData {
	tb.Helper()
	demoOnce.Do(func() { demoDB, demoErr = playDemo() })
	if demoErr != nil {
		tb.Fatal(demoErr)
	}
	return demoDB
}

func playDemo() (*demoData, error) {
	ctx := context.Background()
	var err error
	if demoDir, err = os.MkdirTemp("", "dauys-web-demo-"); err != nil {
		return nil, err
	}
	st, err := sqlite.Open(ctx, filepath.Join(demoDir, "demo.db"))
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(examples.FS, demoElection)
	if err != nil {
		return nil, err
	}
	data, err := fs.ReadFile(sub, "election.yaml")
	if err != nil {
		return nil, err
	}
	def, err := definition.ParseWith(data, demoElection+"/election.yaml", sub, definition.Options{CheckRules: rules.Check})
	if err != nil {
		return nil, err
	}
	def.CreatedAt = time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := st.CreateElection(ctx, def); err != nil {
		return nil, err
	}
	// Protocols arrive at the times of the night the demo generates, from
	// the close of the polls at 20:00 in Almaty (15:00 UTC), submitted in
	// batches of ten minutes, so that the count has a history to draw.
	closeOfPolls := time.Date(2023, 3, 19, 15, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := closeOfPolls
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	}
	in := intake.New(st, now)
	e, err := in.Elections().Load(ctx, demoElection)
	if err != nil {
		return nil, err
	}
	if err := st.SetElectionStatus(ctx, demoElection, dauys.StatusCounting); err != nil {
		return nil, err
	}
	in.Elections().Forget(demoElection)
	const step = 10 * time.Minute
	events := demo.Night(e, 2023, demo.Mazhilis2023)
	for i := 0; i < len(events); {
		bucket := events[i].At / step
		var subs []intake.Submission
		for ; i < len(events) && events[i].At/step == bucket; i++ {
			subs = append(subs, events[i].Submission)
		}
		mu.Lock()
		clock = closeOfPolls.Add((bucket + 1) * step)
		mu.Unlock()
		if _, err := in.Submit(ctx, demoElection, subs); err != nil {
			return nil, err
		}
	}
	return &demoData{store: st, intake: in, tally: tally.New(st, in.Elections())}, nil
}
