package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
)

// manifestName is the file in each version folder that lists its files
// with their hashes (Manifest).
const manifestName = ".dauys-manifest.json"

// Manifest lists the files of an export: what a CDN sync needs to move
// only the change. A file whose Since is an earlier version holds the same
// bytes as v/<Since>/<path> (publish hard-links it there): a sync copies
// it on the server side, or skips it, instead of uploading it again.
type Manifest struct {
	Election string `json:"election"`
	Version  string `json:"version"`
	Previous string `json:"previous,omitempty"`
	// Downloads is the export that made the bulk downloads this one
	// holds (PublishOptions.DownloadsEvery); absent in manifests written
	// before it was kept.
	Downloads *ManifestDownloads      `json:"downloads,omitempty"`
	Files     map[string]ManifestFile `json:"files"`
}

// ManifestDownloads names the export that made an export's bulk downloads,
// and when.
type ManifestDownloads struct {
	Version string    `json:"version"`
	Made    time.Time `json:"made"`
}

// ManifestFile is one file of an export.
type ManifestFile struct {
	// SHA256 and Size are the file's own.
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Content, when set, is the hash publish compares between exports:
	// of the page with the export's time and version left out, which
	// alone would make every page new. Unset, it is SHA256.
	Content string `json:"content,omitempty"`
	// Since is the version that wrote these bytes.
	Since string `json:"since"`
	// Inputs, on a polling station's page and downloads, is the hash of
	// what the file was made from (publish_inputs.go): an export whose
	// file has the same inputs shares it without making it again.
	Inputs string `json:"inputs,omitempty"`
}

// with returns f with inputs, when they are known.
func (f ManifestFile) with(inputs string) ManifestFile {
	if inputs != "" {
		f.Inputs = inputs
	}
	return f
}

func (f ManifestFile) content() string {
	if f.Content != "" {
		return f.Content
	}
	return f.SHA256
}

// Marks that stand in the rendered pages of an export for the export's
// time and version until a page is written: they are left out of the
// content compared with the previous export, so that a page whose numbers
// did not change is shared, with the time it last changed.
//
// An area page's status of the count (how many precincts are in, for the
// whole election) is left out the same way: during the count it changes
// with every protocol anywhere, and would make all the area pages new in
// every export. A shared area page states the status as of its "Updated"
// time, the export that last changed its own numbers. The overview, home
// and contest pages change with any protocol anyway and keep it.
const (
	updatedMark = "dauys-export-updated-c01f"
	versionMark = "dauys-export-version-c01f"
	statusMark  = "dauys-export-status-c01f"
)

// output writes the files of an export into its folder, sharing what the
// previous export already holds: a file whose content is unchanged is
// hard-linked from the previous version's folder, not written again, and
// pages, JSON and CSV get a gzip variant beside them (path + ".gz") for
// hosts that serve precompressed files.
type output struct {
	dir, version string
	// prev is the previous export's manifest and prevDir its folder; nil
	// when there is none to share from.
	prev    *Manifest
	prevDir string
	// downloads is the export whose bulk downloads this one holds.
	downloads ManifestDownloads

	dirs  sync.Map
	mu    sync.Mutex
	files map[string]ManifestFile
	// written and shared count files and bytes.
	written, writtenBytes, shared, sharedBytes atomic.Int64
}

// readPrevious reads the manifest of the version current.json in dir
// names, if it is of this election; nil if there is none to share from.
func readPrevious(dir, versions, election string) (*Manifest, string) {
	b, err := os.ReadFile(filepath.Join(dir, "current.json"))
	if err != nil {
		return nil, ""
	}
	var ptr Pointer
	if json.Unmarshal(b, &ptr) != nil || ptr.Election != election || ptr.Version == "" || filepath.Base(ptr.Version) != ptr.Version {
		return nil, ""
	}
	prevDir := filepath.Join(versions, ptr.Version)
	if b, err = os.ReadFile(filepath.Join(prevDir, manifestName)); err != nil {
		return nil, ""
	}
	var m Manifest
	if json.Unmarshal(b, &m) != nil || m.Election != election || m.Version != ptr.Version {
		return nil, ""
	}
	return &m, prevDir
}

// reuse shares the previous export's files rels, and their gzip variants,
// when they were made from the same inputs: all of them, or none (false)
// when one was not or could not be linked. Links made before a failed one
// are removed, never written through: a write would change the previous
// export's file.
func (o *output) reuse(inputs string, rels ...string) (bool, error) {
	if o.prev == nil || inputs == "" {
		return false, nil
	}
	for _, rel := range rels {
		if old, ok := o.prev.Files[rel]; !ok || old.Inputs != inputs {
			return false, nil
		}
	}
	return o.linkAll(rels)
}

// linkAll shares the previous export's files rels and their gzip
// variants as they are: all of them, or none (false) when one is not in
// the previous export or could not be linked.
func (o *output) linkAll(rels []string) (bool, error) {
	if o.prev == nil {
		return false, nil
	}
	var names []string
	for _, rel := range rels {
		if _, ok := o.prev.Files[rel]; !ok {
			return false, nil
		}
		names = append(names, rel)
		if compressible(rel) {
			if _, ok := o.prev.Files[rel+".gz"]; !ok {
				return false, nil
			}
			names = append(names, rel+".gz")
		}
	}
	for i, name := range names {
		if o.link(name, o.prev.Files[name]) == nil {
			continue
		}
		for _, made := range names[:i] {
			if err := o.unlink(made); err != nil {
				return false, fmt.Errorf("web: publish: %w", err)
			}
		}
		return false, nil
	}
	return true, nil
}

// unlink takes back a link that link made.
func (o *output) unlink(rel string) error {
	if err := os.Remove(filepath.Join(o.dir, filepath.FromSlash(rel))); err != nil {
		return err
	}
	o.mu.Lock()
	f := o.files[rel]
	delete(o.files, rel)
	o.mu.Unlock()
	o.shared.Add(-1)
	o.sharedBytes.Add(-f.Size)
	return nil
}

// put writes the file rel with content, or shares the previous export's
// when its content is the same. stamp, when not nil, makes the bytes to
// write of the content (putting the export's time and version in place of
// their marks). inputs, when not empty, is the hash of what the content
// was made from, for the manifest.
func (o *output) put(rel string, content []byte, stamp func([]byte) []byte, inputs string) error {
	sum := sha256.Sum256(content)
	key := hex.EncodeToString(sum[:])
	if o.prev != nil {
		if old, ok := o.prev.Files[rel]; ok && old.content() == key && o.link(rel, old.with(inputs)) == nil {
			if gz, ok := o.prev.Files[rel+".gz"]; ok && o.link(rel+".gz", gz) == nil {
				return nil
			}
			// The shared file's own bytes, with the time it last changed.
			b, err := os.ReadFile(filepath.Join(o.dir, filepath.FromSlash(rel)))
			if err != nil {
				return err
			}
			return o.compressed(rel, b)
		}
	}
	b := o.stamped(content, stamp)
	f := ManifestFile{SHA256: key, Size: int64(len(b)), Since: o.version, Inputs: inputs}
	if stamp != nil {
		s := sha256.Sum256(b)
		f.SHA256, f.Content = hex.EncodeToString(s[:]), key
	}
	if err := o.write(rel, b, f); err != nil {
		return err
	}
	return o.compressed(rel, b)
}

func (o *output) stamped(content []byte, stamp func([]byte) []byte) []byte {
	if stamp == nil {
		return content
	}
	return stamp(content)
}

// compressible names the files that get a gzip variant: pages, JSON and
// CSV, but not the Excel copies of the CSV (data/<election>/excel/), a
// download for the few who open it in Excel: their variants were one file
// in six of an export, each costing the time to create a file (about
// 0.1-0.3 ms on the development machine) for little transfer saved.
func compressible(rel string) bool {
	if strings.Contains(rel, "/excel/") {
		return false
	}
	switch path.Ext(rel) {
	case ".html", ".json", ".csv":
		return true
	}
	return false
}

// gzipLevel trades a few percent of the variants' size for speed: on the
// demo's pages, JSON and CSV, klauspost/compress at level 4 makes files
// about 5% larger than compress/gzip's default level and is several times
// faster (docs/performance.md, Publishing).
const gzipLevel = 4

var gzipWriters = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzipLevel); return w }}

// compressed writes rel's gzip variant, when rel is compressible.
func (o *output) compressed(rel string, b []byte) error {
	if !compressible(rel) {
		return nil
	}
	var buf bytes.Buffer
	buf.Grow(len(b)/4 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	if _, err := zw.Write(b); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	gzipWriters.Put(zw)
	sum := sha256.Sum256(buf.Bytes())
	return o.write(rel+".gz", buf.Bytes(), ManifestFile{SHA256: hex.EncodeToString(sum[:]), Size: int64(buf.Len()), Since: o.version})
}

func (o *output) mkdir(p string) error {
	dir := filepath.Dir(p)
	if dir == o.dir {
		return nil
	}
	// Folders are made once, not stat'ed again for each of the
	// thousands of files they hold.
	if _, made := o.dirs.Load(dir); made {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	o.dirs.Store(dir, true)
	return nil
}

func (o *output) write(rel string, b []byte, f ManifestFile) error {
	p := filepath.Join(o.dir, filepath.FromSlash(rel))
	if err := o.mkdir(p); err != nil {
		return err
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return err
	}
	o.written.Add(1)
	o.writtenBytes.Add(int64(len(b)))
	o.record(rel, f)
	return nil
}

// link shares the previous export's file rel: a hard link, so that the
// bytes exist once on disk and are not written again.
func (o *output) link(rel string, f ManifestFile) error {
	p := filepath.Join(o.dir, filepath.FromSlash(rel))
	if err := o.mkdir(p); err != nil {
		return err
	}
	if err := os.Link(filepath.Join(o.prevDir, filepath.FromSlash(rel)), p); err != nil {
		return err
	}
	o.shared.Add(1)
	o.sharedBytes.Add(f.Size)
	o.record(rel, f)
	return nil
}

// size returns the size of the file rel put in the export.
func (o *output) size(rel string) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.files[rel].Size
}

func (o *output) record(rel string, f ManifestFile) {
	o.mu.Lock()
	o.files[rel] = f
	o.mu.Unlock()
}

// writeManifest writes the manifest of what was put, last.
func (o *output) writeManifest(election string) error {
	m := Manifest{Election: election, Version: o.version, Files: o.files, Downloads: &o.downloads}
	if o.prev != nil {
		m.Previous = o.prev.Version
	}
	// Not indented: it lists every file, and indenting would make it a
	// third larger.
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.dir, manifestName), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("web: publish the manifest: %w", err)
	}
	return nil
}
