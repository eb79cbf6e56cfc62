package tlog

import (
	"fmt"
	"slices"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
)

// HashGroupSize is how many consecutive stored hashes a store keeps in one
// row (log_hash_groups, migration 0012): a log appends two stored hashes
// an entry on average, and one row per 256 of them costs the writer about
// a hundredth of the rows one row per hash did. Every row of a log but its
// last holds HashGroupSize hashes; the last holds the rest and grows as
// the log does.
const HashGroupSize = 256

// HashGroup is one row of stored hashes: those numbered from
// Group*HashGroupSize on, in order, tlog.HashSize bytes each.
type HashGroup struct {
	Group  int64
	Hashes []byte
}

// GroupHashes returns the rows that appending hashes, the stored hashes
// numbered first on, writes: update, when not nil, replaces the log's last
// row, which was not full, and insert are new. last reads the stored bytes
// of a row (nil when there is none); GroupHashes calls it only for a row
// that must hold exactly the hashes before first, and refuses any other,
// so that rows that do not end where the log says are never shifted.
func GroupHashes(first int64, hashes []tlog.Hash, last func(group int64) ([]byte, error)) (update *HashGroup, insert []HashGroup, err error) {
	if first < 0 {
		return nil, nil, fmt.Errorf("no stored hash %d", first)
	}
	if len(hashes) == 0 {
		return nil, nil, nil
	}
	held := first % HashGroupSize
	g := HashGroup{Group: first / HashGroupSize, Hashes: make([]byte, 0, HashGroupSize*tlog.HashSize)}
	if held > 0 {
		b, err := last(g.Group)
		if err != nil {
			return nil, nil, err
		}
		if int64(len(b)) != held*tlog.HashSize {
			return nil, nil, fmt.Errorf("the stored hashes before %d end with a row of %d bytes, not %d", first, len(b), held*tlog.HashSize)
		}
		g.Hashes = append(g.Hashes, b...)
	}
	var out []HashGroup
	for _, h := range hashes {
		if len(g.Hashes) == HashGroupSize*tlog.HashSize {
			out = append(out, g)
			g = HashGroup{Group: g.Group + 1, Hashes: make([]byte, 0, HashGroupSize*tlog.HashSize)}
		}
		g.Hashes = append(g.Hashes, h[:]...)
	}
	out = append(out, g)
	if held > 0 {
		return &out[0], out[1:], nil
	}
	return nil, out, nil
}

// HashGroupsOf returns the rows that hold the stored hashes at indexes, in
// order, each once.
func HashGroupsOf(indexes []int64) []int64 {
	var out []int64
	for _, x := range indexes {
		if x >= 0 {
			out = append(out, x/HashGroupSize)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// HashesFromGroups returns the stored hashes at indexes from the rows read
// (by group number); ENOTFOUND names the first that is not stored.
func HashesFromGroups(election string, indexes []int64, groups map[int64][]byte) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x >= 0 {
			row := groups[x/HashGroupSize]
			if at := x % HashGroupSize * tlog.HashSize; int64(len(row)) >= at+tlog.HashSize {
				copy(out[i][:], row[at:])
				continue
			}
		}
		return nil, dauys.Errorf(dauys.ENOTFOUND, "the log of %s has no hash %d", election, x)
	}
	return out, nil
}
