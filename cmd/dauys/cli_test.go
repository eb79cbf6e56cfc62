package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	main "github.com/dauys/dauys/cmd/dauys"
)

// runEnv runs the program in-process with an environment.
func runEnv(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &main.Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: time.Now,
		Getenv: func(k string) string { return env[k] }}
	code := m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

const minimalReport = "../../internal/cdf/testdata/minimal.json"

// TestAuditRecordsParsedFlags is the regression test of issue 20: the
// audit trail re-read the arguments with a parser that knew three
// boolean flags, took --lenient for a flag with a value, and recorded
// `dauys cdf import --db z.db --id a3 --lenient s.json` with no object.
// It now records what the command parsed.
func TestAuditRecordsParsedFlags(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	report := filepath.Join(dir, "s.json")
	data, err := os.ReadFile(minimalReport)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(report, data, 0o644)
	mustRun(t, "cdf", "import", "--db", db, "--id", "a3", "--lenient", report)
	events := importEvents(t, db)
	if len(events) != 2 {
		t.Fatalf("events %+v", events)
	}
	for _, e := range events {
		if e.Object != report || !strings.Contains(e.Detail, "--lenient") || !strings.Contains(e.Detail, "--id=a3") || strings.Contains(e.Detail, db) {
			t.Errorf("%s event: object %q, detail %q; want object %q and the flags but --db", e.Outcome, e.Object, e.Detail, report)
		}
	}

	// A database named by $DAUYS_DB is the one the command used, and
	// the one its record goes to.
	db2 := filepath.Join(dir, "env.db")
	if code, out, errs := runEnv(t, map[string]string{"DAUYS_DB": db2}, "cdf", "import", "--id", "b4", report); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if events := importEvents(t, db2); len(events) != 2 || events[1].Election != "" && events[1].Object != report {
		t.Errorf("events in $DAUYS_DB: %+v", events)
	}
}

// TestFlagSources checks the precedence: a flag beats the environment,
// which beats the config file, whose command section beats its top.
func TestFlagSources(t *testing.T) {
	dir := t.TempDir()
	dbs := map[string]string{}
	for _, id := range []string{"flag", "env", "conf", "section"} {
		dbs[id] = filepath.Join(dir, id+".db")
		mustRun(t, "cdf", "import", "--db", dbs[id], "--id", id, minimalReport)
	}
	conf := filepath.Join(dir, "dauys.conf")
	os.WriteFile(conf, []byte("# test\ndb = "+dbs["conf"]+"\n\n[tally]\ndb = "+dbs["section"]+"\n"), 0o600)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"config file", nil, []string{"--config", conf, "elections", "--json"}, "conf"},
		{"config after the command", nil, []string{"elections", "--json", "--config", conf}, "conf"},
		{"DAUYS_CONFIG", map[string]string{"DAUYS_CONFIG": conf}, []string{"elections", "--json"}, "conf"},
		{"environment over file", map[string]string{"DAUYS_CONFIG": conf, "DAUYS_DB": dbs["env"]}, []string{"elections", "--json"}, "env"},
		{"flag over environment", map[string]string{"DAUYS_CONFIG": conf, "DAUYS_DB": dbs["env"]}, []string{"elections", "--db", dbs["flag"], "--json"}, "flag"},
		{"boolean from environment", map[string]string{"DAUYS_DB": dbs["env"], "DAUYS_JSON": "true"}, []string{"elections"}, "env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runEnv(t, tt.env, tt.args...)
			if code != 0 || !strings.Contains(out, `"id": "`+tt.want+`"`) {
				t.Errorf("exit %d, %s%s; want election %s", code, out, errs, tt.want)
			}
		})
	}
	if code, out, errs := runEnv(t, map[string]string{"DAUYS_CONFIG": conf}, "tally", "--election", "section"); code != 0 {
		t.Errorf("the [tally] section: exit %d, %s%s", code, out, errs)
	}
	if code, _, errs := runEnv(t, map[string]string{"DAUYS_BATCH": "many"}, "protocols", "import", "--election", "x", "f.csv"); code != 2 || !strings.Contains(errs, "$DAUYS_BATCH") {
		t.Errorf("a bad value in the environment: exit %d, %s", code, errs)
	}
	open := filepath.Join(dir, "open.conf")
	os.WriteFile(open, []byte("db = postgres://dauys:secret@127.0.0.1:1/x?connect_timeout=1\n"), 0o644)
	if code, _, errs := run(t, "--config", open, "elections"); code != 5 || !strings.Contains(errs, "chmod 600") || strings.Contains(errs, "secret") {
		t.Errorf("a password in a file others read: exit %d, %s", code, errs)
	}
	bad := filepath.Join(dir, "bad.conf")
	os.WriteFile(bad, []byte("db "+dbs["conf"]+"\n"), 0o600)
	if code, _, errs := run(t, "--config", bad, "elections"); code != 4 || !strings.Contains(errs, "bad.conf:1") {
		t.Errorf("a bad config line: exit %d, %s", code, errs)
	}
}

// TestExitCodes checks one status for each kind of failure (docs/cli.md).
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	mustRun(t, "cdf", "import", "--db", db, "--id", "example", minimalReport)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("area,contest,registered\nnowhere,c,-1\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"help", []string{"tally", "--help"}, 0},
		{"unknown command", []string{"frobnicate"}, 2},
		{"unknown flag", []string{"tally", "--frobnicate"}, 2},
		{"missing argument", []string{"tally", "--db", db}, 2},
		{"unknown election", []string{"tally", "--db", db, "--election", "nope"}, 3},
		{"missing file", []string{"protocols", "import", "--db", db, "--election", "example", filepath.Join(dir, "nope.csv")}, 3},
		{"missing config", []string{"--config", filepath.Join(dir, "nope.conf"), "elections"}, 3},
		{"rejected rows", []string{"protocols", "import", "--db", db, "--election", "example", bad}, 4},
		{"store unavailable", []string{"elections", "--db", filepath.Join(dir, "no", "such", "dir", "x.db")}, 5},
		{"conflict", []string{"cdf", "import", "--db", db, "--id", "example", minimalReport}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, out, errs := run(t, tt.args...); code != tt.want {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.want, out, errs)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	var v struct {
		Module, Version, Go string
		Modified            bool
	}
	if err := json.Unmarshal([]byte(mustRun(t, "version", "--json")), &v); err != nil || v.Module != "github.com/dauys/dauys" || !strings.HasPrefix(v.Go, "go") || v.Version == "" {
		t.Errorf("version: %+v, %v", v, err)
	}
	if out := mustRun(t, "version"); !strings.HasPrefix(out, "dauys ") {
		t.Errorf("version: %q", out)
	}
}

// TestCompletion checks that the scripts parse in their shells, where
// the shells exist, and offer the commands and their flags.
func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			script := mustRun(t, "completion", shell)
			for _, w := range []string{"publish", "protocols", "acknowledge-warnings"} {
				if !strings.Contains(script, w) {
					t.Errorf("the script lacks %q", w)
				}
			}
			path, err := exec.LookPath(shell)
			if err != nil {
				t.Skipf("no %s to check the script's syntax", shell)
			}
			f := filepath.Join(t.TempDir(), "dauys."+shell)
			os.WriteFile(f, []byte(script), 0o644)
			if out, err := exec.Command(path, "-n", f).CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", shell, err, out)
			}
		})
	}
	if code, _, _ := run(t, "completion", "tcsh"); code != 2 {
		t.Errorf("an unknown shell: exit %d", code)
	}
}

// TestJSONOutputs runs the commands a script reads with --json: each
// prints one JSON document on standard output, refusals included.
func TestJSONOutputs(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	decode := func(t *testing.T, out string) map[string]any {
		t.Helper()
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("not one JSON document: %v\n%s", err, out)
		}
		return v
	}
	if v := decode(t, mustRun(t, "cdf", "import", "--db", db, "--id", "example", "--json", minimalReport)); v["election"] != "example" || v["report"].(map[string]any)["accepted"] != 4.0 {
		t.Errorf("cdf import: %v", v)
	}
	if v := decode(t, mustRun(t, "election", "import", "--db", db, "--json", "../../examples/kz-referendum-2022")); v["election"] != "kz-referendum-2022" {
		t.Errorf("election import: %v", v)
	}
	csvPath, _ := nightCSV(t, "kz-referendum-2022", func(i int) bool { return i < 5 })
	data, _ := os.ReadFile(csvPath)
	lines := strings.SplitN(string(data), "\n", 3)
	fields := strings.Split(lines[1], ",")
	fields[len(fields)-1] = "-5"
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(string(data)+strings.Join(fields, ",")+"\n"), 0o644)
	code, out, errs := run(t, "protocols", "import", "--db", db, "--election", "kz-referendum-2022", "--json", bad)
	v := decode(t, out)
	rejected, _ := v["rejected_rows"].([]any)
	if code != 4 || len(rejected) != 1 || v["report"].(map[string]any)["rejected"] != 1.0 || !strings.Contains(errs, "rejected:") {
		t.Errorf("protocols import: exit %d, %v\n%s", code, v, errs)
	}
	if v := decode(t, mustRun(t, "token", "create", "--db", db, "--election", "example", "--json")); v["token"] == "" || v["id"] == "" || v["role"] != "operator" {
		t.Errorf("token create: %v", v)
	}
	key := filepath.Join(dir, "log.key")
	if v := decode(t, mustRun(t, "log", "init", "--db", db, "--election", "example", "--key-out", key, "--json")); !strings.HasPrefix(v["verifier_key"].(string), "dauys/example+") {
		t.Errorf("log init: %v", v)
	}
	if v := decode(t, mustRun(t, "log", "sync", "--db", db, "--election", "example", "--key", key, "--json")); v["size"] != 6.0 {
		t.Errorf("log sync: %v", v)
	}
	if v := decode(t, mustRun(t, "log", "checkpoint", "--db", db, "--election", "example", "--json")); v["size"] != 6.0 || !strings.HasPrefix(v["note"].(string), "dauys/example\n6\n") {
		t.Errorf("log checkpoint: %v", v)
	}
	decode(t, mustRun(t, "log", "proof", "--db", db, "--election", "example", "--index", "0", "--json"))
	if v := decode(t, mustRun(t, "log", "publish", "--db", db, "--election", "example", "--out", filepath.Join(dir, "logsite"), "--json")); v["dir"] == "" {
		t.Errorf("log publish: %v", v)
	}
	if v := decode(t, mustRun(t, "log", "keygen", "--origin", "example.org/log", "--out", filepath.Join(dir, "k2"), "--json")); v["origin"] != "example.org/log" {
		t.Errorf("log keygen: %v", v)
	}
	if v := decode(t, mustRun(t, "publish", "--db", db, "--election", "example", "--out", filepath.Join(dir, "site"), "--json")); v["files"].(float64) < 10 || v["version"] == "" {
		t.Errorf("publish: %v", v)
	}
}
