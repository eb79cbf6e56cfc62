package tlog

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
)

// Log answers questions about the logs it reads from storage: their
// checkpoints, and proofs that an entry is in a checkpoint's tree
// (inclusion) and that a tree extends an earlier one (consistency). It
// needs no key.
type Log struct {
	Storage Storage
}

// SignedCheckpoint is a checkpoint with its signed note.
type SignedCheckpoint struct {
	Checkpoint
	Note      []byte
	CreatedAt time.Time
}

// LatestCheckpoint returns the election's latest checkpoint; ENOTFOUND when
// the log has none yet.
func (l *Log) LatestCheckpoint(ctx context.Context, election string) (*SignedCheckpoint, error) {
	return l.checkpoint(ctx, election, -1)
}

func (l *Log) checkpoint(ctx context.Context, election string, size int64) (*SignedCheckpoint, error) {
	info, err := l.Storage.LogInfo(ctx, election)
	if err != nil {
		return nil, err
	}
	c, err := l.Storage.Checkpoint(ctx, election, size)
	if err != nil {
		return nil, err
	}
	v, err := note.NewVerifier(info.VerifierKey)
	if err != nil {
		return nil, fmt.Errorf("tlog: the log of %s has a bad verifier key: %w", election, err)
	}
	cp, _, err := OpenCheckpoint(c.Note, v)
	if err != nil {
		return nil, fmt.Errorf("tlog: the stored checkpoint of %s: %w", election, err)
	}
	return &SignedCheckpoint{Checkpoint: cp, Note: c.Note, CreatedAt: c.CreatedAt}, nil
}

// InclusionProof proves that entry index is in the tree of treeSize
// entries (RFC 6962 audit path).
func (l *Log) InclusionProof(ctx context.Context, election string, index, treeSize int64) (tlog.RecordProof, error) {
	if err := l.checkSize(ctx, election, treeSize); err != nil {
		return nil, err
	}
	if index < 0 || index >= treeSize {
		return nil, dauys.Errorf(dauys.EINVALID, "entry %d is not in a tree of %d entries", index, treeSize)
	}
	p, err := tlog.ProveRecord(treeSize, index, newHashReader(ctx, l.Storage, election))
	if err != nil {
		return nil, fmt.Errorf("tlog: inclusion proof: %w", err)
	}
	return p, nil
}

// ConsistencyProof proves that the tree of newSize entries extends the tree
// of oldSize (RFC 6962 consistency proof).
func (l *Log) ConsistencyProof(ctx context.Context, election string, oldSize, newSize int64) (tlog.TreeProof, error) {
	if err := l.checkSize(ctx, election, newSize); err != nil {
		return nil, err
	}
	if oldSize < 1 || oldSize > newSize {
		return nil, dauys.Errorf(dauys.EINVALID, "no consistency proof from %d to %d entries", oldSize, newSize)
	}
	p, err := tlog.ProveTree(newSize, oldSize, newHashReader(ctx, l.Storage, election))
	if err != nil {
		return nil, fmt.Errorf("tlog: consistency proof: %w", err)
	}
	return p, nil
}

// checkSize refuses a tree size beyond the log.
func (l *Log) checkSize(ctx context.Context, election string, size int64) error {
	n, err := l.Storage.LogSize(ctx, election)
	if err != nil {
		return err
	}
	if size < 1 || size > n {
		return dauys.Errorf(dauys.EINVALID, "the log of %s has %d entries, not %d", election, n, size)
	}
	return nil
}

// Inclusion is where a protocol version is in the log, with the proof
// that it is in the tree of the latest checkpoint: what the API and the
// protocol pages show beside a protocol.
type Inclusion struct {
	// Index is the log index of the version's entry (its first, for the
	// rare record that takes several: Entries says how many).
	Index   int64 `json:"index"`
	Entries int   `json:"entries"`
	// LeafHash is the RFC 6962 hash of the entry.
	LeafHash tlog.Hash `json:"leaf_hash"`
	// TreeSize and RootHash are the latest checkpoint's; Proof is the
	// audit path from the entry to that root, and Checkpoint the signed
	// note itself.
	TreeSize   int64            `json:"tree_size"`
	RootHash   tlog.Hash        `json:"root_hash"`
	Proof      tlog.RecordProof `json:"proof"`
	Checkpoint string           `json:"checkpoint"`
}

// ProtocolInclusion returns where a protocol version is in the log;
// ENOTFOUND while it is not logged yet, or not covered by a checkpoint yet.
func (l *Log) ProtocolInclusion(ctx context.Context, election, contest, area string, version int) (*Inclusion, error) {
	index, err := l.Storage.LogIndex(ctx, election, ProtocolRef(contest, area, version))
	if err != nil {
		return nil, err
	}
	return l.Inclusion(ctx, election, index)
}

// Inclusion returns the inclusion of the record whose first entry is
// index in the latest checkpoint.
func (l *Log) Inclusion(ctx context.Context, election string, index int64) (*Inclusion, error) {
	cp, err := l.LatestCheckpoint(ctx, election)
	if err != nil {
		return nil, err
	}
	if index >= cp.Size {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "entry %d of the log of %s is not in a checkpoint yet", index, election)
	}
	es, err := l.Storage.LogEntries(ctx, election, index, index+1)
	if err != nil {
		return nil, err
	}
	in := &Inclusion{Index: index, Entries: 1, LeafHash: tlog.RecordHash(es[0]), TreeSize: cp.Size, RootHash: cp.Hash,
		Checkpoint: string(cp.Note)}
	if _, n, _, ok, _ := PartOf(es[0]); ok {
		in.Entries = n
	}
	if in.Proof, err = l.InclusionProof(ctx, election, index, cp.Size); err != nil {
		return nil, err
	}
	return in, nil
}

// tileData returns the bytes of a hash tile or entry bundle (level -1) of
// the tree of size.
func tileData(ctx context.Context, s Storage, election string, t tlog.Tile, size int64) ([]byte, error) {
	if t.L < 0 {
		start := t.N * TileWidth
		if start+int64(t.W) > size {
			return nil, dauys.Errorf(dauys.ENOTFOUND, "entry bundle %s is beyond the tree of %d entries", StaticPath(t), size)
		}
		es, err := s.LogEntries(ctx, election, start, start+int64(t.W))
		if err != nil {
			return nil, err
		}
		return EncodeBundle(es)
	}
	if (t.N*TileWidth+int64(t.W))<<(uint(t.L)*TileHeight) > size {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "tile %s is beyond the tree of %d entries", StaticPath(t), size)
	}
	return tlog.ReadTileData(t, newHashReader(ctx, s, election))
}
