package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/dauys/dauys"
)

// watchChanges keeps a replica's caches right when several servers share a
// PostgreSQL database: a change another process commits to an election's
// areas or status makes this one reload the election. Results need no
// invalidation, as they are read from the running totals. A SQLite file
// has a single process and no watcher.
func watchChanges(ctx context.Context, s *store, log *slog.Logger) {
	// Watching is optional: only PostgreSQL, which several servers can
	// share, announces changes.
	w, ok := s.Backend.(dauys.Watcher)
	if !ok {
		return
	}
	go func() {
		for ctx.Err() == nil {
			err := w.Watch(ctx, func(c dauys.Change) {
				if c.What != "protocols" {
					s.elections.Forget(c.Election)
				}
			})
			if ctx.Err() != nil {
				return
			}
			// A lost connection may have hidden changes: forget everything.
			log.Warn("watching for changes", "err", err)
			if es, err := s.Elections(ctx); err == nil {
				for _, e := range es {
					s.elections.Forget(e.ID)
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
}

// warmElections loads, in the background, the definition and area tree of
// every election still counting, so that the first protocol of the night
// does not wait for a national tree to load (seconds at a million
// precincts). A protocol that arrives sooner loads it itself. loaded is
// called once every election was tried (one that fails to load is logged,
// and loads on its first request): then the server reports itself ready.
// While the store cannot list the elections it tries again.
func warmElections(ctx context.Context, s *store, log *slog.Logger, loaded func()) {
	go func() {
		var es []*dauys.Election
		for {
			var err error
			if es, err = s.Elections(ctx); err == nil {
				break
			}
			log.Warn("loading elections", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(5 * time.Second):
			}
		}
		for _, e := range es {
			if e.Status != dauys.StatusCounting && e.Status != dauys.StatusVoting || ctx.Err() != nil {
				continue
			}
			start := time.Now()
			le, err := s.elections.Load(ctx, e.ID)
			if err != nil {
				log.Warn("loading election", "election", e.ID, "err", err)
				continue
			}
			log.Info("election loaded", "election", e.ID, "areas", len(le.Areas), "took", time.Since(start).Round(time.Millisecond))
		}
		if ctx.Err() == nil {
			loaded()
		}
	}()
}
