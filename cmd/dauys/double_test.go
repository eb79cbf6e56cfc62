package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// doubleEntryExample copies the referendum example with double_entry
// switched on and returns its directory.
func doubleEntryExample(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "examples", "kz-referendum-2022")
	dir := t.TempDir()
	for _, name := range []string{"election.yaml", "areas.csv"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "election.yaml" {
			data = append(data, "\ndouble_entry: true\n"...)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// reportedIn returns how many precincts have a counted protocol.
func reportedIn(t *testing.T, db string) int64 {
	t.Helper()
	var res tallyJSON
	if err := json.Unmarshal([]byte(mustRun(t, "tally", "--db", db, "--election", "kz-referendum-2022", "--json")), &res); err != nil {
		t.Fatal(err)
	}
	return res.Contests[0].Progress.Reported
}

// TestProtocolsImportDoubleEntry: in a double-entry election a CSV import
// (of protocols import or cdf import) is one person's entry, the OS user's:
// refused without --entry, and counted only when another person's entry
// agrees. The same person cannot make the other entry through the API.
func TestProtocolsImportDoubleEntry(t *testing.T) {
	const election = "kz-referendum-2022"
	// A sample of the night keeps the test quick.
	csvPath, events := nightCSV(t, election, func(i int) bool { return i%100 == 0 })
	if len(events) < 10 {
		t.Fatalf("the sample holds %d protocols", len(events))
	}
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "dauys.db")}
	if u := postgresURL(t); u != "" {
		dbs["postgres"] = u
	}
	// The same rows in the flat CDF layout, exported from an election
	// without double entry.
	plain := filepath.Join(t.TempDir(), "plain.db")
	mustRun(t, "election", "import", "--db", plain, "../../examples/"+election)
	mustRun(t, "protocols", "import", "--db", plain, "--election", election, csvPath)
	flat := filepath.Join(t.TempDir(), "flat.csv")
	mustRun(t, "cdf", "export", "--db", plain, "--election", election, "--format", "csv", "--out", flat)

	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			mustRun(t, "election", "import", "--db", db, doubleEntryExample(t))
			t.Setenv("USER", "alice")
			for _, args := range [][]string{
				{"protocols", "import", "--db", db, "--election", election, csvPath},
				{"cdf", "import", "--db", db, "--format", "csv", "--election", election, flat},
			} {
				if code, out, errs := run(t, args...); code == 0 || !strings.Contains(errs, "uses double entry") {
					t.Errorf("%s without --entry: exit %d\n%s%s", args[0], code, out, errs)
				}
			}
			if code, _, errs := run(t, "protocols", "import", "--db", db, "--election", election, "--entry", "3", csvPath); code != 2 {
				t.Errorf("--entry 3: exit %d, %s", code, errs)
			}
			if n := reportedIn(t, db); n != 0 {
				t.Fatalf("%d protocols counted after imports without an entry", n)
			}

			out := mustRun(t, "protocols", "import", "--db", db, "--election", election, "--entry", "1", csvPath)
			if !strings.Contains(out, fmt.Sprintf("entered %d,", len(events))) {
				t.Errorf("entry 1 said %q, want %d entered", out, len(events))
			}
			// The same person, with a token in their name, through the API.
			token := strings.TrimSpace(mustRun(t, "token", "create", "--db", db, "--role", "operator", "--election", election, "--subject", "alice"))
			base := "http://" + startServe(t, "--db", db)
			sub := events[0].Submission
			body, _ := json.Marshal(map[string]any{"contest": sub.Contest, "area": sub.Area, "lines": sub.Lines, "entry": 2})
			req, _ := http.NewRequest("POST", base+"/api/v1/elections/"+election+"/protocols", strings.NewReader(string(body)))
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("entry 2 by the CLI's user through the API: %s", resp.Status)
			}
			if code, out, _ := run(t, "cdf", "import", "--db", db, "--format", "csv", "--election", election, "--entry", "2", flat); code != 4 ||
				!strings.Contains(out, "accepted 0,") {
				t.Errorf("entry 2 by the same OS user: exit %d, %s", code, out)
			}
			if n := reportedIn(t, db); n != 0 {
				t.Fatalf("%d protocols counted after one person's entries", n)
			}

			t.Setenv("USER", "bob")
			out = mustRun(t, "cdf", "import", "--db", db, "--format", "csv", "--election", election, "--entry", "2", flat)
			if !strings.Contains(out, fmt.Sprintf("accepted %d,", len(events))) {
				t.Errorf("entry 2 by another person said %q, want %d accepted", out, len(events))
			}
			if n := reportedIn(t, db); n != int64(len(events)) {
				t.Errorf("%d protocols counted, want %d", n, len(events))
			}
		})
	}
}
