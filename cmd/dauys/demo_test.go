package main_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoNoServe(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo loads ~30,000 protocols")
	}
	db := filepath.Join(t.TempDir(), "demo.db")
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
	if len(res.Contests) < 50 {
		t.Errorf("%d contests, want the list, 29 districts and 20 maslikhats", len(res.Contests))
	}
}
