package tlog_test

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	sumdb "golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys/internal/tlog"
)

func mustKey(t *testing.T, name string) (note.Signer, note.Verifier, string) {
	t.Helper()
	skey, vkey, err := tlog.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := tlog.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v, skey
}

func TestCheckpoint(t *testing.T) {
	signer, verifier, _ := mustKey(t, "cec.example/log/kz-2026")
	cp := tlog.Checkpoint{Origin: "cec.example/log/kz-2026", Size: 30612, Hash: sumdb.RecordHash([]byte("x"))}
	msg, err := tlog.SignCheckpoint(cp, signer)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(msg), "cec.example/log/kz-2026\n30612\n"+cp.Hash.String()+"\n\n— cec.example/log/kz-2026 ") {
		t.Errorf("checkpoint note =\n%s", msg)
	}
	got, _, err := tlog.OpenCheckpoint(msg, verifier)
	if err != nil || got != cp {
		t.Errorf("OpenCheckpoint = %+v, %v", got, err)
	}

	_, other, _ := mustKey(t, "cec.example/log/kz-2026")
	if _, _, err := tlog.OpenCheckpoint(msg, other); err == nil || !strings.Contains(err.Error(), "not signed by the log key") {
		t.Errorf("OpenCheckpoint with another key: %v", err)
	}
	forged := strings.Replace(string(msg), "30612", "30613", 1)
	if _, _, err := tlog.OpenCheckpoint([]byte(forged), verifier); err == nil {
		t.Error("a checkpoint whose size was changed verifies")
	}
	if _, err := tlog.SignCheckpoint(tlog.Checkpoint{Origin: "another/log", Size: 1}, signer); err == nil {
		t.Error("a key signed a checkpoint of another origin")
	}
	for _, bad := range []string{"o\n1\n", "o\n-1\nAAAA\n", "o\n01\n" + cp.Hash.String() + "\n", "\n1\n" + cp.Hash.String() + "\n", "o\n1\nnot base64\n"} {
		if _, err := tlog.ParseCheckpoint(bad); err == nil {
			t.Errorf("ParseCheckpoint(%q) accepted it", bad)
		}
	}
	ext, err := tlog.ParseCheckpoint("o\n1\n" + cp.Hash.String() + "\nan extension line\n")
	if err != nil || ext.Size != 1 {
		t.Errorf("a checkpoint with an extension line: %+v, %v", ext, err)
	}
}

// TestCosignature checks witness cosignatures against the C2SP
// tlog-cosignature/v1 format: a key of type 0x04 and a signature over
// "cosignature/v1\ntime <t>\n" and the checkpoint.
func TestCosignature(t *testing.T) {
	logSigner, logKey, _ := mustKey(t, "cec.example/log/kz-2026")
	_, _, wkey := mustKey(t, "witness.example")
	at := time.Unix(1773600000, 0)
	w, err := tlog.NewCosigner(wkey, func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	wv, err := tlog.NewCosignatureVerifier(w.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(w.VerifierKey(), "witness.example+") {
		t.Errorf("cosignature key %s", w.VerifierKey())
	}
	cp := tlog.Checkpoint{Origin: "cec.example/log/kz-2026", Size: 2, Hash: sumdb.RecordHash([]byte("y"))}
	msg, err := note.Sign(&note.Note{Text: cp.Text()}, logSigner, w)
	if err != nil {
		t.Fatal(err)
	}
	_, n, err := tlog.OpenCheckpoint(msg, logKey, wv)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Sigs) != 2 {
		t.Errorf("%d signatures verified, want the log's and the witness's", len(n.Sigs))
	}
	// A cosignature is not a log signature: the witness's key as a log key
	// does not open the checkpoint.
	if _, _, err := tlog.OpenCheckpoint(msg, wv); err == nil {
		t.Error("a witness key opened a checkpoint as the log key")
	}
	if _, err := tlog.NewCosignatureVerifier(strings.Replace(w.VerifierKey(), "witness.example", "other.example", 1)); err == nil {
		t.Error("a cosignature key with the wrong hash was accepted")
	}
}

func TestKeyFile(t *testing.T) {
	_, _, skey := mustKey(t, "cec.example/log/kz-2026")
	path := filepath.Join(t.TempDir(), "log.key")
	if err := tlog.WriteKeyFile(path, skey); err != nil {
		t.Fatal(err)
	}
	if err := tlog.WriteKeyFile(path, skey); err == nil {
		t.Error("WriteKeyFile overwrote a key")
	}
	got, err := tlog.ReadKeyFile(path)
	if err != nil || got != skey {
		t.Errorf("ReadKeyFile = %q, %v", got, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := tlog.ReadKeyFile(path); err == nil {
		t.Error("ReadKeyFile read a key file others can read")
	}
}
