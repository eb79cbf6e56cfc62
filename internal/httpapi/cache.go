package httpapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// resultsCache keeps the rendered results JSON of each election and area,
// so that election night's readers do not each sum and decide every
// contest again. An entry is rebuilt when this process stores protocols of
// the election (intake's OnStored hook), and after resultsTTL at the most,
// which bounds how stale an answer can be when another replica stored
// them. Concurrent readers of a missing entry wait for one computation.
//
// Anyone may ask, so the cache is bounded: callers ask only for elections
// and areas that exist, a failed computation is not kept, and the entries
// are at most maxEntries and maxBytes of JSON together (dropping arbitrary
// entries when full: what is read often comes back at once).
type resultsCache struct {
	maxEntries int
	maxBytes   int64
	// lookup, when set, is told whether each get found its answer ready
	// (or being computed by another reader) or had to compute it.
	lookup func(hit bool)

	mu       sync.Mutex
	gen      map[string]uint64 // election -> generation, bumped on change
	entries  map[string]*resultsEntry
	bytes    int64 // of every entry's body
	inflight map[string]*resultsCall
}

type resultsEntry struct {
	cachedJSON
	gen uint64
	at  time.Time
}

// cachedJSON is a JSON body and its gzip form, compressed once when it is
// built rather than for every reader (a national answer is about 250 KB of
// JSON and a tenth of that compressed).
type cachedJSON struct {
	body, gz []byte
}

func (a cachedJSON) size() int64 { return int64(len(a.body) + len(a.gz)) }

// write sends the answer, compressed when the reader accepts gzip.
func (a cachedJSON) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=1")
	body := a.body
	if a.gz != nil {
		h.Set("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			body = a.gz
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// compress returns the gzip form of body, or nil when it would not be
// smaller (short bodies).
func compress(body []byte) []byte {
	if len(body) <= 1024 {
		return nil
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	zw.Write(body)
	zw.Close()
	if b.Len() >= len(body) {
		return nil
	}
	return b.Bytes()
}

// resultsCall is a computation that readers of the same key wait for.
type resultsCall struct {
	done chan struct{}
	gen  uint64
	ans  cachedJSON
	err  error
}

// resultsTTL bounds the age of a cached answer.
const resultsTTL = time.Second

// Default bounds of the results cache: a national answer is about 250 KB
// of JSON, a precinct's a few KB.
const (
	defaultResultsEntries = 4096
	defaultResultsBytes   = 64 << 20
)

func newResultsCache(maxEntries int, maxBytes int64) *resultsCache {
	return &resultsCache{maxEntries: maxEntries, maxBytes: maxBytes,
		gen: map[string]uint64{}, entries: map[string]*resultsEntry{}, inflight: map[string]*resultsCall{}}
}

// changed drops what is cached of an election. It is called for elections
// that stored protocols, so gen holds only elections that exist.
func (c *resultsCache) changed(election string) {
	c.mu.Lock()
	c.gen[election]++
	c.mu.Unlock()
}

// get returns the cached body for the election and key, or builds it. The
// caller has checked that the election and what key names exist.
func (c *resultsCache) get(ctx context.Context, now time.Time, election, key string, build func(context.Context) (any, error)) (cachedJSON, error) {
	k := election + "\x00" + key
	for {
		c.mu.Lock()
		gen := c.gen[election]
		if e := c.entries[k]; e != nil && e.gen == gen && now.Sub(e.at) < resultsTTL {
			c.mu.Unlock()
			c.counted(true)
			return e.cachedJSON, nil
		}
		if cl := c.inflight[k]; cl != nil && cl.gen == gen {
			c.mu.Unlock()
			c.counted(true)
			select {
			case <-cl.done:
			case <-ctx.Done():
				return cachedJSON{}, ctx.Err()
			}
			// The reader who computed it went away: compute it again
			// for this one.
			if errors.Is(cl.err, context.Canceled) && ctx.Err() == nil {
				continue
			}
			return cl.ans, cl.err
		}
		cl := &resultsCall{done: make(chan struct{}), gen: gen}
		c.inflight[k] = cl
		c.mu.Unlock()
		c.counted(false)

		cl.ans, cl.err = marshalResults(ctx, build)

		c.mu.Lock()
		if c.inflight[k] == cl {
			delete(c.inflight, k)
		}
		if cl.err == nil {
			c.store(k, &resultsEntry{cachedJSON: cl.ans, gen: gen, at: now})
		}
		c.mu.Unlock()
		close(cl.done)
		return cl.ans, cl.err
	}
}

func (c *resultsCache) counted(hit bool) {
	if c.lookup != nil {
		c.lookup(hit)
	}
}

func marshalResults(ctx context.Context, build func(context.Context) (any, error)) (cachedJSON, error) {
	v, err := build(ctx)
	if err != nil {
		return cachedJSON{}, err
	}
	body, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return cachedJSON{}, err
	}
	body = append(body, '\n')
	return cachedJSON{body: body, gz: compress(body)}, nil
}

// store keeps an entry within the bounds; c.mu is held. An answer larger
// than a quarter of the byte bound is served but not kept.
func (c *resultsCache) store(k string, e *resultsEntry) {
	if old := c.entries[k]; old != nil {
		c.bytes -= old.size()
		delete(c.entries, k)
	}
	size := e.size()
	if size > c.maxBytes/4 {
		return
	}
	for k := range c.entries {
		if len(c.entries) < c.maxEntries && c.bytes+size <= c.maxBytes {
			break
		}
		c.bytes -= c.entries[k].size()
		delete(c.entries, k)
	}
	c.entries[k] = e
	c.bytes += size
}

// cached reports the entries kept and their bytes, for the tests.
func (c *resultsCache) cached() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.bytes
}
