package main_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	main "github.com/dauys/dauys/cmd/dauys"
)

// runIn runs the program in-process with stdin as its standard input.
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &main.Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Now: time.Now}
	code := m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

// auditCSV returns the audit trail of a database as CSV records, header
// first.
func auditCSV(t *testing.T, db string, args ...string) [][]string {
	t.Helper()
	out := mustRun(t, append([]string{"audit-log", "--db", db}, args...)...)
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("audit-log CSV: %v\n%s", err, out)
	}
	return records
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dauys.db")
	mustRun(t, "election", "import", "--db", db, "../../examples/kz-referendum-2022")
	const e = "kz-referendum-2022"

	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		err   string
	}{
		{"operator of a region", "a long enough password\n", []string{"--name", "op-almaty", "--role", "operator", "--election", e, "--area", "KZ-75"}, 0, ""},
		{"admin of every election, CRLF", "another long password\r\n", []string{"--name", "cec", "--role", "admin"}, 0, ""},
		{"same name", "a long enough password\n", []string{"--name", "cec", "--role", "observer"}, 6, "exists"},
		{"short password", "short\n", []string{"--name", "x", "--role", "observer"}, 4, "at least 12"},
		{"no password", "", []string{"--name", "x", "--role", "observer"}, 4, "no password"},
		{"unknown role", "a long enough password\n", []string{"--name", "x", "--role", "root"}, 2, "user add takes"},
		{"area without election", "a long enough password\n", []string{"--name", "x", "--role", "operator", "--area", "KZ-75"}, 2, "needs --election"},
		{"unknown area", "a long enough password\n", []string{"--name", "x", "--role", "operator", "--election", e, "--area", "KZ-99"}, 3, "does not exist"},
		{"unknown election", "a long enough password\n", []string{"--name", "x", "--role", "observer", "--election", "nope"}, 3, "not found"},
		{"precinct without area", "a long enough password\n", []string{"--name", "x", "--role", "precinct", "--election", e}, 4, "needs its area"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runIn(t, tc.stdin, append([]string{"user", "add", "--db", db}, tc.args...)...)
			if code != tc.code || !strings.Contains(errs, tc.err) {
				t.Errorf("exit %d, %q %q; want %d with %q", code, out, errs, tc.code, tc.err)
			}
		})
	}

	// There is no flag to give a password with.
	if code, _, errs := runIn(t, "", "user", "add", "--db", db, "--name", "x", "--role", "observer", "--password", "a long enough password"); code == 0 || !strings.Contains(errs, "not defined") {
		t.Errorf("--password: exit %d, %s", code, errs)
	}

	var list struct{ Users []dauys.User }
	if err := json.Unmarshal([]byte(mustRun(t, "user", "list", "--db", db, "--json")), &list); err != nil || len(list.Users) != 2 {
		t.Fatalf("user list: %+v, %v", list, err)
	}
	if u := list.Users[1]; u.Name != "op-almaty" || u.Role != "operator" || u.Election != e || u.Area != "KZ-75" || u.PasswordHash != "" {
		t.Errorf("listed %+v", u)
	}
	if text := mustRun(t, "user", "list", "--db", db); !strings.Contains(text, "op-almaty") || !strings.Contains(text, "KZ-75") {
		t.Errorf("user list:\n%s", text)
	}
	mustRun(t, "user", "disable", "--db", db, "--name", "op-almaty")
	if code, _, errs := run(t, "user", "disable", "--db", db, "--name", "op-almaty"); code != 3 || !strings.Contains(errs, "already disabled") {
		t.Errorf("disable twice: %d %s", code, errs)
	}
	mustRun(t, "user", "unlock", "--db", db, "--name", "cec")

	// Tokens: revoke by id, or by the token itself on standard input.
	token := strings.TrimSpace(mustRun(t, "token", "create", "--db", db, "--role", "operator", "--election", e, "--area", "KZ-75"))
	if code, out, errs := runIn(t, token+"\n", "token", "revoke", "--db", db); code != 0 || !strings.Contains(out, "revoked token") {
		t.Errorf("revoke by secret: %d %s %s", code, out, errs)
	}
	if code, _, _ := runIn(t, token+"\n", "token", "revoke", "--db", db); code != 3 {
		t.Errorf("revoke a revoked token: %d", code)
	}
	if code, _, _ := run(t, "token", "revoke", "--db", db, "--id", "nope"); code != 3 {
		t.Errorf("revoke an unknown id: %d", code)
	}
	if code, _, _ := run(t, "token"); code != 2 {
		t.Errorf("token without a subcommand: %d", code)
	}

	// Every command that changed the database is in its audit trail, as
	// the person at the command line, with no database URL in it.
	records := auditCSV(t, db)
	if strings.Join(records[0], ",") != "id,at,actor,role,credential,action,election,area,object,outcome,detail,client,prev,hash" {
		t.Fatalf("header %v", records[0])
	}
	type row struct{ action, object, outcome string }
	var got []row
	for _, r := range records[1:] {
		if !strings.HasPrefix(r[2], "cli:") || r[4] != "cli" || !strings.HasPrefix(r[11], "cli@") || strings.Contains(r[10], db) {
			t.Errorf("row %v", r)
		}
		got = append(got, row{r[5], r[8], r[9]})
	}
	want := []row{
		{dauys.AuditElectionImport, "../../examples/kz-referendum-2022", "ok"},
		{dauys.AuditUserAdd, "op-almaty", "ok"},
		{dauys.AuditUserAdd, "cec", "ok"},
		{dauys.AuditUserAdd, "cec", "conflict"},
		{dauys.AuditUserAdd, "x", "invalid"},
		{dauys.AuditUserAdd, "x", "invalid"},
		{dauys.AuditUserAdd, "x", "not_found"},
		{dauys.AuditUserAdd, "x", "not_found"},
		{dauys.AuditUserAdd, "x", "invalid"},
		{dauys.AuditUserDisable, "op-almaty", "ok"},
		{dauys.AuditUserDisable, "op-almaty", "not_found"},
		{dauys.AuditUserUnlock, "cec", "ok"},
		// The records name what the commands acted on as they ran: the
		// subject made of role and area, the id of the token read from
		// standard input ("*": any).
		{dauys.AuditTokenCreate, "operator@KZ-75", "ok"},
		{dauys.AuditTokenRevoke, "*", "ok"},
		{dauys.AuditTokenRevoke, "*", "not_found"},
		{dauys.AuditTokenRevoke, "nope", "not_found"},
	}
	if len(got) != len(want) {
		t.Fatalf("audit trail:\n%v\nwant\n%v", got, want)
	}
	for i := range want {
		if want[i].object == "*" && got[i].object != "" {
			want[i].object = got[i].object
		}
		if got[i] != want[i] {
			t.Errorf("event %d: %v, want %v", i, got[i], want[i])
		}
	}
	if out := mustRun(t, "audit-log", "--db", db, "--verify"); !strings.Contains(out, "verified 16 events: the chain is intact") {
		t.Errorf("verify: %s", out)
	}
	var exported struct{ Events []dauys.AuditEvent }
	if err := json.Unmarshal([]byte(mustRun(t, "audit-log", "--db", db, "--json", "--election", e)), &exported); err != nil {
		t.Fatal(err)
	}
	for _, ev := range exported.Events {
		if ev.Election != e || ev.Hash != ev.ComputeHash() {
			t.Errorf("exported %+v", ev)
		}
	}
}

func TestSpreadsheetSafeCSV(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dauys.db")
	mustRun(t, "init", "--db", db)
	// A name tried at sign-in could be a formula; so could a user name
	// given on the command line.
	runIn(t, "a long enough password\n", "user", "add", "--db", db, "--name", "=HYPERLINK(\"x\")", "--role", "observer")
	for _, r := range auditCSV(t, db)[1:] {
		for _, cell := range r {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
}
