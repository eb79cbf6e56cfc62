package verify

import (
	"bytes"
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	sumdb "golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tlog"
)

// Cosign is a witness's round (C2SP tlog-witness, run by pulling): it reads
// a log's latest checkpoint, checks it against the log key and, when the
// witness cosigned a checkpoint before (last), checks that the new one
// extends it, with a consistency proof computed from the published tiles
// (which TileHashReader authenticates against the new checkpoint). Only
// then does it cosign, and it returns the checkpoint with the witness's
// cosignature line added, which the witness keeps as its new last and
// publishes.
//
// A checkpoint that does not extend the last one is refused with
// ECONFLICT: the log forked or rolled back, and the two signed
// checkpoints are the proof of it.
func Cosign(ctx context.Context, src Source, election string, logKey note.Verifier, w *tlog.Cosigner, last []byte) ([]byte, tlog.Checkpoint, error) {
	dir := tlog.StaticDir(election) + "/"
	msg, err := src.ReadFile(ctx, dir+"checkpoint")
	if err != nil {
		return nil, tlog.Checkpoint{}, err
	}
	cp, _, err := tlog.OpenCheckpoint(msg, logKey)
	if err != nil {
		return nil, tlog.Checkpoint{}, dauys.Errorf(dauys.EINVALID, "%s: %v", src, err)
	}
	if last != nil {
		old, _, err := tlog.OpenCheckpoint(last, logKey)
		if err != nil {
			return nil, cp, fmt.Errorf("the last cosigned checkpoint: %w", err)
		}
		switch {
		case cp.Size < old.Size:
			return nil, cp, dauys.Errorf(dauys.ECONFLICT, "the log rolled back: it has %d entries, but the witness cosigned %d", cp.Size, old.Size)
		case cp.Size == old.Size && cp.Hash != old.Hash:
			return nil, cp, dauys.Errorf(dauys.ECONFLICT, "the log forked: two roots for %d entries, %s cosigned and %s now", cp.Size, old.Hash, cp.Hash)
		case cp.Size > old.Size:
			r := sumdb.TileHashReader(sumdb.Tree{N: cp.Size, Hash: cp.Hash}, tileReader{ctx, src, dir})
			p, err := sumdb.ProveTree(cp.Size, old.Size, r)
			if err != nil {
				return nil, cp, dauys.Errorf(dauys.ECONFLICT, "no consistency proof from %d to %d entries from the published tiles: %v", old.Size, cp.Size, err)
			}
			if err := sumdb.CheckTree(p, cp.Size, cp.Hash, old.Size, old.Hash); err != nil {
				return nil, cp, dauys.Errorf(dauys.ECONFLICT, "the log forked: the tree of %d entries does not extend the cosigned one of %d: %v", cp.Size, old.Size, err)
			}
		}
	}
	own, err := note.Sign(&note.Note{Text: cp.Text()}, w)
	if err != nil {
		return nil, cp, err
	}
	// The witness's signature line is the last line of its own note; the
	// cosigned checkpoint is the log's note with that line added.
	i := bytes.LastIndex(bytes.TrimSuffix(own, []byte("\n")), []byte("\n"))
	return append(bytes.Clone(msg), own[i+1:]...), cp, nil
}
