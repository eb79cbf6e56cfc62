package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
)

func election() *dauys.Election {
	return &dauys.Election{
		ID: "e", Name: dauys.T("Test"), Date: "2026-03-15", Status: dauys.StatusCounting,
		Areas: []dauys.Area{
			{ID: "kz", Level: dauys.LevelCountry},
			{ID: "r1", Parent: "kz", Level: dauys.LevelRegion},
			{ID: "r2", Parent: "kz", Level: dauys.LevelRegion},
			{ID: "p1", Parent: "r1", Level: dauys.LevelPrecinct, Registered: 1000},
			{ID: "p2", Parent: "r2", Level: dauys.LevelPrecinct, Registered: 800},
		},
		Contests: []dauys.Contest{{ID: "list", Kind: dauys.KindList, Form: "f", Rules: dauys.Rules{Preset: "kz-kurultai-2026"},
			Options: []dauys.Option{{ID: "a"}, {ID: "b"}}}},
		Forms: []dauys.Form{{ID: "f", OptionLines: true,
			Lines:     []dauys.Line{{Name: "registered"}, {Name: "took_part"}, {Name: "invalid"}, {Name: "against_all"}},
			Relations: []dauys.Relation{{Code: "E_BALLOTS", Expr: "took_part = @options + against_all + invalid"}}}},
	}
}

type fixture struct {
	api    http.Handler
	srv    *httptest.Server
	store  *sqlite.Store
	path   string // the SQLite file
	tokens map[string]string
}

func newFixture(t testing.TB) *fixture { t.Helper(); return newFixtureWith(t, nil) }

// newFixtureWith is newFixture with the API's configuration changed by
// configure, which also gets the store.
func newFixtureWith(t testing.TB, configure func(*httpapi.Config, *sqlite.Store)) *fixture {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "api.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.CreateElection(ctx, election()); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 15, 21, 0, 0, 0, time.UTC)
	in := intake.New(s, func() time.Time { return now })
	cfg := httpapi.Config{Store: s, Tokens: s, Intake: in, Tally: tally.New(s, in.Elections()), Now: func() time.Time { return now }, MaxBody: 4096}
	if configure != nil {
		configure(&cfg, s)
	}
	api := httpapi.New(cfg)
	f := &fixture{api: api, srv: httptest.NewServer(api), store: s, path: path, tokens: map[string]string{}}
	t.Cleanup(f.srv.Close)
	for name, tok := range map[string]dauys.Token{
		"r1":       {Principal: dauys.Principal{Subject: "op-r1", Role: dauys.RoleOperator, Election: "e", Area: "r1"}, ExpiresAt: now.Add(time.Hour)},
		"admin":    {Principal: dauys.Principal{Subject: "cec", Role: dauys.RoleAdmin}, ExpiresAt: now.Add(time.Hour)},
		"observer": {Principal: dauys.Principal{Subject: "obs", Role: dauys.RoleObserver, Election: "e"}, ExpiresAt: now.Add(time.Hour)},
		"expired":  {Principal: dauys.Principal{Subject: "old", Role: dauys.RoleAdmin}, ExpiresAt: now.Add(-time.Minute)},
		"other":    {Principal: dauys.Principal{Subject: "op-x", Role: dauys.RoleOperator, Election: "x"}, ExpiresAt: now.Add(time.Hour)},
	} {
		tok.ID, tok.Hash, tok.CreatedAt = name, dauys.HashToken("secret-"+name), now
		if err := s.CreateToken(ctx, &tok); err != nil {
			t.Fatal(err)
		}
		f.tokens[name] = "secret-" + name
	}
	return f
}

func (f *fixture) post(t *testing.T, token, body string) (*http.Response, map[string]any) {
	t.Helper()
	return request(t, "POST", f.srv.URL+"/api/v1/elections/e/protocols", token, body)
}

// request sends a request with a token ("" for none) and returns the
// response, its body already read and closed, with the decoded JSON body.
func request(t *testing.T, method, url, token, body string) (*http.Response, map[string]any) {
	t.Helper()
	resp, data := send(t, method, url, token, body)
	var out map[string]any
	json.Unmarshal(data, &out)
	return resp, out
}

// do sends a request to the fixture's server with the token, if any, and
// returns the answer with its whole body.
func (f *fixture) do(t *testing.T, method, path, token, body string) (*http.Response, []byte) {
	t.Helper()
	return send(t, method, f.srv.URL+path, token, body)
}

// send sends a request with a token ("" for none) and returns the answer
// with its whole body, already read and closed.
func send(t *testing.T, method, url, token, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

const good = `{"contest":"list","area":"p1","lines":{"registered":1000,"took_part":600,"invalid":10,"against_all":20,"option:a":400,"option:b":170}}`

func TestSubmit(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		token  string
		body   string
		status int
		code   string
	}{
		{"no token", "", good, 401, dauys.EUNAUTHORIZED},
		{"unknown token", "nope", good, 401, dauys.EUNAUTHORIZED},
		{"expired token", f.tokens["expired"], good, 401, dauys.EUNAUTHORIZED},
		{"observer cannot write", f.tokens["observer"], good, 403, dauys.EFORBIDDEN},
		{"token of another election", f.tokens["other"], good, 403, dauys.EFORBIDDEN},
		{"outside the token's area", f.tokens["r1"], strings.Replace(good, `"p1"`, `"p2"`, 1), 403, dauys.EFORBIDDEN},
		{"unknown field", f.tokens["r1"], strings.Replace(good, `"lines"`, `"linez"`, 1), 422, dauys.EINVALID},
		{"not JSON", f.tokens["r1"], `{"contest":`, 422, dauys.EINVALID},
		{"two values", f.tokens["r1"], good + good, 422, dauys.EINVALID},
		{"too large", f.tokens["r1"], `{"contest":"` + strings.Repeat("x", 5000) + `"}`, 413, dauys.EINVALID},
		{"inconsistent", f.tokens["r1"], strings.Replace(good, `"option:a":400`, `"option:a":401`, 1), 422, dauys.EINVALID},
		{"accepted", f.tokens["r1"], good, 201, ""},
		{"again: idempotent", f.tokens["r1"], good, 200, ""},
		{"different: conflict", f.tokens["admin"], strings.Replace(good, `"option:a":400,"option:b":170`, `"option:a":390,"option:b":180`, 1), 409, dauys.ECONFLICT},
		{"amendment", f.tokens["admin"], strings.Replace(strings.Replace(good, `"option:a":400,"option:b":170`, `"option:a":390,"option:b":180`, 1), `{`, `{"amendment":true,"reason":"recount",`, 1), 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.post(t, tt.token, tt.body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, tt.status, body)
			}
			if tt.code != "" {
				if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("content type %q", ct)
				}
				if body["code"] != tt.code || body["status"] != float64(tt.status) || body["title"] == "" {
					t.Errorf("problem %v, want code %s", body, tt.code)
				}
			}
		})
	}
	resp, body := f.post(t, f.tokens["r1"], strings.Replace(good, `"option:a":400`, `"option:a":401`, 1))
	findings, _ := body["findings"].([]any)
	text, _ := body["text"].(map[string]any)
	if resp.StatusCode != 422 || len(findings) != 1 || text["ru"] == nil || text["kk"] == nil {
		t.Errorf("inconsistent protocol: %v", body)
	}
}

func TestBatchSubmit(t *testing.T) {
	f := newFixture(t)
	p2 := strings.Replace(good, `"p1"`, `"p2"`, 1)
	bad := strings.Replace(p2, `"option:a":400`, `"option:a":1`, 1)
	resp, body := f.post(t, f.tokens["admin"], `{"protocols":[`+good+`,`+bad+`]}`)
	if resp.StatusCode != http.StatusMultiStatus {
		t.Fatalf("status %d: %v", resp.StatusCode, body)
	}
	results := body["results"].([]any)
	if results[0].(map[string]any)["outcome"] != "accepted" || results[1].(map[string]any)["error"] == nil {
		t.Errorf("results %v", results)
	}
}

func TestReads(t *testing.T) {
	f := newFixture(t)
	f.post(t, f.tokens["admin"], good)
	for _, tt := range []struct {
		path   string
		status int
		want   string
	}{
		{"/healthz", 200, `"ok"`},
		{"/api/v1/elections", 200, `"id": "e"`},
		{"/api/v1/elections/e", 200, `"contests"`},
		{"/api/v1/elections/e/results", 200, `"option:a": 400`},
		{"/api/v1/elections/e/results?area=r1", 200, `"precincts_reported": 1`},
		{"/api/v1/elections/e/results?area=nowhere", 404, `"not_found"`},
		{"/api/v1/elections/zz/results", 404, `"not_found"`},
		{"/api/v1/elections/e/progress", 200, `"precincts_expected": 2`},
		{"/api/v1/elections/e/protocols/list/p1", 200, `"version": 1`},
		{"/api/v1/elections/e/protocols/list/p2", 404, `"not_found"`},
	} {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := http.Get(f.srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || !strings.Contains(string(data), tt.want) {
				t.Errorf("%d %s, want %d with %s", resp.StatusCode, data, tt.status, tt.want)
			}
		})
	}
}

// TestResultsFollowSubmissions: results are cached between changes, and a
// protocol stored through this server shows at once.
func TestResultsFollowSubmissions(t *testing.T) {
	f := newFixture(t)
	get := func() string {
		resp, err := http.Get(f.srv.URL + "/api/v1/elections/e/results")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return string(data)
	}
	if !strings.Contains(get(), `"precincts_reported": 0`) {
		t.Fatal("results before any protocol")
	}
	f.post(t, f.tokens["admin"], good)
	if body := get(); !strings.Contains(body, `"option:a": 400`) {
		t.Errorf("results after a submission: %s", body)
	}
	f.post(t, f.tokens["admin"], strings.Replace(strings.Replace(good, `"option:a":400,"option:b":170`, `"option:a":390,"option:b":180`, 1), `{`, `{"amendment":true,"reason":"recount",`, 1))
	if body := get(); !strings.Contains(body, `"option:a": 390`) {
		t.Errorf("results after an amendment: %s", body)
	}
}
