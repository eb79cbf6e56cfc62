package web_test

import (
	"bytes"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/web"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/web -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./internal/web -run Golden -update and review the diff\n%s", name, firstDiff(want, got))
	}
}

func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\nwant: " + clip(w) + "\ngot:  " + clip(g)
		}
	}
	return ""
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

var svgRE = regexp.MustCompile(`(?s)<svg xmlns="http://www.w3.org/2000/svg".*?</svg>`)

// get serves one request through the site's handler.
func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// TestGoldenPages renders every kind of page of the fixture and compares
// the HTML, and each chart as a standalone SVG, with the golden files.
func TestGoldenPages(t *testing.T) {
	fx := mustFixture(t, func(c *web.Config) { c.Boundaries = boundaries(t) })
	h := fx.site.Handler()
	cases := []struct {
		name, path string
		status     int
	}{
		{"home-kk", "/kk/", 200},
		{"overview-kk", "/kk/e/fx-2025/index.html", 200},
		{"overview-ru", "/ru/e/fx-2025/", 200},
		{"overview-en", "/en/e/fx-2025/index.html", 200},
		{"region-ru", "/ru/e/fx-2025/a/FX-N.html", 200},
		{"district-en", "/en/e/fx-2025/a/FX-N-1.html", 200},
		{"precinct-amended-kk", "/kk/e/fx-2025/a/FX-N-1-1.html", 200},
		{"precinct-warning-ru", "/ru/e/fx-2025/a/FX-N-2-1.html", 200},
		{"precinct-missing-en", "/en/e/fx-2025/a/FX-N-2-2.html", 200},
		{"list-kk", "/kk/e/fx-2025/c/parliament-list.html", 200},
		{"list-en", "/en/e/fx-2025/c/parliament-list.html", 200},
		{"smd-ru", "/ru/e/fx-2025/c/parliament-smd-2.html", 200},
		{"districts-en", "/en/e/fx-2025/districts.html", 200},
		{"search-kk", "/kk/e/fx-2025/search.html?q=%E2%84%96+2", 200},
		{"search-empty-en", "/en/e/fx-2025/search.html", 200},
		{"referendum-overview-en", "/en/e/fx-ref/", 200},
		{"referendum-kk", "/kk/e/fx-ref/c/constitution.html", 200},
		{"referendum-ru", "/ru/e/fx-ref/c/constitution.html", 200},
		{"president-ru", "/ru/e/fx-pres/c/president.html", 200},
		{"president-overview-en", "/en/e/fx-pres/", 200},
		{"integrity-kk", "/kk/e/fx-2025/integrity.html", 200},
		{"integrity-ru", "/ru/e/fx-2025/integrity.html", 200},
		{"integrity-en", "/en/e/fx-2025/integrity.html", 200},
		{"integrity-referendum-en", "/en/e/fx-ref/integrity.html", 200},
		{"verify-kk", "/kk/e/fx-2025/verify.html", 200},
		{"notfound-en", "/en/e/fx-2025/a/NOPE.html", 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, h, tc.path)
			if strings.Contains(tc.path, "integrity") {
				rec = waitSignals(t, h, tc.path)
			}
			if rec.Code != tc.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tc.path, rec.Code, tc.status, rec.Body)
			}
			body := rec.Body.Bytes()
			golden(t, tc.name+".html", body)
			for i, s := range svgRE.FindAll(body, -1) {
				golden(t, tc.name+"-"+strconv.Itoa(i+1)+".svg", append(append([]byte(nil), s...), '\n'))
			}
		})
	}
	if m := fx.site.MissingMessages(); len(m) > 0 {
		t.Errorf("messages missing from the catalogs:\n%s", strings.Join(m, "\n"))
	}
}

// TestGoldenDownloads checks the CSV and JSON downloads.
func TestGoldenDownloads(t *testing.T) {
	fx := mustFixture(t, nil)
	h := fx.site.Handler()
	for _, tc := range []struct{ name, path, ctype string }{
		{"data-FX-N.csv", "/data/fx-2025/a/FX-N.csv", "text/csv; charset=utf-8"},
		{"data-FX.csv", "/data/fx-2025/a/FX.csv", "text/csv; charset=utf-8"},
		{"excel-FX-N.csv", "/data/fx-2025/excel/FX-N.csv", "text/csv; charset=utf-8"},
		{"data-FX-N-1-1.json", "/data/fx-2025/a/FX-N-1-1.json", "application/json"},
		{"data-status.json", "/data/fx-2025/status.json", "application/json"},
	} {
		rec := get(t, h, tc.path)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != tc.ctype {
			t.Fatalf("GET %s: %d %s", tc.path, rec.Code, rec.Header().Get("Content-Type"))
		}
		golden(t, tc.name, rec.Body.Bytes())
	}
}
