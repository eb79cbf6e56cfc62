package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestDownloadsCompressed: the results downloads (JSON, CSV and the CSV for
// Excel) are sent gzip'd to a reader who accepts it, as pages are, and are
// the same bytes once uncompressed; the Excel variant is the CSV after a
// UTF-8 byte order mark, under a name of its own.
func TestDownloadsCompressed(t *testing.T) {
	fx := mustFixture(t, nil)
	srv := httptest.NewServer(fx.site.Handler())
	defer srv.Close()
	fetch := func(path string, gz bool) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var r io.Reader = res.Body
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		}
		b, err := io.ReadAll(r)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
		}
		return res, b
	}
	bodies := map[string][]byte{}
	for _, path := range []string{"/data/fx-2025/a/FX.json", "/data/fx-2025/a/FX.csv", "/data/fx-2025/excel/FX.csv"} {
		_, plain := fetch(path, false)
		res, unzipped := fetch(path, true)
		if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: Content-Encoding %q, Vary %q", path, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
		}
		if !bytes.Equal(plain, unzipped) {
			t.Errorf("%s: the gzip'd download differs from the plain one", path)
		}
		bodies[path] = plain
	}
	if excel := bodies["/data/fx-2025/excel/FX.csv"]; !bytes.Equal(excel, append([]byte("\ufeff"), bodies["/data/fx-2025/a/FX.csv"]...)) {
		t.Errorf("the Excel CSV is not the CSV after a byte order mark: %.20q", excel)
	}
	if res, _ := fetch("/data/fx-2025/excel/FX.csv", false); res.Header.Get("Content-Disposition") != `attachment; filename="fx-2025-FX-excel.csv"` {
		t.Errorf("the Excel CSV's name: %q", res.Header.Get("Content-Disposition"))
	}
	if res, err := http.Get(srv.URL + "/data/fx-2025/excel/FX.json"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("an Excel JSON: %v %v", res.StatusCode, err)
	}
}
