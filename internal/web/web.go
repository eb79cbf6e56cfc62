// Package web serves the public results site of Dauys: server-rendered
// pages in Kazakh, Russian and English for election night and after, with
// charts drawn as SVG on the server beside tables of the same numbers, a
// tile-grid map of the regions, downloads in CSV and JSON, and a static
// export of the whole site (Publish) that any web server or CDN can serve.
//
// Pages are rendered once per version of an election's totals and kept in
// memory, compressed, so that a results page costs about as much to serve
// as a static file. A small script, when JavaScript is on, polls a tiny JSON
// file and swaps in the new page content without a reload; without it the
// pages work, print and read the same.
//
// URLs are files ("/kk/e/kz-2023/a/KZ-75.html") and every link is relative,
// so that the exported site and the live one are the same pages.
//
// It owns the pages, templates, SVG, translations and the static export. It
// reads elections, results and protocols through internal/tally and the log
// through internal/tlog, and must never import intake (the site never
// submits), httpapi, cdf or a store driver.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/forensics"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/tlog"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config wires the site to its data. Store and Tally are required: the
// site reads elections, results and protocols through Tally, and Store
// only for its transparency log (tlog.Storage), unless Log is given.
type Config struct {
	Store  tlog.Store
	Tally  *tally.Tally
	Logger *slog.Logger
	// Now is the clock; tests fix it.
	Now func() time.Time
	// Location is the zone in which times are shown (default Asia/Almaty;
	// the whole country is UTC+5 since 1 March 2024).
	Location *time.Location
	// Freshness is how long a computed version of an election's totals is
	// trusted before the store is asked again (default 2s). Pages are
	// rendered at most once per version, so this bounds both how stale a
	// page can be and how often the store is read under load.
	Freshness time.Duration
	// HistoryEvery bounds how often the progress over the night is
	// recomputed from the protocols' arrival times (default 30s).
	HistoryEvery time.Duration
	// PollEvery is how often the pages' script asks whether the results
	// changed (default 15s).
	PollEvery time.Duration
	// CacheEntries bounds the rendered pages kept in memory (default 4096),
	// CacheBytes their size with their gzip forms (default 128 MiB).
	CacheEntries int
	CacheBytes   int64
	// Boundaries returns the geographic boundaries of an election's areas,
	// or nil; with them the region pages draw a map beside the cartogram.
	Boundaries func(election string) *Boundaries
	// ElectionLinks returns further pages about an election, linked from
	// its overview (the slot where the integrity and forensics pages go).
	ElectionLinks func(e *dauys.Election) []Link
	// Log reads the elections' transparency logs, for the checkpoint on
	// the overview and the log index of each protocol version. Nil means
	// a log over Store; elections without a log show nothing of it.
	Log *tlog.Log
	// PublicURL is the site's address as readers reach it
	// ("http://127.0.0.1:8080/"), for the dauys verify command the pages
	// give to copy; empty leaves a placeholder there. An exported site
	// always has the placeholder: its address is the host's.
	PublicURL string
	// Images keeps observers' photos of protocol copies; with it the
	// export (Publish) carries them under images/<sha256>.
	Images dauys.ImageStore
	// Forensics tunes the statistical signals of the integrity pages
	// (zero: the published method, 1000 replicates, seed 0, as `dauys
	// forensics` computes them).
	Forensics forensics.Config
	// Metrics, when set, is told of the page cache's hits and misses.
	Metrics Metrics
}

// Metrics is what the site tells the operators' dashboards.
// internal/metrics implements it; web does not import it, nor the
// Prometheus library. Its methods must not block.
type Metrics interface {
	// CacheLookup counts a lookup in a cache ("pages" here).
	CacheLookup(cache string, hit bool)
}

// Link is a link to a page of the site, for ElectionLinks. Path is
// relative to the election's folder in a language ("integrity.html" is
// /kk/e/<id>/integrity.html).
type Link struct {
	Text dauys.Text
	Path string
}

// Site serves the pages.
type Site struct {
	cfg     Config
	log     *slog.Logger
	cat     *catalog
	locales map[string]*locale
	pages   map[string]*template.Template
	assets  *assets
	missing missingMessages

	versions  versionCache
	cache     pageCache
	summaries summaryCache
	history   historyCache
	search    searchCache
	signals   signalCache
	// checksCache keeps the observers' checks of each election for its
	// current version (observers.go).
	checksCache checksCache
}

// New loads the catalogs and templates; an error means the binary itself is
// broken.
func New(cfg Config) (*Site, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = almaty()
	}
	if cfg.Freshness <= 0 {
		cfg.Freshness = 2 * time.Second
	}
	if cfg.HistoryEvery <= 0 {
		cfg.HistoryEvery = 30 * time.Second
	}
	if cfg.PollEvery <= 0 {
		cfg.PollEvery = 15 * time.Second
	}
	if cfg.CacheEntries <= 0 {
		cfg.CacheEntries = 4096
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = 128 << 20
	}
	if cfg.Log == nil {
		cfg.Log = &tlog.Log{Storage: cfg.Store}
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	s := &Site{cfg: cfg, log: cfg.Logger, cat: cat, locales: map[string]*locale{}}
	for _, lang := range dauys.Languages {
		s.locales[lang] = newLocale(cat, lang, cfg.Location, s.missing.add)
	}
	if s.pages, err = parseTemplates(); err != nil {
		return nil, err
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	s.cache.max, s.cache.maxBytes = cfg.CacheEntries, cfg.CacheBytes
	if cfg.Metrics != nil {
		s.cache.lookup = func(hit bool) { cfg.Metrics.CacheLookup("pages", hit) }
	}
	return s, nil
}

// almaty returns the zone of Kazakhstan, falling back to a fixed UTC+5
// where the system has no zone database.
func almaty() *time.Location {
	if loc, err := time.LoadLocation("Asia/Almaty"); err == nil {
		return loc
	}
	return time.FixedZone("UTC+5", 5*3600)
}

func parseTemplates() (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/parts*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/page-*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/page-"), ".html")
		out[name] = t
	}
	return out, nil
}

// Register adds the site to a mux: / redirects to the Kazakh home page.
func (s *Site) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		http.Redirect(w, r, "/"+dauys.Languages[0]+"/", http.StatusFound)
	})
	for _, lang := range dauys.Languages {
		p := "GET /" + lang + "/"
		mux.HandleFunc(p+"{$}", s.handle(lang, pageHome))
		mux.HandleFunc(p+"index.html", s.handle(lang, pageHome))
		mux.HandleFunc(p+"e/{id}/{$}", s.handle(lang, pageOverview))
		mux.HandleFunc(p+"e/{id}/index.html", s.handle(lang, pageOverview))
		mux.HandleFunc(p+"e/{id}/a/{file}", s.handle(lang, pageArea))
		mux.HandleFunc(p+"e/{id}/c/{file}", s.handle(lang, pageContest))
		mux.HandleFunc(p+"e/{id}/districts.html", s.handle(lang, pageDistricts))
		mux.HandleFunc(p+"e/{id}/search.html", s.handle(lang, pageSearch))
		mux.HandleFunc(p+"e/{id}/integrity.html", s.handle(lang, pageIntegrity))
		mux.HandleFunc(p+"e/{id}/verify.html", s.handle(lang, pageVerify))
		mux.HandleFunc(p+"{rest...}", s.handle(lang, pageNotFound))
	}
	mux.HandleFunc("GET /data/{id}/a/{file}", s.serveAreaData)
	mux.HandleFunc("GET /data/{id}/excel/{file}", s.serveExcelData)
	mux.HandleFunc("GET /data/{id}/status.json", s.serveStatus)
	mux.HandleFunc("GET /data/{id}/precincts.json", s.serveSearchIndex)
	mux.HandleFunc("GET /static/{file}", s.serveAsset)
}

// Handler returns the site alone on a new mux, for tests and for serving
// the site without the API.
func (s *Site) Handler() http.Handler {
	mux := http.NewServeMux()
	s.Register(mux)
	return mux
}

// Page kinds.
const (
	pageHome      = "home"
	pageOverview  = "overview"
	pageArea      = "area"
	pageContest   = "contest"
	pageDistricts = "districts"
	pageSearch    = "search"
	pageIntegrity = "integrity"
	pageVerify    = "verify"
	pageNotFound  = "notfound"
)

// target is a page to render: its kind, language and what it is about.
type target struct {
	kind     string
	lang     string
	election string
	id       string // area or contest
	query    string // search
}

// self is the page's path below its language folder; it names the page in
// the cache, in links and in the exported site.
func (t target) self() string {
	switch t.kind {
	case pageHome:
		return "index.html"
	case pageOverview:
		return "e/" + tlog.Slug(t.election) + "/index.html"
	case pageArea:
		return "e/" + tlog.Slug(t.election) + "/a/" + tlog.Slug(t.id) + ".html"
	case pageContest:
		return "e/" + tlog.Slug(t.election) + "/c/" + tlog.Slug(t.id) + ".html"
	case pageDistricts:
		return "e/" + tlog.Slug(t.election) + "/districts.html"
	case pageSearch:
		return "e/" + tlog.Slug(t.election) + "/search.html"
	case pageIntegrity:
		return "e/" + tlog.Slug(t.election) + "/integrity.html"
	case pageVerify:
		return "e/" + tlog.Slug(t.election) + "/verify.html"
	}
	return "404.html"
}

func (s *Site) handle(lang, kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := target{kind: kind, lang: lang}
		if r.PathValue("id") != "" {
			id, ok := tlog.Unslug(r.PathValue("id"))
			if !ok {
				t.kind = pageNotFound
			}
			t.election = id
		}
		switch kind {
		case pageArea, pageContest:
			id, ok := unslugFile(r.PathValue("file"), ".html")
			if !ok || t.kind == pageNotFound {
				t.kind = pageNotFound
			}
			t.id = id
		case pageSearch:
			t.query = strings.TrimSpace(r.URL.Query().Get("q"))
		}
		s.servePage(w, r, t)
	}
}

func (s *Site) servePage(w http.ResponseWriter, r *http.Request, t target) {
	ctx := r.Context()
	if t.kind == pageNotFound {
		s.writeError(w, r, t.lang, dauys.Errorf(dauys.ENOTFOUND, "no such page"))
		return
	}
	version, err := s.versionOf(ctx, t.election)
	if err != nil {
		s.writeError(w, r, t.lang, err)
		return
	}
	// Search answers depend on the query; they are cheap and not kept.
	if t.kind == pageSearch && t.query != "" {
		body, err := s.render(ctx, t, version, false)
		if err != nil {
			s.writeError(w, r, t.lang, err)
			return
		}
		s.writeEntry(w, r, newEntry(body, "text/html; charset=utf-8", version), cacheLive)
		return
	}
	// The integrity page waits for its statistics, computed in the
	// background once per version; until they are ready it says so and is
	// not kept.
	if t.kind == pageIntegrity && !s.signalsReady(ctx, t.election, version) {
		body, err := s.render(ctx, t, version, false)
		if err != nil {
			s.writeError(w, r, t.lang, err)
			return
		}
		s.writeEntry(w, r, newEntry(body, "text/html; charset=utf-8", version), "no-store")
		return
	}
	key := t.lang + "/" + t.self()
	e, err := s.cache.get(key, version, func() (*entry, error) {
		body, err := s.render(ctx, t, version, false)
		if err != nil {
			return nil, err
		}
		return newEntry(body, "text/html; charset=utf-8", version), nil
	})
	if err != nil {
		s.writeError(w, r, t.lang, err)
		return
	}
	s.writeEntry(w, r, e, cacheLive)
}

// versionOf is the version of what a page shows: the election's totals, or
// for the home page those of every election.
func (s *Site) versionOf(ctx context.Context, election string) (string, error) {
	if election == "" {
		return s.homeVersion(ctx)
	}
	e, err := s.cfg.Tally.Election(ctx, election)
	if err != nil {
		return "", err
	}
	return s.electionVersion(ctx, e)
}

// Cache-Control values.
const (
	cacheLive      = "public, max-age=5"
	cacheImmutable = "public, max-age=31536000, immutable"
)

// csp allows scripts, styles and fetches from the site itself only, no
// inline script or style, and no framing.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// writeError answers with a page in the reader's language; internal
// details go to the log only.
func (s *Site) writeError(w http.ResponseWriter, r *http.Request, lang string, err error) {
	code := dauys.ErrorCode(err)
	status := http.StatusInternalServerError
	switch code {
	case dauys.ENOTFOUND:
		status = http.StatusNotFound
	case dauys.EINVALID:
		status = http.StatusBadRequest
	}
	if code == dauys.EINTERNAL && !errors.Is(err, context.Canceled) {
		s.log.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "err", err)
	}
	body, rerr := s.renderError(r.Context(), lang, status)
	if rerr != nil {
		s.log.ErrorContext(r.Context(), "error page failed", "err", rerr)
		http.Error(w, http.StatusText(status), status)
		return
	}
	h := w.Header()
	securityHeaders(h)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}
