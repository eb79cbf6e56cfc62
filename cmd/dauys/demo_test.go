package main_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys"
)

func TestDemoNoServe(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo loads ~70,000 protocols")
	}
	db := filepath.Join(t.TempDir(), "demo.db")
	keys := t.TempDir()
	t.Setenv("DAUYS_KEYS", keys)
	out := mustRun(t, "demo", "--db", db, "--no-serve")
	if !strings.Contains(out, "refused") {
		t.Errorf("demo said %q", out)
	}
	var res tallyJSON
	if err := json.Unmarshal([]byte(mustRun(t, "tally", "--db", db, "--election", "kz-2023", "--json")), &res); err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Contests {
		if c.Progress.Reported != c.Progress.Expected || c.Progress.Expected == 0 {
			t.Errorf("contest %s: %d of %d precincts", c.Contest, c.Progress.Reported, c.Progress.Expected)
		}
		if c.Outcome == nil {
			t.Errorf("contest %s: no outcome", c.Contest)
		}
	}
	// The demo keeps a transparency log, signed up to the last protocol:
	// publish takes it as it is.
	found, _ := filepath.Glob(filepath.Join(keys, "demo-*-kz-2023-log.key"))
	if len(found) != 1 {
		t.Fatalf("the demo's log key in the keys folder: %v", found)
	}
	cp := strings.Split(mustRun(t, "log", "checkpoint", "--db", db, "--election", "kz-2023"), "\n")
	if len(cp) < 2 || cp[0] != "dauys-demo/kz-2023" {
		t.Fatalf("the demo's log checkpoint: %q", cp)
	}
	// A sync finds nothing left to log.
	if out := mustRun(t, "log", "sync", "--db", db, "--election", "kz-2023", "--key", found[0]); !strings.Contains(out, ": "+cp[1]+" entries") {
		t.Errorf("after the demo's checkpoint of %s entries, log sync says %s", cp[1], out)
	}
	if len(res.Contests) < 50 {
		t.Errorf("%d contests, want the list, 29 districts and 20 maslikhats", len(res.Contests))
	}
	// The day came before the night of the live replay, the newest: every
	// precinct reported through the day and at its close, and the
	// election ended the night complete.
	s, e := mustOpenElection(t, db, "kz-referendum-2026")
	defer s.Close()
	totals, err := s.Turnout(context.Background(), "kz-referendum-2026", "KZ")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(totals.Times); n < 4 || totals.Times[n-1].Time != dauys.TurnoutClose || totals.Times[n-1].Reported != totals.Precincts {
		t.Errorf("turnout through the day: %+v, want every one of %d precincts at the close", totals.Times, totals.Precincts)
	}
	if e.Status != dauys.StatusComplete {
		t.Errorf("status %q after the night", e.Status)
	}
}
