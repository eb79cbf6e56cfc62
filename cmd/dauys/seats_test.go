package main_test

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeatsAssign records a party's seat assignment from the command line on SQLite and PostgreSQL: the
// law's checks refuse a district winner, more candidates than seats, a position off the list and a choice
// that misses the seats' quota; a good decision and its replacement are stored, shown by dauys tally (text
// and JSON) and dauys seats list, and written to the audit trail. A definition whose list misses the
// list quota is refused at import.
func TestSeatsAssign(t *testing.T) {
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "d.db")}
	if url := postgresURL(t); url != "" {
		dbs["postgres"] = url
	}
	dir := filepath.Join("testdata", "seats")
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			const id = "seats-test"
			mustRun(t, "election", "import", "--db", db, dir)
			mustRun(t, "protocols", "import", "--db", db, "--election", id, filepath.Join(dir, "list.csv"))
			mustRun(t, "protocols", "import", "--db", db, "--election", id, filepath.Join(dir, "smd.csv"))
			assign := func(party, cands string, extra ...string) (int, string) {
				args := append([]string{"seats", "assign", "--db", db, "--election", id, "--contest", "list", "--party", party, "--candidates", cands}, extra...)
				code, out, errs := run(t, args...)
				return code, out + errs
			}
			// Hare over 2,400 votes for 5 seats: AMANAT 1,500 -> 3, Ak Zhol 900 -> 2.
			for _, bad := range []struct{ party, cands, want string }{
				{"amanat", "1,2,3", "elected in single-member district smd-1"},
				{"amanat", "2,3,4,5", "names 4 candidates for its 3 seats"},
				{"amanat", "3,7", "candidate 7 is not on the list"},
				{"amanat", "3,4", "seats' quota"},
				{"amanat", "2,x", "is not a list position"},
				{"nobody", "1", "not on the ballot"},
			} {
				if code, out := assign(bad.party, bad.cands); code == 0 || !strings.Contains(out, bad.want) {
					t.Errorf("assign %s %s: exit %d\n%s\nwant %q", bad.party, bad.cands, code, out, bad.want)
				}
			}
			if code, out := assign("amanat", "2,3,6", "--decision", "Bureau decision No. 1 of 2023-03-28"); code != 0 ||
				!strings.Contains(out, "party amanat assigned 3 of its 3 seats") || !strings.Contains(out, "not final") {
				t.Fatalf("good assignment: exit %d\n%s", code, out)
			}
			if code, out := assign("amanat", "2,3,5", "--decision", "Bureau decision No. 2 of 2023-03-29"); code != 0 {
				t.Fatalf("second decision: exit %d\n%s", code, out)
			}
			mustRun(t, "seats", "assign", "--db", db, "--election", id, "--contest", "list", "--party", "akzhol", "--candidates", "2")

			text := mustRun(t, "tally", "--db", db, "--election", id)
			for _, want := range []string{"Seats of AMANAT (amanat) taken by (decision: Bureau decision No. 2 of 2023-03-29):", "  2. Aigul Seitkali",
				"  5. Zhanna Karimova", "Seats of Ak Zhol (akzhol) taken by:", "  2. Saule Akhmetova"} {
				if !strings.Contains(text, want) {
					t.Errorf("tally lacks %q:\n%s", want, text)
				}
			}
			var res struct {
				Contests []struct {
					Contest  string `json:"contest"`
					Assigned []struct {
						Party      string `json:"party"`
						Decision   string `json:"decision"`
						Candidates []struct {
							Position int               `json:"position"`
							Name     map[string]string `json:"name"`
						} `json:"candidates"`
					} `json:"assigned"`
				} `json:"contests"`
			}
			if err := json.Unmarshal([]byte(mustRun(t, "tally", "--db", db, "--election", id, "--json")), &res); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range res.Contests {
				for _, a := range c.Assigned {
					for _, p := range a.Candidates {
						got = append(got, c.Contest+"/"+a.Party+"/"+cmp.Or(p.Name["ru"], p.Name["en"]))
					}
				}
			}
			if want := "list/akzhol/Saule Akhmetova list/amanat/Айгуль Сейткали list/amanat/Dias Abenov list/amanat/Zhanna Karimova"; strings.Join(got, " ") != want {
				t.Errorf("assigned in JSON: %q, want %q", got, want)
			}
			if out := mustRun(t, "seats", "list", "--db", db, "--election", id); !strings.Contains(out, "list\tamanat\t[2 3 5]") {
				t.Errorf("seats list:\n%s", out)
			}
			audit := mustRun(t, "audit-log", "--db", db, "--election", id)
			if n := strings.Count(audit, ",seats-assign,"); n != 9 {
				t.Errorf("%d seats-assign events, want 9 (6 refused, 3 stored):\n%s", n, audit)
			}
			if !strings.Contains(audit, "--candidates=2,3,5") {
				t.Errorf("the audit trail lacks the decision's candidates:\n%s", audit)
			}
		})
	}
	t.Run("list quota at import", func(t *testing.T) {
		bad := t.TempDir()
		b, err := os.ReadFile(filepath.Join(dir, "election.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		b = []byte(strings.Replace(string(b), "{name: {en: Saule Akhmetova}, gender: female}", "{name: {en: Sauyt Akhmetov}, gender: male}", 1))
		os.WriteFile(filepath.Join(bad, "election.yaml"), b, 0o600)
		code, out, errs := run(t, "election", "import", "--db", filepath.Join(t.TempDir(), "q.db"), bad)
		if code == 0 || !strings.Contains(errs, "party list akzhol: 0 of 3 candidates") {
			t.Errorf("import of a list below the quota: exit %d\n%s%s", code, out, errs)
		}
	})
}
