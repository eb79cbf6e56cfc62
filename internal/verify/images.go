package verify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tlog"
)

// ImagePath is where a published site keeps an observer's image: under
// the hex SHA-256 of its bytes, as the live site serves it.
func ImagePath(sha256 string) string { return "images/" + sha256 }

// loggedImage is an image record of the log.
type loggedImage struct {
	where string
	rec   *tlog.Record
}

// addImage checks an image record: a well-formed hash, an accepted type
// and size, and an observation of a precinct that votes in the contest.
// The image itself is compared with its hash later (checkImages).
func (v *verifier) addImage(where string, rec *tlog.Record) {
	r, e := v.report, v.count.e
	where = fmt.Sprintf("%s, image %.12s of observation %s", where, rec.SHA256, rec.Observation)
	c := e.Contest(rec.Contest)
	switch {
	case !dauys.ValidSHA256(rec.SHA256):
		r.add(where, "%q is not a hex SHA-256", rec.SHA256)
	case rec.MediaType != dauys.MediaJPEG && rec.MediaType != dauys.MediaPNG:
		r.add(where, "media type %q is neither JPEG nor PNG", rec.MediaType)
	case rec.Size <= 0 || rec.Size > dauys.MaxImageBytes:
		r.add(where, "size %d is outside 1 to %d bytes", rec.Size, dauys.MaxImageBytes)
	case rec.Observation == "" || rec.Org == "":
		r.add(where, "names no observation or organisation")
	case c == nil:
		r.add(where, "the definition has no contest %q", rec.Contest)
	case e.tree.areas[rec.Area] == nil || !e.tree.isLeaf(rec.Area):
		r.add(where, "%q is not a precinct of the log", rec.Area)
	case !e.tree.inContest(rec.Area, c):
		r.add(where, "precinct %s does not vote in contest %s", rec.Area, c.ID)
	default:
		r.Images++
		v.images = append(v.images, loggedImage{where, rec})
	}
}

// checkImages compares every published image with the hash the log holds
// for it: an image swapped after it was logged is a problem. An image the
// source does not publish is counted, not a problem: a site may keep
// images elsewhere.
func (v *verifier) checkImages(ctx context.Context) error {
	r := v.report
	seen := map[string]bool{}
	for _, img := range v.images {
		if seen[img.rec.SHA256] {
			continue
		}
		seen[img.rec.SHA256] = true
		b, err := v.cfg.Source.ReadFile(ctx, ImagePath(img.rec.SHA256))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			r.ImagesMissing++
			continue
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			r.add(img.where, "%v", err)
			continue
		}
		if h := sha256.Sum256(b); hex.EncodeToString(h[:]) != img.rec.SHA256 {
			r.add(img.where, "the published image hashes to %s, not to the SHA-256 the log holds: it was changed after it was logged",
				hex.EncodeToString(h[:]))
		} else if int64(len(b)) != img.rec.Size {
			r.add(img.where, "the published image has %d bytes, the log says %d", len(b), img.rec.Size)
		} else {
			r.ImagesChecked++
		}
	}
	return nil
}
