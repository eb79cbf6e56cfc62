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
	w, ok := s.Store.(dauys.Watcher)
	if !ok {
		return
	}
	go func() {
		for ctx.Err() == nil {
			err := w.Watch(ctx, func(c dauys.Change) {
				if c.What != "protocols" {
					s.intake.Forget(c.Election)
				}
			})
			if ctx.Err() != nil {
				return
			}
			// A lost connection may have hidden changes: forget everything.
			log.Warn("watching for changes", "err", err)
			if es, err := s.Elections(ctx); err == nil {
				for _, e := range es {
					s.intake.Forget(e.ID)
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
}
