package web_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/web"
)

var linkRE = regexp.MustCompile(`(?:href|src|data-poll|data-index)="([^"]+)"`)

// TestPublish exports the fixture's election and checks the layout: an
// immutable version folder with every page and download, a pointer file,
// and relative links that all resolve inside the export.
func TestPublish(t *testing.T) {
	fx := mustFixture(t, func(c *web.Config) { c.Boundaries = boundaries(t) })
	ctx := context.Background()
	dir := t.TempDir()
	res, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: "v1", Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	var ptr web.Pointer
	readJSON(t, filepath.Join(dir, "current.json"), &ptr)
	if ptr.Version != "v1" || ptr.Path != "v/v1/" || ptr.Election != "fx-2025" {
		t.Errorf("current.json: %+v", ptr)
	}
	root := filepath.Join(dir, "v", "v1")
	// 3 languages x (home, overview, search, districts, integrity, verify,
	// 3 contests, 18 areas) pages; 19 areas x 3 downloads (CSV, its Excel
	// variant, JSON); status, index, assets, root index; the precinct files
	// (CSV, its description, Parquet).
	for _, lang := range dauys.Languages {
		for _, p := range []string{"index.html", "e/fx-2025/index.html", "e/fx-2025/search.html", "e/fx-2025/districts.html",
			"e/fx-2025/integrity.html", "e/fx-2025/verify.html", "e/fx-2025/c/parliament-list.html", "e/fx-2025/a/FX-N.html", "e/fx-2025/a/FX-N-2-2.html"} {
			mustExist(t, filepath.Join(root, lang, p))
		}
	}
	for _, p := range []string{"index.html", "data/fx-2025/status.json", "data/fx-2025/precincts.json", "data/fx-2025/a/FX.json", "data/fx-2025/a/FX-S-1-2.csv", "data/fx-2025/excel/FX-S-1-2.csv",
		"data/fx-2025/precincts.csv", "data/fx-2025/precincts.parquet", "data/fx-2025/precincts.csv-metadata.json"} {
		mustExist(t, filepath.Join(root, p))
	}
	if want := int64(3*(6+3+18) + 19*3 + 2 + 2 + 1 + 3); res.Files != want {
		t.Errorf("published %d files, want %d", res.Files, want)
	}
	// Every relative link of every page resolves to a file of the export
	// (or, for the pointer, next to it).
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range linkRE.FindAllSubmatch(b, -1) {
			link := string(m[1])
			if strings.HasPrefix(link, "#") || strings.HasPrefix(link, "data:") || strings.Contains(link, "://") {
				continue
			}
			if strings.HasPrefix(link, "/") {
				t.Errorf("%s: absolute link %s does not work from a folder", p, link)
				continue
			}
			link, _, _ = strings.Cut(link, "?")
			target := filepath.Join(filepath.Dir(p), filepath.FromSlash(link))
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s: link %s: %v", p, link, err)
			}
		}
		if !strings.Contains(string(b), `data-static="1"`) && strings.Contains(string(b), "data-poll") {
			t.Errorf("%s: not marked as the static site", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The exported downloads are what the live site serves.
	for _, a := range []string{"FX", "FX-N", "FX-N-1", "FX-N-1-1", "FX-N-2-2", "FX-S-1-2", "FX-C-1-1"} {
		for _, ext := range []string{".json", ".csv"} {
			live := get(t, fx.site.Handler(), "/data/fx-2025/a/"+a+ext).Body.Bytes()
			if b, _ := os.ReadFile(filepath.Join(root, "data/fx-2025/a/"+a+ext)); string(b) != string(live) {
				t.Errorf("the exported %s%s differs from the live one", a, ext)
			}
		}
	}

	// A second export gets its own folder and takes the pointer; the same
	// version cannot be written twice; Keep prunes.
	if _, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: "v1"}); dauys.ErrorCode(err) != dauys.ECONFLICT {
		t.Errorf("publishing v1 again: %v", err)
	}
	if _, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: "v2", Keep: 1}); err != nil {
		t.Fatal(err)
	}
	readJSON(t, filepath.Join(dir, "current.json"), &ptr)
	if ptr.Version != "v2" {
		t.Errorf("current.json names %s after publishing v2", ptr.Version)
	}
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("v1 was not pruned with Keep 1: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "v"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp") {
			t.Errorf("a temporary folder was left: %s", e.Name())
		}
	}
	idx, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if !strings.Contains(string(idx), path.Join("v", "v2", "kk", "index.html")) {
		t.Errorf("the root index does not lead to v2: %s", idx)
	}
}

func mustExist(t *testing.T, p string) {
	t.Helper()
	if _, err := os.Stat(p); err != nil {
		t.Error(err)
	}
}

func readJSON(t *testing.T, p string, v any) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
}

// TestPublishCleansOnlyItsOwn: a temporary folder that an interrupted
// publish (kill -9) left is removed by the next one, and pruning with Keep
// removes only versions publish wrote: a folder someone else put under v/,
// even one named like a version, survives Keep 1, and so do folders that
// merely resemble a temporary one.
func TestPublishCleansOnlyItsOwn(t *testing.T) {
	fx := mustFixture(t, nil)
	ctx := context.Background()
	dir := t.TempDir()
	v := filepath.Join(dir, "v")
	leftover := filepath.Join(v, ".tmp-20260315T200000Z-0a1b2c3d")
	mustWrite(t, filepath.Join(leftover, "kk", "index.html"), "half a page")
	dashed := filepath.Join(v, ".tmp--night-1-ffff0000") // of version "-night-1"
	mustWrite(t, filepath.Join(dashed, "data", "x.csv"), "half a file")
	foreign := map[string]string{
		"important/notes.txt":     "not a version",
		"v0/index.html":           "named like a version, without the marker",
		".tmp-mine/keep.txt":      "not publish's pattern",
		".tmpx-v1-0a1b2c3d/k.txt": "not publish's pattern",
	}
	for rel, body := range foreign {
		mustWrite(t, filepath.Join(v, filepath.FromSlash(rel)), body)
	}
	for _, version := range []string{"v1", "v2", "v3"} {
		if _, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: version, Workers: 2, Keep: 1}); err != nil {
			t.Fatal(err)
		}
		for _, l := range []string{leftover, dashed} {
			if _, err := os.Stat(l); !os.IsNotExist(err) {
				t.Fatalf("after publishing %s the leftover temporary folder %s is still there: %v", version, filepath.Base(l), err)
			}
		}
	}
	for rel, body := range foreign {
		if b, err := os.ReadFile(filepath.Join(v, filepath.FromSlash(rel))); err != nil || string(b) != body {
			t.Errorf("%s did not survive publishing with Keep 1: %v", rel, err)
		}
	}
	for _, version := range []string{"v1", "v2"} {
		if _, err := os.Stat(filepath.Join(v, version)); !os.IsNotExist(err) {
			t.Errorf("version %s was not pruned with Keep 1: %v", version, err)
		}
	}
	mustExist(t, filepath.Join(v, "v3", "kk", "index.html"))
}

func mustWrite(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
