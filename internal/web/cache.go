package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/tally"
)

// entry is a response kept in memory: the body, its gzip form when that is
// smaller, and their validators.
type entry struct {
	version string
	ctype   string
	body    []byte
	gz      []byte
	etag    string
}

// newEntry prepares a response. Compression is done once here, not per
// request, so that serving it costs a map lookup and a write.
func newEntry(body []byte, ctype, version string) *entry {
	sum := sha256.Sum256(body)
	e := &entry{version: version, ctype: ctype, body: body, etag: `"` + hex.EncodeToString(sum[:10]) + `"`}
	if len(body) > 1024 {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if b.Len() < len(body) {
			e.gz = b.Bytes()
		}
	}
	return e
}

// writeEntry answers with a kept response, honouring If-None-Match and
// Accept-Encoding.
func (s *Site) writeEntry(w http.ResponseWriter, r *http.Request, e *entry, cacheControl string) {
	h := w.Header()
	if strings.HasPrefix(e.ctype, "text/html") {
		securityHeaders(h)
	} else {
		h.Set("X-Content-Type-Options", "nosniff")
	}
	h.Set("Content-Type", e.ctype)
	h.Set("Cache-Control", cacheControl)
	body, etag := e.body, e.etag
	if e.gz != nil {
		h.Set("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = e.gz, e.etag[:len(e.etag)-1]+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) == "gzip" && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// pageCache keeps rendered responses by key, each valid for one version.
// Renders of the same key run once at a time, so that a version change
// under load costs one render, not one per waiting reader.
//
// Anyone may ask, so the cache is bounded: only pages that rendered are
// kept (a made-up area is a not-found, not an entry), and they are at most
// max entries and maxBytes of body and gzip together.
type pageCache struct {
	max      int
	maxBytes int64
	// lookup, when set, is told whether each get found its page rendered
	// (or being rendered by another reader) or rendered it.
	lookup func(hit bool)

	mu       sync.RWMutex
	m        map[string]*entry
	bytes    int64
	inflight map[string]*call
}

// size is what an entry holds in memory, near enough.
func (e *entry) size() int64 { return int64(len(e.body) + len(e.gz)) }

type call struct {
	done chan struct{}
	e    *entry
	err  error
}

func (c *pageCache) get(key, version string, fill func() (*entry, error)) (*entry, error) {
	c.mu.RLock()
	e := c.m[key]
	c.mu.RUnlock()
	if e != nil && e.version == version {
		c.counted(true)
		return e, nil
	}
	c.mu.Lock()
	if e := c.m[key]; e != nil && e.version == version {
		c.mu.Unlock()
		c.counted(true)
		return e, nil
	}
	if cl, ok := c.inflight[key+"\x00"+version]; ok {
		c.mu.Unlock()
		c.counted(true)
		<-cl.done
		return cl.e, cl.err
	}
	if c.inflight == nil {
		c.inflight = map[string]*call{}
		c.m = map[string]*entry{}
	}
	cl := &call{done: make(chan struct{})}
	c.inflight[key+"\x00"+version] = cl
	c.mu.Unlock()
	c.counted(false)

	cl.e, cl.err = fill()

	c.mu.Lock()
	delete(c.inflight, key+"\x00"+version)
	if cl.err == nil {
		c.keep(key, cl.e)
	}
	c.mu.Unlock()
	close(cl.done)
	return cl.e, cl.err
}

func (c *pageCache) counted(hit bool) {
	if c.lookup != nil {
		c.lookup(hit)
	}
}

// keep adds an entry within the bounds; c.mu is held. An entry larger than
// a quarter of the byte bound is served but not kept.
func (c *pageCache) keep(key string, e *entry) {
	if old := c.m[key]; old != nil {
		c.bytes -= old.size()
		delete(c.m, key)
	}
	if e.size() > c.maxBytes/4 {
		return
	}
	if len(c.m) >= c.max {
		// Dropping arbitrary entries is enough: what is read often comes
		// back at once. A quarter goes at once, so that a full cache is
		// not trimmed at every render.
		c.drop(c.max/4 + 1)
	}
	for c.bytes+e.size() > c.maxBytes && len(c.m) > 0 {
		c.drop(1)
	}
	c.m[key] = e
	c.bytes += e.size()
}

// drop removes n arbitrary entries; c.mu is held.
func (c *pageCache) drop(n int) {
	for k, e := range c.m {
		if n <= 0 {
			return
		}
		c.bytes -= e.size()
		delete(c.m, k)
		n--
	}
}

// versionCache remembers the version of each election's totals for
// Config.Freshness.
type versionCache struct {
	mu sync.Mutex
	m  map[string]versionAt
}

type versionAt struct {
	at time.Time
	v  string
}

func (c *versionCache) lookup(key string, now time.Time, fresh time.Duration) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	if !ok || now.Sub(v.at) >= fresh || now.Before(v.at) {
		return "", false
	}
	return v.v, true
}

func (c *versionCache) store(key string, now time.Time, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]versionAt{}
	}
	c.m[key] = versionAt{now, v}
}

// electionVersion names the state of an election's results: a hash of its
// status, the size of its geography and the running totals of every
// contest at the root. Any accepted protocol or amendment changes a root
// total, so equal versions mean equal pages.
func (s *Site) electionVersion(ctx context.Context, e *election.Election) (string, error) {
	now := s.cfg.Now()
	if v, ok := s.versions.lookup(e.ID, now, s.cfg.Freshness); ok {
		return v, nil
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", e.ID, e.Status, e.Tree.Len())
	day, err := s.dayStateOf(ctx, e)
	if err != nil {
		return "", err
	}
	day.hash(h)
	root := e.Tree.Root()
	for i := range e.Contests {
		tot, err := s.cfg.Tally.Totals(ctx, e.ID, e.Contests[i].ID, []string{root})
		if err != nil {
			return "", err
		}
		lines := tot[root]
		names := make([]string, 0, len(lines))
		for n := range lines {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(h, "%s\x00", e.Contests[i].ID)
		var buf [8]byte
		for _, n := range names {
			h.Write([]byte(n))
			binary.LittleEndian.PutUint64(buf[:], uint64(lines[n]))
			h.Write(buf[:])
		}
	}
	// A party's seat assignment changes the contest page; an election
	// without one hashes as before.
	seats, err := s.cfg.Tally.SeatAssignments(ctx, e.ID, "")
	if err != nil {
		return "", err
	}
	for _, a := range seats {
		fmt.Fprintf(h, "seats\x00%s\x00%s\x00%v\x00%s\x00%d\x00", a.Contest, a.Party, a.Candidates, a.Decision, a.At.UnixNano())
	}
	// Observers' copies and their images show on the area and precinct
	// pages.
	observed, err := s.cfg.Tally.ObservationsVersion(ctx, e.ID)
	if err != nil {
		return "", err
	}
	if observed > 0 {
		fmt.Fprintf(h, "observed\x00%d\x00", observed)
	}
	// A new checkpoint of the transparency log changes the overview and
	// the precinct pages; an election without a log hashes as before.
	size, err := s.logSize(ctx, e.ID)
	if err != nil {
		return "", err
	}
	v := strconv.FormatUint(h.Sum64(), 36)
	if size >= 0 {
		// After a dot, so that what depends on the results alone (the
		// integrity page's statistics) can tell them apart: see
		// resultsPart.
		v += "." + strconv.FormatInt(size, 36)
	}
	s.versions.store(e.ID, now, v)
	return v, nil
}

// resultsPart is the part of an election's version that names its
// results, without the size of its log.
func resultsPart(version string) string {
	v, _, _ := strings.Cut(version, ".")
	return v
}

// homeVersion combines the versions of every election.
func (s *Site) homeVersion(ctx context.Context) (string, error) {
	now := s.cfg.Now()
	if v, ok := s.versions.lookup("", now, s.cfg.Freshness); ok {
		return v, nil
	}
	es, err := s.cfg.Tally.Elections(ctx)
	if err != nil {
		return "", err
	}
	h := fnv.New64a()
	for _, def := range es {
		e, err := s.cfg.Tally.Election(ctx, def.ID)
		if err != nil {
			return "", err
		}
		v, err := s.electionVersion(ctx, e)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", def.ID, def.Status, v)
	}
	v := strconv.FormatUint(h.Sum64(), 36)
	s.versions.store("", now, v)
	return v, nil
}

// summary is the root results of an election at one version, shared by
// every page of that version.
type summary struct {
	version string
	root    *tally.Results
	// day is the status and the country's turnout; turnouts the turnout
	// of other areas, filled as pages ask (day.go).
	day      *dayState
	turnouts turnoutMemo
}

type summaryCache struct {
	mu sync.Mutex
	m  map[string]*summary
	// fill serialises computing a summary per election.
	fill map[string]*sync.Mutex
}

func (s *Site) summary(ctx context.Context, e *election.Election, version string) (*summary, error) {
	c := &s.summaries
	c.mu.Lock()
	if c.m == nil {
		c.m, c.fill = map[string]*summary{}, map[string]*sync.Mutex{}
	}
	if sm := c.m[e.ID]; sm != nil && sm.version == version {
		c.mu.Unlock()
		return sm, nil
	}
	lock := c.fill[e.ID]
	if lock == nil {
		lock = &sync.Mutex{}
		c.fill[e.ID] = lock
	}
	c.mu.Unlock()
	lock.Lock()
	defer lock.Unlock()
	c.mu.Lock()
	if sm := c.m[e.ID]; sm != nil && sm.version == version {
		c.mu.Unlock()
		return sm, nil
	}
	c.mu.Unlock()
	res, err := s.cfg.Tally.Area(ctx, e.ID, "")
	if err != nil {
		return nil, err
	}
	day, err := s.dayStateOf(ctx, e)
	if err != nil {
		return nil, err
	}
	sm := &summary{version: version, root: res, day: day}
	c.mu.Lock()
	c.m[e.ID] = sm
	c.mu.Unlock()
	return sm, nil
}

// historyCache keeps the progress over the night of each election's
// primary contest, recomputed at most every Config.HistoryEvery and only
// when the version changed.
type historyCache struct {
	mu sync.Mutex
	m  map[string]*historyAt
}

type historyAt struct {
	version string
	at      time.Time
	points  []tally.HistoryPoint
}

func (s *Site) historyOf(ctx context.Context, e *election.Election, contest, version string) ([]tally.HistoryPoint, error) {
	c := &s.history
	now := s.cfg.Now()
	key := e.ID + "\x00" + contest
	c.mu.Lock()
	defer c.mu.Unlock()
	if h := c.m[key]; h != nil && (h.version == version || now.Sub(h.at) < s.cfg.HistoryEvery) {
		return h.points, nil
	}
	pts, err := s.cfg.Tally.History(ctx, e.ID, contest)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*historyAt{}
	}
	c.m[key] = &historyAt{version: version, at: now, points: pts}
	return pts, nil
}

// assets are the stylesheet and script, served under names that carry a
// hash of their content so that they can be cached for a year.
type assets struct {
	byName map[string]*entry // fingerprinted name -> content
	css    string            // fingerprinted names
	js     string
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*entry{}}
	for _, name := range []string{"site.css", "live.js"} {
		b, err := fs.ReadFile(staticFS, "static/"+name)
		if err != nil {
			return nil, fmt.Errorf("web: asset %s: %w", name, err)
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		fp := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		ctype := "text/css; charset=utf-8"
		if ext == ".js" {
			ctype = "text/javascript; charset=utf-8"
			a.js = fp
		} else {
			a.css = fp
		}
		a.byName[fp] = newEntry(b, ctype, "")
	}
	return a, nil
}

func (s *Site) serveAsset(w http.ResponseWriter, r *http.Request) {
	e := s.assets.byName[r.PathValue("file")]
	if e == nil {
		http.NotFound(w, r)
		return
	}
	s.writeEntry(w, r, e, cacheImmutable)
}

// errNotFound is the not-found error of the site's own lookups.
func errNotFound(what string) error { return dauys.Errorf(dauys.ENOTFOUND, "%s not found", what) }
