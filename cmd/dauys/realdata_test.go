package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedData returns the path of a file under ../shared/data, skipping the
// test when it is absent (a user's fresh clone) except under CI, where a
// missing file is a failure.
func sharedData(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		msg := "real data " + rel + " is absent (" + err.Error() + "); it lives in ../shared/data beside the repository"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// TestRussia2011 imports the 95,225 real precinct protocols of the 2011
// State Duma election: every one must be accepted under the official
// control relations, they must sum to the published 109,229,337 registered
// voters, and the 450 list seats must come out as the official ones.
func TestRussia2011(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 95,225 protocols")
	}
	zip := sharedData(t, "ru-cec/2011.csv.zip")
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "ru.db")}
	if u := postgresURL(t); u != "" {
		dbs["postgres"] = u
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			mustRun(t, "election", "import", "--db", db, "../../examples/ru-duma-2011")
			out := mustRun(t, "protocols", "import", "--db", db, "--election", "ru-duma-2011", "--acknowledge-warnings", zip)
			if !strings.Contains(out, "rows 95225: accepted 95225,") || !strings.Contains(out, "rejected 0;") {
				t.Fatalf("import: %s", out)
			}
			var res struct {
				Contests []struct {
					Lines    map[string]int64 `json:"lines"`
					Progress struct {
						Reported int64 `json:"precincts_reported"`
					} `json:"progress"`
					Outcome struct {
						Seats []struct {
							Option string `json:"option"`
							Seats  int    `json:"seats"`
						} `json:"seats"`
					} `json:"outcome"`
				} `json:"contests"`
			}
			if err := json.Unmarshal([]byte(mustRun(t, "tally", "--db", db, "--election", "ru-duma-2011", "--json")), &res); err != nil {
				t.Fatal(err)
			}
			c := res.Contests[0]
			if c.Lines["registered"] != 109_229_337 || c.Progress.Reported != 95_225 {
				t.Errorf("registered %d in %d precincts, want 109,229,337 in 95,225", c.Lines["registered"], c.Progress.Reported)
			}
			// Official result (CEC of Russia, 9 December 2011).
			want := map[string]int{"united-russia": 238, "kprf": 92, "just-russia": 64, "ldpr": 56, "yabloko": 0, "patriots": 0, "right-cause": 0}
			got := map[string]int{}
			for _, s := range c.Outcome.Seats {
				got[s.Option] = s.Seats
			}
			for party, seats := range want {
				if got[party] != seats {
					t.Errorf("%s: %d seats, want %d", party, got[party], seats)
				}
			}
		})
	}
}
