package tlogtest

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"golang.org/x/mod/sumdb/note"
	sumdb "golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/tlog"
)

// LongLog gives the fixture election a log of several rows of stored
// hashes (tlog.HashGroupSize each): after its first round, entries of
// notes appended in stretches that begin and end inside rows, each
// checked at once. It returns the log's signers and every stored hash of
// the log, computed without the store.
func LongLog(t *testing.T, s Store) ([]note.Signer, []sumdb.Hash) {
	t.Helper()
	ctx := t.Context()
	seq, _ := Setup(t, s)
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	stored := storedHashes(t, entries(t, s))
	reader := memoryReader(&stored)
	for _, n := range []int{1, 3, 125, 1, 130, 64, 200} {
		size, err := s.LogSize(ctx, FixtureID)
		if err != nil {
			t.Fatal(err)
		}
		es := make([]tlog.Entry, n)
		var hashes []sumdb.Hash
		for i := range es {
			idx := size + int64(i)
			es[i] = tlog.Entry{Kind: "note", Ref: fmt.Sprintf("note %d", idx), Seq: -1, Data: fmt.Appendf(nil, "note %d\n", idx)}
			hs, err := sumdb.StoredHashes(idx, es[i].Data, reader)
			if err != nil {
				t.Fatal(err)
			}
			stored = append(stored, hs...)
			hashes = append(hashes, hs...)
		}
		if err := s.AppendLog(ctx, FixtureID, size, es, hashes); err != nil {
			t.Fatalf("append %d entries at %d: %v", n, size, err)
		}
		sameHashes(t, s, stored)
	}
	if len(stored) < 4*tlog.HashGroupSize || len(stored)%tlog.HashGroupSize == 0 {
		t.Fatalf("%d stored hashes: not several rows and a partial last one", len(stored))
	}
	return seq.Signers, stored
}

// CheckLog checks the fixture's log against stored, its stored hashes as
// LongLog computed them: the store reads them back, in any order and
// grouping; a new round of the sequencer (over the night's protocols)
// verifies the last checkpoint against them and signs the tree of the
// entries read back; and the hash tiles, the inclusion proofs and the
// consistency proof of the two checkpoints verify.
func CheckLog(t *testing.T, s Store, signers []note.Signer, stored []sumdb.Hash) {
	t.Helper()
	ctx := t.Context()
	sameHashes(t, s, stored)
	old, err := s.Checkpoint(ctx, FixtureID, -1)
	if err != nil {
		t.Fatal(err)
	}
	seq := &tlog.Sequencer{Storage: s, Signers: signers}
	Submit(t, intake.New(s, nil), Night()...)
	cp, err := seq.Sync(ctx, FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	es := entries(t, s)
	if cp.Size != int64(len(es)) || cp.Hash != rootOf(t, es) {
		t.Fatalf("signed %d entries with root %s; the log has %d, root %s", cp.Size, cp.Hash, len(es), rootOf(t, es))
	}
	stored = storedHashes(t, es)
	sameHashes(t, s, stored)
	store := sumdb.HashReaderFunc(func(xs []int64) ([]sumdb.Hash, error) { return s.LogHashes(ctx, FixtureID, xs) })
	for _, tile := range tlog.Tiles(cp.Size) {
		if tile.L < 0 {
			continue
		}
		got, err := sumdb.ReadTileData(tile, store)
		if err != nil {
			t.Fatalf("tile %s: %v", tlog.StaticPath(tile), err)
		}
		want, err := sumdb.ReadTileData(tile, memoryReader(&stored))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("tile %s differs from the one computed without the store", tlog.StaticPath(tile))
		}
	}
	l := &tlog.Log{Storage: s}
	for _, i := range []int64{0, 1, 255, 256, 300, cp.Size - 1} {
		p, err := l.InclusionProof(ctx, FixtureID, i, cp.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := sumdb.CheckRecord(p, cp.Size, cp.Hash, i, sumdb.RecordHash(es[i])); err != nil {
			t.Errorf("entry %d: %v", i, err)
		}
	}
	p, err := l.ConsistencyProof(ctx, FixtureID, old.Size, cp.Size)
	if err != nil {
		t.Fatal(err)
	}
	oldRoot, err := sumdb.TreeHash(old.Size, memoryReader(&stored))
	if err != nil {
		t.Fatal(err)
	}
	if err := sumdb.CheckTree(p, cp.Size, cp.Hash, old.Size, oldRoot); err != nil {
		t.Errorf("consistency from %d to %d: %v", old.Size, cp.Size, err)
	}
}

// testHashRows runs LongLog and CheckLog on a new store.
func testHashRows(t *testing.T, s Store) {
	signers, stored := LongLog(t, s)
	CheckLog(t, s, signers, stored)
}

// sameHashes reads every stored hash of the log back, last first and
// some twice, and asks for the first one not stored and a negative one.
func sameHashes(t *testing.T, s Store, stored []sumdb.Hash) {
	t.Helper()
	n := int64(len(stored))
	var xs []int64
	for x := n - 1; x >= 0; x-- {
		xs = append(xs, x)
	}
	xs = append(xs, 0, n/2, n-1)
	got, err := s.LogHashes(t.Context(), FixtureID, xs)
	if err != nil {
		t.Fatalf("%d stored hashes: %v", n, err)
	}
	for i, x := range xs {
		if got[i] != stored[x] {
			t.Fatalf("stored hash %d of %d differs", x, n)
		}
	}
	for _, x := range []int64{n, -1} {
		_, err := s.LogHashes(t.Context(), FixtureID, []int64{0, x})
		wantCode(t, fmt.Sprintf("LogHashes(%d) of %d", x, n), err, dauys.ENOTFOUND)
	}
}

// storedHashes computes the stored hashes of entries without the store.
func storedHashes(t *testing.T, es [][]byte) []sumdb.Hash {
	t.Helper()
	var stored []sumdb.Hash
	r := memoryReader(&stored)
	for i, e := range es {
		hs, err := sumdb.StoredHashes(int64(i), e, r)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
	}
	return slices.Clip(stored)
}

// memoryReader reads the stored hashes in *stored.
func memoryReader(stored *[]sumdb.Hash) sumdb.HashReader {
	return sumdb.HashReaderFunc(func(xs []int64) ([]sumdb.Hash, error) {
		out := make([]sumdb.Hash, len(xs))
		for i, x := range xs {
			if x < 0 || x >= int64(len(*stored)) {
				return nil, fmt.Errorf("no stored hash %d", x)
			}
			out[i] = (*stored)[x]
		}
		return out, nil
	})
}
