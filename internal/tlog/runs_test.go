package tlog

import (
	"slices"
	"testing"
)

func TestSplitEntries(t *testing.T) {
	p := func(seq int64) Entry { return Entry{Kind: KindProtocol, Seq: seq, Data: []byte("x"), Stored: true} }
	key := Entry{Kind: KindKey, Ref: "key \"k\"", Seq: -1, Data: []byte("k")}
	rows, runs, err := SplitEntries(10, []Entry{p(5), p(6), p(7), key, p(8), p(10), p(11)})
	if err != nil {
		t.Fatal(err)
	}
	// A row between runs, and a gap in the Seqs, end a run.
	want := []Run{{First: 10, Count: 3, FirstSeq: 5, LastSeq: 7}, {First: 14, Count: 1, FirstSeq: 8, LastSeq: 8},
		{First: 15, Count: 2, FirstSeq: 10, LastSeq: 11}}
	if !slices.Equal(runs, want) {
		t.Errorf("runs = %+v, want %+v", runs, want)
	}
	if len(rows) != 1 || rows[0].Index != 13 || rows[0].Kind != KindKey {
		t.Errorf("rows = %+v, want the key at 13", rows)
	}
	for _, bad := range [][]Entry{{p(5), p(5)}, {p(6), p(5)}, {{Kind: KindKey, Seq: 1, Stored: true}}} {
		if _, _, err := SplitEntries(0, bad); err == nil {
			t.Errorf("SplitEntries(%+v) accepted", bad)
		}
	}
}

func TestParseProtocolRef(t *testing.T) {
	for _, c := range []struct {
		contest, area string
		version       int
	}{{"mazhilis", "KZ-75-1", 1}, {`a "quoted" one`, "Алматы\n", 12}} {
		ref := ProtocolRef(c.contest, c.area, c.version)
		contest, area, version, ok := ParseProtocolRef(ref)
		if !ok || contest != c.contest || area != c.area || version != c.version {
			t.Errorf("ParseProtocolRef(%q) = %q %q %d %v", ref, contest, area, version, ok)
		}
	}
	for _, ref := range []string{"key \"k\"", "protocol \"c\" \"a\" 0", "protocol \"c\" \"a\" x", "protocol \"c\"", "protocol \"c\" \"a\"  1"} {
		if _, _, _, ok := ParseProtocolRef(ref); ok {
			t.Errorf("ParseProtocolRef(%q) ok", ref)
		}
	}
}
