package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/mod/sumdb/note"
	sumdb "golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys/internal/tlog"
)

// logState is the log as read and rebuilt.
type logState struct {
	dir     string // the log's folder in the source, with a trailing slash
	entries [][]byte
	stored  []sumdb.Hash // every stored hash of the tree the entries make
}

// ReadHashes reads the rebuilt tree's hashes.
func (l *logState) ReadHashes(indexes []int64) ([]sumdb.Hash, error) {
	out := make([]sumdb.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(l.stored)) {
			return nil, fmt.Errorf("no stored hash %d in a tree of %d entries", x, len(l.entries))
		}
		out[i] = l.stored[x]
	}
	return out, nil
}

// rebuild computes the stored hashes of the tree the entries make (RFC
// 6962, as golang.org/x/mod/sumdb/tlog stores them) and returns its root.
func (l *logState) rebuild() (sumdb.Hash, error) {
	l.stored = l.stored[:0]
	for i, e := range l.entries {
		hs, err := sumdb.StoredHashes(int64(i), e, l)
		if err != nil {
			return sumdb.Hash{}, err
		}
		l.stored = append(l.stored, hs...)
	}
	return sumdb.TreeHash(int64(len(l.entries)), l)
}

// readLog reads the checkpoint and the entries, rebuilds the tree and
// checks it against the checkpoint, the published hash tiles and every
// checkpoint known before.
func (v *verifier) readLog(ctx context.Context) error {
	r := v.report
	l := &logState{dir: tlog.StaticDir(r.Election) + "/"}
	v.log = l
	msg, err := v.cfg.Source.ReadFile(ctx, l.dir+"checkpoint")
	if err != nil {
		r.add("log", "no checkpoint at %s: %v", l.dir+"checkpoint", err)
		return errStop{}
	}
	cp, n, err := tlog.OpenCheckpoint(msg, v.cfg.Key, v.cfg.Witnesses...)
	if err != nil {
		r.add("checkpoint", "%v", err)
		return errStop{}
	}
	r.Checkpoint, r.Size, r.Root = cp, cp.Size, cp.Hash.String()
	v.countCosignatures(n)

	if err := v.readEntries(ctx, cp.Size); err != nil {
		return err
	}
	root, err := l.rebuild()
	if err != nil {
		return err
	}
	if root != cp.Hash {
		v.locateChanges(ctx, cp)
		return errStop{}
	}
	v.compareTiles(ctx, cp.Size)
	v.checkEarlierCheckpoints(ctx, cp)
	return nil
}

// countCosignatures counts the witnesses that cosigned the checkpoint and
// reports fewer than the quorum.
func (v *verifier) countCosignatures(n *note.Note) {
	seen := map[string]bool{}
	for _, s := range n.Sigs {
		for _, w := range v.cfg.Witnesses {
			if s.Name == w.Name() && s.Hash == w.KeyHash() && !seen[w.Name()] {
				seen[w.Name()] = true
				v.report.Cosigned++
			}
		}
	}
	if v.report.Cosigned < v.cfg.Quorum {
		v.report.add("checkpoint", "cosigned by %d of the %d witnesses given, %d required", v.report.Cosigned, len(v.cfg.Witnesses), v.cfg.Quorum)
	}
}

// readEntries reads the entry bundles of a tree of size entries.
func (v *verifier) readEntries(ctx context.Context, size int64) error {
	l := v.log
	for _, t := range tlog.Tiles(size) {
		if t.L >= 0 {
			continue
		}
		name := l.dir + tlog.StaticPath(t)
		b, err := v.cfg.Source.ReadFile(ctx, name)
		if err != nil {
			v.report.add("log", "entry bundle %s, entries %d to %d of the checkpoint's %d: %v", name,
				t.N*tlog.TileWidth, t.N*tlog.TileWidth+int64(t.W)-1, size, err)
			return errStop{}
		}
		es, err := tlog.DecodeBundle(b)
		if err != nil {
			v.report.add("log", "entry bundle %s: %v", name, err)
			return errStop{}
		}
		if len(es) != t.W {
			v.report.add("log", "entry bundle %s holds %d entries where the checkpoint of %d entries has %d: entries were dropped or added",
				name, len(es), size, t.W)
			return errStop{}
		}
		l.entries = append(l.entries, es...)
	}
	return nil
}

// tileReader reads the published hash tiles for sumdb.TileHashReader,
// which checks each against the checkpoint before using it.
type tileReader struct {
	ctx context.Context
	src Source
	dir string
}

func (tr tileReader) Height() int { return tlog.TileHeight }

func (tr tileReader) ReadTiles(tiles []sumdb.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := tr.src.ReadFile(tr.ctx, tr.dir+tlog.StaticPath(t))
		if err != nil {
			return nil, err
		}
		if len(b) != t.W*sumdb.HashSize {
			return nil, fmt.Errorf("tile %s is %d bytes, not %d", tlog.StaticPath(t), len(b), t.W*sumdb.HashSize)
		}
		out[i] = b
	}
	return out, nil
}

func (tileReader) SaveTiles([]sumdb.Tile, [][]byte) {}

// locateChanges names the entries that differ from what the checkpoint
// commits to, using the published hash tiles, which are first checked
// against the checkpoint.
func (v *verifier) locateChanges(ctx context.Context, cp tlog.Checkpoint) {
	l, r := v.log, v.report
	tiles := sumdb.TileHashReader(sumdb.Tree{N: cp.Size, Hash: cp.Hash}, tileReader{ctx, v.cfg.Source, l.dir})
	indexes := make([]int64, cp.Size)
	for i := range indexes {
		indexes[i] = sumdb.StoredHashIndex(0, int64(i))
	}
	leaves, err := tiles.ReadHashes(indexes)
	if err != nil {
		r.add("log", "the entries do not hash to the checkpoint's root %s, and the hash tiles do not authenticate either (%v): "+
			"this is not the log the checkpoint signed", cp.Hash, err)
		return
	}
	at := make(map[sumdb.Hash]int64, len(leaves))
	for i, h := range leaves {
		at[h] = int64(i)
	}
	found := 0
	for i, e := range l.entries {
		h := sumdb.RecordHash(e)
		if h == leaves[i] {
			continue
		}
		found++
		if j, ok := at[h]; ok {
			r.add(fmt.Sprintf("entry %d", i), "holds what the checkpoint has as entry %d: the entries were reordered", j)
		} else {
			r.add(fmt.Sprintf("entry %d", i), "differs from what the checkpoint commits to (its leaf hash is %s, the log's %s): the entry was altered%s",
				h, leaves[i], describeEntry(e))
		}
	}
	if found == 0 {
		r.add("log", "the entries do not hash to the checkpoint's root %s", cp.Hash)
	}
}

// describeEntry names what an altered entry claims to be, for the message.
func describeEntry(e []byte) string {
	rec, err := tlog.Decode(e)
	if err != nil {
		return ""
	}
	switch rec.Kind {
	case tlog.KindProtocol:
		return fmt.Sprintf("; it claims to be version %d of precinct %s, contest %s", rec.Version, rec.Area, rec.Contest)
	default:
		return "; it claims to be a " + rec.Kind + " record"
	}
}

// compareTiles checks that the published hash tiles are those of the
// rebuilt tree, so that proofs served from them hold.
func (v *verifier) compareTiles(ctx context.Context, size int64) {
	l := v.log
	for _, t := range sumdb.NewTiles(tlog.TileHeight, 0, size) {
		name := l.dir + tlog.StaticPath(t)
		want, err := sumdb.ReadTileData(t, l)
		if err != nil {
			v.report.add("log", "hash tile %s: %v", name, err)
			continue
		}
		got, err := v.cfg.Source.ReadFile(ctx, name)
		switch {
		case err != nil:
			v.report.add("log", "hash tile %s is missing: %v", name, err)
		case !bytes.Equal(got, want):
			v.report.add("log", "hash tile %s differs from the tree its entries make: proofs taken from it would fail", name)
		}
	}
}

// checkEarlierCheckpoints checks every checkpoint the log published in
// checkpoints.json and every one the verifier was given: each must be
// signed by the log key and be the root of a prefix of this log.
func (v *verifier) checkEarlierCheckpoints(ctx context.Context, final tlog.Checkpoint) {
	type known struct {
		where string
		note  []byte
	}
	var all []known
	b, err := v.cfg.Source.ReadFile(ctx, v.log.dir+"checkpoints.json")
	switch {
	case err == nil:
		var items []struct {
			Size int64  `json:"size"`
			Note string `json:"note"`
		}
		if err := json.Unmarshal(b, &items); err != nil {
			v.report.add("checkpoints.json", "%v", err)
		}
		for i, it := range items {
			all = append(all, known{fmt.Sprintf("checkpoints.json, item %d (size %d)", i+1, it.Size), []byte(it.Note)})
		}
	case !errors.Is(err, fs.ErrNotExist):
		v.report.add("checkpoints.json", "%v", err)
	}
	for i, n := range v.cfg.Checkpoints {
		all = append(all, known{fmt.Sprintf("checkpoint %d given", i+1), n})
	}
	for _, k := range all {
		cp, _, err := tlog.OpenCheckpoint(k.note, v.cfg.Key)
		if err != nil {
			v.report.add(k.where, "%v", err)
			continue
		}
		if cp.Size > final.Size {
			v.report.add(k.where, "the log signed a tree of %d entries, but publishes only %d: the log was truncated or forked",
				cp.Size, final.Size)
			continue
		}
		h, err := sumdb.TreeHash(cp.Size, v.log)
		if err != nil {
			v.report.add(k.where, "%v", err)
			continue
		}
		if h != cp.Hash {
			v.report.add(k.where, "the log forked: it signed the root %s for its first %d entries, but the published log's first %d entries hash to %s",
				cp.Hash, cp.Size, cp.Size, h)
			continue
		}
		v.report.Checkpoints++
	}
}
