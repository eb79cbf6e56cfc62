package intake

import (
	"context"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/storebatch"
)

// groupCommit merges the batches of concurrent callers into one store
// transaction, so that many submissions arriving together share one commit
// and one fsync instead of queueing for one each. The first caller to find
// no commit running becomes the leader: it saves everything queued, hands
// each caller its results and repeats while more arrived in the meantime.
// The order of protocols within each caller's batch is kept, and callers
// are served in arrival order, so the store sees what it would have seen
// had the callers come one after another.
//
// With a store that takes prepared submissions (PreparedSaver, as both of
// ours do), each caller checks and encodes its own protocols
// (storebatch.Prepare) before they join the queue, on its own goroutine:
// the leader's transaction, during which SQLite's single writer holds its
// lock, then only plans and writes the group.
type groupCommit struct {
	store dauys.Store
	max   int // protocols a transaction
	// metrics, when set, observes each transaction's size and time.
	metrics Metrics

	mu      sync.Mutex
	queue   []*groupRequest
	running bool
}

type groupRequest struct {
	ps       []*dauys.Protocol
	prepared []storebatch.Prepared // of ps, when the store takes them
	res      []dauys.SaveResult
	err      error
	done     chan struct{}
}

// defaultGroup bounds the protocols of one merged transaction, so that one
// commit does not grow without limit under a flood; a store that commits
// best in other sizes says so with GroupSize.
const defaultGroup = 4096

// GroupSizer is implemented by stores that want another bound on the
// protocols group commit merges into one transaction.
type GroupSizer interface {
	GroupSize() int
}

// PreparedSaver is implemented by stores that save submissions
// storebatch.Prepare has checked and encoded (both of ours), with the
// results SaveProtocols gives for the same protocols: group commit then
// prepares each sender's protocols before they join a group.
type PreparedSaver interface {
	SavePrepared(ctx context.Context, pp []storebatch.Prepared) ([]dauys.SaveResult, error)
}

// DeferredSaver is implemented by PreparedSavers that can commit a batch
// without waiting for the disk and make it durable afterwards (SQLite):
// group commit then runs the next transaction while the disk syncs the
// last, and answers a batch's senders only once it is durable.
type DeferredSaver interface {
	PreparedSaver
	SavePreparedDeferred(ctx context.Context, pp []storebatch.Prepared) (res []dauys.SaveResult, durable func() error, err error)
}

// groupSize returns the store's bound, or defaultGroup. GroupSize is an
// optional capability, asked for at run time: only SQLite, whose single
// writer holds its lock through a transaction, wants smaller groups.
func groupSize(store dauys.Store) int {
	if g, ok := store.(GroupSizer); ok && g.GroupSize() > 0 {
		return g.GroupSize()
	}
	return defaultGroup
}

func (g *groupCommit) save(ctx context.Context, ps []*dauys.Protocol) ([]dauys.SaveResult, error) {
	req := &groupRequest{ps: ps, done: make(chan struct{})}
	if _, ok := g.store.(PreparedSaver); ok {
		req.prepared = storebatch.Prepare(ps)
	}
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
		for len(g.queue) > 0 && (n == 0 || n+len(g.queue[0].ps) <= g.max) {
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
		var prepared []storebatch.Prepared
		for _, r := range group {
			all = append(all, r.ps...)
			if r.prepared != nil {
				prepared = append(prepared, r.prepared...)
			}
		}
		start := time.Now()
		res, durable, err := g.saveGroup(lead, all, prepared)
		if dauys.ErrorCode(err) == dauys.EINVALID {
			durable = nil
			res, err = g.saveApart(lead, all, prepared)
		}
		answer := func() {
			if err == nil && durable != nil {
				if derr := durable(); derr != nil {
					err = derr
				}
			}
			if g.metrics != nil {
				g.metrics.GroupCommit(len(all), time.Since(start))
			}
			for _, r := range group {
				if err != nil {
					r.err = err
				} else {
					r.res, res = res[:len(r.ps):len(r.ps)], res[len(r.ps):]
				}
				close(r.done)
			}
		}
		if durable != nil {
			// The next group's transaction runs while the disk syncs.
			go answer()
		} else {
			answer()
		}
	}
	<-req.done
	return req.res, req.err
}

// saveGroup saves a merged group: its prepared submissions when the store
// takes them (prepared is then not nil), its protocols otherwise. durable,
// when not nil, must return before its senders are answered.
func (g *groupCommit) saveGroup(ctx context.Context, ps []*dauys.Protocol, prepared []storebatch.Prepared) ([]dauys.SaveResult, func() error, error) {
	switch s := g.store.(type) {
	case DeferredSaver:
		return s.SavePreparedDeferred(ctx, prepared)
	case PreparedSaver:
		res, err := s.SavePrepared(ctx, prepared)
		return res, nil, err
	}
	res, err := g.store.SaveProtocols(ctx, ps)
	return res, nil, err
}

// saveApart saves the protocols one durable transaction each, after their
// merged transaction was refused for what one of them holds (a running
// total it would take beyond an int64): so one bad protocol is refused
// alone and never fails the others' protocols it shared the transaction
// with. Any other failure is the store's and fails them all, as before.
// A Prepared is not changed by a save, so the group's are saved again.
func (g *groupCommit) saveApart(ctx context.Context, ps []*dauys.Protocol, prepared []storebatch.Prepared) ([]dauys.SaveResult, error) {
	out := make([]dauys.SaveResult, len(ps))
	for i := range ps {
		var one []storebatch.Prepared
		if prepared != nil {
			one = prepared[i : i+1]
		}
		res, durable, err := g.saveGroup(ctx, ps[i:i+1], one)
		if err == nil && durable != nil {
			err = durable()
		}
		switch {
		case dauys.ErrorCode(err) == dauys.EINVALID:
			out[i].Err = err
		case err != nil:
			return nil, err
		default:
			out[i] = res[0]
		}
	}
	return out, nil
}
