package main_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/integrity"
)

// readAudit reads the published audit state.
func readAudit(t *testing.T, path string) *integrity.Audit {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var a integrity.Audit
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	return &a
}

// TestAuditCommands audits the referendum by both methods end to end:
// plan from the store, sample from a seed, record paper that matches the
// protocols exactly, and a status that confirms the wide margin.
func TestAuditCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	mustRun(t, "election", "import", "--db", db, "../../examples/kz-referendum-2022")
	csvPath, events := nightCSV(t, "kz-referendum-2022", nil)
	mustRun(t, "protocols", "import", "--db", db, "--election", "kz-referendum-2022", csvPath)
	lines := map[string]map[string]int64{}
	for _, ev := range events {
		lines[ev.Submission.Area] = ev.Submission.Lines
	}
	choices := []string{"yes", "no", "both_marked", "invalid"}

	t.Run("macro", func(t *testing.T) {
		state := filepath.Join(dir, "macro.json")
		out := mustRun(t, "audit", "plan", "--db", db, "--election", "kz-referendum-2022", "--contest", "constitution",
			"--method", "macro", "--risk-limit", "0.05", "--state", state)
		if !strings.Contains(out, "MACRO") || !strings.Contains(out, "First round") {
			t.Errorf("plan said %q", out)
		}
		if code, _, errs := run(t, "audit", "plan", "--db", db, "--election", "kz-referendum-2022", "--contest", "constitution",
			"--method", "macro", "--state", state); code != 6 || !strings.Contains(errs, "exists") {
			t.Errorf("planning over a published plan: exit %d, %q", code, errs)
		}
		if code, _, errs := run(t, "audit", "status", "--state", state); code != 4 || !strings.Contains(errs, "no sample") {
			t.Errorf("status before the sample: exit %d, %q", code, errs)
		}
		out = mustRun(t, "audit", "sample", "--state", state, "--seed", "20220605")
		if !strings.Contains(out, "Precincts to count by hand") {
			t.Errorf("sample said %q", out)
		}
		a := readAudit(t, state)
		if a.Sample == nil || len(a.Sample.Draws) != a.Plan.SampleSize || a.Sample.Seed != "20220605" {
			t.Fatalf("state after sampling: %+v", a.Sample)
		}
		out = mustRun(t, "audit", "status", "--state", state)
		if !strings.Contains(out, "not complete") {
			t.Errorf("status with nothing recorded said %q", out)
		}
		done := map[string]bool{}
		for _, d := range a.Sample.Draws {
			if done[d.BatchID] {
				continue
			}
			done[d.BatchID] = true
			var counts []string
			for _, ch := range choices {
				counts = append(counts, fmt.Sprintf("%s=%d", ch, lines[d.BatchID][ch]))
			}
			mustRun(t, "audit", "record", "--state", state, "--batch", d.BatchID, "--counts", strings.Join(counts, ","))
		}
		out = mustRun(t, "audit", "status", "--state", state)
		if !strings.Contains(out, "stop: the risk limit is met") {
			t.Errorf("status said %q", out)
		}
		var st struct {
			Status []struct {
				Finished bool `json:"finished"`
				Risk     struct {
					Measured float64 `json:"measured_risk"`
				} `json:"risk"`
			} `json:"status"`
		}
		if err := json.Unmarshal([]byte(mustRun(t, "audit", "status", "--state", state, "--json")), &st); err != nil {
			t.Fatal(err)
		}
		if len(st.Status) != 1 || !st.Status[0].Finished || st.Status[0].Risk.Measured > 0.05 {
			t.Errorf("status %+v", st)
		}
		if a := readAudit(t, state); len(a.Status) != 1 || !a.Status[0].Finished || len(a.History) < 3 {
			t.Errorf("the published state lacks the status or history: %+v %d", a.Status, len(a.History))
		}
	})

	t.Run("bravo", func(t *testing.T) {
		// The default state file lives in the working directory.
		work := t.TempDir()
		t.Chdir(work)
		mustRun(t, "audit", "plan", "--db", db, "--election", "kz-referendum-2022", "--contest", "constitution", "--risk-limit", "0.05")
		state := filepath.Join(work, "audit-kz-referendum-2022-constitution.json")
		out := mustRun(t, "audit", "sample", "--election", "kz-referendum-2022", "--contest", "constitution", "--seed", "31415")
		if !strings.Contains(out, "Ballots to retrieve") {
			t.Errorf("sample said %q", out)
		}
		a := readAudit(t, state)
		if a.Plan.Method != "bravo" || len(a.Sample.Ballots) != a.Plan.SampleSize {
			t.Fatalf("state %+v", a.Plan.Estimates)
		}
		// The paper matches the protocol: in each precinct the yes ballots
		// come first, then no, both marked and invalid.
		found := map[string]map[string]int64{}
		for _, b := range a.Sample.Ballots {
			if found[b.Batch] == nil {
				found[b.Batch] = map[string]int64{}
			}
			idx := b.Index
			for _, ch := range choices {
				if idx <= lines[b.Batch][ch] {
					found[b.Batch][ch]++
					break
				}
				idx -= lines[b.Batch][ch]
			}
		}
		var ids []string
		for id := range found {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		var csv strings.Builder
		csv.WriteString("batch," + strings.Join(choices, ",") + "\n")
		for _, id := range ids {
			csv.WriteString(id)
			for _, ch := range choices {
				fmt.Fprintf(&csv, ",%d", found[id][ch])
			}
			csv.WriteString("\n")
		}
		file := filepath.Join(work, "audited.csv")
		os.WriteFile(file, []byte(csv.String()), 0o644)

		// A file with one bad row is refused whole, naming the line.
		bad := filepath.Join(work, "bad.csv")
		rows := strings.Split(csv.String(), "\n")
		rows[1] = strings.Replace(rows[1], ",", ",x", 1)
		os.WriteFile(bad, []byte(strings.Join(rows, "\n")), 0o644)
		if code, _, errs := run(t, "audit", "record", "--state", state, "--file", bad); code != 4 || !strings.Contains(errs, "bad.csv:2") {
			t.Errorf("bad file: exit %d, %q", code, errs)
		}
		if a := readAudit(t, state); len(a.Recorded) != 0 {
			t.Errorf("a refused file recorded %d batches", len(a.Recorded))
		}

		out = mustRun(t, "audit", "record", "--state", state, "--file", file)
		if !strings.Contains(out, fmt.Sprintf("recorded %d precincts", len(ids))) {
			t.Errorf("record said %q", out)
		}
		out = mustRun(t, "audit", "status", "--election", "kz-referendum-2022", "--contest", "constitution")
		if !strings.Contains(out, "stop: the risk limit is met") {
			t.Errorf("status said %q", out)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		state := filepath.Join(dir, "bad.json")
		mustRun(t, "audit", "plan", "--db", db, "--election", "kz-referendum-2022", "--contest", "constitution", "--state", state)
		mustRun(t, "audit", "sample", "--state", state, "--seed", "1")
		a := readAudit(t, state)
		batch := a.Sample.Ballots[0].Batch
		for _, tt := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"audit"}, 2, "plan, sample, record, status"},
			{[]string{"audit", "recount"}, 2, "recount"},
			{[]string{"audit", "plan", "--db", db, "--election", "kz-referendum-2022"}, 2, "--contest"},
			{[]string{"audit", "plan", "--db", db, "--election", "kz-referendum-2022", "--contest", "constitution", "--method", "hand", "--state", state + "2"}, 2, "--method"},
			{[]string{"audit", "plan", "--db", db, "--election", "kz-referendum-2022", "--contest", "constitution", "--risk-limit", "5", "--state", state + "2"}, 2, "--risk-limit"},
			{[]string{"audit", "plan", "--db", db, "--election", "kz-referendum-2022", "--contest", "nope", "--state", state + "2"}, 3, "nope"},
			{[]string{"audit", "sample", "--state", state}, 2, "--seed"},
			{[]string{"audit", "sample", "--state", state, "--seed", "2"}, 4, "seed \"1\""},
			{[]string{"audit", "sample", "--state", filepath.Join(dir, "none.json"), "--seed", "1"}, 3, "no audit state"},
			{[]string{"audit", "status"}, 2, "--state"},
			{[]string{"audit", "record", "--state", state, "--batch", batch}, 2, "--counts"},
			{[]string{"audit", "record", "--state", state, "--batch", batch, "--counts", "yes=abc"}, 4, "yes=abc"},
			{[]string{"audit", "record", "--state", state, "--batch", batch, "--counts", "maybe=1"}, 4, "maybe"},
			{[]string{"audit", "record", "--state", state, "--batch", "KZ-nowhere", "--counts", "yes=1"}, 4, "KZ-nowhere"},
			{[]string{"audit", "record", "--state", state, "--batch", batch, "--counts", "yes=1000"}, 4, "drawn"},
		} {
			code, _, errs := run(t, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("%v: exit %d, %q; want %d naming %q", tt.args[1:], code, errs, tt.code, tt.want)
			}
		}
	})
}
