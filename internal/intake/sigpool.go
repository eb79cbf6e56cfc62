package intake

import (
	"sync"

	"github.com/dauys/dauys/internal/sigverify"
)

// signaturePool pools the signatures of concurrent submissions into shared
// batches, as group commit pools their storage: on election night many
// commissions send one protocol a request, and a signature verified alone
// costs several times one verified in a batch. The first caller to find
// no verification running verifies everything queued, hands each caller
// its answers and repeats while more arrived in the meantime; a caller
// alone is verified at once, with no wait for company.
type signaturePool struct {
	mu      sync.Mutex
	queue   []*signatureRequest
	running bool
}

type signatureRequest struct {
	items []sigverify.Item
	ok    []bool
	done  chan struct{}
}

// maxPooled bounds the signatures one round verifies, so that the caller
// leading it is not kept for long by the others'.
const maxPooled = 4096

// verify reports for each item whether its signature verifies, as
// checkSignatures does.
func (p *signaturePool) verify(items []sigverify.Item) []bool {
	if len(items) == 0 {
		return nil
	}
	req := &signatureRequest{items: items, done: make(chan struct{})}
	p.mu.Lock()
	p.queue = append(p.queue, req)
	if p.running {
		p.mu.Unlock()
		<-req.done
		return req.ok
	}
	p.running = true
	p.mu.Unlock()
	for {
		p.mu.Lock()
		var round []*signatureRequest
		n := 0
		for len(p.queue) > 0 && (n == 0 || n+len(p.queue[0].items) <= maxPooled) {
			n += len(p.queue[0].items)
			round = append(round, p.queue[0])
			p.queue = p.queue[1:]
		}
		if len(round) == 0 {
			p.running = false
			p.mu.Unlock()
			break
		}
		p.mu.Unlock()
		all := round[0].items
		if len(round) > 1 {
			all = make([]sigverify.Item, 0, n)
			for _, r := range round {
				all = append(all, r.items...)
			}
		}
		ok := checkSignatures(all)
		for _, r := range round {
			r.ok, ok = ok[:len(r.items):len(r.items)], ok[len(r.items):]
			close(r.done)
		}
	}
	<-req.done
	return req.ok
}
