package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeysDefaultFolder: commands that make a private key without being
// given a path write it to the keys folder ($DAUYS_KEYS here), never to
// the working folder, say where, and never overwrite one; log sync finds
// the log's key there.
func TestKeysDefaultFolder(t *testing.T) {
	keys := t.TempDir()
	t.Setenv("DAUYS_KEYS", keys)
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	const id = "list-took-part"
	mustRun(t, "election", "import", "--db", db, filepath.Join("testdata", id))

	out := mustRun(t, "keys", "generate")
	path := filepath.Join(keys, "commission.key")
	if !strings.Contains(out, path) {
		t.Errorf("keys generate does not say where the key is: %s", out)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the commission key in the keys folder: %v %v", fi, err)
	}
	if code, _, errs := run(t, "keys", "generate"); code == 0 || !strings.Contains(errs, "already exists") {
		t.Errorf("a second keys generate: exit %d, %s", code, errs)
	}

	// Without a log key, log sync says where it looked.
	if code, _, errs := run(t, "log", "sync", "--db", db, "--election", id); code == 0 || !strings.Contains(errs, filepath.Join(keys, id+"-log.key")) {
		t.Errorf("log sync without a key: exit %d, %s", code, errs)
	}
	out = mustRun(t, "log", "init", "--db", db, "--election", id)
	if logKey := filepath.Join(keys, id+"-log.key"); !strings.Contains(out, logKey) {
		t.Errorf("log init does not say where the key is: %s", out)
	}
	if out := mustRun(t, "log", "sync", "--db", db, "--election", id); !strings.Contains(out, "log of "+id+": ") {
		t.Errorf("log sync with the key from the keys folder: %s", out)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.key")); len(left) > 0 {
		t.Errorf("keys in the working folder: %v", left)
	}
}
