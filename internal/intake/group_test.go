package intake_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
)

// countingStore counts the transactions that save protocols and keeps
// the largest.
type countingStore struct {
	dauys.Store
	saves, largest atomic.Int64
}

func (c *countingStore) SaveProtocols(ctx context.Context, ps []*dauys.Protocol) ([]dauys.SaveResult, error) {
	c.saves.Add(1)
	for {
		l := c.largest.Load()
		if int64(len(ps)) <= l || c.largest.CompareAndSwap(l, int64(len(ps))) {
			break
		}
	}
	return c.Store.SaveProtocols(ctx, ps)
}

// sizedStore asks group commit for transactions of at most size protocols.
type sizedStore struct {
	*countingStore
	size int
}

func (s sizedStore) GroupSize() int { return s.size }

// TestGroupCommit submits from many goroutines at once: every protocol is
// stored exactly once with its own answer, and the submissions share
// transactions.
func TestGroupCommit(t *testing.T) {
	t.Run("default", func(t *testing.T) { testGroupCommit(t, 0) })
	// A store's GroupSize bounds the transactions.
	t.Run("GroupSize", func(t *testing.T) { testGroupCommit(t, 4) })
}

func testGroupCommit(t *testing.T, size int) {
	const n = 300
	e := testElection(false)
	e.Areas = e.Areas[:3]
	for i := range n {
		e.Areas = append(e.Areas, dauys.Area{ID: fmt.Sprintf("q%03d", i), Parent: []string{"r1", "r2"}[i%2], Level: dauys.LevelPrecinct, Registered: 1000})
	}
	e.Contests = e.Contests[:1]
	ctx := context.Background()
	s := groupStore(t, e)
	cs := &countingStore{Store: s}
	var store dauys.Store = cs
	if size > 0 {
		store = sizedStore{cs, size}
	}
	in := intake.New(store, nil)
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make([]intake.Result, n)
	for i := range n {
		wg.Go(func() {
			<-start
			sub := intake.Submission{Contest: "list", Area: fmt.Sprintf("q%03d", i), Lines: lines(1000, 600, 10, 20, int64(400+i%50), int64(170-i%50))}
			if i%10 == 0 {
				sub.Lines["option:a"]++ // inconsistent: refused
			}
			res, err := in.Submit(ctx, "e", []intake.Submission{sub})
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = res[0]
		})
	}
	close(start)
	wg.Wait()
	var want int64
	for i, r := range results {
		switch {
		case i%10 == 0 && dauys.ErrorCode(r.Err) != dauys.EINVALID:
			t.Errorf("%d: %v, want refused", i, r.Err)
		case i%10 != 0 && (r.Err != nil || r.Outcome != dauys.OutcomeAccepted || r.Protocol.Area != fmt.Sprintf("q%03d", i)):
			t.Errorf("%d: %+v", i, r)
		case i%10 != 0:
			want += int64(400 + i%50)
		}
	}
	tot, err := s.Totals(ctx, "e", "list", []string{"kz"})
	if err != nil || tot["kz"]["option:a"] != want || tot["kz"][dauys.ReportedLine] != n-n/10 {
		t.Errorf("totals %v, want option:a %d", tot["kz"], want)
	}
	if saves := cs.saves.Load(); saves >= n-n/10 {
		t.Errorf("%d transactions for %d protocols: no group commit", saves, n-n/10)
	} else {
		t.Logf("%d protocols in %d transactions", n-n/10, saves)
	}
	if l := cs.largest.Load(); size > 0 && l > int64(size) {
		t.Errorf("a transaction of %d protocols; the store asked for at most %d", l, size)
	}
}

// heldSyncs is a SQLite store whose commits become durable only when the
// test lets them: it shows when group commit answers, and what it does
// while the disk syncs.
type heldSyncs struct {
	*sqlite.Store
	commits chan int      // the size of each deferred commit, as it is made
	release chan struct{} // one per sync let through
}

func (h *heldSyncs) SaveProtocolsDeferred(ctx context.Context, ps []*dauys.Protocol) ([]dauys.SaveResult, func() error, error) {
	res, durable, err := h.Store.SaveProtocolsDeferred(ctx, ps)
	h.commits <- len(ps)
	return res, func() error { <-h.release; return durable() }, err
}

// TestGroupCommitDeferred: with a store that commits without waiting for
// the disk, group commit answers a batch only once it is durable, and runs
// the next batch's transaction meanwhile.
func TestGroupCommitDeferred(t *testing.T) {
	e := testElection(false)
	e.Contests = e.Contests[:1]
	ctx := context.Background()
	s := groupStore(t, e)
	h := &heldSyncs{Store: s, commits: make(chan int, 4), release: make(chan struct{})}
	in := intake.New(h, nil)
	submit := func(area string, done chan<- error) {
		reg := map[string]int64{"p1": 1000, "p2": 800}[area]
		res, err := in.Submit(ctx, "e", []intake.Submission{{Contest: "list", Area: area, Lines: lines(reg, 600, 10, 20, 400, 170)}})
		if err == nil {
			err = res[0].Err
		}
		done <- err
	}
	first, second := make(chan error, 1), make(chan error, 1)
	committed := func(what string) {
		t.Helper()
		select {
		case <-h.commits:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s was never committed without waiting for the disk", what)
		}
	}
	go submit("p1", first)
	committed("the first batch") // its sync is held
	go submit("p2", second)
	committed("the second batch") // while the first's sync is held
	select {
	case err := <-first:
		t.Fatalf("the first batch was answered (%v) before it was durable", err)
	default:
	}
	if got, err := s.Protocol(ctx, "e", "list", "p2"); err != nil || got.Version != 1 {
		t.Fatalf("the second batch is not stored while the first syncs: %v", err)
	}
	h.release <- struct{}{}
	h.release <- struct{}{}
	for _, c := range []chan error{first, second} {
		if err := <-c; err != nil {
			t.Errorf("submission: %v", err)
		}
	}
}

// groupStore returns a new SQLite store holding the election.
func groupStore(t *testing.T, e *dauys.Election) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.CreateElection(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	return s
}
