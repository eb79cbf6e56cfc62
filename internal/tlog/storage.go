package tlog

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
)

// Store is a store of elections and protocols that keeps their log too,
// as both stores do: what the servers and the publisher read.
type Store interface {
	dauys.Store
	Storage
}

// Storage is what the log needs of a store. Both stores implement it (in
// their log.go) and pass the same test, tlogtest.Run. Each method is one
// transaction.
//
// Entries are numbered from 0 in the order they were appended; hashes are
// the stored hashes of the Merkle tree, numbered by
// golang.org/x/mod/sumdb/tlog's StoredHashIndex.
type Storage interface {
	// Election returns the definition with all its areas, as dauys.Store
	// does.
	Election(ctx context.Context, id string) (*dauys.Election, error)
	// Elections lists the elections without their areas, as dauys.Store
	// does: the sequencer needs an election's definition file, not a
	// second copy of a million areas.
	Elections(ctx context.Context) ([]*dauys.Election, error)

	// CreateLog starts the log of an election with its verifier key;
	// ECONFLICT when the election has one, ENOTFOUND when the election
	// does not exist.
	CreateLog(ctx context.Context, l *Info) error
	// LogInfo returns the log of an election; ENOTFOUND when there is none.
	LogInfo(ctx context.Context, election string) (*Info, error)

	// UnloggedProtocols returns, oldest first, at most limit protocol
	// versions stored after the last one logged, in the order the store
	// committed them, each with its position in that order (Seq). A
	// version carries what its log record needs (ProtocolRecord); its
	// warnings, submitter, source and hash may be left out.
	UnloggedProtocols(ctx context.Context, election string, limit int) ([]PendingProtocol, error)
	// UnloggedAreas returns the areas stored after the last ones logged,
	// in the order they were added, each with its Seq.
	UnloggedAreas(ctx context.Context, election string) ([]PendingArea, error)
	// LoggedRefs returns the Refs of the logged records of a kind other
	// than protocol (whose versions' Refs are found with LogIndex).
	LoggedRefs(ctx context.Context, election, kind string) ([]string, error)

	// AppendLog adds entries at the end of the log with the tree's new
	// stored hashes, those from tlog.StoredHashCount(start) on. start must
	// be the log's size: ECONFLICT otherwise, and ECONFLICT when a Ref is
	// logged already or a Stored entry's version is not after the last
	// one logged; nothing is stored then. Stored entries are kept as Runs
	// (SplitEntries).
	AppendLog(ctx context.Context, election string, start int64, entries []Entry, hashes []tlog.Hash) error
	// LogSize returns the number of entries; 0 for an election without a
	// log.
	LogSize(ctx context.Context, election string) (int64, error)
	// LogHashes returns the stored hashes at the indexes; ENOTFOUND if one
	// is not stored.
	LogHashes(ctx context.Context, election string, indexes []int64) ([]tlog.Hash, error)
	// LogEntries returns the entries start to end-1, those of Runs
	// rebuilt from the stored versions (StoredEntry); ENOTFOUND if the log
	// is shorter.
	LogEntries(ctx context.Context, election string, start, end int64) ([][]byte, error)
	// LogIndex returns the index of the first entry of the record with
	// the Ref; ENOTFOUND when it is not logged (yet).
	LogIndex(ctx context.Context, election, ref string) (int64, error)

	// SaveCheckpoint stores a signed checkpoint of the size; a second one
	// of the same size is ignored.
	SaveCheckpoint(ctx context.Context, election string, c *StoredCheckpoint) error
	// Checkpoint returns the checkpoint of a size, or the latest for a
	// negative size; ENOTFOUND when there is none.
	Checkpoint(ctx context.Context, election string, size int64) (*StoredCheckpoint, error)
	// Checkpoints returns every stored checkpoint, smallest first.
	Checkpoints(ctx context.Context, election string) ([]*StoredCheckpoint, error)
}

// Info describes an election's log: its origin (the name of its key, which
// checkpoints carry on their first line) and its public verifier key.
// The private key is never stored.
type Info struct {
	Election    string    `json:"election"`
	Origin      string    `json:"origin"`
	VerifierKey string    `json:"verifier_key"`
	CreatedAt   time.Time `json:"created_at"`
}

// PendingProtocol is a stored protocol version that is not logged yet.
// Content, when the store has it at hand, is the version's canonical
// encoding (Protocol.CanonicalBytes), which the sequencer then does not
// compute again.
type PendingProtocol struct {
	Seq      int64
	Protocol *dauys.Protocol
	Content  []byte
}

// PendingArea is a stored area that is not logged yet.
type PendingArea struct {
	Seq  int64
	Area dauys.Area
}

// Entry is one entry to append: its bytes, the kind of record it belongs
// to and, on the first entry of a record only, the record's Ref. Seq is
// the store's position of what the entry logs (a protocol version, or the
// last of the areas it lists), from which the store finds what is not
// logged yet.
//
// Stored marks the entry of a protocol version as it is stored at Seq
// (Data is StoredEntry of it): the store keeps a reference to the version
// (a Run, see runs.go), not the bytes, and rebuilds them when they are
// read.
type Entry struct {
	Kind   string
	Ref    string
	Seq    int64
	Data   []byte
	Stored bool
}

// StoredCheckpoint is a signed checkpoint as the log keeps it.
type StoredCheckpoint struct {
	Size      int64     `json:"size"`
	Note      []byte    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// hashReader reads stored hashes for golang.org/x/mod/sumdb/tlog, keeping
// what it read and what was computed since, so that appending a batch of
// entries reads each earlier hash once.
type hashReader struct {
	ctx      context.Context
	storage  Storage
	election string
	known    map[int64]tlog.Hash
}

func newHashReader(ctx context.Context, s Storage, election string) *hashReader {
	return &hashReader{ctx: ctx, storage: s, election: election, known: map[int64]tlog.Hash{}}
}

func (r *hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for _, x := range indexes {
		if _, ok := r.known[x]; !ok {
			missing = append(missing, x)
		}
	}
	if len(missing) > 0 {
		hs, err := r.storage.LogHashes(r.ctx, r.election, missing)
		if err != nil {
			return nil, err
		}
		if len(hs) != len(missing) {
			return nil, fmt.Errorf("tlog: asked for %d hashes, got %d", len(missing), len(hs))
		}
		for i, x := range missing {
			r.known[x] = hs[i]
		}
	}
	for i, x := range indexes {
		out[i] = r.known[x]
	}
	return out, nil
}
