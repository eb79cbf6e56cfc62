package httpapi

import (
	"context"
	"encoding/json"
	"errors"
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
	body []byte
	gen  uint64
	at   time.Time
}

// resultsCall is a computation that readers of the same key wait for.
type resultsCall struct {
	done chan struct{}
	gen  uint64
	body []byte
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
func (c *resultsCache) get(ctx context.Context, now time.Time, election, key string, build func(context.Context) (any, error)) ([]byte, error) {
	k := election + "\x00" + key
	for {
		c.mu.Lock()
		gen := c.gen[election]
		if e := c.entries[k]; e != nil && e.gen == gen && now.Sub(e.at) < resultsTTL {
			c.mu.Unlock()
			c.counted(true)
			return e.body, nil
		}
		if cl := c.inflight[k]; cl != nil && cl.gen == gen {
			c.mu.Unlock()
			c.counted(true)
			select {
			case <-cl.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			// The reader who computed it went away: compute it again
			// for this one.
			if errors.Is(cl.err, context.Canceled) && ctx.Err() == nil {
				continue
			}
			return cl.body, cl.err
		}
		cl := &resultsCall{done: make(chan struct{}), gen: gen}
		c.inflight[k] = cl
		c.mu.Unlock()
		c.counted(false)

		cl.body, cl.err = marshalResults(ctx, build)

		c.mu.Lock()
		if c.inflight[k] == cl {
			delete(c.inflight, k)
		}
		if cl.err == nil {
			c.store(k, &resultsEntry{body: cl.body, gen: gen, at: now})
		}
		c.mu.Unlock()
		close(cl.done)
		return cl.body, cl.err
	}
}

func (c *resultsCache) counted(hit bool) {
	if c.lookup != nil {
		c.lookup(hit)
	}
}

func marshalResults(ctx context.Context, build func(context.Context) (any, error)) ([]byte, error) {
	v, err := build(ctx)
	if err != nil {
		return nil, err
	}
	body, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return nil, err
	}
	return append(body, '\n'), nil
}

// store keeps an entry within the bounds; c.mu is held. An answer larger
// than a quarter of the byte bound is served but not kept.
func (c *resultsCache) store(k string, e *resultsEntry) {
	if old := c.entries[k]; old != nil {
		c.bytes -= int64(len(old.body))
		delete(c.entries, k)
	}
	size := int64(len(e.body))
	if size > c.maxBytes/4 {
		return
	}
	for k := range c.entries {
		if len(c.entries) < c.maxEntries && c.bytes+size <= c.maxBytes {
			break
		}
		c.bytes -= int64(len(c.entries[k].body))
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
