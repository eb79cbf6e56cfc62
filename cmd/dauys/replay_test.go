package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
)

// officialEvent is an event of decide/testdata/official.json: the CEC's
// published figures, each with its source there.
type officialEvent struct {
	ID      string   `json:"id"`
	Options []string `json:"options"`
	Counts  struct {
		Registered int64   `json:"registered"`
		TookPart   int64   `json:"took_part"`
		Options    []int64 `json:"options"`
		AgainstAll int64   `json:"against_all"`
		Yes        int64   `json:"yes"`
		No         int64   `json:"no"`
		BothMarked int64   `json:"both_marked"`
		Invalid    int64   `json:"invalid"`
	} `json:"counts"`
	Units []struct {
		Name   string           `json:"name"`
		Counts map[string]int64 `json:"counts"`
	} `json:"units"`
	Published []struct {
		Figure  string `json:"figure"`
		Percent string `json:"percent"`
	} `json:"published"`
	Seats   map[string]int `json:"seats"`
	Elected string         `json:"elected"`
	Valid   *bool          `json:"valid"`
	Adopted *bool          `json:"adopted"`
}

// replayOf says where the demo's replays hold each official event: the
// election, the contest and the area.
var replayOf = map[string]struct{ election, contest, area string }{
	"kz-referendum-2022":         {"kz-referendum-2022", "constitution", "KZ"},
	"kz-president-2022":          {"kz-president-2022", "president", "KZ"},
	"kz-mazhilis-2023":           {"kz-2023", "mazhilis-list", "KZ"},
	"kz-maslikhat-2023-astana":   {"kz-2023", "maslikhat-astana-list", "KZ-71"},
	"kz-maslikhat-2023-almaty":   {"kz-2023", "maslikhat-almaty-list", "KZ-75"},
	"kz-maslikhat-2023-kostanay": {"kz-2023", "maslikhat-kostanay-list", "KZ-39"},
	"kz-referendum-2024":         {"kz-referendum-2024", "nuclear-power-plant", "KZ"},
	"kz-referendum-2026":         {"kz-referendum-2026", "constitution", "KZ"},
}

// unitArea is the area of a published regional line.
var unitArea = map[string]string{"Mangystau": "KZ-47"}

// optionID is the option id of a name of official.json.
func optionID(name string) string {
	switch name {
	case "Ak Zhol":
		return "ak-zhol"
	case "People's Party":
		return "qhp"
	}
	return strings.ToLower(name)
}

// TestReplayTallies: `dauys demo --no-serve` loads the five replays
// finished, and `dauys tally` reproduces every official figure of
// decide/testdata/official.json that a replay holds: the counts, every
// published percentage to the hundredth and the outcome (elected, valid
// and adopted, seats). On SQLite and on PostgreSQL.
func TestReplayTallies(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo loads ~70,000 protocols")
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "decide", "testdata", "official.json"))
	if err != nil {
		t.Fatal(err)
	}
	var official struct {
		Events []officialEvent `json:"events"`
	}
	if err := json.Unmarshal(data, &official); err != nil {
		t.Fatal(err)
	}
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "demo.db")}
	if u := postgresURL(t); u != "" {
		dbs["postgres"] = u
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			out := mustRun(t, "demo", "--db", db, "--no-serve")
			if !strings.Contains(out, "5 replays") || !strings.Contains(out, " 0 refused") {
				t.Errorf("demo said %q", out)
			}
			tallies := map[string]tallyJSON{}
			tally := func(election, area string) tallyJSON {
				key := election + "/" + area
				if r, ok := tallies[key]; ok {
					return r
				}
				var r tallyJSON
				if err := json.Unmarshal([]byte(mustRun(t, "tally", "--db", db, "--election", election, "--area", area, "--json")), &r); err != nil {
					t.Fatal(err)
				}
				tallies[key] = r
				return r
			}
			checked := 0
			for _, ev := range official.Events {
				at, ok := replayOf[ev.ID]
				if !ok {
					continue
				}
				checked++
				t.Run(ev.ID, func(t *testing.T) {
					checkOfficial(t, ev, at.contest, tally(at.election, at.area))
					for _, u := range ev.Units {
						r := tally(at.election, unitArea[u.Name])
						for _, c := range r.Contests {
							if c.Contest != at.contest {
								continue
							}
							for line, want := range u.Counts {
								if c.Lines[line] != want {
									t.Errorf("%s: %s is %d, the published figure %d", u.Name, line, c.Lines[line], want)
								}
							}
						}
					}
				})
			}
			if checked != len(replayOf) {
				t.Errorf("%d official events checked, want %d", checked, len(replayOf))
			}
		})
	}
}

// checkOfficial compares a contest's tally with an official event.
func checkOfficial(t *testing.T, ev officialEvent, contest string, r tallyJSON) {
	t.Helper()
	var lines map[string]int64
	var outcome map[string]any
	for _, c := range r.Contests {
		if c.Contest == contest {
			lines, outcome = c.Lines, c.Outcome
			if c.Progress.Reported != c.Progress.Expected || c.Progress.Expected == 0 {
				t.Errorf("%d of %d precincts reported", c.Progress.Reported, c.Progress.Expected)
			}
		}
	}
	if lines == nil {
		t.Fatalf("no contest %s in the tally", contest)
	}
	k := ev.Counts
	want := map[string]int64{"registered": k.Registered, "took_part": k.TookPart, "against_all": k.AgainstAll,
		"yes": k.Yes, "no": k.No, "both_marked": k.BothMarked, "invalid": k.Invalid}
	for i, name := range ev.Options {
		want["option:"+optionID(name)] = k.Options[i]
	}
	for line, v := range want {
		if v != 0 && lines[line] != v {
			t.Errorf("%s: the tally has %d, the official figure is %d", line, lines[line], v)
		}
	}
	// The published percentages, over the bases the CEC used
	// (decide/testdata/official.json).
	var valid int64 = lines["against_all"]
	for _, name := range ev.Options {
		valid += lines["option:"+optionID(name)]
	}
	for _, p := range ev.Published {
		var got string
		switch {
		case p.Figure == "turnout":
			got = decide.Percent(lines["took_part"], lines["registered"])
		case p.Figure == "against_all":
			got = decide.Percent(lines["against_all"], valid)
		case strings.HasPrefix(p.Figure, "option:"):
			got = decide.Percent(lines["option:"+optionID(strings.TrimPrefix(p.Figure, "option:"))], valid)
		case strings.HasPrefix(p.Figure, "unit:"):
			continue // checked by count
		default:
			got = decide.Percent(lines[p.Figure], lines["took_part"])
		}
		if got != p.Percent {
			t.Errorf("%s: %s%%, published %s%%", p.Figure, got, p.Percent)
		}
	}
	if outcome == nil {
		t.Fatal("no outcome")
	}
	if ev.Elected != "" && outcome["elected"] != optionID(ev.Elected) {
		t.Errorf("elected %v, want %s", outcome["elected"], optionID(ev.Elected))
	}
	if ev.Valid != nil && outcome["valid"] != *ev.Valid {
		t.Errorf("valid %v, want %v", outcome["valid"], *ev.Valid)
	}
	if ev.Adopted != nil && outcome["adopted"] != *ev.Adopted {
		t.Errorf("adopted %v, want %v", outcome["adopted"], *ev.Adopted)
	}
	// "In 17 oblasts, cities of republican significance and the capital"
	// yes won (the CRC's final message, zakon.kz 6016530; official.json).
	if ev.ID == "kz-referendum-2022" && outcome["units_with_majority"] != float64(17) {
		t.Errorf("yes won in %v units, the CRC's 17", outcome["units_with_majority"])
	}
	if len(ev.Seats) > 0 {
		got := map[string]int{}
		seats, _ := outcome["seats"].([]any)
		for _, s := range seats {
			m, _ := s.(map[string]any)
			n, _ := m["seats"].(float64)
			got[m["option"].(string)] = int(n)
		}
		for name, n := range ev.Seats {
			if got[optionID(name)] != n {
				t.Errorf("%s: %d seats, the official %d (all: %v)", name, got[optionID(name)], n, got)
			}
		}
	}
}
