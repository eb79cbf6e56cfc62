package tlog

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dauys/dauys"
)

// StaticDir is where, under a published site or bundle, the log of an
// election lives: log/<election>/, as Handler serves it.
func StaticDir(election string) string { return "log/" + Slug(election) }

// WriteStatic writes the log of an election under dir/log/<election>/ in
// the C2SP tlog-tiles layout (see TilePath): its latest checkpoint, every
// hash tile and entry bundle of that tree, its verifier key and
// checkpoints.json. A bundle so written, with the results files beside it,
// is what `dauys verify` checks.
//
// It refuses (ECONFLICT) a log that lags behind the store, with protocol
// versions not logged or entries not in a checkpoint yet: published
// results must be those of the published log, so run Sync first.
func WriteStatic(ctx context.Context, s Storage, election, dir string) error {
	return WriteStaticFunc(ctx, s, election, func(name string, b []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, b, 0o644)
	})
}

// WriteStaticFunc is WriteStatic with write doing the writing: it gets each
// file's path under the site's root (StaticDir(election) + "/" + the tile
// path or file name) and its bytes, in the order WriteStatic writes them.
// Publish writes through it to share the files an earlier export already
// holds.
func WriteStaticFunc(ctx context.Context, s Storage, election string, write func(name string, b []byte) error) error {
	info, cp, err := Current(ctx, s, election)
	if err != nil {
		return err
	}
	root := StaticDir(election) + "/"
	for _, t := range Tiles(cp.Size) {
		b, err := tileData(ctx, s, election, t, cp.Size)
		if err != nil {
			return fmt.Errorf("tlog: write %s: %w", StaticPath(t), err)
		}
		if err := write(root+StaticPath(t), b); err != nil {
			return fmt.Errorf("tlog: write static log: %w", err)
		}
	}
	cs, err := s.Checkpoints(ctx, election)
	if err != nil {
		return err
	}
	all, err := json.MarshalIndent(checkpointsJSON(cs), "", " ")
	if err != nil {
		return err
	}
	// The checkpoint goes last, so that a reader of a folder being
	// written never sees a checkpoint whose tiles are not there yet.
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"checkpoints.json", append(all, '\n')},
		{"key", []byte(info.VerifierKey + "\n")},
		{"checkpoint", cp.Note},
	} {
		if err := write(root+f.name, f.data); err != nil {
			return fmt.Errorf("tlog: write static log: %w", err)
		}
	}
	return nil
}

// Current returns an election's log and its latest checkpoint when that
// checkpoint covers every stored protocol: an error with code ENOTFOUND
// when the election keeps no log, ECONFLICT when the log is behind its
// results (never signed, protocols not logged yet, or logged but not in a
// checkpoint). Publishing checks it before it renders anything.
func Current(ctx context.Context, s Storage, election string) (*Info, *SignedCheckpoint, error) {
	info, err := s.LogInfo(ctx, election)
	if err != nil {
		return nil, nil, err
	}
	cp, err := (&Log{Storage: s}).LatestCheckpoint(ctx, election)
	if dauys.ErrorCode(err) == dauys.ENOTFOUND {
		// The log exists but was never signed: publishing results without
		// it would leave them unprovable.
		return nil, nil, dauys.Errorf(dauys.ECONFLICT, "the log of %s has no checkpoint yet; run dauys log sync first", election)
	}
	if err != nil {
		return nil, nil, err
	}
	size, err := s.LogSize(ctx, election)
	if err != nil {
		return nil, nil, err
	}
	pending, err := s.UnloggedProtocols(ctx, election, 1)
	if err != nil {
		return nil, nil, err
	}
	if size != cp.Size || len(pending) > 0 {
		return nil, nil, dauys.Errorf(dauys.ECONFLICT, "the log of %s is behind the results (protocols not logged or not in a checkpoint yet); run dauys log sync first", election)
	}
	if src, ok := s.(ImageSource); ok {
		if err := imagesLogged(ctx, s, src, election); err != nil {
			return nil, nil, err
		}
	}
	return info, cp, nil
}

// imagesLogged refuses a log that has not logged every observer's image
// the store holds: a site would publish a photo whose hash no checkpoint
// covers, which could then be swapped unseen.
func imagesLogged(ctx context.Context, s Storage, src ImageSource, election string) error {
	imgs, err := src.ObservationImages(ctx, election)
	if err != nil || len(imgs) == 0 {
		return err
	}
	refs, err := s.LoggedRefs(ctx, election, KindImage)
	if err != nil {
		return err
	}
	logged := make(map[string]bool, len(refs))
	for _, r := range refs {
		logged[r] = true
	}
	for _, img := range imgs {
		if !logged[ImageRecord(img).Ref()] {
			return dauys.Errorf(dauys.ECONFLICT, "the log of %s has not logged the observers' photo %s yet; run dauys log sync first", election, img.SHA256)
		}
	}
	return nil
}
