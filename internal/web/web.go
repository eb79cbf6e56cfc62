// Package web serves the human-readable pages of Dauys.
package web

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"sort"
	"strconv"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tally"
)

//go:embed templates/*.html
var templates embed.FS

// Config wires the pages to their data.
type Config struct {
	Store  dauys.Store
	Tally  *tally.Tally
	Logger *slog.Logger
}

// Site serves the pages.
type Site struct {
	cfg  Config
	tmpl *template.Template
}

// New parses the templates.
func New(cfg Config) *Site {
	funcs := template.FuncMap{
		"en":  func(t dauys.Text) string { return t.In("en") },
		"pct": func(p tally.Progress) string { return strconv.FormatFloat(p.Percent(), 'f', 1, 64) },
		"sorted": func(m map[string]int64) []kv {
			out := make([]kv, 0, len(m))
			for k, v := range m {
				out = append(out, kv{k, v})
			}
			sort.Slice(out, func(i, j int) bool { return out[i].K < out[j].K })
			return out
		},
	}
	return &Site{cfg: cfg, tmpl: template.Must(template.New("").Funcs(funcs).ParseFS(templates, "templates/*.html"))}
}

type kv struct {
	K string
	V int64
}

// Register adds the pages to a mux.
func (s *Site) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.home)
}

func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	es, err := s.cfg.Store.Elections(r.Context())
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var results []*tally.Results
	for _, e := range es {
		res, err := s.cfg.Tally.Area(r.Context(), e.ID, "")
		if err != nil {
			s.cfg.Logger.Error("home", "election", e.ID, "err", err)
			continue
		}
		results = append(results, res)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "strict-origin-when-cross-origin")
	if err := s.tmpl.ExecuteTemplate(w, "home.html", results); err != nil {
		s.cfg.Logger.Error("render home", "err", err)
	}
}
