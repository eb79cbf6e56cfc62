package tlog_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	sumdb "golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys/internal/tlog"
)

func TestTilePaths(t *testing.T) {
	for _, test := range []struct {
		level int
		n     int64
		w     int
		path  string
	}{
		{0, 0, 256, "tile/0/000"},
		{0, 1234067, 256, "tile/0/x001/x234/067"},
		{2, 5, 17, "tile/2/005.p/17"},
		{1, 1000, 256, "tile/1/x001/000"},
		{-1, 7, 256, "tile/entries/007"},
		{-1, 1234067, 3, "tile/entries/x001/x234/067.p/3"},
	} {
		var got string
		if test.level < 0 {
			got = tlog.EntriesPath(test.n, test.w)
		} else {
			got = tlog.TilePath(test.level, test.n, test.w)
		}
		if got != test.path {
			t.Errorf("path of %d/%d/%d = %s, want %s", test.level, test.n, test.w, got, test.path)
		}
		l, n, w, err := tlog.ParseTilePath(test.path)
		if err != nil || l != test.level || n != test.n || w != test.w {
			t.Errorf("ParseTilePath(%s) = %d %d %d %v", test.path, l, n, w, err)
		}
	}
	for _, bad := range []string{"tile/0/1", "tile/0/x000/001", "tile/0/001.p/256", "tile/0/001.p/0", "tile/64/000",
		"tile/entries/001.p/07", "tile/0/001/002", "tiles/0/000", "tile/00/000", "tile/-1/000"} {
		if _, _, _, err := tlog.ParseTilePath(bad); err == nil {
			t.Errorf("ParseTilePath(%q) accepted it", bad)
		}
	}
}

func FuzzParseTilePath(f *testing.F) {
	f.Add("tile/0/x001/x234/067.p/5")
	f.Add("tile/entries/000")
	f.Fuzz(func(t *testing.T, path string) {
		l, n, w, err := tlog.ParseTilePath(path)
		if err != nil {
			return
		}
		var again string
		if l < 0 {
			again = tlog.EntriesPath(n, w)
		} else {
			again = tlog.TilePath(l, n, w)
		}
		if again != path {
			t.Errorf("ParseTilePath(%q) = %d %d %d, which is written %q", path, l, n, w, again)
		}
	})
}

func TestBundle(t *testing.T) {
	es := [][]byte{[]byte("a"), {}, bytes.Repeat([]byte{0xff}, tlog.MaxEntrySize)}
	b, err := tlog.EncodeBundle(es)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tlog.DecodeBundle(b)
	if err != nil || len(got) != 3 || !bytes.Equal(got[2], es[2]) || len(got[1]) != 0 {
		t.Errorf("DecodeBundle(EncodeBundle) = %d entries, %v", len(got), err)
	}
	if _, err := tlog.DecodeBundle(b[:len(b)-1]); err == nil {
		t.Error("a cut bundle decoded")
	}
	if _, err := tlog.EncodeBundle([][]byte{make([]byte, tlog.MaxEntrySize+1)}); err == nil {
		t.Error("an entry too long for a bundle was encoded")
	}
}

func TestTiles(t *testing.T) {
	got := map[string]bool{}
	for _, tile := range tlog.Tiles(256*256 + 3) {
		got[tlog.StaticPath(tile)] = true
	}
	for _, p := range []string{"tile/entries/000", "tile/entries/255", "tile/entries/256.p/3", "tile/0/255", "tile/0/256.p/3",
		"tile/1/000", "tile/2/000.p/1"} {
		if !got[p] {
			t.Errorf("Tiles(65539) lacks %s", p)
		}
	}
	if len(got) != 256+1+256+1+1+1 {
		t.Errorf("Tiles(65539) = %d tiles", len(got))
	}
}

// TestTreeAgainstTransparencyDev checks the tree that golang.org/x/mod
// builds against a second implementation, github.com/transparency-dev/merkle:
// the leaf hashes, the root of every size, and every inclusion and
// consistency proof, so that a bug of one library cannot hide.
func TestTreeAgainstTransparencyDev(t *testing.T) {
	h := rfc6962.DefaultHasher
	var stored []sumdb.Hash
	reader := sumdb.HashReaderFunc(func(xs []int64) ([]sumdb.Hash, error) {
		out := make([]sumdb.Hash, len(xs))
		for i, x := range xs {
			out[i] = stored[x]
		}
		return out, nil
	})
	cr := (&compact.RangeFactory{Hash: h.HashChildren}).NewEmptyRange(0)
	var leaves [][]byte
	roots := [][]byte{h.EmptyRoot()}
	const n = 530
	for i := int64(0); i < n; i++ {
		e := fmt.Appendf(nil, "entry %d", i)
		leaf := h.HashLeaf(e)
		if rh := sumdb.RecordHash(e); !bytes.Equal(rh[:], leaf) {
			t.Fatalf("leaf hash of entry %d: x/mod %x, transparency-dev %x", i, rh, leaf)
		}
		leaves = append(leaves, leaf)
		hs, err := sumdb.StoredHashes(i, e, reader)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
		if err := cr.Append(leaf, nil); err != nil {
			t.Fatal(err)
		}
		size := i + 1
		root, err := sumdb.TreeHash(size, reader)
		if err != nil {
			t.Fatal(err)
		}
		want, err := cr.GetRootHash(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(root[:], want) {
			t.Fatalf("root of %d entries: x/mod %x, transparency-dev %x", size, root, want)
		}
		roots = append(roots, want)
		// Every inclusion proof of small trees, a spread of them for big ones.
		for j := int64(0); j < size; j += 1 + size/40 {
			p, err := sumdb.ProveRecord(size, j, reader)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyInclusion(h, uint64(j), uint64(size), leaves[j], toBytes(p), root[:]); err != nil {
				t.Fatalf("inclusion of %d in %d: transparency-dev refuses the x/mod proof: %v", j, size, err)
			}
			if len(p) > 0 {
				p[0][0] ^= 1
				if proof.VerifyInclusion(h, uint64(j), uint64(size), leaves[j], toBytes(p), root[:]) == nil {
					t.Fatalf("inclusion of %d in %d: a tampered proof verifies", j, size)
				}
			}
		}
		for old := int64(1); old < size; old += 1 + size/30 {
			p, err := sumdb.ProveTree(size, old, reader)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyConsistency(h, uint64(old), uint64(size), toBytes(p), roots[old], root[:]); err != nil {
				t.Fatalf("consistency of %d with %d: transparency-dev refuses the x/mod proof: %v", old, size, err)
			}
			if err := sumdb.CheckTree(p, size, root, old, sumdb.Hash(roots[old])); err != nil {
				t.Fatalf("consistency of %d with %d: %v", old, size, err)
			}
			forked := bytes.Clone(roots[old])
			forked[0] ^= 1
			if proof.VerifyConsistency(h, uint64(old), uint64(size), toBytes(p), forked, root[:]) == nil {
				t.Fatalf("consistency of %d with %d: a forked root verifies", old, size)
			}
		}
	}
}

func toBytes(hs []sumdb.Hash) [][]byte {
	out := make([][]byte, len(hs))
	for i := range hs {
		out[i] = hs[i][:]
	}
	return out
}
