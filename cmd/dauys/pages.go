package main

import (
	"log/slog"

	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/web"
)

// registerPages serves the public results site beside the API: / redirects
// to the Kazakh pages, /kk/, /ru/ and /en/ hold the site, /data/ its
// downloads and /static/ its stylesheet and script.
func registerPages(api *httpapi.Server, s *store, log *slog.Logger) {
	site, err := web.New(web.Config{Store: s.Store, Intake: s.intake, Tally: s.tally, Logger: log})
	if err != nil {
		// The templates and catalogs are embedded: only a broken build
		// gets here, and the tests of internal/web catch that first.
		panic(err)
	}
	site.Register(api.Mux())
}
