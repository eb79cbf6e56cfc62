package intake_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/postgres"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/storebatch"
)

// countingStore counts the transactions that save protocols and keeps
// the largest. It is a SQLite store, which takes prepared protocols and
// commits without waiting for the disk, as group commit uses it.
type countingStore struct {
	*sqlite.Store
	saves, largest atomic.Int64
}

func (c *countingStore) SavePreparedDeferred(ctx context.Context, pp []storebatch.Prepared) ([]dauys.SaveResult, func() error, error) {
	c.saves.Add(1)
	for {
		l := c.largest.Load()
		if int64(len(pp)) <= l || c.largest.CompareAndSwap(l, int64(len(pp))) {
			break
		}
	}
	return c.Store.SavePreparedDeferred(ctx, pp)
}

// Both stores take prepared protocols, and SQLite commits them without
// waiting for the disk: group commit would quietly fall back to
// SaveProtocols, preparing in the leader, if a method's name or signature
// drifted.
var (
	_ intake.DeferredSaver = (*sqlite.Store)(nil)
	_ intake.PreparedSaver = (*postgres.Store)(nil)
)

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

func (h *heldSyncs) SavePreparedDeferred(ctx context.Context, pp []storebatch.Prepared) ([]dauys.SaveResult, func() error, error) {
	res, durable, err := h.Store.SavePreparedDeferred(ctx, pp)
	h.commits <- len(pp)
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

// gatedStore holds the first transaction of each round until the test
// opens the gate, so that the senders behind it queue into one group. It
// takes prepared protocols, as the store beneath it does.
type gatedStore struct {
	dauys.Store
	saver intake.PreparedSaver
	sizes chan int      // the size of each transaction, as it is asked for
	gate  chan struct{} // closed once the round's senders have queued
}

func (g *gatedStore) SavePrepared(ctx context.Context, pp []storebatch.Prepared) ([]dauys.SaveResult, error) {
	g.sizes <- len(pp)
	<-g.gate
	return g.saver.SavePrepared(ctx, pp)
}

// TestGroupCommitRefusesABadProtocolAlone: the senders of a group check
// and encode their protocols before they queue (storebatch.Prepare); a
// protocol that fails those checks is refused alone, with the error the
// store gives it on its own, whether the group's transaction commits or is
// refused and saved apart, and the others are stored.
func TestGroupCommitRefusesABadProtocolAlone(t *testing.T) {
	eachStore(t, func(t *testing.T, s rawStore) {
		ctx := context.Background()
		if err := s.CreateElection(ctx, testElection(false)); err != nil {
			t.Fatal(err)
		}
		saver, ok := s.Store.(intake.PreparedSaver)
		if !ok {
			t.Fatalf("%T does not take prepared protocols", s.Store)
		}
		g := &gatedStore{Store: s.Store, saver: saver, sizes: make(chan int, 16)}
		in := intake.New(g, nil)
		protocol := func(contest, area string, a int64) *dauys.Protocol {
			path := map[string][]string{"p1": {"p1", "r1", "kz"}, "p2": {"p2", "r1", "kz"}, "p3": {"p3", "r2", "kz"}}[area]
			return &dauys.Protocol{Election: "e", Contest: contest, Area: area, Path: path,
				Lines: map[string]int64{"took_part": 600, "option:a": a}}
		}
		badHash := protocol("list", "p2", 400)
		badHash.Hash = protocol("list", "p2", 401).ContentHash()
		negative := protocol("list", "p2", -1)
		recount := protocol("list", "p3", 400)
		recount.Kind = "recount"
		amendment := protocol("list", "p1", 450)
		amendment.Kind, amendment.Reason = dauys.ProtocolAmendment, "recount"
		bad := map[*dauys.Protocol]bool{badHash: true, negative: true, recount: true, nil: true}
		noArea, unknownArea := protocol("list", "", 400), protocol("list", "p9", 400)
		bad[noArea], bad[unknownArea] = true, true

		// round sends each batch as its own sender, the first alone in
		// its group and the others together in the next one.
		round := func(t *testing.T, batches [][]*dauys.Protocol) [][]dauys.SaveResult {
			t.Helper()
			g.gate = make(chan struct{})
			results := make([][]dauys.SaveResult, len(batches))
			var wg sync.WaitGroup
			send := func(i int) {
				wg.Go(func() {
					res, err := intake.GroupSave(in, ctx, batches[i])
					if err != nil {
						t.Error(err)
					}
					results[i] = res
				})
			}
			send(0)
			if n := <-g.sizes; n != len(batches[0]) {
				t.Fatalf("the first transaction holds %d protocols, want %d", n, len(batches[0]))
			}
			for i := 1; i < len(batches); i++ {
				send(i)
			}
			for deadline := time.Now().Add(30 * time.Second); intake.Queued(in) < len(batches)-1; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d senders queued, want %d", intake.Queued(in), len(batches)-1)
				}
			}
			close(g.gate)
			wg.Wait()
			want := 0
			for _, b := range batches[1:] {
				want += len(b)
			}
			if n := <-g.sizes; n != want {
				t.Errorf("the group holds %d protocols, want %d", n, want)
			}
			return results
		}
		// check compares each result with what it must be: a bad
		// protocol's refusal is the one the store gives it alone.
		check := func(t *testing.T, batches [][]*dauys.Protocol, results [][]dauys.SaveResult, wants map[*dauys.Protocol]string) {
			t.Helper()
			for i, b := range batches {
				for j, p := range b {
					r := results[i][j]
					if !bad[p] {
						if want := wants[p]; r.Err != nil || r.Outcome != want {
							t.Errorf("sender %d, protocol %d: %+v, %v; want %s", i, j, r, r.Err, want)
						}
						continue
					}
					alone, err := s.SaveProtocols(ctx, []*dauys.Protocol{p})
					if err != nil {
						t.Fatal(err)
					}
					if r.Err == nil || alone[0].Err == nil || dauys.ErrorCode(r.Err) != dauys.ErrorCode(alone[0].Err) || r.Err.Error() != alone[0].Err.Error() {
						t.Errorf("sender %d, protocol %d: refused with %v; alone with %v", i, j, r.Err, alone[0].Err)
					}
				}
			}
		}

		// A group whose transaction commits.
		p1, p2 := protocol("list", "p1", 400), protocol("list", "p2", 300)
		batches := [][]*dauys.Protocol{{p1, badHash, nil}, {negative, p2}, {recount, noArea, unknownArea}}
		check(t, batches, round(t, batches), map[*dauys.Protocol]string{p1: dauys.OutcomeAccepted, p2: dauys.OutcomeAccepted})
		if n := len(g.sizes); n != 0 {
			t.Errorf("%d more transactions, want none", n)
		}

		// A group refused for a running total that p3 would take past an
		// int64, then saved apart: the prepared protocols are saved again.
		s.exec(t, `INSERT INTO totals (election_id, contest_id, area_id, line, value) VALUES ('e', 'list', 'r2', 'option:a', 9223372036854775800)`)
		smd := protocol("smd1", "p1", 10)
		p3 := protocol("list", "p3", 400)
		batches = [][]*dauys.Protocol{{smd}, {badHash, amendment}, {negative, p3}}
		results := round(t, batches)
		if r := results[2][1]; dauys.ErrorCode(r.Err) != dauys.EINVALID || !strings.Contains(dauys.ErrorMessage(r.Err), "overflow") {
			t.Errorf("p3: %+v, %v", r, r.Err)
		}
		results[2] = results[2][:1]
		batches[2] = batches[2][:1]
		check(t, batches, results, map[*dauys.Protocol]string{smd: dauys.OutcomeAccepted, amendment: dauys.OutcomeAmended})
		if n := len(g.sizes); n != 4 {
			t.Errorf("%d transactions after the refused group, want 4, one a protocol", n)
		}
		for len(g.sizes) > 0 {
			if n := <-g.sizes; n != 1 {
				t.Errorf("a transaction of %d protocols after the refused group, want 1", n)
			}
		}
		for _, k := range []struct {
			contest, area string
			version       int
		}{{"list", "p1", 2}, {"list", "p2", 1}, {"smd1", "p1", 1}} {
			if got, err := s.Protocol(ctx, "e", k.contest, k.area); err != nil || got.Version != k.version {
				t.Errorf("%s %s: %+v, %v; want version %d", k.contest, k.area, got, err, k.version)
			}
		}
		if _, err := s.Protocol(ctx, "e", "list", "p3"); dauys.ErrorCode(err) != dauys.ENOTFOUND {
			t.Errorf("p3 was stored: %v", err)
		}
	})
}
