package intake

import (
	"context"
	"sync"

	"github.com/dauys/dauys"
)

// groupCommit merges the batches of concurrent callers into one store
// transaction, so that many submissions arriving together share one commit
// and one fsync instead of queueing for one each. The first caller to find
// no commit running becomes the leader: it saves everything queued, hands
// each caller its results and repeats while more arrived in the meantime.
// The order of protocols within each caller's batch is kept, and callers
// are served in arrival order, so the store sees what it would have seen
// had the callers come one after another.
type groupCommit struct {
	store dauys.Store

	mu      sync.Mutex
	queue   []*groupRequest
	running bool
}

type groupRequest struct {
	ps   []*dauys.Protocol
	res  []dauys.SaveResult
	err  error
	done chan struct{}
}

// maxGroup bounds the protocols of one merged transaction, so that one
// commit does not grow without limit under a flood. Smaller commits hold
// the single writer for less time, so that the log's sequencer and the
// next group interleave with it while senders verify: at 100,000 signed
// protocols a bound of 512-1,024 took intake from 0.47 to 0.48-0.49 of the
// Ed25519 limit against 0.47 at 2,048-16,384 (docs/performance.md).
const maxGroup = 1024

func (g *groupCommit) save(ctx context.Context, ps []*dauys.Protocol) ([]dauys.SaveResult, error) {
	req := &groupRequest{ps: ps, done: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, req)
	if g.running {
		g.mu.Unlock()
		select {
		case <-req.done:
			return req.res, req.err
		case <-ctx.Done():
			// The leader still saves the batch; the caller stops waiting.
			return nil, ctx.Err()
		}
	}
	g.running = true
	g.mu.Unlock()
	// The leader's own cancellation must not fail the others' batches.
	lead := context.WithoutCancel(ctx)
	for {
		g.mu.Lock()
		var group []*groupRequest
		n := 0
		for len(g.queue) > 0 && (n == 0 || n+len(g.queue[0].ps) <= maxGroup) {
			n += len(g.queue[0].ps)
			group = append(group, g.queue[0])
			g.queue = g.queue[1:]
		}
		if len(group) == 0 {
			g.running = false
			g.mu.Unlock()
			break
		}
		g.mu.Unlock()
		all := make([]*dauys.Protocol, 0, n)
		for _, r := range group {
			all = append(all, r.ps...)
		}
		res, err := g.store.SaveProtocols(lead, all)
		for _, r := range group {
			if err != nil {
				r.err = err
			} else {
				r.res, res = res[:len(r.ps):len(r.ps)], res[len(r.ps):]
			}
			close(r.done)
		}
	}
	<-req.done
	return req.res, req.err
}
