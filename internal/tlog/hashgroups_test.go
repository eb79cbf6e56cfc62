package tlog_test

import (
	"bytes"
	"slices"
	"testing"

	sumdb "golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tlog"
)

// hashes returns n distinct stored hashes, numbered from first.
func hashes(first int64, n int) []sumdb.Hash {
	out := make([]sumdb.Hash, n)
	for i := range out {
		out[i] = sumdb.RecordHash([]byte{byte(first + int64(i)), byte((first + int64(i)) >> 8)})
	}
	return out
}

func concat(hs []sumdb.Hash) []byte {
	var b []byte
	for _, h := range hs {
		b = append(b, h[:]...)
	}
	return b
}

// TestGroupHashes appends stored hashes in stretches that begin and end
// inside rows and reads every one back from the rows.
func TestGroupHashes(t *testing.T) {
	rows := map[int64][]byte{}
	var all []sumdb.Hash
	for _, n := range []int{0, 1, 255, 300, 212, 256, 3} {
		first := int64(len(all))
		add := hashes(first, n)
		var read []int64
		update, insert, err := tlog.GroupHashes(first, add, func(g int64) ([]byte, error) {
			read = append(read, g)
			return rows[g], nil
		})
		if err != nil {
			t.Fatalf("append %d at %d: %v", n, first, err)
		}
		// Only a last row that is not full is read, and then replaced.
		if held := first % tlog.HashGroupSize; n > 0 && held > 0 {
			if !slices.Equal(read, []int64{first / tlog.HashGroupSize}) || update == nil || update.Group != first/tlog.HashGroupSize {
				t.Errorf("append %d at %d: read rows %v, update %v", n, first, read, update)
			}
		} else if len(read) > 0 || update != nil {
			t.Errorf("append %d at %d: read rows %v, update %v", n, first, read, update)
		}
		if n == 0 && insert != nil {
			t.Errorf("no hashes, rows %v", insert)
		}
		groups := insert
		if update != nil {
			groups = append([]tlog.HashGroup{*update}, insert...)
		}
		for i, g := range groups {
			if _, ok := rows[g.Group]; ok && (i > 0 || update == nil) {
				t.Errorf("append %d at %d inserts row %d again", n, first, g.Group)
			}
			if len(g.Hashes) == 0 || len(g.Hashes) > tlog.HashGroupSize*sumdb.HashSize || (i < len(groups)-1 && len(g.Hashes) != tlog.HashGroupSize*sumdb.HashSize) {
				t.Errorf("row %d holds %d bytes", g.Group, len(g.Hashes))
			}
			rows[g.Group] = g.Hashes
		}
		all = append(all, add...)
		for g, b := range rows {
			lo := g * tlog.HashGroupSize
			if want := concat(all[lo:min(int64(len(all)), lo+tlog.HashGroupSize)]); !bytes.Equal(b, want) {
				t.Fatalf("after %d hashes, row %d differs", len(all), g)
			}
		}
	}
	xs := []int64{int64(len(all)) - 1, 0, 256, 255, 257, 700}
	if got, want := tlog.HashGroupsOf(append(xs, -1, 1)), []int64{0, 1, 2, 4}; !slices.Equal(got, want) {
		t.Errorf("HashGroupsOf(%v) = %v, want %v", xs, got, want)
	}
	got, err := tlog.HashesFromGroups("e", xs, rows)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range xs {
		if got[i] != all[x] {
			t.Errorf("hash %d differs", x)
		}
	}
	for _, x := range []int64{int64(len(all)), -1, 5000} {
		if _, err := tlog.HashesFromGroups("e", []int64{0, x}, rows); dauys.ErrorCode(err) != dauys.ENOTFOUND {
			t.Errorf("hash %d: %v, want not found", x, err)
		}
	}
}

// TestGroupHashesRefusesRowsThatDoNotEnd: the last row must hold exactly
// the hashes before the first appended, or rows would be shifted. (A row
// where a new one begins is refused by the store's primary key.)
func TestGroupHashesRefusesRowsThatDoNotEnd(t *testing.T) {
	for _, c := range []struct {
		name  string
		first int64
		last  []byte
	}{
		{"a short row", 258, concat(hashes(256, 1))},
		{"a long row", 257, concat(hashes(256, 2))},
		{"no row", 300, nil},
		{"a negative index", -1, nil},
	} {
		last := func(int64) ([]byte, error) { return c.last, nil }
		if _, _, err := tlog.GroupHashes(c.first, hashes(c.first, 1), last); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}
