package tlog

import (
	"testing"

	"github.com/dauys/dauys"
)

func journalVersions(election string, n int) []*dauys.Protocol {
	out := make([]*dauys.Protocol, n)
	for i := range out {
		out[i] = &dauys.Protocol{Election: election, Contest: "c", Area: "a", Version: i + 1, Lines: map[string]int64{"x": int64(i)}}
	}
	return out
}

func seqsFrom(first int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = first + int64(i)
	}
	return out
}

// TestJournal: the journal serves a read only when it holds every version
// after the last one logged, and the store is read otherwise.
func TestJournal(t *testing.T) {
	var j Journal
	if _, ok := j.Unlogged("", "e", 0, 0, 10); ok {
		t.Fatal("an empty journal served a read")
	}
	j.Committed("", 10, seqsFrom(11, 3), journalVersions("e", 3), nil, true)
	if _, ok := j.Unlogged("", "e", 5, 13, 10); ok {
		t.Error("served versions from before its coverage (after 5, covers 10 on)")
	}
	if _, ok := j.Unlogged("", "e", 10, 14, 10); ok {
		t.Error("served a read whose snapshot has a version it does not hold (14)")
	}
	vs, ok := j.Unlogged("", "e", 10, 13, 2)
	if !ok || len(vs) != 2 || vs[0].Seq != 11 || vs[1].Seq != 12 {
		t.Fatalf("Unlogged = %+v, %v; want 11 and 12", vs, ok)
	}
	// Logged up to 12: those are dropped, and a read from before them
	// goes to the store.
	if vs, ok := j.Unlogged("", "e", 12, 13, 10); !ok || len(vs) != 1 || vs[0].Seq != 13 {
		t.Fatalf("Unlogged after 12 = %+v, %v; want 13", vs, ok)
	}
	if _, ok := j.Unlogged("", "e", 11, 13, 10); ok {
		t.Error("served a read from before what it dropped")
	}
	// Another writer took 14: the next commit starts the scope again.
	j.Committed("", 14, seqsFrom(15, 1), journalVersions("e", 1), nil, true)
	if _, ok := j.Unlogged("", "e", 13, 15, 10); ok {
		t.Error("served a read across another writer's version")
	}
	if vs, ok := j.Unlogged("", "e", 14, 15, 10); !ok || len(vs) != 1 || vs[0].Seq != 15 {
		t.Errorf("Unlogged after 14 = %+v, %v; want 15", vs, ok)
	}
	// A commit whose Seqs the store could not tell.
	j.Committed("", 15, seqsFrom(16, 2), journalVersions("e", 2), nil, false)
	if _, ok := j.Unlogged("", "e", 15, 17, 10); ok {
		t.Error("served versions it could not number")
	}
	// The copies are the journal's own.
	ps := journalVersions("f", 1)
	j.Committed("f", 0, seqsFrom(1, 1), ps, nil, true)
	ps[0].Lines["x"] = 99
	if vs, ok := j.Unlogged("f", "f", 0, 1, 10); !ok || vs[0].Protocol.Lines["x"] != 0 {
		t.Errorf("the journal's version changed with the caller's: %+v, %v", vs, ok)
	}
	// Bounded: past the limit it starts again.
	j.Committed("g", 0, seqsFrom(1, JournalLimit), journalVersions("g", JournalLimit), nil, true)
	if _, ok := j.Unlogged("f", "f", 0, 1, 10); ok {
		t.Error("kept more than JournalLimit versions")
	}
	if j.n > JournalLimit {
		t.Errorf("holds %d versions, limit %d", j.n, JournalLimit)
	}
}
