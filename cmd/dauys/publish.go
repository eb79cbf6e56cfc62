package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dauys/dauys/internal/metrics"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/web"
)

// runPublish writes an election's results site as static files:
//
//	dauys publish --election ID --out DIR [--version NAME] [--keep N] [--geojson FILE]
//
// Each run adds DIR/v/<version>/ and then points DIR/current.json at it, so
// that a CDN or any static host can serve election night while the count
// goes on (docs/site.md). One publish at a time writes to DIR; each removes
// the temporary folders that interrupted ones left, and --keep removes only
// versions publish wrote (they hold its marker file), never other folders.
// A run writes only the files whose content changed since the current
// export and hard-links the others from it; each version's
// .dauys-manifest.json lists its files with their SHA-256, and which
// version wrote them, so that a CDN sync moves only the change.
func (m *Main) runPublish(ctx context.Context, args []string) error {
	fs, db := m.flags("publish")
	election := fs.String("election", "", "election id")
	out := fs.String("out", "", "folder of the static site")
	version := fs.String("version", "", "name of this export (default: the UTC time, 20250316T200000Z)")
	keep := fs.Int("keep", 0, "keep only the newest N exports publish wrote, removing older ones (0 keeps all); other folders are never removed")
	downloadsEvery := fs.Duration("downloads-every", 10*time.Minute, "while the results are not final, make the CSV and Excel tables of areas above the polling stations and the election's precinct files at most this often, sharing the last ones in between (0: in every export); pages and JSON are always current")
	workers := fs.Int("workers", 0, "pages rendered in parallel (default: the number of CPUs)")
	metricsFile := fs.String("metrics-file", "", "write the publish duration and time to this file (Prometheus text format, for node_exporter's textfile collector)")
	geojson := fs.String("geojson", "", "GeoJSON FeatureCollection of region boundaries (properties.id or properties.iso)")
	logKey := fs.String("log-key", "", "the log's private key file: append what is not logged yet and sign a checkpoint (as dauys log sync) before publishing")
	asJSON := fs.Bool("json", false, "print what was published as JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" || *out == "" {
		return usageErr{"publish takes --election ID and --out DIR"}
	}
	cfg := web.Config{Now: m.Now, Logger: m.logger()}
	if *geojson != "" {
		f, err := os.Open(*geojson)
		if err != nil {
			return usageErr{fmt.Sprintf("--geojson: %v", err)}
		}
		b, err := web.ParseGeoJSON(f)
		f.Close()
		if err != nil {
			return usageErr{fmt.Sprintf("--geojson: %v", err)}
		}
		cfg.Boundaries = func(string) *web.Boundaries { return b }
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	// The log is checked, or brought up to date, before the thousands of
	// pages are rendered, not after.
	if err := m.logCurrent(ctx, s, *election, *db, *logKey); err != nil {
		return err
	}
	cfg.Store, cfg.Tally, cfg.Images = s.Backend, s.tally, s.images
	site, err := web.New(cfg)
	if err != nil {
		return err
	}
	var bar *progress
	res, err := site.Publish(ctx, web.PublishOptions{Election: *election, Dir: *out, Version: *version, Keep: *keep, Workers: *workers,
		DownloadsEvery: *downloadsEvery,
		Progress: func(done, total int64) {
			if bar == nil {
				bar = m.newProgress(total, "files")
			}
			bar.update(done, done)
		}})
	bar.clear()
	if err != nil {
		return err
	}
	if *metricsFile != "" {
		met := metrics.NewBatch()
		met.Published(*election, res.Took, m.Now())
		if err := met.WriteTextfile(*metricsFile); err != nil {
			return fmt.Errorf("--metrics-file: %w", err)
		}
	}
	return m.result(*asJSON, fmt.Sprintf("published %s version %s: %d files, %.1f MB in %s; wrote %d files (%.1f MB, gzip variants and the log included), shared %d unchanged with the previous export%s\n%s/current.json points to %s\n",
		*election, res.Version, res.Files, float64(res.Bytes)/1e6, res.Took.Round(1e7), res.Written, float64(res.WrittenBytes)/1e6, res.Shared, deferredNote(res), *out, res.Path),
		map[string]any{"election": *election, "version": res.Version, "path": res.Path, "files": res.Files, "bytes": res.Bytes,
			"written": res.Written, "written_bytes": res.WrittenBytes, "shared": res.Shared,
			"deferred": res.Deferred, "downloads_made": res.DownloadsMade,
			"seconds": res.Took.Seconds(), "current": filepath.Join(*out, "current.json")})
}

// deferredNote says that the bulk downloads are an earlier export's.
func deferredNote(res *web.PublishResult) string {
	if res.Deferred == 0 {
		return ""
	}
	return fmt.Sprintf("; the CSV tables above the polling stations and the precinct files (%d files) are as made at %s (--downloads-every)", res.Deferred, res.DownloadsMade.UTC().Format(time.RFC3339))
}

// logCurrent makes sure the election's transparency log covers every
// stored protocol before publishing: with keyFile it appends and signs
// what is missing, as dauys log sync does; without it, a log that is
// behind stops the publish with the exact command that brings it up to
// date. An election without a log publishes without one.
func (m *Main) logCurrent(ctx context.Context, s *store, election, db, keyFile string) error {
	if keyFile != "" {
		signer, err := readSigner(keyFile)
		if err != nil {
			return err
		}
		cp, err := newSequencer(s, m.Now, signer).Sync(ctx, election)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "log of %s: %d entries, root %s\n", election, cp.Size, cp.Hash)
		return nil
	}
	switch _, _, err := tlog.Current(ctx, s, election); dauys.ErrorCode(err) {
	case "", dauys.ENOTFOUND:
		if dauys.ErrorCode(err) == dauys.ENOTFOUND {
			// No log, or no election: the publish names which.
			if _, err := s.Election(ctx, election); err != nil {
				return err
			}
		}
		return nil
	case dauys.ECONFLICT:
		key := "FILE"
		if p := defaultLogKey(election); p != "" {
			key = fmt.Sprintf("%q", p)
		}
		return dauys.Errorf(dauys.ECONFLICT, "the transparency log of %s is behind its results: run\n  dauys log sync --election %s%s --key %s\nand publish again, or publish with --log-key %s, which does both", election, election, dbFlag(db), key, key)
	default:
		return err
	}
}
