package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

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
func (m *Main) runPublish(ctx context.Context, args []string) error {
	fs, db := m.flags("publish")
	election := fs.String("election", "", "election id")
	out := fs.String("out", "", "folder of the static site")
	version := fs.String("version", "", "name of this export (default: the UTC time, 20250316T200000Z)")
	keep := fs.Int("keep", 0, "keep only the newest N exports publish wrote, removing older ones (0 keeps all); other folders are never removed")
	workers := fs.Int("workers", 0, "pages rendered in parallel (default: the number of CPUs)")
	geojson := fs.String("geojson", "", "GeoJSON FeatureCollection of region boundaries (properties.id or properties.iso)")
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
	cfg.Store, cfg.Tally = s.Backend, s.tally
	site, err := web.New(cfg)
	if err != nil {
		return err
	}
	var bar *progress
	res, err := site.Publish(ctx, web.PublishOptions{Election: *election, Dir: *out, Version: *version, Keep: *keep, Workers: *workers,
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
	return m.result(*asJSON, fmt.Sprintf("published %s version %s: %d files, %.1f MB in %s\n%s/current.json points to %s\n",
		*election, res.Version, res.Files, float64(res.Bytes)/1e6, res.Took.Round(1e7), *out, res.Path),
		map[string]any{"election": *election, "version": res.Version, "path": res.Path, "files": res.Files, "bytes": res.Bytes,
			"seconds": res.Took.Seconds(), "current": filepath.Join(*out, "current.json")})
}
