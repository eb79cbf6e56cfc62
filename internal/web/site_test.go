package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/web"
)

// pages lists a page of every kind in every language.
func pages() []string {
	var out []string
	for _, lang := range []string{"kk", "ru", "en"} {
		for _, p := range []string{"", "e/fx-2025/", "e/fx-2025/a/FX-S.html", "e/fx-2025/a/FX-S-1.html", "e/fx-2025/a/FX-S-1-1.html",
			"e/fx-2025/c/parliament-list.html", "e/fx-2025/c/parliament-smd-1.html", "e/fx-2025/districts.html",
			"e/fx-2025/search.html?q=1", "e/fx-ref/", "e/fx-ref/c/constitution.html", "e/fx-ref/a/RF-B.html",
			"e/fx-pres/c/president.html", "e/fx-pres/"} {
			out = append(out, "/"+lang+"/"+p)
		}
	}
	return out
}

var (
	inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)
	styleAttr    = regexp.MustCompile(`\sstyle\s*=`)
	handlerAttr  = regexp.MustCompile(`\son[a-z]+\s*=\s*"`)
	styleElement = regexp.MustCompile(`<style[\s>]`)
)

// TestSecurityHeadersAndNoInline checks that every page sends the security
// headers and holds nothing its Content-Security-Policy would block: no
// inline script, style element, style attribute or event handler.
func TestSecurityHeadersAndNoInline(t *testing.T) {
	fx := mustFixture(t, nil)
	h := fx.site.Handler()
	for _, p := range append(pages(), "/kk/nope", "/en/e/nope/") {
		rec := get(t, h, p)
		if rec.Code >= 500 {
			t.Fatalf("GET %s: %d", p, rec.Code)
		}
		hd := rec.Header()
		csp := hd.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: CSP allows unsafe-inline", p)
		}
		if hd.Get("X-Content-Type-Options") != "nosniff" || hd.Get("Referrer-Policy") == "" {
			t.Errorf("GET %s: headers %v", p, hd)
		}
		body := rec.Body.String()
		for name, re := range map[string]*regexp.Regexp{"inline script": inlineScript, "style attribute": styleAttr, "event handler": handlerAttr, "style element": styleElement} {
			if loc := re.FindStringIndex(body); loc != nil {
				t.Errorf("GET %s: %s at %q", p, name, body[max(0, loc[0]-40):min(len(body), loc[1]+40)])
			}
		}
	}
	if m := fx.site.MissingMessages(); len(m) > 0 {
		t.Errorf("messages missing from the catalogs:\n%s", strings.Join(m, "\n"))
	}
}

func TestRedirectAndNotFound(t *testing.T) {
	fx := mustFixture(t, nil)
	h := fx.site.Handler()
	rec := get(t, h, "/")
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/kk/" {
		t.Errorf("GET /: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	for _, p := range []string{"/kk/e/nope/", "/ru/e/fx-2025/a/NOPE.html", "/en/e/fx-2025/c/nope.html", "/kk/whatever", "/data/fx-2025/a/NOPE.json", "/static/site.css"} {
		if rec := get(t, h, p); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, rec.Code)
		}
	}
	rec = get(t, h, "/ru/e/nope/")
	if !strings.Contains(rec.Body.String(), "Страница не найдена") || !strings.Contains(rec.Body.String(), `lang="ru"`) {
		t.Errorf("the Russian 404 page is not in Russian:\n%s", rec.Body)
	}
}

// TestCachingHeaders checks gzip, ETag revalidation and the cache lifetimes
// of pages and assets.
func TestCachingHeaders(t *testing.T) {
	fx := mustFixture(t, nil)
	srv := httptest.NewServer(fx.site.Handler())
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/en/e/fx-2025/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatalf("not gzip: %v (Content-Encoding %q)", err, res.Header.Get("Content-Encoding"))
	}
	page, _ := io.ReadAll(zr)
	res.Body.Close()
	if !bytes.Contains(page, []byte("<!doctype html>")) || res.Header.Get("Cache-Control") != "public, max-age=5" || res.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("gzip page: %v", res.Header)
	}
	etag := res.Header.Get("ETag")
	req.Header.Set("If-None-Match", etag)
	res, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: %d, want 304", etag, res.StatusCode)
	}
	css := regexp.MustCompile(`href="\.\./\.\./\.\./(static/site\.[0-9a-f]+\.css)"`).FindSubmatch(page)
	if css == nil {
		t.Fatal("no stylesheet link")
	}
	res, err = http.Get(srv.URL + "/" + string(css[1]))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %v", res.StatusCode, res.Header)
	}
}

// TestLiveUpdate submits a protocol and checks that the version, the status
// file and the page change once the freshness has passed, and not before.
func TestLiveUpdate(t *testing.T) {
	fx := mustFixture(t, nil)
	h := fx.site.Handler()
	status := func() string {
		var doc struct{ Version string }
		if err := json.Unmarshal(get(t, h, "/data/fx-2025/status.json").Body.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Version
	}
	v1 := status()
	page1 := get(t, h, "/en/e/fx-2025/").Body.String()
	if !strings.Contains(page1, `data-version="`+v1+`"`) {
		t.Fatalf("the page does not carry version %s", v1)
	}
	fx.submit(t, "fx-2025", sub("parliament-list", "FX-N-2-2", "registered=800 took_part=500 invalid=5 against_all=15 option:alpha=200 option:beta=200 option:gamma=60 option:delta=20"))
	fx.clock.Set(fixedNow.Add(time.Second))
	if v := status(); v != v1 {
		t.Errorf("the version changed within the freshness: %s -> %s", v1, v)
	}
	fx.clock.Set(fixedNow.Add(time.Minute))
	v2 := status()
	if v2 == v1 {
		t.Fatal("the version did not change after a new protocol")
	}
	page2 := get(t, h, "/en/e/fx-2025/").Body.String()
	if !strings.Contains(page2, `data-version="`+v2+`"`) || !strings.Contains(page2, "10 / 10") {
		t.Errorf("the page was not re-rendered for version %s", v2)
	}
}

// TestSearch finds precincts by number, id and place.
func TestSearch(t *testing.T) {
	fx := mustFixture(t, nil)
	h := fx.site.Handler()
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"fx-s-1-2", []string{"a/FX-S-1-2.html"}},
		{"№ 2", []string{"a/FX-N-1-2.html", "a/FX-C-1-2.html"}},
		{"Lake", []string{"a/FX-N-1.html"}},
		{"южная", []string{"a/FX-S.html"}},
	} {
		body := get(t, h, "/en/e/fx-2025/search.html?q="+strings.ReplaceAll(tc.q, " ", "+")).Body.String()
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("search %q: no link to %s", tc.q, w)
			}
		}
	}
	var ix struct {
		Areas [][]string
		Names map[string][3]string
	}
	if err := json.Unmarshal(get(t, h, "/data/fx-2025/precincts.json").Body.Bytes(), &ix); err != nil {
		t.Fatal(err)
	}
	if len(ix.Areas) != 19 || ix.Names["FX-N"][1] != "Северная область" {
		t.Errorf("search index: %d areas, names %v", len(ix.Areas), ix.Names["FX-N"])
	}
}

// TestLanguageSwitcherKeepsPage checks that each language link points at
// the same page in the other language.
func TestLanguageSwitcherKeepsPage(t *testing.T) {
	fx := mustFixture(t, nil)
	body := get(t, fx.site.Handler(), "/ru/e/fx-2025/a/FX-S-1.html").Body.String()
	for _, want := range []string{
		`href="../../../../kk/e/fx-2025/a/FX-S-1.html" hreflang="kk"`,
		`href="../../../../en/e/fx-2025/a/FX-S-1.html" hreflang="en"`,
		`href="../../../../ru/e/fx-2025/a/FX-S-1.html" hreflang="ru" lang="ru" aria-current="page"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s", want)
		}
	}
}

// TestCatalogs checks that every language has every message, with the
// plural forms CLDR gives the language: one and other in Kazakh and
// English; one, few, many and other in Russian.
func TestCatalogs(t *testing.T) {
	forms := map[string][]string{"kk": {"one", "other"}, "en": {"one", "other"}, "ru": {"one", "few", "many", "other"}}
	cats := map[string]map[string]any{}
	for lang := range forms {
		// The language's file and its parts (day.kk.json).
		parts, _ := filepath.Glob(filepath.Join("locales", "*."+lang+".json"))
		m := map[string]any{}
		for _, name := range append([]string{filepath.Join("locales", lang+".json")}, parts...) {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			var part map[string]any
			if err := json.Unmarshal(b, &part); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for id, v := range part {
				if _, dup := m[id]; dup {
					t.Errorf("%s: %s is defined twice", name, id)
				}
				m[id] = v
			}
		}
		cats[lang] = m
	}
	for id, en := range cats["en"] {
		_, plural := en.(map[string]any)
		for lang, want := range forms {
			v, ok := cats[lang][id]
			if !ok {
				t.Errorf("%s lacks %s", lang, id)
				continue
			}
			m, isMap := v.(map[string]any)
			if isMap != plural {
				t.Errorf("%s %s: plural in one language and not in another", lang, id)
				continue
			}
			for _, f := range want {
				if s, _ := m[f].(string); plural && s == "" {
					t.Errorf("%s %s lacks the plural form %q", lang, id, f)
				}
			}
			if !plural && strings.TrimSpace(v.(string)) == "" {
				t.Errorf("%s %s is empty", lang, id)
			}
		}
	}
	for lang, m := range cats {
		for id := range m {
			if _, ok := cats["en"][id]; !ok {
				t.Errorf("%s has %s, which English lacks", lang, id)
			}
		}
	}
}

// TestNumbersAndDates checks the locale formats on the pages.
func TestNumbersAndDates(t *testing.T) {
	fx := mustFixture(t, nil)
	h := fx.site.Handler()
	for _, tc := range []struct{ path, want string }{
		{"/kk/e/fx-2025/", "14\u00a0900"},
		{"/ru/e/fx-2025/", "14\u00a0900"},
		{"/en/e/fx-2025/", "14,900"},
		{"/ru/e/fx-2025/", "62,55\u00a0%"},
		{"/kk/e/fx-2025/", "62,55%"},
		{"/en/e/fx-2025/", "62.55%"},
		{"/en/e/fx-2025/", "16 March 2025"},
		{"/ru/e/fx-2025/", "16 марта 2025 г."},
		{"/kk/e/fx-2025/", "2025 жылғы 16 наурыз"},
		{"/en/e/fx-2025/", "Updated 17 March 2025, 01:00:00 (UTC&#43;5)"},
		{"/ru/e/fx-2025/c/parliament-list.html", "мандаты делят 3 списка"},
		{"/kk/e/fx-2025/a/FX-N-1-1.html", "Хаттама 1 рет түзетілді"},
	} {
		if body := get(t, h, tc.path).Body.String(); !strings.Contains(body, tc.want) {
			t.Errorf("%s: no %q", tc.path, tc.want)
		}
	}
}

// TestProtocolHistoryShown checks that an amendment shows both versions,
// the reason and the changed lines.
func TestProtocolHistoryShown(t *testing.T) {
	fx := mustFixture(t, nil)
	body := get(t, fx.site.Handler(), "/en/e/fx-2025/a/FX-N-1-1.html").Body.String()
	for _, want := range []string{"Version 1", "Version 2", "five ballots for Beta were counted for Alpha", "Alpha Party: 405 → 400", "Beta Party: 145 → 150", "amendment"} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q", want)
		}
	}
	vs, err := fx.store.ProtocolVersions(context.Background(), "fx-2025", "parliament-list", "FX-N-1-1")
	if err != nil || len(vs) != 2 {
		t.Fatalf("versions: %v %v", len(vs), err)
	}
	var _ intake.Submission
}

// TestBeforeTheCount renders every page of elections without a single
// protocol: nothing to divide, no history, no leader.
func TestBeforeTheCount(t *testing.T) {
	fx := mustFixtureWith(t, func(c *web.Config) { c.Boundaries = boundaries(t) }, false)
	ctx := context.Background()
	for _, id := range []string{"fx-2025", "fx-ref", "fx-pres"} {
		if err := fx.store.SetElectionStatus(ctx, id, dauys.StatusPreElection); err != nil {
			t.Fatal(err)
		}
		fx.intake.Elections().Forget(id)
	}
	h := fx.site.Handler()
	for _, p := range append(pages(), "/en/e/fx-2025/a/FX-N-1-1.html", "/data/fx-2025/a/FX.csv", "/data/fx-2025/status.json") {
		rec := get(t, h, p)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d\n%s", p, rec.Code, rec.Body)
		}
	}
	if body := get(t, h, "/en/").Body.String(); !strings.Contains(body, "Before the vote") {
		t.Error("the home page does not say the elections are before the vote")
	}
	if body := get(t, h, "/en/e/fx-2025/c/parliament-list.html").Body.String(); !strings.Contains(body, "No votes counted yet") {
		t.Error("the party list does not say that nothing is counted")
	}
	if m := fx.site.MissingMessages(); len(m) > 0 {
		t.Errorf("messages missing from the catalogs:\n%s", strings.Join(m, "\n"))
	}
}
