package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// referendumWithHours copies the 2022 referendum's definition with the
// Kazakh reporting hours added, and returns its directory.
func referendumWithHours(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("..", "..", "examples", "kz-referendum-2022")
	for _, name := range []string{"election.yaml", "areas.csv"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "election.yaml" {
			// The test's own hours, in place of the example's.
			b = regexp.MustCompile(`(?m)^turnout_hours: .*$`).ReplaceAll(b,
				[]byte(`turnout_hours: ["10:00", "12:00", "14:00", "16:00", "18:00"]`))
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestTurnoutAndStatusCommands runs polling day from the command line on
// SQLite and PostgreSQL: a turnout file with good and bad rows, the
// turnout as JSON and as a table, and the status through final results,
// a refused import after them and a reopening, all in the audit trail.
func TestTurnoutAndStatusCommands(t *testing.T) {
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "d.db")}
	if url := postgresURL(t); url != "" {
		dbs["postgres"] = url
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			mustRun(t, "election", "import", "--db", db, referendumWithHours(t))
			const id = "kz-referendum-2022"
			if out := mustRun(t, "elections", "--db", db); !strings.Contains(out, "scheduled") {
				t.Errorf("elections before polling day:\n%s", out)
			}
			file := filepath.Join(t.TempDir(), "turnout.csv")
			os.WriteFile(file, []byte("area,time,voters\n"+
				"KZ-11-01-0001,10:00,500\n"+ // 2
				"KZ-11-01-0001,12:00,700\n"+ // 3
				"KZ-11-01-0001,14:00,650\n"+ // 4: less than at 12:00
				"KZ-11-01-0002,10:00,1768\n"+ // 5: more than the 1767 registered
				"KZ-11-01-0002,10:15,10\n"+ // 6: not a reporting time
				"KZ-99,10:00,1\n"+ // 7: no such precinct
				"KZ-11-01-0002,10:00,ten\n"+ // 8: not a count
				"KZ-11-01-0002,10:00,300\n"), 0o600) // 9
			code, out, errs := run(t, "turnout", "import", "--db", db, "--election", id, file)
			if code != 4 || !strings.Contains(out, "rows 8: accepted 3, amended 0, duplicates 0, rejected 5") {
				t.Errorf("turnout import: exit %d\n%s%s", code, out, errs)
			}
			for _, want := range []string{"turnout.csv:4: ", "650 is less than the 700 reported at 12:00", "turnout.csv:5: ", "1768 voters is more than the 1767",
				"turnout.csv:6: ", "turnout.csv:7: ", "does not exist", "turnout.csv:8: ", `"ten" is not a whole number`} {
				if !strings.Contains(errs, want) {
					t.Errorf("turnout import's rejections lack %q:\n%s", want, errs)
				}
			}
			if strings.Contains(errs, "turnout.csv:2:") || strings.Contains(errs, "turnout.csv:9:") {
				t.Errorf("good rows rejected:\n%s", errs)
			}

			out = mustRun(t, "turnout", "--db", db, "--election", id, "--area", "KZ-11-01-0001", "--json")
			var got, want any
			json.Unmarshal([]byte(out), &got)
			json.Unmarshal([]byte(`{"area":"KZ-11-01-0001","reports":[
				{"time":"10:00","voters":500,"registered":1353,"precincts_reported":1,"precincts":1,"percent":"36.95"},
				{"time":"12:00","voters":700,"registered":1353,"precincts_reported":1,"precincts":1,"percent":"51.74"}],
				"quorum_reached_at":"12:00"}`), &want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("turnout --json:\n%s", out)
			}
			out = mustRun(t, "turnout", "--db", db, "--election", id, "--area", "KZ-11-01")
			for _, w := range []string{"10:00     800       3,120   25.64%             2 of 71", "12:00     700       1,353   51.74%             1 of 71"} {
				if !strings.Contains(out, w) || strings.Contains(out, "quorum") {
					t.Errorf("turnout lacks %q (or claims a quorum):\n%s", w, out)
				}
			}
			if out := mustRun(t, "turnout", "--db", db, "--election", id, "--area", "KZ-11-01-0001"); !strings.Contains(out, "quorum reached at 12:00") {
				t.Errorf("a precinct's turnout lacks its quorum:\n%s", out)
			}

			if out := mustRun(t, "election", "status", "--db", db, "--election", id); !strings.Contains(out, "voting") || !strings.Contains(out, "automatic: first turnout report") {
				t.Errorf("election status after the first report:\n%s", out)
			}
			for _, c := range []struct {
				args []string
				code int
				want string
			}{
				{[]string{"--set", "final", "--decision", "No. 12/345 of 2022-06-07"}, 6, "cannot move from voting to final"},
				{[]string{"--set", "counting"}, 0, "voting -> counting"},
				{[]string{"--set", "final"}, 4, "decision"},
				{[]string{"--set", "final", "--decision", "twelve"}, 4, "No. NUMBER of YYYY-MM-DD"},
				{[]string{"--set", "final", "--decision-number", "12/345", "--decision-date", "7 June"}, 4, "YYYY-MM-DD"},
				{[]string{"--set", "final", "--decision", "No. 12/345 of 2022-06-07"}, 0, "counting -> final"},
				{[]string{"--set", "voting"}, 6, "cannot move from final to voting"},
				{[]string{"--set", "counting"}, 4, "reason"},
			} {
				code, out, errs := run(t, append([]string{"election", "status", "--db", db, "--election", id}, c.args...)...)
				if code != c.code || !strings.Contains(out+errs, c.want) {
					t.Errorf("election status %v: exit %d, want %d and %q\n%s%s", c.args, code, c.code, c.want, out, errs)
				}
			}
			out = mustRun(t, "election", "status", "--db", db, "--election", id)
			if !strings.Contains(out, "final, established by decision No. 12/345 of 2022-06-07") {
				t.Errorf("election status when final:\n%s", out)
			}
			if out := mustRun(t, "elections", "--db", db); !strings.Contains(out, "final") {
				t.Errorf("elections when final:\n%s", out)
			}
			code, out, errs = run(t, "turnout", "import", "--db", db, "--election", id, file)
			if code != 4 || !strings.Contains(errs, "the results are final") || !strings.Contains(out, "accepted 0") {
				t.Errorf("turnout import after final: exit %d\n%s%s", code, out, errs)
			}
			mustRun(t, "election", "status", "--db", db, "--election", id, "--set", "counting", "--reason", "recount ordered by the court")
			code, out, errs = run(t, "turnout", "import", "--db", db, "--election", id, file)
			if code != 4 || !strings.Contains(out, "accepted 0, amended 0, duplicates 3, rejected 5") {
				t.Errorf("turnout import after the reopening: exit %d\n%s%s", code, out, errs)
			}

			trail := mustRun(t, "audit-log", "--db", db, "--election", id, "--json")
			for _, w := range []string{`"action":"turnout-import","election":"kz-referendum-2022","object":"` + file + `","outcome":"started"`,
				`"action":"turnout-import"`, `"outcome":"partial"`,
				`"action":"election-status","election":"kz-referendum-2022","object":"final","outcome":"ok"`,
				`"action":"election-status","election":"kz-referendum-2022","object":"voting","outcome":"conflict"`} {
				if !strings.Contains(trail, w) {
					t.Errorf("the audit trail lacks %s", w)
				}
			}
			if strings.Count(trail, `"action":"election-status"`) != 9 {
				t.Errorf("%d election-status events, want the 9 changes tried (reads are not recorded):\n%s", strings.Count(trail, `"action":"election-status"`), trail)
			}
		})
	}
}
