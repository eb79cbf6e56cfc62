package main_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	main "github.com/dauys/dauys/cmd/dauys"
	"github.com/dauys/dauys/internal/definition"
	elect "github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
)

// opsServer is a running `dauys serve --log-format json --metrics-addr`
// on a store with an example election, its transparency log and an admin
// token.
type opsServer struct {
	db, election, token string
	base, metrics       string
	logs                *syncBuffer
	e                   *elect.Election
}

// startOps starts the server on a SQLite file and waits until it is
// ready.
func startOps(t *testing.T) *opsServer {
	t.Helper()
	return startOpsOn(t, "")
}

// startOpsOn starts the server on db (a postgres:// URL; "" for a new
// SQLite file) and waits until it is ready.
func startOpsOn(t *testing.T, db string) *opsServer {
	t.Helper()
	const election = "kz-referendum-2022"
	dir := t.TempDir()
	if db == "" {
		db = filepath.Join(dir, "dauys.db")
	}
	o := &opsServer{db: db, election: election, logs: &syncBuffer{}}
	key := filepath.Join(dir, "log.key")
	mustRun(t, "election", "import", "--db", o.db, "../../examples/"+election)
	mustRun(t, "log", "init", "--db", o.db, "--election", election, "--key-out", key)
	o.token = strings.TrimSpace(mustRun(t, "token", "create", "--db", o.db, "--role", "admin", "--election", election))
	def, err := definition.LoadWith("../../examples/"+election, definition.Options{CheckRules: rules.Check})
	if err != nil {
		t.Fatal(err)
	}
	if o.e, err = elect.Compile(def); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan int, 1)
	m := &main.Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: o.logs, Now: time.Now, Ready: func(a string) { addr <- a }}
	go func() {
		done <- m.Run(ctx, []string{"serve", "--db", o.db, "--addr", "127.0.0.1:0", "--log-key", key,
			"--metrics-addr", "127.0.0.1:0", "--log-format", "json", "--log-level", "debug"})
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, o.logs.String())
		}
	})
	select {
	case a := <-addr:
		o.base = "http://" + a
	case code := <-done:
		done <- code
		t.Fatalf("serve exited %d: %s", code, o.logs.String())
	}
	// The metrics listener starts before the public one, so its line is
	// written by now.
	for _, l := range jsonLines(t, o.logs.String()) {
		if l["msg"] == "serving metrics" {
			o.metrics, _ = l["addr"].(string)
		}
	}
	if o.metrics == "" {
		t.Fatalf("no metrics address in the log:\n%s", o.logs.String())
	}
	waitFor(t, "the server to be ready", func() bool {
		resp, err := http.Get(o.base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return o
}

// waitFor waits until ok holds, failing the test after a generous
// deadline: a condition, not a time, is what the test waits for.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// jsonLines parses every line of a JSON log, failing the test on one
// that is not a JSON object.
func jsonLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("a log line is not JSON: %v\n%s", err, sc.Text())
		}
		out = append(out, l)
	}
	return out
}

// submit posts protocols to the server with the admin token and returns
// the status and the answer's request id.
func (o *opsServer) submit(t *testing.T, requestID string, subs ...intake.Submission) (int, string, map[string]any) {
	t.Helper()
	var body []byte
	if len(subs) == 1 {
		body, _ = json.Marshal(subs[0])
	} else {
		body, _ = json.Marshal(map[string]any{"protocols": subs})
	}
	req, _ := http.NewRequest("POST", o.base+"/api/v1/elections/"+o.election+"/protocols", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+o.token)
	if requestID != "" {
		req.Header.Set("X-Request-Id", requestID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header.Get("X-Request-Id"), out
}

// scrape returns the metrics the admin address serves, as sample lines
// ("name{labels} value") by the part before the value.
func (o *opsServer) scrape(t *testing.T) map[string]float64 {
	t.Helper()
	resp, err := http.Get(o.metrics)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("a sample that is not a number: %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

// sample returns the value of the one sample of a metric whose labels
// include all of want, failing if there is none.
func sample(t *testing.T, ms map[string]float64, name string, want ...string) float64 {
	t.Helper()
	v, ok := lookup(ms, name, want...)
	if !ok {
		t.Fatalf("no sample %s with %v", name, want)
	}
	return v
}

// lookup is sample without failing: false when there is no such sample.
func lookup(ms map[string]float64, name string, want ...string) (float64, bool) {
	for k, v := range ms {
		if !strings.HasPrefix(k, name+"{") && k != name {
			continue
		}
		all := true
		for _, w := range want {
			all = all && strings.Contains(k, w)
		}
		if all {
			return v, true
		}
	}
	return 0, false
}

// TestServeTelemetry submits protocols to a real server, on SQLite and on
// PostgreSQL, one of them refused, and scrapes the metrics: the counters
// moved by region and outcome, the request histogram is labelled by route
// pattern, the log's lag is measured; every log line is JSON, and the
// access log and the problem document carry the request's id.
func TestServeTelemetry(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testServeTelemetry(t, "") })
	t.Run("postgres", func(t *testing.T) {
		url := postgresURL(t)
		if url == "" {
			t.Skip("DAUYS_TEST_POSTGRES is not set")
		}
		testServeTelemetry(t, url)
	})
}

func testServeTelemetry(t *testing.T, db string) {
	o := startOpsOn(t, db)
	_, events := nightCSV(t, o.election, func(int) bool { return true })
	var good []intake.Submission
	for _, ev := range events {
		if !ev.Faulty && !ev.Submission.Amendment && len(good) < 4 {
			ev.Submission.AcknowledgeWarnings = true
			good = append(good, ev.Submission)
		}
	}
	if len(good) < 4 {
		t.Fatalf("the night has %d good protocols", len(good))
	}
	// One more ballot on every line breaks the form's sums: a refusal by
	// a check of the form.
	bad := &intake.Submission{Contest: good[3].Contest, Area: good[3].Area, Lines: map[string]int64{}, AcknowledgeWarnings: true}
	for k, v := range good[3].Lines {
		bad.Lines[k] = v + 1
	}
	good = good[:3]

	before := o.scrape(t)
	if v := sample(t, before, "dauys_ready"); v != 1 {
		t.Errorf("dauys_ready = %v once /readyz answers 200", v)
	}
	if code, id, body := o.submit(t, "night-42.a", good...); code != http.StatusOK || id != "night-42.a" {
		t.Fatalf("batch: %d, request id %q: %v", code, id, body)
	}
	code, id, body := o.submit(t, "", *bad)
	if code != http.StatusUnprocessableEntity || len(id) < 16 {
		t.Fatalf("the refused protocol: %d, request id %q: %v", code, id, body)
	}
	findings, _ := body["findings"].([]any)
	if len(findings) == 0 {
		t.Fatalf("the refusal has no findings: %v", body)
	}
	refusedCheck, _ := findings[0].(map[string]any)["code"].(string)
	if body["request_id"] != id {
		t.Errorf("the problem document's request_id %v, the header's %q", body["request_id"], id)
	}
	// A request id that is too long or carries other characters is
	// replaced, never echoed.
	if _, got, _ := o.submit(t, strings.Repeat("x", 65), *bad); got == strings.Repeat("x", 65) || got == "" {
		t.Errorf("an overlong request id came back as %q", got)
	}
	if _, got, _ := o.submit(t, "a b\"<c>", *bad); strings.ContainsAny(got, " \"<>") || got == "" {
		t.Errorf("a request id with spaces and quotes came back as %q", got)
	}
	for range 2 {
		resp, err := http.Get(o.base + "/api/v1/elections/" + o.election + "/results")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	after := o.scrape(t)
	regions := map[string]int{}
	for _, s := range good {
		regions[intake.Region(o.e, s.Area)]++
	}
	for region, n := range regions {
		labels := []string{`election="` + o.election + `"`, `region="` + region + `"`, `outcome="accepted"`}
		if got := sample(t, after, "dauys_protocols_total", labels...); got != float64(n) {
			t.Errorf("accepted in %s: %v, want %d", region, got, n)
		}
		if sample(t, after, "dauys_last_protocol_timestamp_seconds", `region="`+region+`"`) < float64(time.Now().Add(-time.Hour).Unix()) {
			t.Errorf("no recent protocol time for %s", region)
		}
	}
	// The precincts reported by region are read from the store's running
	// totals when /metrics is scraped (at most once a second).
	for region, n := range regions {
		labels := []string{`election="` + o.election + `"`, `contest="` + good[0].Contest + `"`, `region="` + region + `"`}
		waitFor(t, "the precincts reported in "+region, func() bool {
			ms := o.scrape(t)
			got, ok1 := lookup(ms, "dauys_precincts_reported", labels...)
			expected, ok2 := lookup(ms, "dauys_precincts_expected", labels...)
			return ok1 && ok2 && got == float64(n) && expected > float64(n)
		})
	}
	if got := sample(t, after, "dauys_protocols_total", `region="`+intake.Region(o.e, bad.Area)+`"`, `outcome="refused"`,
		`code="invalid"`, `check="`+refusedCheck+`"`); got != 3 {
		t.Errorf("refused %s: %v, want 3", refusedCheck, got)
	}
	if got := sample(t, after, "dauys_group_commit_protocols_sum"); got < 3 {
		t.Errorf("group commits saved %v protocols, want at least 3", got)
	}
	if got := sample(t, after, "dauys_http_request_duration_seconds_count", `method="POST"`,
		`route="POST /api/v1/elections/{id}/protocols"`, `code="422"`); got != 3 {
		t.Errorf("POST protocols answered 422: %v, want 3", got)
	}
	if got := sample(t, after, "dauys_http_request_duration_seconds_count", `route="GET /api/v1/elections/{id}/results"`); got != 2 {
		t.Errorf("GET results: %v, want 2", got)
	}
	for k := range after {
		if strings.Contains(k, `route="/api/v1/elections/`+o.election) || strings.Contains(k, o.election+"/results") {
			t.Errorf("a raw path became a label: %s", k)
		}
	}
	if sample(t, after, "dauys_cache_lookups_total", `cache="results"`, `result="hit"`) < 1 {
		t.Error("the second results read was no cache hit")
	}
	// The log lag is measured as /metrics is scraped: the gauges exist
	// for an election with a log.
	sample(t, after, "dauys_log_lag_protocols", `election="`+o.election+`"`)
	sample(t, after, "dauys_log_lag_seconds", `election="`+o.election+`"`)
	waitFor(t, "a signed checkpoint", func() bool {
		_, ok := o.scrape(t)[`dauys_log_checkpoint_age_seconds{election="`+o.election+`"}`]
		return ok
	})
	sample(t, after, "go_goroutines")

	// Every log line is JSON; each request has one access line with its
	// id, and the id is on the other lines of that request too.
	var access []map[string]any
	for _, l := range jsonLines(t, o.logs.String()) {
		if l["msg"] == "request" {
			access = append(access, l)
		}
	}
	found := map[string]bool{}
	for _, l := range access {
		rid, _ := l["request_id"].(string)
		if rid == "" || l["status"] == nil || l["took"] == nil || l["method"] == nil {
			t.Errorf("an access line without request_id, status, took or method: %v", l)
		}
		found[rid] = true
		if rid == "night-42.a" && (l["route"] != "POST /api/v1/elections/{id}/protocols" || l["status"] != 200.0) {
			t.Errorf("the batch's access line: %v", l)
		}
	}
	if !found["night-42.a"] || !found[id] {
		t.Errorf("no access line for the requests night-42.a and %s", id)
	}
}

var problemType = regexp.MustCompile(`^https://dauys\.kz/problems/`)

// TestServeReadyz: /readyz answers 200 once the elections are loaded,
// /healthz stays liveness, and a problem document of an unknown address
// carries its request id.
func TestServeReadyz(t *testing.T) {
	o := startOps(t)
	for _, path := range []string{"/readyz", "/healthz"} {
		resp, err := http.Get(o.base + path)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: %d %v", path, resp.StatusCode, resp.Header)
		}
	}
	// The container's health check asks the same question.
	if code, out, errs := run(t, "serve", "--addr", strings.TrimPrefix(o.base, "http://"), "--check-ready"); code != 0 {
		t.Errorf("--check-ready of a ready server: %d %s %s", code, out, errs)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	if code, _, errs := run(t, "serve", "--addr", closed, "--check-ready"); code != 1 || !strings.Contains(errs, "not ready") {
		t.Errorf("--check-ready of no server: %d %s", code, errs)
	}
	req, _ := http.NewRequest("GET", o.base+"/api/v1/elections/no-such-election", nil)
	req.Header.Set("X-Request-Id", "probe-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p map[string]any
	json.NewDecoder(resp.Body).Decode(&p)
	if resp.StatusCode != 404 || p["request_id"] != "probe-1" || !problemType.MatchString(p["type"].(string)) {
		t.Errorf("unknown election: %d %v", resp.StatusCode, p)
	}
}

// TestPublishMetricsFile: dauys publish --metrics-file writes how long it
// took and when it finished, in the text format node_exporter's textfile
// collector reads, and nothing of the runtime's.
func TestPublishMetricsFile(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "bench", "generate", "--precincts", "40", "--out", dir)
	db := filepath.Join(dir, "p.db")
	mustRun(t, "election", "import", "--db", db, dir)
	prom := filepath.Join(dir, "dauys_publish.prom")
	mustRun(t, "publish", "--db", db, "--election", "synth-40", "--out", filepath.Join(dir, "site"), "--metrics-file", prom)
	data, err := os.ReadFile(prom)
	if err != nil {
		t.Fatal(err)
	}
	ms := map[string]float64{}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		ms[line[:i]] = v
	}
	if took := ms[`dauys_publish_duration_seconds{election="synth-40"}`]; took <= 0 {
		t.Errorf("publish took %v s:\n%s", took, data)
	}
	if at := ms[`dauys_publish_timestamp_seconds{election="synth-40"}`]; at < float64(time.Now().Add(-time.Hour).Unix()) {
		t.Errorf("published at %v:\n%s", at, data)
	}
	if len(ms) != 2 {
		t.Errorf("the file holds %d samples, want the 2 of publish:\n%s", len(ms), data)
	}
}

// TestServeLogFlags: a log format or level serve does not know is a usage
// error naming the flag, before anything is served.
func TestServeLogFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	for _, tc := range []struct{ flag, value string }{{"--log-format", "xml"}, {"--log-level", "loud"}} {
		code, _, errs := run(t, "serve", "--db", db, "--addr", "127.0.0.1:0", tc.flag, tc.value)
		if code != 2 || !strings.Contains(errs, tc.flag+" \""+tc.value+"\"") {
			t.Errorf("%s %s: exit %d, %s", tc.flag, tc.value, code, errs)
		}
	}
}
