package tlog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	sumdb "golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
)

// syncedStore returns a SQLite store with the fixture's night logged.
func syncedStore(t *testing.T) (*sqlite.Store, *tlog.Sequencer, tlog.Checkpoint) {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "dauys.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	seq, in := tlogtest.Setup(t, s)
	if _, err := seq.Sync(t.Context(), tlogtest.FixtureID); err != nil {
		t.Fatal(err)
	}
	tlogtest.Submit(t, in, tlogtest.Night()...)
	cp, err := seq.Sync(t.Context(), tlogtest.FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	return s, seq, cp
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// TestHandlerServesWhatWriteStaticWrites checks that the live log and the
// published one are the same files, so that a verifier reads either.
func TestHandlerServesWhatWriteStaticWrites(t *testing.T) {
	s, _, cp := syncedStore(t)
	dir := t.TempDir()
	if err := tlog.WriteStatic(t.Context(), s, tlogtest.FixtureID, dir); err != nil {
		t.Fatal(err)
	}
	h := (&tlog.Log{Storage: s}).Handler()
	root := filepath.Join(dir, "log", tlogtest.FixtureID)
	files := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		w := get(t, h, "/log/"+tlogtest.FixtureID+"/"+filepath.ToSlash(rel))
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: %d %s", rel, w.Code, w.Body)
		} else if !bytes.Equal(bytes.TrimSpace(w.Body.Bytes()), bytes.TrimSpace(want)) {
			t.Errorf("GET %s serves other bytes than WriteStatic wrote", rel)
		}
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// checkpoint, key, checkpoints.json, one entry bundle, one hash tile.
	if files != 5 {
		t.Errorf("WriteStatic wrote %d files for a log of %d entries", files, cp.Size)
	}
	if cc := get(t, h, "/log/tl-2026/tile/entries/000.p/7").Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("a partial tile is served with Cache-Control %q", cc)
	}

	for i := int64(0); i < cp.Size; i++ {
		w := get(t, h, "/log/tl-2026/proof/"+itoa(i))
		var p struct {
			Index    int64             `json:"index"`
			LeafHash sumdb.Hash        `json:"leaf_hash"`
			TreeSize int64             `json:"tree_size"`
			RootHash sumdb.Hash        `json:"root_hash"`
			Proof    sumdb.RecordProof `json:"proof"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatalf("proof %d: %v: %s", i, err, w.Body)
		}
		if p.RootHash != cp.Hash || sumdb.CheckRecord(p.Proof, p.TreeSize, p.RootHash, p.Index, p.LeafHash) != nil {
			t.Errorf("proof of entry %d does not check: %+v", i, p)
		}
	}
	w := get(t, h, "/log/tl-2026/consistency?from=2&to="+itoa(cp.Size))
	var c struct {
		Proof sumdb.TreeProof `json:"proof"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &c); err != nil {
		t.Fatalf("consistency: %v: %s", err, w.Body)
	}
	first, err := (&tlog.Log{Storage: s}).Storage.Checkpoint(t.Context(), tlogtest.FixtureID, 2)
	if err != nil {
		t.Fatal(err)
	}
	old, err := tlog.ParseCheckpoint(string(first.Note[:bytes.Index(first.Note, []byte("\n\n"))+1]))
	if err != nil {
		t.Fatal(err)
	}
	if err := sumdb.CheckTree(c.Proof, cp.Size, cp.Hash, 2, old.Hash); err != nil {
		t.Errorf("consistency proof 2 -> %d: %v", cp.Size, err)
	}
	w = get(t, h, "/log/tl-2026/protocol/ref/P1?version=1")
	var in tlog.Inclusion
	if err := json.Unmarshal(w.Body.Bytes(), &in); err != nil || in.Index != 2 ||
		sumdb.CheckRecord(in.Proof, in.TreeSize, in.RootHash, in.Index, in.LeafHash) != nil {
		t.Errorf("protocol inclusion = %+v, %v: %s", in, err, w.Body)
	}

	for path, code := range map[string]int{
		"/log/nope/checkpoint":                    http.StatusNotFound,
		"/log/tl-2026/tile/0/001":                 http.StatusNotFound,
		"/log/tl-2026/tile/entries/000.p/8":       http.StatusNotFound, // beyond the checkpoint
		"/log/tl-2026/tile/entries/000.p/3":       http.StatusOK,       // an older tree's
		"/log/tl-2026/tile/0/x000/000":            http.StatusNotFound,
		"/log/tl-2026/proof/7":                    http.StatusNotFound,
		"/log/tl-2026/proof/x":                    http.StatusBadRequest,
		"/log/tl-2026/proof/1?size=5":             http.StatusNotFound, // no checkpoint of that size
		"/log/tl-2026/consistency?from=3":         http.StatusBadRequest,
		"/log/tl-2026/protocol/ref/P1?version=9":  http.StatusNotFound,
		"/log/tl-2026/protocol/ref/P1":            http.StatusBadRequest,
		"/log/tl-2026/key":                        http.StatusOK,
		"/log/~" + "dGwtMjAyNg" + "/checkpoint":   http.StatusOK, // the slug of an id, as any id may be written
		"/log/tl-2026/consistency?from=7&to=2":    http.StatusBadRequest,
		"/log/tl-2026/tile/entries/000.p/7/extra": http.StatusNotFound,
	} {
		if w := get(t, h, path); w.Code != code {
			t.Errorf("GET %s: %d, want %d (%s)", path, w.Code, code, bytes.TrimSpace(w.Body.Bytes()))
		}
	}
}

// TestHandlerNosniff: every answer of the log, found or not, tells
// browsers not to guess its type.
func TestHandlerNosniff(t *testing.T) {
	s, _, _ := syncedStore(t)
	h := (&tlog.Log{Storage: s}).Handler()
	for _, path := range []string{"/log/tl-2026/checkpoint", "/log/tl-2026/checkpoints.json", "/log/tl-2026/key",
		"/log/tl-2026/tile/entries/000.p/7", "/log/tl-2026/proof/1", "/log/tl-2026/consistency?from=2&to=3",
		"/log/tl-2026/protocol/ref/P1?version=1", "/log/nope/checkpoint", "/log/tl-2026/proof/x", "/log/tl-2026/nothing"} {
		if got := get(t, h, path).Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", path, got)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestWriteStaticRefusesALaggingLog(t *testing.T) {
	s, _, _ := syncedStore(t)
	fix := tlogtest.Night()[0]
	fix.Amendment, fix.Reason = true, "Recount"
	fix.Lines["yes"]++
	fix.Lines["no"]--
	tlogtest.Submit(t, intake.New(s, nil), fix)
	err := tlog.WriteStatic(t.Context(), s, tlogtest.FixtureID, t.TempDir())
	if dauys.ErrorCode(err) != dauys.ECONFLICT {
		t.Errorf("WriteStatic of a log behind the results: %v", err)
	}
}

// TestRun checks that a notified sequencer logs new versions promptly and
// ignores elections without a log.
func TestRun(t *testing.T) {
	s, seq, cp := syncedStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- seq.Run(ctx, time.Hour) }()
	fix := tlogtest.Night()[0]
	fix.Amendment, fix.Reason = true, "Recount"
	fix.Lines["yes"]++
	fix.Lines["no"]--
	tlogtest.Submit(t, intake.New(s, nil), fix)
	seq.Notify("an-election-without-a-log")
	seq.Notify(tlogtest.FixtureID)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		latest, err := s.Checkpoint(t.Context(), tlogtest.FixtureID, -1)
		if err == nil && latest.Size == cp.Size+1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the notified sequencer did not log the amendment: %v %v", latest, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
}
