package tlog_test

import (
	"bytes"
	"crypto/rand"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	sumdb "golang.org/x/mod/sumdb/tlog"

	fmtlog "github.com/transparency-dev/formats/log"
	fmtnote "github.com/transparency-dev/formats/note"

	"github.com/dauys/dauys/internal/tlog"
)

// Cross-tests against github.com/transparency-dev/formats, the reference
// Go implementation of the C2SP tlog-checkpoint and tlog-cosignature specs
// that other witnesses and monitors run: a checkpoint or cosignature of
// ours must read the same there, and theirs here. (Ours stay: they are
// small, stricter on the size line, and have no ML-DSA dependency.)

// TestCheckpointsReadAlikeInFormats signs checkpoints with our code and
// parses them with formats' log.ParseCheckpoint, and the other way round.
func TestCheckpointsReadAlikeInFormats(t *testing.T) {
	signer, verifier, _ := mustKey(t, "results.cec.example/log/kz-2026")
	for _, size := range []int64{0, 1, 7, 10406, 1 << 40} {
		hash := sumdb.RecordHash([]byte{byte(size)})
		c := tlog.Checkpoint{Origin: signer.Name(), Size: size, Hash: hash}
		msg, err := tlog.SignCheckpoint(c, signer)
		if err != nil {
			t.Fatal(err)
		}
		got, rest, _, err := fmtlog.ParseCheckpoint(msg, signer.Name(), verifier)
		if err != nil {
			t.Fatalf("size %d: formats refuses our checkpoint: %v\n%s", size, err, msg)
		}
		if got.Origin != c.Origin || got.Size != uint64(c.Size) || !bytes.Equal(got.Hash, c.Hash[:]) || len(rest) != 0 {
			t.Errorf("formats reads %+v (rest %q), we wrote %+v", got, rest, c)
		}
		if string(got.Marshal()) != c.Text() {
			t.Errorf("formats writes %q, we write %q", got.Marshal(), c.Text())
		}
		// Theirs, read here.
		body := fmtlog.Checkpoint{Origin: c.Origin, Size: uint64(size), Hash: hash[:]}.Marshal()
		theirs, err := note.Sign(&note.Note{Text: string(body) + "extension line\n"}, signer)
		if err != nil {
			t.Fatal(err)
		}
		back, _, err := tlog.OpenCheckpoint(theirs, verifier)
		if err != nil || back != c {
			t.Errorf("we read formats' checkpoint as %+v, %v; want %+v", back, err, c)
		}
	}
	// What we refuse, formats refuses too, but for a size written with
	// leading zeros, which C2SP does not allow and formats does not check.
	for _, body := range []string{"", "origin\n", "\n5\n" + sumdb.Hash{}.String() + "\n", "o\n-1\n" + sumdb.Hash{}.String() + "\n", "o\n5\nnot base64!\n"} {
		if _, err := tlog.ParseCheckpoint(body); err == nil {
			t.Errorf("we read %q", body)
		}
		var c fmtlog.Checkpoint
		if _, err := c.Unmarshal([]byte(body)); err == nil {
			t.Errorf("formats reads %q", body)
		}
	}
	if _, err := tlog.ParseCheckpoint("o\n05\n" + sumdb.Hash{}.String() + "\n"); err == nil {
		t.Error("we read a size with a leading zero")
	}
}

// TestCosignaturesVerifyInFormats: a cosignature our witness makes
// verifies with formats' cosignature/v1 verifier of the same key, with the
// same key hash and time; and one formats' signer makes verifies with ours.
func TestCosignaturesVerifyInFormats(t *testing.T) {
	logSigner, logVerifier, _ := mustKey(t, "results.cec.example/log/kz-2026")
	msg, err := tlog.SignCheckpoint(tlog.Checkpoint{Origin: logSigner.Name(), Size: 42, Hash: sumdb.RecordHash([]byte("x"))}, logSigner)
	if err != nil {
		t.Fatal(err)
	}
	skey, _, err := tlog.GenerateKey(rand.Reader, "witness.observers.example")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 15, 20, 0, 0, 0, time.UTC)
	ours, err := tlog.NewCosigner(skey, func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	theirVerifier, err := fmtnote.NewVerifierForCosignatureV1(ours.VerifierKey())
	if err != nil {
		t.Fatalf("formats refuses our cosignature key %s: %v", ours.VerifierKey(), err)
	}
	if theirVerifier.KeyHash() != ours.KeyHash() || theirVerifier.Name() != ours.Name() {
		t.Errorf("formats names the key %s+%08x, we %s+%08x", theirVerifier.Name(), theirVerifier.KeyHash(), ours.Name(), ours.KeyHash())
	}
	n, err := note.Open(msg, note.VerifierList(logVerifier))
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err := note.Sign(n, ours)
	if err != nil {
		t.Fatal(err)
	}
	_, _, opened, err := fmtlog.ParseCheckpoint(cosigned, logSigner.Name(), logVerifier, theirVerifier)
	if err != nil || len(opened.Sigs) != 2 {
		t.Fatalf("formats verifies %d signatures of our cosigned checkpoint: %v", len(opened.Sigs), err)
	}
	for _, s := range opened.Sigs {
		if s.Name == ours.Name() {
			if ts, err := fmtnote.CoSigV1Timestamp(s); err != nil || !ts.Equal(at) {
				t.Errorf("formats reads the cosignature's time as %v, %v; want %v", ts, err, at)
			}
		}
	}

	// The other way: formats' signer, our verifier.
	theirSigner, err := fmtnote.NewSignerForCosignatureV1(skey)
	if err != nil {
		t.Fatal(err)
	}
	ourVerifier, err := tlog.NewCosignatureVerifier(ours.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err = note.Sign(n, theirSigner)
	if err != nil {
		t.Fatal(err)
	}
	if _, opened, err := tlog.OpenCheckpoint(cosigned, logVerifier, ourVerifier); err != nil || len(opened.Sigs) != 2 {
		t.Errorf("we verify formats' cosignature: %v", err)
	}
}
