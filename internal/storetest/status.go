package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/dauys/dauys"
)

func testElectionStatus(t *testing.T, fresh func(*testing.T) dauys.Store) {
	t.Run("lifecycle with history", func(t *testing.T) {
		s := fresh(t)
		f := newFixture(t, s)
		id := f.e.ID
		change := func(c dauys.StatusChange) error {
			c.Election = id
			return s.ChangeElectionStatus(t.Context(), &c)
		}
		checkCode(t, "skip voting", change(dauys.StatusChange{To: dauys.StatusCounting}), dauys.ECONFLICT)
		checkCode(t, "polls open", change(dauys.StatusChange{To: dauys.StatusVoting, Actor: "cec", At: at(1)}), "")
		checkCode(t, "polls close", change(dauys.StatusChange{To: dauys.StatusCounting, Actor: "cec"}), "")
		checkCode(t, "final without a decision", change(dauys.StatusChange{To: dauys.StatusFinal}), dauys.EINVALID)
		checkCode(t, "final", change(dauys.StatusChange{To: dauys.StatusFinal, DecisionDate: "2026-03-17",
			DecisionNumber: "7/123", Actor: "cec", At: at(3)}), "")
		checkCode(t, "reopen without a reason", change(dauys.StatusChange{To: dauys.StatusCounting}), dauys.EINVALID)
		checkCode(t, "reopen", change(dauys.StatusChange{To: dauys.StatusCounting, Reason: "recount in p1", Actor: "cec", At: at(4)}), "")
		e, err := s.Election(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != dauys.StatusCounting {
			t.Errorf("status %s", e.Status)
		}
		h, err := s.StatusHistory(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		want := []dauys.StatusChange{
			{Election: id, From: dauys.StatusPreElection, To: dauys.StatusVoting, Actor: "cec", At: at(1)},
			{Election: id, From: dauys.StatusVoting, To: dauys.StatusCounting, Actor: "cec"},
			{Election: id, From: dauys.StatusCounting, To: dauys.StatusFinal, DecisionDate: "2026-03-17", DecisionNumber: "7/123", Actor: "cec", At: at(3)},
			{Election: id, From: dauys.StatusFinal, To: dauys.StatusCounting, Reason: "recount in p1", Actor: "cec", At: at(4)},
		}
		if len(h) != len(want) {
			t.Fatalf("history %+v", h)
		}
		for i := range h {
			g, w := h[i], want[i]
			if w.At.IsZero() {
				if g.At.IsZero() {
					t.Errorf("change %d: no time set", i)
				}
			} else if !g.At.Equal(w.At) {
				t.Errorf("change %d: at %v, want %v", i, g.At, w.At)
			}
			g.At = w.At
			if g != w {
				t.Errorf("change %d:\n got %+v\nwant %+v", i, g, w)
			}
		}
		if d := dauys.FinalDecision(h); d != nil {
			t.Errorf("a reopened election has a final decision: %+v", d)
		}
	})
	t.Run("set status is recorded", func(t *testing.T) {
		s := fresh(t)
		f := newFixture(t, s)
		if err := s.SetElectionStatus(t.Context(), f.e.ID, dauys.StatusComplete); err != nil {
			t.Fatal(err)
		}
		h, err := s.StatusHistory(t.Context(), f.e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 1 || h[0].From != dauys.StatusPreElection || h[0].To != dauys.StatusComplete || h[0].At.IsZero() {
			t.Errorf("history %+v", h)
		}
		// complete reads as counting: the next step is final.
		c := &dauys.StatusChange{Election: f.e.ID, To: dauys.StatusFinal, DecisionDate: "2026-03-17", DecisionNumber: "1"}
		checkCode(t, "final after complete", s.ChangeElectionStatus(t.Context(), c), "")
		if c.From != dauys.StatusComplete {
			t.Errorf("from %q", c.From)
		}
	})
	t.Run("missing election", func(t *testing.T) {
		s := fresh(t)
		checkCode(t, "change", s.ChangeElectionStatus(t.Context(), &dauys.StatusChange{Election: "nope", To: dauys.StatusVoting}), dauys.ENOTFOUND)
		_, err := s.StatusHistory(t.Context(), "nope")
		checkCode(t, "history", err, dauys.ENOTFOUND)
	})
	t.Run("concurrent changes", func(t *testing.T) {
		s := fresh(t)
		f := newFixture(t, s)
		const workers = 6
		var wg sync.WaitGroup
		codes := make(chan string, workers)
		for range workers {
			wg.Go(func() {
				codes <- dauys.ErrorCode(s.ChangeElectionStatus(context.Background(), &dauys.StatusChange{Election: f.e.ID, To: dauys.StatusVoting}))
			})
		}
		wg.Wait()
		close(codes)
		ok := 0
		for c := range codes {
			switch c {
			case "":
				ok++
			case dauys.ECONFLICT:
			default:
				t.Errorf("code %s", c)
			}
		}
		h, err := s.StatusHistory(t.Context(), f.e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok != 1 || len(h) != 1 {
			t.Errorf("%d changes succeeded, history %+v; want exactly one", ok, h)
		}
	})
}
