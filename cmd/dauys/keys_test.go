package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	if code, _, _ := run(t, "keys", "generate", "--out", keyFile); code != 2 {
		t.Error("generate overwrote an existing key file")
	}
	mustRun(t, "keys", "register", "--db", db, "--election", "kz-referendum-2022", "--area", "KZ-75", "--public-key", pub, "--holder", "Almaty city TEC")
	if code, _, errs := run(t, "keys", "register", "--db", db, "--election", "kz-referendum-2022", "--area", "KZ-75", "--public-key", pub); code != 2 || !strings.Contains(errs, "already registered") {
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
