package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/sqlite"
)

// syncBuffer is a log written by the server while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(s.b.Bytes()))
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("a log line is not JSON: %v: %s", err, sc.Text())
		}
		out = append(out, l)
	}
	return out
}

// TestReadyz: /readyz refuses traffic with a 503 problem until the server
// is told its elections are loaded, then answers 200; /healthz answers
// 200 all along. Answered probes are logged at debug, a refusal at info.
func TestReadyz(t *testing.T) {
	var logs syncBuffer
	f := newFixtureWith(t, func(c *httpapi.Config, _ *sqlite.Store) {
		c.Logger = slog.New(httpapi.LogHandler(slog.NewJSONHandler(&logs, nil)))
	})
	api := f.api.(*httpapi.Server)
	resp, body := request(t, "GET", f.srv.URL+"/readyz", "", "")
	if resp.StatusCode != http.StatusServiceUnavailable || body["code"] != "unavailable" || resp.Header.Get("Retry-After") == "" ||
		body["request_id"] != resp.Header.Get("X-Request-Id") || body["request_id"] == "" {
		t.Fatalf("readyz before the elections are loaded: %d %v %v", resp.StatusCode, resp.Header, body)
	}
	if resp, _ := request(t, "GET", f.srv.URL+"/healthz", "", ""); resp.StatusCode != 200 {
		t.Errorf("healthz before: %d", resp.StatusCode)
	}
	api.SetReady(true)
	if resp, body := request(t, "GET", f.srv.URL+"/readyz", "", ""); resp.StatusCode != 200 || body["status"] != "ready" {
		t.Errorf("readyz after: %d %v", resp.StatusCode, body)
	}
	var access []string
	for _, l := range logs.lines(t) {
		if l["msg"] == "request" {
			access = append(access, fmt.Sprint(l["route"], " ", l["status"]))
		}
	}
	if len(access) != 1 || access[0] != "GET /readyz 503" {
		t.Errorf("access lines at info: %v, want only the refused probe", access)
	}
}

// TestRequestID: a sane X-Request-Id comes back as it was sent, anything
// else is replaced by a new id; the id is in the answer's header, in its
// problem document, and on the request's access-log line, which is JSON.
func TestRequestID(t *testing.T) {
	var logs syncBuffer
	f := newFixtureWith(t, func(c *httpapi.Config, _ *sqlite.Store) {
		c.Logger = slog.New(httpapi.LogHandler(slog.NewJSONHandler(&logs, nil)))
	})
	tests := []struct {
		name, sent string
		kept       bool
	}{
		{"none", "", false},
		{"a proxy's id", "f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d", true},
		{"dots and colons", "lb-1:req.42", true},
		{"too long", strings.Repeat("a", 65), false},
		{"spaces", "a b", false},
		{"a quote", `x"y`, false},
		{"non-ASCII", "сұрау", false},
		{"a tab", "a\tb", false},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/elections/nope", nil)
			if tc.sent != "" {
				req.Header[httpapi.RequestIDHeader] = []string{tc.sent}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var p map[string]any
			json.NewDecoder(resp.Body).Decode(&p)
			resp.Body.Close()
			id := resp.Header.Get(httpapi.RequestIDHeader)
			if tc.kept && id != tc.sent || !tc.kept && (id == tc.sent || len(id) < 16 || strings.ContainsAny(id, " \"\n")) {
				t.Errorf("sent %q, got %q", tc.sent, id)
			}
			if seen[id] {
				t.Errorf("the id %q was given twice", id)
			}
			seen[id] = true
			if resp.StatusCode != 404 || p["request_id"] != id {
				t.Errorf("problem: %d %v, want request_id %q", resp.StatusCode, p, id)
			}
			var access []map[string]any
			for _, l := range logs.lines(t) {
				if l["msg"] == "request" && l["request_id"] == id {
					access = append(access, l)
				}
			}
			if len(access) != 1 || access[0]["route"] != "GET /api/v1/elections/{id}" || access[0]["status"] != 404.0 ||
				access[0]["path"] != "/api/v1/elections/nope" || access[0]["method"] != "GET" {
				t.Errorf("access lines of %q: %v", id, access)
			}
		})
	}
	// A problem inside a batch's answer carries the id too.
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/elections/e/protocols",
		strings.NewReader(`{"protocols":[{"contest":"list","area":"p1","lines":{}},{"contest":"list","area":"p1","lines":{}}]}`))
	req.Header.Set("Authorization", "Bearer "+f.tokens["admin"])
	req.Header.Set(httpapi.RequestIDHeader, "batch-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Results []struct {
			Error map[string]any `json:"error"`
		} `json:"results"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	if len(out.Results) != 2 || out.Results[0].Error == nil || out.Results[0].Error["request_id"] != "batch-1" {
		t.Errorf("a refusal in a batch: %d %+v", resp.StatusCode, out)
	}
}
