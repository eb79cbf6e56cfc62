package main_test

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
)

// TestSignFlow runs the offline signing flow: a commission generates a key,
// the CEC registers it, the commission signs a protocol file, and the
// signature verifies on import through the API's submission format.
func TestSignFlow(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	mustRun(t, "election", "import", "--db", db, "../../examples/kz-referendum-2022")
	keyFile := filepath.Join(dir, "commission.key")
	out := mustRun(t, "keys", "generate", "--out", keyFile)
	var pub, id string
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, "public key: "); ok {
			pub = v
		}
		if v, ok := strings.CutPrefix(l, "key id:     "); ok {
			id = v
		}
	}
	if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 || pub == "" || id == "" {
		t.Fatalf("generate: %q, %v", out, err)
	}
	if code, _, _ := run(t, "keys", "generate", "--out", keyFile); code != 6 {
		t.Error("generate overwrote an existing key file")
	}
	// The identity point (y = 1) is of small order: under it, one
	// signature would verify for every protocol.
	smallOrder := base64.StdEncoding.EncodeToString(append([]byte{1}, make([]byte, 31)...))
	if code, _, errs := run(t, "keys", "register", "--db", db, "--election", "kz-referendum-2022", "--area", "KZ-75", "--public-key", smallOrder); code != 4 || !strings.Contains(errs, "small order") {
		t.Errorf("register a small-order key: %d %s", code, errs)
	}
	mustRun(t, "keys", "register", "--db", db, "--election", "kz-referendum-2022", "--area", "KZ-75", "--public-key", pub, "--holder", "Almaty city TEC")
	if code, _, errs := run(t, "keys", "register", "--db", db, "--election", "kz-referendum-2022", "--area", "KZ-75", "--public-key", pub); code != 6 || !strings.Contains(errs, "already registered") {
		t.Errorf("second register: %d %s", code, errs)
	}
	list := mustRun(t, "keys", "list", "--db", db, "--election", "kz-referendum-2022")
	if !strings.Contains(list, id) || !strings.Contains(list, "KZ-75") {
		t.Errorf("list: %s", list)
	}
	protocol := filepath.Join(dir, "p.json")
	os.WriteFile(protocol, []byte(`{"contest":"constitution","area":"KZ-75-01-0001","lines":{"registered":1000}}`), 0o644)
	signed := mustRun(t, "sign", "--key", keyFile, "--election", "kz-referendum-2022", protocol)
	var sub map[string]any
	if err := json.Unmarshal([]byte(signed), &sub); err != nil || sub["key_id"] != id || sub["signature"] == "" {
		t.Fatalf("sign: %s, %v", signed, err)
	}
	mustRun(t, "keys", "revoke", "--db", db, "--election", "kz-referendum-2022", "--id", id)
	if !strings.Contains(mustRun(t, "keys", "list", "--db", db, "--election", "kz-referendum-2022"), "20") {
		t.Error("list does not show the revocation")
	}
}

// TestSignAmendment signs an original and its amendment with `dauys sign`
// and sends them to a running server: the amendment names the version it
// replaces and its reason, so the commission's signed original cannot be
// sent again as an amendment, an amendment of a version that is no longer
// current is refused, and the same amendment sent twice is one version.
func TestSignAmendment(t *testing.T) {
	const election = "kz-referendum-2022"
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	mustRun(t, "election", "import", "--db", db, "../../examples/"+election)
	keyFile := filepath.Join(dir, "commission.key")
	pub := ""
	for _, l := range strings.Split(mustRun(t, "keys", "generate", "--out", keyFile), "\n") {
		if v, ok := strings.CutPrefix(l, "public key: "); ok {
			pub = v
		}
	}
	mustRun(t, "keys", "register", "--db", db, "--election", election, "--area", "KZ", "--public-key", pub)
	token := strings.TrimSpace(mustRun(t, "token", "create", "--db", db, "--role", "admin", "--election", election))
	_, events := nightCSV(t, election, func(int) bool { return true })
	var sub intake.Submission
	for _, ev := range events {
		if !ev.Faulty && !ev.Submission.Amendment && ev.Submission.Lines["yes"] > 0 {
			sub = ev.Submission
			break
		}
	}
	// file writes a protocol with its yes votes moved to no as a file to sign.
	file := func(name string, moved int64) string {
		s := sub
		s.Lines = maps.Clone(sub.Lines)
		s.Lines["yes"] -= moved
		s.Lines["no"] += moved
		b, _ := json.Marshal(s)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	sign := func(path string, flags ...string) string {
		return mustRun(t, append(append([]string{"sign", "--key", keyFile, "--election", election}, flags...), path)...)
	}
	base := "http://" + startServe(t, "--db", db)
	type answer struct {
		Outcome string `json:"outcome"`
		Version int    `json:"version"`
		Hash    string `json:"hash"`
		Detail  string `json:"detail"`
		Code    string `json:"code"`
	}
	post := func(what, body string, status int, want answer) answer {
		t.Helper()
		req, _ := http.NewRequest("POST", base+"/api/v1/elections/"+election+"/protocols", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got answer
		json.NewDecoder(resp.Body).Decode(&got)
		if resp.StatusCode != status || got.Outcome != want.Outcome || got.Version != want.Version || !strings.Contains(got.Detail, want.Detail) {
			t.Errorf("%s: %d %+v, want %d %+v", what, resp.StatusCode, got, status, want)
		}
		return got
	}

	original := sign(file("original.json", 0))
	v1 := post("the signed original", original, http.StatusCreated, answer{Outcome: dauys.OutcomeAccepted, Version: 1})
	var replay map[string]any
	json.Unmarshal([]byte(original), &replay)
	replay["amendment"], replay["reason"] = true, "the operator's reason"
	replay["supersedes_version"], replay["supersedes_hash"] = 1, v1.Hash
	b, _ := json.Marshal(replay)
	post("the signed original sent as an amendment", string(b), http.StatusUnprocessableEntity,
		answer{Detail: "the commission signed this protocol as an original, not as an amendment"})

	by := []string{"--supersedes-version", "1", "--supersedes-hash", v1.Hash}
	recount := sign(file("recount.json", 1), append(by, "--reason", "recount")...)
	post("the signed amendment", recount, http.StatusCreated, answer{Outcome: dauys.OutcomeAmended, Version: 2})
	post("the same amendment again", recount, http.StatusOK, answer{Outcome: dauys.OutcomeDuplicate, Version: 2})
	post("an amendment of version 1 after version 2", sign(file("late.json", 2), append(by, "--reason", "late")...),
		http.StatusConflict, answer{Detail: "the current version is 2"})

	for _, c := range []struct {
		name string
		args []string
		says string
	}{
		{"no hash", []string{"--supersedes-version", "1", "--reason", "r", file("a.json", 1)}, "--supersedes-hash"},
		{"no reason", append(by, file("b.json", 1)), "--reason"},
		{"a short hash", []string{"--supersedes-version", "1", "--supersedes-hash", "abc", "--reason", "r", file("c.json", 1)}, "64 lower-case hex"},
	} {
		args := append([]string{"sign", "--key", keyFile, "--election", election}, c.args...)
		if code, out, errs := run(t, args...); code == 0 || !strings.Contains(errs, c.says) {
			t.Errorf("sign with %s: %d %s %s, want it to say %q", c.name, code, out, errs, c.says)
		}
	}
}
