package verify

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	sumdb "golang.org/x/mod/sumdb/tlog"
)

// TestRebuildAgainstTransparencyDev checks the verifier's tree, as it
// rebuilds it from the entries, against a second implementation of RFC
// 6962 (github.com/transparency-dev/merkle): the root of every size, and
// the proofs that checkpoints' consistency rests on.
func TestRebuildAgainstTransparencyDev(t *testing.T) {
	h := rfc6962.DefaultHasher
	cr := (&compact.RangeFactory{Hash: h.HashChildren}).NewEmptyRange(0)
	l := &logState{}
	roots := [][]byte{h.EmptyRoot()}
	for i := 0; i < 300; i++ {
		e := fmt.Appendf(nil, "dauys-log-entry-v1\nrecord protocol\n%d\n", i)
		l.entries = append(l.entries, e)
		if err := cr.Append(h.HashLeaf(e), nil); err != nil {
			t.Fatal(err)
		}
		root, err := l.rebuild()
		if err != nil {
			t.Fatal(err)
		}
		want, err := cr.GetRootHash(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(root[:], want) {
			t.Fatalf("the verifier's root of %d entries is %x, transparency-dev's %x", i+1, root, want)
		}
		roots = append(roots, want)
		size := int64(i + 1)
		for old := int64(1); old < size; old += 1 + size/20 {
			// The verifier checks an earlier checkpoint by recomputing
			// its tree hash from the rebuilt tree.
			got, err := sumdb.TreeHash(old, l)
			if err != nil || !bytes.Equal(got[:], roots[old]) {
				t.Fatalf("tree hash of the first %d of %d entries = %x, %v; want %x", old, size, got, err, roots[old])
			}
			p, err := sumdb.ProveTree(size, old, l)
			if err != nil {
				t.Fatal(err)
			}
			hs := make([][]byte, len(p))
			for j := range p {
				hs[j] = p[j][:]
			}
			if err := proof.VerifyConsistency(h, uint64(old), uint64(size), hs, roots[old], root[:]); err != nil {
				t.Fatalf("consistency %d -> %d: %v", old, size, err)
			}
		}
	}
}
