package tlog

import (
	"maps"
	"sync"
	"time"

	"github.com/dauys/dauys"
)

// Journal keeps the protocol versions a store committed, with their Seq,
// so that the sequencer takes them from memory instead of reading back
// what intake has just written (Storage.UnloggedProtocols). It is only a
// cache: it serves a read only when it can show that it holds every
// version the read must return, and the store is read otherwise.
//
// Its coverage is kept per scope, the range of Seqs over which a store can
// tell that it saw every commit: the whole table for SQLite (rowids), an
// election for PostgreSQL (its seqs under the election's lock). A scope
// covers the Seqs from (exclusive) to to (inclusive): every version stored
// with a Seq in that range is in the journal, except those of an election
// at or below what was dropped for it, which were logged. Committed
// extends a scope when a commit's versions follow its end; anything else
// (another program or replica writing, a commit whose Seqs a store cannot
// account for) starts the scope again from the new versions.
type Journal struct {
	mu       sync.Mutex
	scopes   map[string]*journalScope
	versions map[string][]PendingProtocol // by election, by Seq
	dropped  map[string]int64             // by election: logged, no longer kept
	n        int
}

type journalScope struct{ from, to int64 }

// JournalLimit bounds the versions a Journal keeps: a night's sequencer
// drops them as it logs them, so the limit is only reached by elections
// without a log, and then the journal starts again.
const JournalLimit = 1 << 16

// Committed records versions a transaction committed in a scope: after
// prev, the largest Seq the scope had before it, they have the Seqs seqs
// (increasing), and contents are their canonical encodings (or nil).
// valid false says that the store could not tell their Seqs. It keeps
// copies of what a log record holds, as the store reads them back (both
// keep times as nanoseconds, in UTC), so the caller's protocols may change
// afterwards.
func (j *Journal) Committed(scope string, prev int64, seqs []int64, ps []*dauys.Protocol, contents [][]byte, valid bool) {
	if len(ps) == 0 {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.scopes == nil || j.n+len(ps) > JournalLimit {
		j.scopes = map[string]*journalScope{}
		j.versions = map[string][]PendingProtocol{}
		j.dropped = map[string]int64{}
		j.n = 0
	}
	sc := j.scopes[scope]
	last := seqs[len(seqs)-1]
	if !valid {
		// Nothing is known before the next commit.
		j.scopes[scope] = &journalScope{from: last, to: last}
		return
	}
	if sc == nil || sc.to != prev {
		sc = &journalScope{from: prev, to: prev}
		j.scopes[scope] = sc
	}
	sc.to = last
	for i, p := range ps {
		v := dauys.Protocol{Election: p.Election, Contest: p.Contest, Area: p.Area, Version: p.Version,
			Kind: p.Kind, Reason: p.Reason, Lines: maps.Clone(p.Lines), ReceivedAt: storedTime(p.ReceivedAt),
			Signature: p.Signature, KeyID: p.KeyID}
		var content []byte
		if contents != nil {
			content = contents[i]
		}
		j.versions[p.Election] = append(j.versions[p.Election], PendingProtocol{Seq: seqs[i], Protocol: &v, Content: content})
	}
	j.n += len(ps)
}

// storedTime is a time as the stores read it back: nanoseconds since the
// epoch, in UTC; zero for none.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.Unix(0, t.UnixNano()).UTC()
}

// Unlogged returns at most limit versions of the election after the Seq
// after, when the journal holds all of them: after is within what the
// scope covers and last, the largest Seq of the scope that the reader's
// snapshot sees, is where the scope ends. ok is false when the store must
// be read.
func (j *Journal) Unlogged(scope, election string, after, last int64, limit int) (out []PendingProtocol, ok bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	sc := j.scopes[scope]
	if sc == nil || last != sc.to || after < sc.from || after < j.dropped[election] {
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
	return append([]PendingProtocol(nil), vs[:min(limit, len(vs))]...), true
}
