package main_test

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/cdf"
)

// TestCDFCommand imports a results report, exports it as JSON (validated)
// and as CSV, imports the export into a second database and the CSV on top
// of it.
func TestCDFCommand(t *testing.T) {
	dir := t.TempDir()
	db, db2 := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	report := filepath.Join("..", "..", "internal", "cdf", "testdata", "minimal.json")

	code, out, errs := run(t, "cdf", "import", "--db", db, "--id", "example", report)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "imported election example: 3 areas, 2 contests, 4 protocols (accepted 4, refused 0") {
		t.Errorf("import said %q", out)
	}
	if !strings.Contains(errs, "note: write-in selections cs-wi are imported as ordinary options") {
		t.Errorf("import notes %q", errs)
	}
	code, _, errs = run(t, "cdf", "import", "--db", db, "--id", "example", report)
	if code != 6 || !strings.Contains(errs, "election example already exists") {
		t.Errorf("a second import under the same id: exit %d, %q", code, errs)
	}

	exported := filepath.Join(dir, "example.json")
	mustRun(t, "cdf", "export", "--db", db, "--election", "example", "--out", exported)
	data, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	if err := cdf.Validate(data); err != nil {
		t.Errorf("the export does not validate: %v", err)
	}
	summary := mustRun(t, "cdf", "export", "--db", db, "--election", "example", "--level", "summary")
	if err := cdf.Validate([]byte(summary)); err != nil || !strings.Contains(summary, `"summary-contest"`) {
		t.Errorf("summary export: %v", err)
	}
	csvPath := filepath.Join(dir, "example.csv")
	mustRun(t, "cdf", "export", "--db", db, "--election", "example", "--format", "csv", "--out", csvPath)
	rows, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(rows), strings.Join(cdf.CSVHeader, ",")+"\n") {
		t.Errorf("CSV starts %q", string(rows[:min(len(rows), 120)]))
	}

	out = mustRun(t, "cdf", "import", "--db", db2, exported)
	if !strings.Contains(out, "imported election example:") {
		t.Errorf("re-import said %q", out)
	}
	out = mustRun(t, "cdf", "import", "--db", db2, "--format", "csv", "--election", "example", csvPath)
	if !strings.Contains(out, "protocols 4: accepted 0, amended 0, duplicates 4, rejected 0") {
		t.Errorf("CSV import of the same protocols said %q", out)
	}
	// Each import recorded its start before its first protocol, and its
	// end with the counts, as the person at the command line.
	events := importEvents(t, db2)
	if len(events) != 4 {
		t.Fatalf("import events: %+v", events)
	}
	for i, want := range []struct{ outcome, detail string }{
		{dauys.AuditStarted, "dauys cdf import"}, {dauys.AuditOK, "4 protocols (accepted 4, refused 0"},
		{dauys.AuditStarted, "--format=csv"}, {dauys.AuditOK, "protocols 4: accepted 0, amended 0, duplicates 4"},
	} {
		if e := events[i]; e.Outcome != want.outcome || !strings.Contains(e.Detail, want.detail) || e.Actor == "cli:" {
			t.Errorf("event %d: %s %s %q; want %s with %q", i, e.Actor, e.Outcome, e.Detail, want.outcome, want.detail)
		}
	}
	if out := mustRun(t, "elections", "--db", db2, "--json"); !strings.Contains(out, `"id": "example"`) {
		t.Errorf("elections: %s", out)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"cdf"}, "dauys cdf import"},
		{"export without election", []string{"cdf", "export", "--db", db}, "cdf export takes --election ID"},
		{"unknown level", []string{"cdf", "export", "--db", db, "--election", "example", "--level", "county"}, `unknown level "county"`},
		{"missing file", []string{"cdf", "import", "--db", db, filepath.Join(dir, "nothing.json")}, "no such file"},
		{"not a report", []string{"cdf", "import", "--db", db, "--id", "x", csvPath}, "--election"},
		{"unknown election", []string{"cdf", "export", "--db", db, "--election", "nowhere"}, "nowhere"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := run(t, tc.args...)
			if code == 0 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want a failure saying %q", code, errs, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Error("a failed import created a database")
	}
}

// importEvents returns the protocols-import events of a database's audit
// trail, oldest first.
func importEvents(t *testing.T, db string) []dauys.AuditEvent {
	t.Helper()
	var exported struct{ Events []dauys.AuditEvent }
	if err := json.Unmarshal([]byte(mustRun(t, "audit-log", "--db", db, "--json")), &exported); err != nil {
		t.Fatal(err)
	}
	var out []dauys.AuditEvent
	for _, e := range exported.Events {
		if e.Action == dauys.AuditProtocolsImport {
			out = append(out, e)
		}
	}
	return out
}

// TestProtocolsImportZipBomb: a small zip whose CSV holds one cell of
// megabytes (the attack used a gigabyte) is refused at its row after
// reading little of it, with a short message; an archive declaring more
// than the limits is refused before it is read.
func TestProtocolsImportZipBomb(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	mustRun(t, "election", "import", "--db", db, "../../examples/kz-referendum-2022")
	bomb := filepath.Join(dir, "bomb.zip")
	f, err := os.Create(bomb)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.Create("night.csv")
	if err != nil {
		t.Fatal(err)
	}
	night, _ := nightCSV(t, "kz-referendum-2022", nil)
	data, err := os.ReadFile(night)
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(data), "\n")
	w.Write([]byte(header + "\n\""))
	chunk := []byte(strings.Repeat("A", 1<<20))
	for range 64 {
		w.Write(chunk)
	}
	w.Write([]byte("\",x,1\n"))
	if err := errors.Join(zw.Close(), f.Close()); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "protocols", "import", "--db", db, "--election", "kz-referendum-2022", bomb)
	if code != 4 || !strings.Contains(errs, "bomb.zip:2: the row is longer than 65536 bytes") || len(errs)+len(out) > 2000 {
		t.Errorf("exit %d, %d bytes of output: %.300s %.300s", code, len(out)+len(errs), out, errs)
	}
}
