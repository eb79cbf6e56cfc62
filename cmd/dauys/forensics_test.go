package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestForensicsCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	mustRun(t, "election", "import", "--db", db, "../../examples/kz-referendum-2022")
	csvPath, events := nightCSV(t, "kz-referendum-2022", func(i int) bool { return i%3 != 0 })
	mustRun(t, "protocols", "import", "--db", db, "--election", "kz-referendum-2022", csvPath)

	svg := filepath.Join(dir, "fingerprint.svg")
	out := mustRun(t, "forensics", "--db", db, "--election", "kz-referendum-2022", "--json", "--seed", "3", "--svg", svg)
	var rep struct {
		Election       string         `json:"election"`
		Contest        string         `json:"contest"`
		Caveat         string         `json:"caveat"`
		LeaderName     string         `json:"leader_name"`
		IntegerPercent map[string]any `json:"integer_percent"`
		Totals         struct {
			Precincts    int `json:"precincts"`
			Inconsistent int `json:"inconsistent"`
		} `json:"totals"`
		CrossContest *struct {
			Issued []any `json:"issued"`
		} `json:"cross_contest"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("forensics --json: %v\n%.500s", err, out)
	}
	if rep.Election != "kz-referendum-2022" || rep.Contest != "constitution" || rep.LeaderName != "yes" || rep.Caveat == "" {
		t.Errorf("report header %+v", rep)
	}
	if rep.Totals.Precincts != len(events) || rep.Totals.Inconsistent != 0 {
		t.Errorf("totals %+v, want %d consistent precincts", rep.Totals, len(events))
	}
	for _, k := range []string{"included", "any", "leader", "turnout", "excess_any", "sd_any", "expected_any", "p_any",
		"excess_leader", "excess_turnout", "replicates", "seed"} {
		if _, ok := rep.IntegerPercent[k]; !ok {
			t.Errorf("integer_percent lacks %q", k)
		}
	}
	if rep.IntegerPercent["seed"] != float64(3) || rep.CrossContest == nil {
		t.Errorf("seed %v, cross contest %v", rep.IntegerPercent["seed"], rep.CrossContest)
	}
	data, err := os.ReadFile(svg)
	if err != nil || !strings.Contains(string(data), "<svg") || !strings.Contains(string(data), "Election fingerprint") {
		t.Errorf("--svg wrote %.200q, %v", data, err)
	}

	text := mustRun(t, "forensics", "--db", db, "--election", "kz-referendum-2022", "--contest", "constitution")
	for _, want := range []string{"not findings of wrongdoing", "Whole-number percentages", "Turnout distribution", "Digit tests",
		"Akmola Region", "Cross-contest consistency"} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q", want)
		}
	}
	for _, word := range []string{"fraud", "falsif", "rigged"} {
		if strings.Contains(strings.ToLower(text), word) {
			t.Errorf("text report says %q; signals are worded as signals", word)
		}
	}

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"forensics", "--db", db}, 2, "--election"},
		{[]string{"forensics", "--db", db, "--election", "kz-referendum-2022", "--replicates", "10"}, 2, "--replicates"},
		{[]string{"forensics", "--db", db, "--election", "kz-referendum-2022", "--contest", "nope"}, 3, "nope"},
		{[]string{"forensics", "--db", db, "--election", "nope"}, 3, "nope"},
	} {
		code, _, errs := run(t, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, %q; want %d naming %q", tt.args, code, errs, tt.code, tt.want)
		}
	}
}

// TestForensics2011 runs the real 2011 State Duma protocols through the
// product — definition import, CSV import into SQLite, `dauys forensics` —
// and checks the published integer-percentage counts (Kobak, Shpilkin &
// Pshenichnikov), which are exact and do not depend on the Monte Carlo.
func TestForensics2011(t *testing.T) {
	data := sharedData(t, "ru-cec/2011.csv.zip")
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("imports 95,225 protocols")
	}
	db := filepath.Join(t.TempDir(), "ru.db")
	mustRun(t, "election", "import", "--db", db, "../../examples/ru-duma-2011")
	out := mustRun(t, "protocols", "import", "--db", db, "--election", "ru-duma-2011", "--acknowledge-warnings", data)
	if !strings.Contains(out, "accepted 95225,") {
		t.Fatalf("import said %q, want all 95,225 stations accepted", out)
	}
	out = mustRun(t, "forensics", "--db", db, "--election", "ru-duma-2011", "--json", "--seed", "2011")
	var rep struct {
		LeaderName     string `json:"leader_name"`
		IntegerPercent struct {
			Included, Any, Leader, Turnout int
			ExcessAny                      float64 `json:"excess_any"`
			SDAny                          float64 `json:"sd_any"`
		} `json:"integer_percent"`
		Totals struct {
			Precincts  int   `json:"precincts"`
			Registered int64 `json:"registered"`
		} `json:"totals"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	ip := rep.IntegerPercent
	t.Logf("included %d, any %d, leader %d, turnout %d; excess any %.1f (sd %.1f)", ip.Included, ip.Any, ip.Leader, ip.Turnout, ip.ExcessAny, ip.SDAny)
	if rep.LeaderName != "united-russia" || rep.Totals.Precincts != 95225 || rep.Totals.Registered != 109229337 {
		t.Errorf("leader %q, %d stations, %d registered", rep.LeaderName, rep.Totals.Precincts, rep.Totals.Registered)
	}
	if ip.Included != 86718 || ip.Any != 17803 || ip.Leader != 9708 || ip.Turnout != 9216 {
		t.Errorf("integer percentages %d / %d / %d / %d, want the published 86,718 / 17,803 / 9,708 / 9,216",
			ip.Included, ip.Any, ip.Leader, ip.Turnout)
	}
	// The excess is a Monte Carlo estimate; a loose band catches a wrong
	// mapping of lines (the tight check lives in internal/forensics).
	if ip.ExcessAny < 1003.5-6*ip.SDAny/31 || ip.ExcessAny > 1003.5+6*ip.SDAny/31 {
		t.Errorf("excess any %.1f, published 1,003.5", ip.ExcessAny)
	}
}
