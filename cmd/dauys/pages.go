package main

import (
	"log/slog"

	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/web"
)

// registerPages serves the human-readable pages beside the API.
func registerPages(api *httpapi.Server, s *store, log *slog.Logger) {
	web.New(web.Config{Store: s, Tally: s.tally, Logger: log}).Register(api.Mux())
}
