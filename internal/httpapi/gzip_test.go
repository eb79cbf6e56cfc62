package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
)

// TestResultsCompressed: the results answer (and turnout, by the same code) is sent gzip'd
// to a reader who accepts it, as the pages are, and plain otherwise; both
// say they vary by Accept-Encoding, and the compressed one is the same
// JSON.
func TestResultsCompressed(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	def := election()
	for i := range 50 {
		def.Areas = append(def.Areas, dauys.Area{ID: fmt.Sprintf("q%d", i), Parent: "r1", Level: dauys.LevelPrecinct, Registered: 100})
	}
	if err := s.CreateElection(ctx, def); err != nil {
		t.Fatal(err)
	}
	in := intake.New(s, nil)
	api := httpapi.New(httpapi.Config{Store: s, Tokens: s, Intake: in, Tally: tally.New(s, in.Elections())})
	for _, target := range []string{"/api/v1/elections/e/results"} {
		get := func(enc string) *httptest.ResponseRecorder {
			r := httptest.NewRequest(http.MethodGet, target, nil)
			if enc != "" {
				r.Header.Set("Accept-Encoding", enc)
			}
			w := httptest.NewRecorder()
			api.ServeHTTP(w, r)
			if w.Code != 200 {
				t.Fatalf("%s: %d %s", target, w.Code, w.Body)
			}
			return w
		}
		plain := get("")
		if plain.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s without Accept-Encoding: Content-Encoding %q", target, plain.Header().Get("Content-Encoding"))
		}
		if plain.Body.Len() <= 1024 {
			t.Fatalf("%s: %d bytes, too short to be compressed", target, plain.Body.Len())
		}
		for _, enc := range []string{"gzip", "br, gzip;q=0.8", "gzip, deflate"} {
			z := get(enc)
			if z.Header().Get("Content-Encoding") != "gzip" || z.Header().Get("Vary") != "Accept-Encoding" {
				t.Errorf("%s with %q: Content-Encoding %q, Vary %q", target, enc, z.Header().Get("Content-Encoding"), z.Header().Get("Vary"))
				continue
			}
			zr, err := gzip.NewReader(z.Body)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, plain.Body.Bytes()) {
				t.Errorf("%s: the gzip'd answer differs from the plain one", target)
			}
			if z.Body.Len() >= plain.Body.Len() {
				t.Errorf("%s: gzip'd %d bytes, plain %d", target, z.Body.Len(), plain.Body.Len())
			}
		}
		if z := get("gzip;q=0"); z.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s with gzip;q=0: compressed", target)
		}
	}
}
