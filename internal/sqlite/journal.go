package sqlite

import (
	"maps"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/storebatch"
	"github.com/dauys/dauys/internal/tlog"
)

// journal keeps the protocol versions this Store committed, by rowid, so
// that the log's sequencer takes them from memory instead of reading back
// what intake has just written (UnloggedProtocols). It is only a cache:
// it serves a read only when it can show that it holds every version the
// read must return, and the store is read otherwise.
//
// It covers the rowids from (exclusive) to to (inclusive): every version
// stored with a rowid in that range is in it, except those of an election
// at or below that election's dropped, which were logged. SaveProtocols
// extends it after each commit when its first new rowid follows to;
// anything else (another program writing to the file, a commit whose
// rowids it cannot account for) starts it again from the new rows.
type journal struct {
	mu       sync.Mutex
	from, to int64
	versions map[string][]tlog.PendingProtocol // by election, by rowid
	dropped  map[string]int64                  // by election: logged, no longer kept
	n        int
}

// journalLimit bounds the versions a journal keeps: a night's sequencer
// drops them as it logs them, so the limit is only reached by elections
// without a log, and then the journal starts again.
const journalLimit = 1 << 16

// committed records the versions a transaction stored with the rowids
// prev+1 to prev+len(ps), in order; valid is false when the transaction
// could not tell their rowids.
func (j *journal) committed(prev int64, ps []*dauys.Protocol, enc []storebatch.Encoded, valid bool) {
	if len(ps) == 0 {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if !valid || prev != j.to || j.n+len(ps) > journalLimit || j.versions == nil {
		j.reset(prev)
		if !valid {
			j.from = prev + int64(len(ps))
		}
	}
	j.to = prev + int64(len(ps))
	if !valid {
		return
	}
	for i, p := range ps {
		// A copy of what the log's record holds, as UnloggedProtocols
		// would read it back.
		v := &dauys.Protocol{Election: p.Election, Contest: p.Contest, Area: p.Area, Version: p.Version,
			Kind: p.Kind, Reason: p.Reason, Lines: maps.Clone(p.Lines), ReceivedAt: storedTime(p.ReceivedAt),
			Signature: p.Signature, KeyID: p.KeyID}
		j.versions[p.Election] = append(j.versions[p.Election], tlog.PendingProtocol{Seq: prev + 1 + int64(i), Protocol: v,
			Content: enc[i].Canonical})
	}
	j.n += len(ps)
}

// storedTime is a time as it reads back from the store (nanos, timeOf).
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.Unix(0, t.UnixNano()).UTC()
}

func (j *journal) reset(from int64) {
	j.from, j.to = from, from
	j.versions = map[string][]tlog.PendingProtocol{}
	j.dropped = map[string]int64{}
	j.n = 0
}

// unlogged returns at most limit versions of the election after the
// rowid after, when the journal holds all of them: after is within what
// it covers and last, the largest rowid the reader's snapshot sees, is
// where it ends. ok is false when the store must be read.
func (j *journal) unlogged(election string, after, last int64, limit int) (out []tlog.PendingProtocol, ok bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.versions == nil || last != j.to || after < j.from || after < j.dropped[election] {
		return nil, false
	}
	vs := j.versions[election]
	// Those up to after are logged: drop them.
	k := 0
	for k < len(vs) && vs[k].Seq <= after {
		k++
	}
	if k > 0 {
		j.dropped[election] = vs[k-1].Seq
		j.n -= k
		vs = vs[k:]
		if len(vs) == 0 {
			delete(j.versions, election)
		} else {
			j.versions[election] = vs
		}
	}
	return append([]tlog.PendingProtocol(nil), vs[:min(limit, len(vs))]...), true
}
