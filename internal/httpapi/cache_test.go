package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
)

// TestResultsCacheIsBounded sends anonymous reads of many unique keys
// through the real handler: known areas beyond the cache's bound, unknown
// elections and areas, long made-up names and addresses beyond
// MaxURLBytes. Unknown ones are refused without being kept, the cache
// stays at its bound, and the heap after a collection stays near where it
// began.
func TestResultsCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	def := election()
	const precincts = 200
	for i := range precincts {
		def.Areas = append(def.Areas, dauys.Area{ID: fmt.Sprintf("q%d", i), Parent: "r1", Level: dauys.LevelPrecinct, Registered: 100})
	}
	if err := s.CreateElection(ctx, def); err != nil {
		t.Fatal(err)
	}
	in := intake.New(s, nil)
	const maxEntries, maxBytes = 16, 1 << 20
	api := httpapi.New(httpapi.Config{Store: s, Tokens: s, Intake: in, Tally: tally.New(s, in.Elections()),
		ResultsCacheEntries: maxEntries, ResultsCacheBytes: maxBytes})
	get := func(target string) int {
		w := httptest.NewRecorder()
		api.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		return w.Code
	}
	checkBound := func(when string) {
		t.Helper()
		n, b := api.CachedResults()
		if n > maxEntries || b > maxBytes {
			t.Fatalf("%s: the cache holds %d answers of %d bytes, bound %d and %d", when, n, b, maxEntries, maxBytes)
		}
	}

	// Every known area is answered; the cache keeps at most its bound.
	for i := range precincts {
		if code := get(fmt.Sprintf("/api/v1/elections/e/results?area=q%d", i)); code != 200 {
			t.Fatalf("area q%d: %d", i, code)
		}
		checkBound("known areas")
	}
	if n, _ := api.CachedResults(); n != maxEntries {
		t.Errorf("after %d known areas the cache holds %d answers, want its bound %d", precincts, n, maxEntries)
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	long := strings.Repeat("x", 7<<10)
	const unknown = 3000
	for i := range unknown {
		for _, target := range []string{
			fmt.Sprintf("/api/v1/elections/e/results?area=%s%d", long, i),
			fmt.Sprintf("/api/v1/elections/nope-%d/results?area=%s", i, long),
			fmt.Sprintf("/api/v1/elections/e/progress?area=%s%d", long, i),
		} {
			if code := get(target); code != http.StatusNotFound {
				t.Fatalf("%.60s...: %d, want 404", target, code)
			}
		}
		if i%100 == 0 {
			if code := get("/api/v1/elections/e/results?area=" + long + long); code != http.StatusRequestURITooLong {
				t.Fatalf("an address of %d bytes: %d, want 414", 2*len(long), code)
			}
		}
	}
	checkBound("unknown areas")
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(api)
	// The old cache kept every key: 3000 unknown areas of 7 KiB held
	// more than 20 MB.
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 8<<20 {
		t.Errorf("the heap grew by %d bytes over %d unknown keys", grew, 2*unknown)
	}
	if n, _ := api.CachedResults(); n != maxEntries {
		t.Errorf("unknown keys changed the cache: %d answers, want %d", n, maxEntries)
	}
}
