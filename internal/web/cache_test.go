package web_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/web"
)

// TestPageCacheIsBounded reads every page and download of the fixture in
// every language, more than the cache may keep, then many made-up areas,
// contests, elections and searches with long names: the cache stays at
// its bounds in entries and bytes, the made-up ones are not kept, and the
// heap after a collection stays near where it began.
func TestPageCacheIsBounded(t *testing.T) {
	const maxEntries, maxBytes = 12, 40 << 10
	fx := mustFixture(t, func(c *web.Config) { c.CacheEntries, c.CacheBytes = maxEntries, maxBytes })
	h := fx.site.Handler()
	checkBound := func(when string) {
		t.Helper()
		if n, b := fx.site.CachedPages(); n > maxEntries || b > maxBytes {
			t.Fatalf("%s: the cache holds %d responses of %d bytes, bound %d and %d", when, n, b, maxEntries, maxBytes)
		}
	}
	known := pages()
	for _, a := range []string{"FX", "FX-N", "FX-N-1", "FX-N-1-1", "FX-S-1-2", "FX-C-1-1"} {
		known = append(known, "/data/fx-2025/a/"+a+".csv", "/data/fx-2025/a/"+a+".json")
	}
	for _, p := range known {
		if code := get(t, h, p).Code; code != http.StatusOK {
			t.Fatalf("GET %s: %d", p, code)
		}
		checkBound(p)
	}
	n, b := fx.site.CachedPages()
	if n == 0 || (n < maxEntries*3/4 && b < maxBytes/2) {
		t.Errorf("after %d responses the cache holds %d of %d bytes: the bounds were not reached", len(known), n, b)
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	long := strings.Repeat("x", 7<<10)
	const unknown = 300
	for i := range unknown {
		for _, p := range []string{
			fmt.Sprintf("/kk/e/fx-2025/a/%s%d.html", long, i),
			fmt.Sprintf("/ru/e/fx-2025/c/%s%d.html", long, i),
			fmt.Sprintf("/en/e/%s%d/", long, i),
			fmt.Sprintf("/data/fx-2025/a/%s%d.csv", long, i),
			fmt.Sprintf("/data/%s%d/status.json", long, i),
		} {
			if code := get(t, h, p).Code; code != http.StatusNotFound {
				t.Fatalf("GET %.60s...: %d, want 404", p, code)
			}
		}
		if i%10 != 0 {
			continue
		}
		if code := get(t, h, fmt.Sprintf("/kk/e/fx-2025/search.html?q=%s%d", long, i)).Code; code != http.StatusOK {
			t.Fatalf("a search: %d", code)
		}
	}
	checkBound("made-up names")
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(fx)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 8<<20 {
		t.Errorf("the heap grew by %d bytes over %d made-up names", grew, 5*unknown+unknown/10)
	}
}
