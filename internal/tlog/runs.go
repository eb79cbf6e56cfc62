package tlog

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
)

// A log does not keep a second copy of the protocol versions it logs. The
// store has them already, never changes them (versions are only ever
// added) and numbers them in the order they were stored (their Seq); the
// sequencer logs them in that order. So the entries that log versions
// with consecutive Seqs are kept as a Run: "entries First to
// First+Count-1 are the records of the versions with Seq FirstSeq to
// LastSeq", one entry per Seq, so that a version's place is First +
// (Seq - FirstSeq) and is found with one lookup. (Versions of other
// elections stored in between end a run.) LogEntries rebuilds their bytes from
// the versions with StoredEntry, byte for byte what was hashed into the
// tree, and checks them against the tree's leaf hashes (FinishEntries): a
// version missing or changed fails the read rather than serve other bytes.
//
// This takes a row per protocol out of the log's storage, which was the
// larger half of the log's writes (docs/performance.md).

// Run is a stretch of log entries that are the records of stored protocol
// versions of one election with consecutive Seqs: entry First+i is the
// version with Seq FirstSeq+i.
type Run struct {
	First    int64 // index of the first entry
	Count    int64 // entries, one per version: LastSeq-FirstSeq+1
	FirstSeq int64 // Seq of the first version
	LastSeq  int64 // Seq of the last version
}

// StoredEntry returns the log entry of a stored protocol version: its
// record's encoding, which is one entry for every protocol a form allows.
// It fails for a record that would be split into parts, which the
// sequencer logs as ordinary entries.
func StoredEntry(p *dauys.Protocol) ([]byte, error) {
	b, err := ProtocolRecord(p).Encode()
	if err != nil {
		return nil, err
	}
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("tlog: the record of %s/%s version %d is %d bytes, more than one entry", p.Contest, p.Area, p.Version, len(b))
	}
	return b, nil
}

// SplitEntries divides the entries to append at start into those a store
// keeps as rows (with their indexes) and runs of stored versions (entries
// with Stored set, which a store keeps as Runs: a run ends where the next
// Seq is not the next number). It refuses Seqs of stored versions that do
// not increase, since the log takes versions in the order stored.
func SplitEntries(start int64, entries []Entry) (rows []IndexedEntry, runs []Run, err error) {
	last := int64(-1)
	for i, e := range entries {
		idx := start + int64(i)
		if !e.Stored {
			rows = append(rows, IndexedEntry{Index: idx, Entry: e})
			continue
		}
		if e.Kind != KindProtocol || e.Seq <= last {
			return nil, nil, dauys.Errorf(dauys.EINVALID, "entry %d: a stored version's entry must be a protocol's, after Seq %d, not %s at %d", idx, last, e.Kind, e.Seq)
		}
		last = e.Seq
		if n := len(runs); n > 0 && runs[n-1].First+runs[n-1].Count == idx && runs[n-1].LastSeq+1 == e.Seq {
			runs[n-1].Count++
			runs[n-1].LastSeq = e.Seq
			continue
		}
		runs = append(runs, Run{First: idx, Count: 1, FirstSeq: e.Seq, LastSeq: e.Seq})
	}
	return rows, runs, nil
}

// IndexedEntry is an entry with its index in the log.
type IndexedEntry struct {
	Index int64
	Entry
}

// ParseProtocolRef reads back a protocol version's Ref (ProtocolRef); ok
// is false for the Ref of any other record.
func ParseProtocolRef(ref string) (contest, area string, version int, ok bool) {
	rest, found := strings.CutPrefix(ref, "protocol ")
	if !found {
		return "", "", 0, false
	}
	var err error
	if contest, rest, err = unquoteField(rest); err != nil {
		return "", "", 0, false
	}
	if area, rest, err = unquoteField(rest); err != nil {
		return "", "", 0, false
	}
	version, err = strconv.Atoi(rest)
	if err != nil || version <= 0 || ProtocolRef(contest, area, version) != ref {
		return "", "", 0, false
	}
	return contest, area, version, true
}

// unquoteField reads a quoted field and the space after it.
func unquoteField(s string) (string, string, error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", err
	}
	v, err := strconv.Unquote(q)
	if err != nil {
		return "", "", err
	}
	rest, ok := strings.CutPrefix(s[len(q):], " ")
	if !ok {
		return "", "", fmt.Errorf("no space after %s", q)
	}
	return v, rest, nil
}

// PlaceRun puts the entries of run r that fall in the read of entries
// start to end-1 into out (out[0] is entry start), rebuilt from vs: the
// versions a store read for them, by Seq, from the Seq of the first entry
// wanted. It fails, naming the entry, when a version is missing or not the
// election's.
func PlaceRun(election string, r Run, start, end int64, out [][]byte, vs []PendingProtocol) error {
	lo, hi := max(r.First, start), min(r.First+r.Count, end)
	idx := lo
	for _, v := range vs {
		if idx == hi {
			break
		}
		want := r.FirstSeq + (idx - r.First)
		if v.Seq != want || v.Protocol.Election != election {
			return fmt.Errorf("entry %d of the log of %s is the protocol version stored at %d, which the store does not hold", idx, election, want)
		}
		b, err := StoredEntry(v.Protocol)
		if err != nil {
			return err
		}
		out[idx-start] = b
		idx++
	}
	if idx != hi {
		return fmt.Errorf("entry %d of the log of %s is the protocol version stored at %d, which the store does not hold",
			idx, election, r.FirstSeq+(idx-r.First))
	}
	return nil
}

// RunSeqs returns the Seqs a store reads for the entries of run r that
// fall in the read of entries start to end-1: from first to before end.
func RunSeqs(r Run, start, end int64) (first, past int64) {
	lo, hi := max(r.First, start), min(r.First+r.Count, end)
	return r.FirstSeq + (lo - r.First), r.FirstSeq + (hi - r.First)
}

// FinishEntries completes a store's read of entries start to end-1: every
// entry must be there (ENOTFOUND otherwise), and those rebuilt from runs
// must hash to the leaves the tree stores for them (read with hashes, as
// Storage.LogHashes reads them), so that a version changed behind the
// store's back fails the read rather than serve other bytes.
func FinishEntries(election string, start int64, out [][]byte, runs []Run, hashes func(indexes []int64) ([]tlog.Hash, error)) error {
	for i, b := range out {
		if b == nil {
			return dauys.Errorf(dauys.ENOTFOUND, "the log of %s has no entry %d", election, start+int64(i))
		}
	}
	end := start + int64(len(out))
	var indexes, leaves []int64
	for _, r := range runs {
		for x := max(r.First, start); x < min(r.First+r.Count, end); x++ {
			indexes = append(indexes, x)
			leaves = append(leaves, tlog.StoredHashIndex(0, x))
		}
	}
	if len(indexes) == 0 {
		return nil
	}
	hs, err := hashes(leaves)
	if err != nil {
		return err
	}
	for i, x := range indexes {
		if tlog.RecordHash(out[x-start]) != hs[i] {
			return fmt.Errorf("tlog: entry %d of the log of %s, rebuilt from its protocol version, does not hash to the tree's leaf: the stored version was changed", x, election)
		}
	}
	return nil
}

// CheckUnlogged refuses to log again a protocol version that is logged:
// the versions up to after (the last one logged) are all logged, in
// order, so a run must start after it, and a version with an entry of its
// own (rows) must have been stored after it; seqOf finds a version's Seq
// (ok false when it is not stored). A store's unique index on Refs refuses
// the rest.
func CheckUnlogged(rows []IndexedEntry, runs []Run, after int64, election string,
	seqOf func(contest, area string, version int) (seq int64, ok bool, err error)) error {
	if len(runs) > 0 && runs[0].FirstSeq <= after {
		return dauys.Errorf(dauys.ECONFLICT, "the log of %s has the protocol versions up to %d already, not after %d", election, after, runs[0].FirstSeq)
	}
	for _, e := range rows {
		if e.Kind != KindProtocol {
			continue
		}
		contest, area, version, ok := ParseProtocolRef(e.Ref)
		if !ok {
			continue
		}
		seq, stored, err := seqOf(contest, area, version)
		if err != nil {
			return err
		}
		if stored && seq <= after {
			return dauys.Errorf(dauys.ECONFLICT, "the log of %s has %s already", election, e.Ref)
		}
	}
	return nil
}

// NeedsCheck reports whether CheckUnlogged has anything to check, so that
// a store looks up the last version logged only then.
func NeedsCheck(rows []IndexedEntry, runs []Run) bool {
	if len(runs) > 0 {
		return true
	}
	for _, e := range rows {
		if e.Kind == KindProtocol && e.Ref != "" {
			return true
		}
	}
	return false
}
