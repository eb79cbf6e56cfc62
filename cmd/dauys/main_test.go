package main_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	main "github.com/dauys/dauys/cmd/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/sqlite"
)

// run runs the program in-process and returns its exit status and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &main.Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: time.Now}
	code := m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("dauys %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// nightCSV writes the protocols of a generated night for an example as a
// CSV file in the example's import layout, and returns the file's path and
// the events.
func nightCSV(t *testing.T, example string, keep func(i int) bool) (string, []demo.Event) {
	t.Helper()
	def, err := definition.LoadWith(filepath.Join("..", "..", "examples", example), definition.Options{CheckRules: rules.Check})
	if err != nil {
		t.Fatal(err)
	}
	e, err := election.Compile(def)
	if err != nil {
		t.Fatal(err)
	}
	events := demo.Night(e, 7, demo.Baseline{AgainstAll: 3, Invalid: 1, Yes: 77})
	cols := map[string]bool{}
	for _, ev := range events {
		for k := range ev.Submission.Lines {
			cols[k] = true
		}
	}
	var header []string
	for k := range cols {
		header = append(header, k)
	}
	sort.Strings(header)
	path := filepath.Join(t.TempDir(), example+".csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write(append([]string{"area", "contest"}, header...))
	var kept []demo.Event
	for i, ev := range events {
		if ev.Faulty || ev.Submission.Amendment || (keep != nil && !keep(i)) {
			continue
		}
		row := []string{ev.Submission.Area, ev.Submission.Contest}
		for _, h := range header {
			if v, ok := ev.Submission.Lines[h]; ok {
				row = append(row, fmt.Sprint(v))
			} else {
				row = append(row, "")
			}
		}
		w.Write(row)
		kept = append(kept, ev)
	}
	w.Flush()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, kept
}

type tallyJSON struct {
	Contests []struct {
		Contest  string           `json:"contest"`
		Lines    map[string]int64 `json:"lines"`
		Progress struct {
			Reported int64 `json:"precincts_reported"`
			Expected int64 `json:"precincts_expected"`
		} `json:"progress"`
		Outcome map[string]any `json:"outcome"`
	} `json:"contests"`
}

func TestImportTallyAndServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dauys.db")
	mustRun(t, "init", "--db", db)
	out := mustRun(t, "election", "import", "--db", db, "../../examples/kz-referendum-2022")
	if !strings.Contains(out, "imported election kz-referendum-2022") {
		t.Errorf("import said %q", out)
	}
	if code, _, errs := run(t, "election", "import", "--db", db, "../../examples/kz-referendum-2022"); code != 6 || !strings.Contains(errs, "exists") {
		t.Errorf("second import: exit %d, %s", code, errs)
	}
	var list struct {
		Elections []struct{ ID string } `json:"elections"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "elections", "--db", db, "--json")), &list); err != nil || len(list.Elections) != 1 || list.Elections[0].ID != "kz-referendum-2022" {
		t.Fatalf("elections --json: %+v, %v", list, err)
	}

	csvPath, events := nightCSV(t, "kz-referendum-2022", nil)
	out = mustRun(t, "protocols", "import", "--db", db, "--election", "kz-referendum-2022", csvPath)
	if !strings.Contains(out, fmt.Sprintf("accepted %d,", len(events))) {
		t.Errorf("protocols import said %q, want %d accepted", out, len(events))
	}

	var res tallyJSON
	if err := json.Unmarshal([]byte(mustRun(t, "tally", "--db", db, "--election", "kz-referendum-2022", "--json")), &res); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for _, ev := range events {
		for k, v := range ev.Submission.Lines {
			want[k] += v
		}
	}
	c := res.Contests[0]
	for k, v := range want {
		if c.Lines[k] != v {
			t.Errorf("tally %s = %d, want %d", k, c.Lines[k], v)
		}
	}
	if c.Progress.Reported != int64(len(events)) || c.Progress.Expected != int64(len(events)) {
		t.Errorf("progress %+v, want all %d", c.Progress, len(events))
	}
	for _, key := range []string{"valid", "adopted", "units_with_majority", "units_required"} {
		if _, ok := c.Outcome[key]; !ok {
			t.Errorf("outcome lacks %q: %v", key, c.Outcome)
		}
	}
	if c.Outcome["units_required"] != float64(12) {
		t.Errorf("units_required = %v, want 12 of 17", c.Outcome["units_required"])
	}

	text := mustRun(t, "tally", "--db", db, "--election", "kz-referendum-2022")
	if !strings.Contains(text, "took_part") {
		t.Errorf("tally text lacks lines:\n%s", text)
	}

	// A file with a bad row: the good rows are stored, the bad one named, exit 4.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	data, _ := os.ReadFile(csvPath)
	lines := strings.SplitN(string(data), "\n", 3)
	fields := strings.Split(lines[1], ",")
	fields[len(fields)-1] = "-5"
	os.WriteFile(bad, []byte(lines[0]+"\n"+strings.Join(fields, ",")+"\n"), 0o644)
	code, _, errs := run(t, "protocols", "import", "--db", db, "--election", "kz-referendum-2022", bad)
	if code != 4 || !strings.Contains(errs, "bad.csv:2:") {
		t.Errorf("bad row: exit %d, stderr %q", code, errs)
	}

	// The server answers the API over a real socket.
	base := "http://" + startServe(t, "--db", db)
	resp, err := http.Get(base + "/api/v1/elections/kz-referendum-2022/results")
	if err != nil {
		t.Fatal(err)
	}
	var api tallyJSON
	json.NewDecoder(resp.Body).Decode(&api)
	resp.Body.Close()
	if len(api.Contests) != 1 || api.Contests[0].Lines["yes"] != want["yes"] {
		t.Errorf("API results %+v, want yes=%d", api.Contests, want["yes"])
	}
	token := strings.TrimSpace(mustRun(t, "token", "create", "--db", db, "--role", "operator", "--election", "kz-referendum-2022", "--area", "KZ-75"))
	body := `{"contest":"referendum","area":"nowhere","lines":{}}`
	req, _ := http.NewRequest("POST", base+"/api/v1/elections/kz-referendum-2022/protocols", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("submission to a missing precinct: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestUsageErrors(t *testing.T) {
	tests := [][]string{
		{},
		{"frobnicate"},
		{"tally"},
		{"protocols", "import", "--election", "x"},
		{"election"},
		{"tally", "--no-such-flag"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if code, _, _ := run(t, args...); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
		})
	}
}

// mustOpenElection opens a SQLite database and reads an election's
// definition from it; the caller closes the store.
func mustOpenElection(t *testing.T, db, election string) (*sqlite.Store, *dauys.Election) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.Election(context.Background(), election)
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	return s, e
}

// assertConsistent checks that the running totals of a store are exactly the
// sums of the protocols it holds: nothing was half-written.
func assertConsistent(t *testing.T, db, election string) {
	t.Helper()
	ctx := context.Background()
	s, e := mustOpenElection(t, db, election)
	defer s.Close()
	root := e.Root().ID
	sums := map[string]map[string]int64{}
	var n int
	err := s.EachProtocol(ctx, election, "", func(p *dauys.Protocol) error {
		n++
		if sums[p.Contest] == nil {
			sums[p.Contest] = map[string]int64{}
		}
		for k, v := range p.Lines {
			sums[p.Contest][k] += v
		}
		sums[p.Contest][dauys.ReportedLine]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the killed import stored nothing")
	}
	for _, c := range e.Contests {
		tot, err := s.Totals(ctx, election, c.ID, []string{root})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range sums[c.ID] {
			if tot[root][k] != v {
				t.Errorf("contest %s line %s: running total %d, protocols sum to %d", c.ID, k, tot[root][k], v)
			}
		}
	}
}
