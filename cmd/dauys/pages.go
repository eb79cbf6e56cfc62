package main

import (
	"bytes"
	"context"
	"log/slog"
	"sync"

	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/web"
)

// registerPages serves the public results site beside the API: / redirects
// to the Kazakh pages, /kk/, /ru/ and /en/ hold the site, /data/ its
// downloads and /static/ its stylesheet and script.
func registerPages(api *httpapi.Server, s *store, log *slog.Logger, met web.Metrics, publicURL string) {
	site, err := web.New(web.Config{Store: s.Backend, Tally: s.tally, Images: s.images, Logger: log,
		Boundaries: definitionBoundaries(s, log), Metrics: met, PublicURL: publicURL})
	if err != nil {
		// The templates and catalogs are embedded: only a broken build
		// gets here, and the tests of internal/web catch that first.
		panic(err)
	}
	site.Register(api.Mux())
}

// definitionBoundaries returns the geographic boundaries an election's
// definition carries (boundaries_file), parsed once per election.
func definitionBoundaries(s *store, log *slog.Logger) func(election string) *web.Boundaries {
	var cache sync.Map // election id -> *web.Boundaries (nil for none)
	return func(election string) *web.Boundaries {
		if b, ok := cache.Load(election); ok {
			return b.(*web.Boundaries)
		}
		e, err := s.elections.Load(context.Background(), election)
		if err != nil {
			return nil
		}
		var b *web.Boundaries
		if len(e.Boundaries) > 0 {
			if b, err = web.ParseGeoJSON(bytes.NewReader(e.Boundaries)); err != nil {
				log.Warn("the definition's boundaries", "election", election, "err", err)
				b = nil
			}
		}
		cache.Store(election, b)
		return b
	}
}
