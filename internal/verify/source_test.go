package verify_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dauys/dauys/internal/verify"
)

// TestHTTPSourceRetries checks that a site read over HTTP is tried again
// after a failure that may pass (503, 429), not after one that will not
// (404, 403), and that a file larger than any file of a site is refused
// rather than cut short.
func TestHTTPSourceRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/x.json") {
			http.NotFound(w, r) // no current.json: a bare folder of files
			return
		}
		n := calls.Add(1)
		switch r.URL.Path {
		case "/flaky/x.json":
			// Fails twice, then answers.
			if n <= 2 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.Write([]byte(`{}`))
		case "/busy/x.json":
			w.WriteHeader(http.StatusTooManyRequests)
		case "/forbidden/x.json":
			w.WriteHeader(http.StatusForbidden)
		case "/huge/x.json":
			w.Write([]byte(strings.Repeat(" ", verify.MaxFileBytes+1)))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	read := func(dir string) ([]byte, error) {
		t.Helper()
		src, _, err := verify.Open(ctx, srv.URL+"/"+dir+"/", srv.Client())
		if err != nil {
			t.Fatalf("open %s: %v", dir, err)
		}
		return src.ReadFile(ctx, "x.json")
	}

	calls.Store(0)
	if b, err := read("flaky"); err != nil || string(b) != "{}" {
		t.Errorf("a file that fails twice: %q, %v", b, err)
	}
	calls.Store(0)
	if _, err := read("busy"); err == nil || calls.Load() != verify.MaxAttempts {
		t.Errorf("429 every time: %v after %d requests, want an error after %d", err, calls.Load(), verify.MaxAttempts)
	}
	calls.Store(0)
	if _, err := read("forbidden"); err == nil || calls.Load() != 1 {
		t.Errorf("403: %v after %d requests, want an error after 1", err, calls.Load())
	}
	if _, err := read("missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("404: %v, want fs.ErrNotExist", err)
	}
	if _, err := read("huge"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a file over %d bytes: %v, want it refused", verify.MaxFileBytes, err)
	}
}
