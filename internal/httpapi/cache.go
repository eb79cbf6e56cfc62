package httpapi

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// resultsCache keeps the rendered results JSON of each election and area,
// so that election night's readers do not each sum and decide every
// contest again. An entry is rebuilt when this process stores protocols of
// the election (intake's OnStored hook), and after resultsTTL at the most,
// which bounds how stale an answer can be when another replica stored
// them. Concurrent readers of a missing entry wait for one computation.
type resultsCache struct {
	mu      sync.Mutex
	gen     map[string]uint64 // election -> generation, bumped on change
	entries map[string]*resultsEntry
}

type resultsEntry struct {
	mu   sync.Mutex
	body []byte
	gen  uint64
	at   time.Time
}

// resultsTTL bounds the age of a cached answer.
const resultsTTL = time.Second

func newResultsCache() *resultsCache {
	return &resultsCache{gen: map[string]uint64{}, entries: map[string]*resultsEntry{}}
}

// changed drops what is cached of an election.
func (c *resultsCache) changed(election string) {
	c.mu.Lock()
	c.gen[election]++
	c.mu.Unlock()
}

// get returns the cached body for the election and key, or builds it.
func (c *resultsCache) get(ctx context.Context, now time.Time, election, key string, build func(context.Context) (any, error)) ([]byte, error) {
	c.mu.Lock()
	e := c.entries[election+"\x00"+key]
	if e == nil {
		e = &resultsEntry{}
		c.entries[election+"\x00"+key] = e
	}
	gen := c.gen[election]
	c.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.body != nil && e.gen == gen && now.Sub(e.at) < resultsTTL {
		return e.body, nil
	}
	v, err := build(ctx)
	if err != nil {
		return nil, err
	}
	body, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return nil, err
	}
	e.body, e.gen, e.at = append(body, '\n'), gen, now
	return e.body, nil
}
