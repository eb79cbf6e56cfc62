package main_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
	"github.com/dauys/dauys/internal/verify"
)

// TestLogAndVerifyCommands runs the log's commands on the log test fixture:
// init, sync, checkpoint, proof and publish, then verify and a witness.
func TestLogAndVerifyCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	def := filepath.Join(dir, "def")
	e := tlogtest.Election(t)
	os.MkdirAll(def, 0o755)
	os.WriteFile(filepath.Join(def, "election.yaml"), e.Definition, 0o644)
	areas, err := fs.ReadFile(os.DirFS(filepath.Join("..", "..", "internal", "tlog", "tlogtest", "fixture")), "areas.csv")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(def, "areas.csv"), areas, 0o644)
	mustRun(t, "election", "import", "--db", db, def)

	key := filepath.Join(dir, "log.key")
	out := mustRun(t, "log", "init", "--db", db, "--election", tlogtest.FixtureID, "--origin", "results.example/log/tl-2026", "--key-out", key)
	vkey := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	if !strings.HasPrefix(vkey, "results.example/log/tl-2026+") {
		t.Fatalf("log init printed %q", out)
	}
	if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the key file: %v %v", st, err)
	}
	if code, _, _ := run(t, "log", "init", "--db", db, "--election", tlogtest.FixtureID, "--key-out", key); code == 0 {
		t.Error("log init overwrote a key or started a second log")
	}

	// A night of protocols, through intake as the server takes them.
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	in := intake.New(s, nil)
	tlogtest.Submit(t, in, tlogtest.Night()...)
	s.Close()

	if out := mustRun(t, "log", "sync", "--db", db, "--election", tlogtest.FixtureID, "--key", key); !strings.Contains(out, "7 entries") {
		t.Errorf("log sync printed %q", out)
	}
	if out := mustRun(t, "log", "checkpoint", "--db", db, "--election", tlogtest.FixtureID); !strings.HasPrefix(out, "results.example/log/tl-2026\n7\n") {
		t.Errorf("log checkpoint printed %q", out)
	}
	var proof struct {
		Index    int64 `json:"index"`
		TreeSize int64 `json:"tree_size"`
	}
	out = mustRun(t, "log", "proof", "--db", db, "--election", tlogtest.FixtureID, "--contest", "ref", "--area", "P3")
	if err := json.Unmarshal([]byte(out), &proof); err != nil || proof.Index != 4 || proof.TreeSize != 7 {
		t.Errorf("log proof printed %s (%v)", out, err)
	}

	site := filepath.Join(dir, "site")
	mustRun(t, "log", "publish", "--db", db, "--election", tlogtest.FixtureID, "--out", site)
	writeResults(t, db, site)
	out = mustRun(t, "verify", "--key", vkey, "--quiet", site)
	if !strings.HasPrefix(out, "VERIFIED election tl-2026") {
		t.Errorf("verify printed\n%s", out)
	}

	// A witness cosigns, and the verifier then requires its cosignature.
	wkey := filepath.Join(dir, "witness.key")
	out = mustRun(t, "witness", "init", "--name", "witness.example", "--out", wkey)
	wvkey := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	state := filepath.Join(dir, "witness.state")
	cosigned := mustRun(t, "witness", "cosign", "--key", wkey, "--log-key", vkey, "--state", state, site)
	os.WriteFile(filepath.Join(site, "log", tlogtest.FixtureID, "checkpoint"), []byte(cosigned), 0o644)
	if out := mustRun(t, "verify", "--key", vkey, "--witness", wvkey, "--quiet", site); !strings.Contains(out, "cosigned by 1 witness") {
		t.Errorf("verify with a witness printed\n%s", out)
	}

	// A changed total is reported with exit status 8.
	p := filepath.Join(site, filepath.FromSlash(verify.ResultsPath(tlogtest.FixtureID, "R2")))
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), `"yes": 500`, `"yes": 510`, 1)), 0o644)
	code, out, _ := run(t, "verify", "--key", vkey, "--quiet", site)
	if code != 8 || !strings.Contains(out, "results of R2 (South), contest ref: line yes: published 510, the log adds up to 500") {
		t.Errorf("verify of a changed total: exit %d\n%s", code, out)
	}

	// A key file others can read is refused.
	os.Chmod(key, 0o644)
	if code, _, errs := run(t, "log", "sync", "--db", db, "--election", tlogtest.FixtureID, "--key", key); code == 0 || !strings.Contains(errs, "chmod 600") {
		t.Errorf("log sync with a readable key: exit %d, %s", code, errs)
	}
}

// writeResults writes the results of every area as `dauys publish` does.
func writeResults(t *testing.T, db, site string) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	in := intake.New(s, nil)
	e, err := in.Elections().Load(ctx, tlogtest.FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	ta := tally.New(s, in.Elections())
	for _, a := range e.Areas {
		res, err := ta.Area(ctx, e.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.MarshalIndent(res, "", " ")
		p := filepath.Join(site, filepath.FromSlash(verify.ResultsPath(e.ID, a.ID)))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
