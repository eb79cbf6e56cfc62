package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/tlog"
)

// PublishOptions says what to export and where.
type PublishOptions struct {
	Election string
	// Dir is the root of the exported site. Each export is written to
	// Dir/v/<version>/ and never changed afterwards; Dir/current.json names
	// the current one.
	Dir string
	// Version names the export; the default is the clock's UTC time,
	// "20250316T200000Z".
	Version string
	// Workers render in parallel (default twice GOMAXPROCS).
	Workers int
	// Keep, when positive, removes all but the newest Keep versions.
	Keep int
	// DownloadsEvery, when positive, is how often the bulk downloads are
	// made again while the election's results are not final: the CSV and
	// Excel copy of every area above the polling stations and the
	// election's precinct-level files (precincts.csv, .parquet and the
	// CSV's description). An export less than DownloadsEvery after the
	// one that last made them shares that one's copies as they are; its
	// pages, every JSON file and the polling stations' downloads are
	// current as always. Zero makes them in every export.
	// docs/site.md, Incremental exports.
	DownloadsEvery time.Duration
	// Progress, when set, is called as the pages and files are rendered,
	// with the jobs done and their total; the workers call it one at a
	// time.
	Progress func(done, total int64)
}

// PublishResult describes an export.
type PublishResult struct {
	Version string
	Path    string // Dir/v/<version>
	// Files and Bytes are the site's pages, downloads and assets (not
	// their gzip variants nor the log's files), written or shared.
	Files int64
	Bytes int64
	// Written and WrittenBytes count every file this export wrote, gzip
	// variants and the log's files included; Shared and SharedBytes those
	// it hard-linked from the previous export, their content unchanged.
	Written, WrittenBytes int64
	Shared, SharedBytes   int64
	// Reused counts the polling stations' pages and downloads shared
	// without being made again, their inputs unchanged
	// (publish_inputs.go).
	Reused int64
	// Deferred counts the bulk downloads shared as they were because
	// the previous ones are younger than PublishOptions.DownloadsEvery;
	// DownloadsMade is the time of the export that made the bulk
	// downloads this one holds.
	Deferred      int64
	DownloadsMade time.Time
	Took          time.Duration
}

// Pointer is the content of current.json: the version a reader should see
// and its folder relative to current.json.
type Pointer struct {
	Election  string    `json:"election"`
	Version   string    `json:"version"`
	Path      string    `json:"path"`
	Published time.Time `json:"published"`
}

// Publish writes the whole election as a static site: every page in every
// language, the CSV and JSON of every area, the search index and the
// assets, into a new immutable folder, then points current.json at it.
// Readers of the previous version are never served a half-written one.
func (s *Site) Publish(ctx context.Context, opt PublishOptions) (*PublishResult, error) {
	start := time.Now()
	e, err := s.cfg.Tally.Election(ctx, opt.Election)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now().UTC()
	if opt.Version == "" {
		opt.Version = now.Format("20060102T150405Z")
	}
	if tlog.Slug(opt.Version) != opt.Version { // a plain path segment
		return nil, dauys.Errorf(dauys.EINVALID, "version %q: use letters, digits, dots, dashes and underscores", opt.Version)
	}
	if opt.Workers <= 0 {
		// Twice the processors: a worker writing a file leaves its
		// processor to one that renders.
		opt.Workers = 2 * runtime.GOMAXPROCS(0)
	}
	versions := filepath.Join(opt.Dir, "v")
	if err := os.MkdirAll(versions, 0o755); err != nil {
		return nil, fmt.Errorf("web: publish: %w", err)
	}
	// One publish at a time writes to a folder; holding its lock, this
	// one knows that temporary folders of earlier runs are leftovers.
	unlock, exclusive, err := lockVersions(versions)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := removeLeftovers(versions, exclusive, time.Now()); err != nil {
		return nil, err
	}
	final := filepath.Join(versions, opt.Version)
	if _, err := os.Stat(final); err == nil {
		return nil, dauys.Errorf(dauys.ECONFLICT, "version %s is already published in %s", opt.Version, opt.Dir)
	}
	suffix := make([]byte, 4)
	rand.Read(suffix)
	tmp := filepath.Join(versions, tempPrefix+opt.Version+"-"+hex.EncodeToString(suffix))
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("web: publish: %w", err)
	}
	defer os.RemoveAll(tmp)
	ptr := Pointer{Election: e.ID, Version: opt.Version, Path: "v/" + opt.Version + "/", Published: now}
	b, _ := json.MarshalIndent(ptr, "", " ")
	b = append(b, '\n')
	// The marker says that this folder is a version publish wrote, so
	// that pruning never removes a folder someone else put under v/.
	if err := os.WriteFile(filepath.Join(tmp, versionMarker), b, 0o644); err != nil {
		return nil, fmt.Errorf("web: publish: %w", err)
	}

	// What the current export holds unchanged is shared with it, not
	// written again.
	out := &output{dir: tmp, version: opt.Version, files: map[string]ManifestFile{}}
	out.prev, out.prevDir = readPrevious(opt.Dir, versions, e.ID)
	p := &publisher{s: s, e: e, out: out, version: opt.Version, now: now, every: opt.DownloadsEvery,
		memo: &resultsMemo{areas: map[string]*tally.Results{}, lists: map[string][]tally.AreaResult{}}}
	if err := p.prefetch(ctx); err != nil {
		return nil, err
	}
	if err := p.planDownloads(ctx); err != nil {
		return nil, err
	}
	if err := p.run(ctx, opt.Workers, opt.Progress); err != nil {
		return nil, err
	}
	if err := p.publishImages(ctx); err != nil {
		return nil, err
	}
	// The transparency log goes beside the results it proves, so that the
	// bundle can be verified with no live server (docs/verification.md).
	switch err := tlog.WriteStaticFunc(ctx, s.cfg.Store, e.ID, func(name string, b []byte) error { return out.put(name, b, nil, "") }); dauys.ErrorCode(err) {
	case "", dauys.ENOTFOUND: // published, or the election keeps no log
	case dauys.ECONFLICT:
		return nil, dauys.Errorf(dauys.ECONFLICT, "the transparency log of %s is behind its results: run `dauys log sync --election %s --key FILE` (with --db as here; FILE is the log's private key from `dauys log init --key-out`), or serve with --log-key FILE, and publish again", e.ID, e.ID)
	default:
		return nil, fmt.Errorf("web: publish the transparency log: %w", err)
	}
	if err := out.writeManifest(e.ID); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("web: publish: %w", err)
	}
	if err := writeAtomic(filepath.Join(opt.Dir, "current.json"), b); err != nil {
		return nil, err
	}
	// The root index sends readers to the current version; it and
	// current.json are the only files that change between exports.
	if err := writeAtomic(filepath.Join(opt.Dir, "index.html"), redirectPage("v/"+opt.Version+"/"+dauys.Languages[0]+"/index.html")); err != nil {
		return nil, err
	}
	if err := writeAtomic(filepath.Join(opt.Dir, "_headers"), []byte(headersFile)); err != nil {
		return nil, err
	}
	if opt.Keep > 0 {
		if err := prune(versions, e.ID, opt.Version, opt.Keep); err != nil {
			return nil, err
		}
	}
	return &PublishResult{Version: opt.Version, Path: final, Files: p.files.Load(), Bytes: p.bytes.Load(),
		Written: out.written.Load(), WrittenBytes: out.writtenBytes.Load(), Shared: out.shared.Load(), SharedBytes: out.sharedBytes.Load(),
		Reused: p.reused.Load(), Deferred: p.deferred.Load(), DownloadsMade: out.downloads.Made, Took: time.Since(start)}, nil
}

// headersFile gives static hosts that read a _headers file (Netlify,
// Cloudflare Pages) the headers the live server sends.
const headersFile = `/*
  Content-Security-Policy: ` + csp + `
  X-Content-Type-Options: nosniff
  Referrer-Policy: strict-origin-when-cross-origin
  X-Frame-Options: DENY
/current.json
  Cache-Control: no-cache
/index.html
  Cache-Control: no-cache
/v/*
  Cache-Control: public, max-age=31536000, immutable
`

func redirectPage(to string) []byte {
	return []byte(`<!doctype html>
<html lang="kk"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=` + to + `"><link rel="icon" href="data:,">
<title>Dauys</title></head><body><p><a href="` + to + `">Дауыс · Дауыс · Dauys</a></p></body></html>
`)
}

type publisher struct {
	s       *Site
	e       *election.Election
	out     *output
	version string
	now     time.Time
	pre     map[string]map[string]*dauys.Protocol
	turnout map[string][]*dauys.TurnoutReport
	checks  *tally.Checks
	disp    *disputes
	memo    *resultsMemo
	signals *signals
	files   atomic.Int64
	bytes   atomic.Int64
	reused  atomic.Int64
	// every is PublishOptions.DownloadsEvery; keepDownloads is true when
	// this export shares the previous bulk downloads as they are
	// (planDownloads), and deferred counts them.
	every, noteEvery time.Duration
	keepDownloads    bool
	deferred         atomic.Int64
	// status is the status of the count by language, as the template
	// "election-status" renders it, for the pages' statusMark.
	status map[string][]byte
	// base is the hash of what every precinct page depends on, inputs
	// the hash of each precinct page's inputs (publish_inputs.go).
	base   string
	inputs precinctInputs
	log    *protocolLog
}

// prefetch reads every current protocol in one pass, so that the ten
// thousand precinct pages do not each ask the store.
func (p *publisher) prefetch(ctx context.Context) error {
	var err error
	if p.checks, err = p.s.cfg.Tally.Checks(ctx, p.e.ID, ""); err != nil {
		return err
	}
	if p.disp, err = readDisputes(ctx, p.s.cfg.Tally, p.e.ID); err != nil {
		return err
	}
	// Every precinct page lists its turnout reports: one query for all.
	p.turnout = map[string][]*dauys.TurnoutReport{}
	if len(p.e.TurnoutHours) > 0 {
		reports, err := p.s.cfg.Tally.TurnoutReports(ctx, p.e.ID, p.e.Tree.Root())
		if err != nil {
			return err
		}
		for _, r := range reports {
			p.turnout[r.Area] = append(p.turnout[r.Area], r)
		}
	}
	p.pre = map[string]map[string]*dauys.Protocol{}
	return p.s.cfg.Tally.EachProtocol(ctx, p.e.ID, "", func(pr *dauys.Protocol) error {
		m := p.pre[pr.Area]
		if m == nil {
			m = map[string]*dauys.Protocol{}
			p.pre[pr.Area] = m
		}
		m[pr.Contest] = pr
		return nil
	})
}

// write puts a file of the site (not a page) into the export.
func (p *publisher) write(rel string, b []byte) error {
	return p.put(rel, b, nil, "")
}

func (p *publisher) put(rel string, b []byte, stamp func([]byte) []byte, inputs string) error {
	if err := p.out.put(rel, b, stamp, inputs); err != nil {
		return err
	}
	p.files.Add(1)
	p.bytes.Add(int64(len(b)))
	return nil
}

// reuse shares files of the previous export made from the same inputs,
// all or none (output.reuse), and counts them.
func (p *publisher) reuse(inputs string, rels ...string) (bool, error) {
	ok, err := p.out.reuse(inputs, rels...)
	return p.counted(ok, err, &p.reused, rels)
}

// keep shares the previous export's bulk downloads rels as they are, all
// or none, when this export does not make them again (planDownloads).
func (p *publisher) keep(rels ...string) (bool, error) {
	if !p.keepDownloads {
		return false, nil
	}
	ok, err := p.out.linkAll(rels)
	return p.counted(ok, err, &p.deferred, rels)
}

// counted counts the files rels, shared when ok, in the site and in n.
func (p *publisher) counted(ok bool, err error, n *atomic.Int64, rels []string) (bool, error) {
	if !ok {
		return false, err
	}
	n.Add(int64(len(rels)))
	for _, rel := range rels {
		p.files.Add(1)
		p.bytes.Add(p.out.size(rel))
	}
	return true, nil
}

// planDownloads decides whether this export makes the bulk downloads
// again (PublishOptions.DownloadsEvery): it shares the previous ones when
// they were made less than the interval ago and the results are not
// final. A final result, a clock gone back or an export without a
// previous one makes them.
func (p *publisher) planDownloads(ctx context.Context) error {
	p.out.downloads = ManifestDownloads{Version: p.version, Made: p.now}
	if p.every <= 0 {
		return nil
	}
	sm, err := p.s.summary(ctx, p.e, p.version)
	if err != nil {
		return err
	}
	if dauys.LifecycleStatus(sm.day.status) == dauys.StatusFinal {
		return nil
	}
	// The pages say how often the downloads are made, in every export
	// of the count, whether this one makes them or not.
	p.noteEvery = p.every
	prev := p.out.prev
	if prev == nil || prev.Downloads == nil {
		return nil
	}
	if age := p.now.Sub(prev.Downloads.Made); age < 0 || age >= p.every {
		return nil
	}
	p.keepDownloads = true
	p.out.downloads = *prev.Downloads
	return nil
}

// page renders a page with marks for the export's time and version, which
// the page gets when it is written: a page whose content is the previous
// export's is shared with it, and says when it last changed.
func (p *publisher) page(ctx context.Context, t target) error {
	rel := t.lang + "/" + t.self()
	var inputs string
	if t.kind == pageArea && p.e.Tree.IsLeaf(t.id) && t.id != p.e.Tree.Root() {
		var err error
		if _, inputs, err = p.inputsOf(ctx, t.id); err != nil {
			return fmt.Errorf("web: publish %s: %w", rel, err)
		}
		if ok, err := p.reuse(inputs, rel); ok || err != nil {
			return err
		}
	}
	opts := renderOpts{version: p.version, static: true, downloadsEvery: p.noteEvery, elections: []string{p.e.ID}, prefetch: p.pre, turnoutReports: p.turnout, log: p.log, logRead: true, memo: p.memo, signals: p.signals, checks: p.checks, disputes: p.disp}
	b, err := p.s.renderWith(ctx, t, opts)
	if err != nil {
		return fmt.Errorf("web: publish %s/%s: %w", t.lang, t.self(), err)
	}
	updated, version, status := []byte(p.s.locales[t.lang].DateTime(p.now)), []byte(p.version), p.status[t.lang]
	return p.put(rel, b, func(b []byte) []byte {
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte(updatedMark), updated), []byte(versionMark), version)
		return bytes.Replace(b, []byte(statusMark), status, 1)
	}, inputs)
}

// run renders everything with a pool of workers.
func (p *publisher) run(ctx context.Context, workers int, progress func(done, total int64)) error {
	e := p.e
	// The summary of this version is computed once, before the workers
	// start.
	if _, err := p.s.summary(ctx, e, p.version); err != nil {
		return err
	}
	// So are the integrity page's statistics: an export waits for them.
	p.signals = &signals{version: p.version, done: make(chan struct{})}
	computeSignals(ctx, p.s.cfg.Tally, e, p.s.cfg.Forensics, p.signals)
	close(p.signals.done)
	if p.signals.err != nil {
		return fmt.Errorf("web: publish the integrity signals: %w", p.signals.err)
	}
	// The status of the count, which precinct pages get when written.
	p.status = map[string][]byte{}
	for _, lang := range dauys.Languages {
		rc, err := p.s.newRenderCtx(ctx, target{kind: pageOverview, lang: lang, election: e.ID}, renderOpts{version: p.version, static: true, prefetch: p.pre, memo: p.memo})
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := p.s.pages["area"].ExecuteTemplate(&b, "election-status", rc.electionHead()); err != nil {
			return fmt.Errorf("web: publish the status: %w", err)
		}
		p.status[lang] = b.Bytes()
	}
	// The log and its signed size are read once, before any page, for
	// the pages and their inputs alike.
	var err error
	if p.log, err = (&renderCtx{ctx: ctx, s: p.s, e: e}).protocolLog(); err != nil {
		return err
	}
	if p.base, err = p.inputsBase(ctx); err != nil {
		return fmt.Errorf("web: publish: %w", err)
	}
	p.inputs.m = map[string][2]string{}
	// The election's precinct-level files are one long job (a 100 MB CSV
	// for the demo, its variant and the Parquet file): first, so that it
	// runs beside the pages rather than alone after them.
	jobs := []func(context.Context) error{p.precinctFiles}
	var areas []string
	var walk func(string)
	walk = func(id string) {
		areas = append(areas, id)
		for _, k := range e.Tree.Children(id) {
			walk(k)
		}
	}
	walk(e.Tree.Root())
	hasDistricts := false
	for _, c := range e.Contests {
		hasDistricts = hasDistricts || c.Kind == dauys.KindPlurality
	}
	add := func(lang string, t target) {
		t.lang, t.election = lang, e.ID
		jobs = append(jobs, func(ctx context.Context) error { return p.page(ctx, t) })
	}
	for _, lang := range dauys.Languages {
		add := func(t target) { add(lang, t) }
		add(target{kind: pageHome})
		add(target{kind: pageOverview})
		add(target{kind: pageSearch})
		add(target{kind: pageIntegrity})
		add(target{kind: pageVerify})
		if hasDistricts {
			add(target{kind: pageDistricts})
		}
		for _, c := range e.Contests {
			add(target{kind: pageContest, id: c.ID})
		}
	}
	// An area's pages in each language and its downloads go to four
	// folders: taken one after the other by the workers, they create
	// files in different folders at the same time, which a file system
	// does faster than in one (docs/performance.md, Publishing).
	for i, a := range areas {
		if i > 0 {
			for _, lang := range dauys.Languages {
				add(lang, target{kind: pageArea, id: a})
			}
		}
		jobs = append(jobs, func(ctx context.Context) error { return p.data(ctx, a) })
	}
	jobs = append(jobs, func(ctx context.Context) error {
		b, err := p.s.statusJSON(ctx, e, p.version)
		if err != nil {
			return err
		}
		if err := p.write("data/"+tlog.Slug(e.ID)+"/status.json", b); err != nil {
			return err
		}
		if err := p.write("data/"+tlog.Slug(e.ID)+"/precincts.json", p.s.searchIndex(e).json.body); err != nil {
			return err
		}
		for name, a := range p.s.assets.byName {
			if err := p.write("static/"+name, a.body); err != nil {
				return err
			}
		}
		return p.write("index.html", redirectPage(dauys.Languages[0]+"/index.html"))
	})

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next, done atomic.Int64
	var progressMu sync.Mutex
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				if err := jobs[i](ctx); err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				if progress != nil {
					progressMu.Lock()
					progress(done.Add(1), int64(len(jobs)))
					progressMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// data writes an area's JSON and CSV downloads; a polling station's are
// shared without being made again when its protocols did not change.
func (p *publisher) data(ctx context.Context, area string) error {
	base := "data/" + tlog.Slug(p.e.ID) + "/a/" + tlog.Slug(area)
	excel := "data/" + tlog.Slug(p.e.ID) + "/excel/" + tlog.Slug(area) + ".csv"
	var inputs string
	if p.e.Tree.IsLeaf(area) && area != p.e.Tree.Root() {
		var err error
		if inputs, _, err = p.inputsOf(ctx, area); err != nil {
			return err
		}
		if ok, err := p.reuse(inputs, base+".json", excel, base+".csv"); ok || err != nil {
			return err
		}
	}
	// Above the polling stations, the CSV and its Excel copy may be the
	// previous export's (planDownloads); the JSON is made in any case.
	kept := false
	if inputs == "" {
		var err error
		if kept, err = p.keep(base+".csv", excel); err != nil {
			return err
		}
	}
	rc, err := p.s.newRenderCtx(ctx, target{kind: pageArea, lang: dauys.Languages[0], election: p.e.ID, id: area},
		renderOpts{version: p.version, static: true, prefetch: p.pre, memo: p.memo, checks: p.checks, disputes: p.disp})
	if err != nil {
		return err
	}
	res, ok := tally.PrecinctResults(p.e, area, p.pre[area])
	if !ok {
		if res, err = rc.areaResults(area); err != nil {
			return err
		}
	}
	j, err := marshalJSON(res)
	if err != nil {
		return err
	}
	if err := p.put(base+".json", j, nil, inputs); err != nil {
		return err
	}
	if kept {
		return nil
	}
	c, err := p.s.resultsCSV(p.e, area, res, func(c *dauys.Contest) ([]tally.AreaResult, error) {
		return rc.resultsOf(c, p.e.Tree.Children(area))
	})
	if err != nil {
		return err
	}
	if err := p.put(excel, append([]byte(excelBOM), c...), nil, inputs); err != nil {
		return err
	}
	return p.put(base+".csv", c, nil, inputs)
}

func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Names publish gives what it writes under Dir/v/.
const (
	// tempPrefix begins the temporary folder of a version being written:
	// .tmp-<version>-<8 hex digits>.
	tempPrefix = ".tmp-"
	// versionMarker is the file inside each version publish wrote: its
	// pointer, as current.json was when it was published.
	versionMarker = ".dauys-version.json"
	// lockFile is held by the publish that writes to the folder.
	lockFile = ".publish.lock"
	// staleTemp is the age after which a temporary folder is taken for a
	// leftover where the lock cannot be taken (see lockVersions).
	staleTemp = 24 * time.Hour
)

// tempName matches the temporary folders publish makes, and only them.
var tempName = regexp.MustCompile(`^\.tmp-[A-Za-z0-9_-][A-Za-z0-9._-]*-[0-9a-f]{8}$`)

// errPublishing is the answer while another publish holds the lock.
func errPublishing(dir string) error {
	return dauys.Errorf(dauys.ECONFLICT, "another dauys publish is writing to %s: try again when it has finished", filepath.Dir(dir))
}

// removeLeftovers removes the temporary folders that interrupted runs
// (kill -9, a power cut) left under dir: every one when this run holds the
// lock, since no other publish can be writing them; without a lock, those
// untouched for staleTemp. Nothing but publish's own temporary folders is
// touched.
func removeLeftovers(dir string, exclusive bool, now time.Time) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, de := range entries {
		if !de.IsDir() || !tempName.MatchString(de.Name()) {
			continue
		}
		if !exclusive {
			info, err := de.Info()
			if err != nil || now.Sub(info.ModTime()) < staleTemp {
				continue
			}
		}
		errs = append(errs, os.RemoveAll(filepath.Join(dir, de.Name())))
	}
	return errors.Join(errs...)
}

// prune removes the oldest versions of the election so that keep remain,
// never the current one, and only versions publish wrote: a folder whose
// name is a version's and which holds the marker naming this election.
// Anything else under dir (a folder someone put there, a version of
// another election or from before markers) stays.
func prune(dir, election, current string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var vs []Pointer
	for _, de := range entries {
		name := de.Name()
		if !de.IsDir() || name == current || tlog.Slug(name) != name {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name, versionMarker))
		if err != nil {
			continue // not a version publish wrote
		}
		var ptr Pointer
		if json.Unmarshal(b, &ptr) != nil || ptr.Version != name || ptr.Election != election {
			continue
		}
		vs = append(vs, ptr)
	}
	sort.Slice(vs, func(i, j int) bool {
		if !vs[i].Published.Equal(vs[j].Published) {
			return vs[i].Published.After(vs[j].Published)
		}
		return vs[i].Version > vs[j].Version
	})
	var errs []error
	for i, v := range vs {
		if i+1 >= keep {
			errs = append(errs, os.RemoveAll(filepath.Join(dir, v.Version)))
		}
	}
	return errors.Join(errs...)
}
