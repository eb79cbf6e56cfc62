package metrics_test

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dauys/dauys/internal/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

// TestLabelsBounded: what an outsider can put into a label (an id, a
// method) is kept only when it is a plausible id, so that made-up values
// cannot carry text into the metrics or grow them without end.
func TestLabelsBounded(t *testing.T) {
	m := metrics.New()
	m.Protocol("kz-2026", "KZ-15", "refused", "invalid", "E_BALLOTS", time.Unix(1_800_000_000, 0))
	m.Protocol("kz-2026", `x"} 1`+"\n"+`evil{`, "refused", "not_found", "", time.Now())
	m.Protocol(strings.Repeat("e", 101), "KZ-15", "accepted", "", "", time.Now())
	m.Request("BREW", "", 404, time.Millisecond)
	m.Request("GET", "GET /api/v1/elections/{id}", 200, time.Millisecond)
	got := scrape(t, m)
	for _, want := range []string{
		`dauys_protocols_total{check="E_BALLOTS",code="invalid",election="kz-2026",outcome="refused",region="KZ-15"} 1`,
		`dauys_protocols_total{check="",code="not_found",election="kz-2026",outcome="refused",region="other"} 1`,
		`dauys_protocols_total{check="",code="",election="other",outcome="accepted",region="KZ-15"} 1`,
		`dauys_http_request_duration_seconds_count{code="404",method="other",route="unmatched"} 1`,
		`dauys_http_request_duration_seconds_count{code="200",method="GET",route="GET /api/v1/elections/{id}"} 1`,
		`dauys_last_protocol_timestamp_seconds{election="other",region="KZ-15"}`,
		"go_goroutines",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %s in\n%s", want, got)
		}
	}
	if strings.Contains(got, "evil") {
		t.Error("a made-up region reached the metrics")
	}
}

// TestNilMetrics: a nil *Metrics records nothing and does not panic, so
// that a service may hold one without checking.
func TestNilMetrics(t *testing.T) {
	var m *metrics.Metrics
	m.Protocol("e", "r", "accepted", "", "", time.Now())
	m.Turnout("e", "r", "accepted", "")
	m.GroupCommit(3, time.Millisecond)
	m.Request("GET", "", 200, time.Millisecond)
	m.CacheLookup("results", true)
	m.Published("e", time.Second, time.Now())
	m.LogLag("e", 1, time.Second)
	m.CheckpointAge("e", time.Second)
	m.Progress("e", "c", "r", 1, 2)
	m.Ready(true)
}

// TestBatchTextfile: a one-shot command's file holds its own metrics and
// not the runtime's, which node_exporter would refuse twice.
func TestBatchTextfile(t *testing.T) {
	m := metrics.NewBatch()
	m.Published("kz-2026", 90*time.Second, time.Unix(1_800_000_000, 0))
	path := filepath.Join(t.TempDir(), "dauys_publish.prom")
	if err := m.WriteTextfile(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)
	if !strings.Contains(got, `dauys_publish_duration_seconds{election="kz-2026"} 90`) ||
		!strings.Contains(got, `dauys_publish_timestamp_seconds{election="kz-2026"} 1.8e+09`) || strings.Contains(got, "go_goroutines") ||
		strings.Contains(got, "dauys_ready") {
		t.Errorf("textfile:\n%s", got)
	}
}

// metricName finds the metric names an expression or dashboard uses.
var metricName = regexp.MustCompile(`\b(?:dauys|go|process)_[a-z_]+\b`)

// TestOpsDocsUseRealMetrics: the alert rules and the Grafana dashboard in
// docs/ops name only metrics the server exports, and the dashboard shows
// every dauys_ metric, so that neither drifts from this package.
func TestOpsDocsUseRealMetrics(t *testing.T) {
	m := metrics.New()
	m.Protocol("e", "r", "accepted", "", "", time.Now())
	m.Turnout("e", "r", "accepted", "")
	m.GroupCommit(3, time.Millisecond)
	m.Request("GET", "GET /healthz", 200, time.Millisecond)
	m.CacheLookup("results", true)
	m.LogLag("e", 1, time.Second)
	m.CheckpointAge("e", time.Second)
	m.Progress("e", "c", "r", 1, 2)
	m.Ready(true)
	exported := map[string]bool{}
	for _, line := range strings.Split(scrape(t, m), "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, kind, _ := strings.Cut(name, " ")
			exported[name] = true
			if kind == "histogram" || kind == "summary" {
				for _, s := range []string{"_bucket", "_sum", "_count"} {
					exported[name+s] = true
				}
			}
		}
	}
	batch := metrics.NewBatch()
	batch.Published("e", time.Second, time.Now())
	path := filepath.Join(t.TempDir(), "p.prom")
	if err := batch.WriteTextfile(path); err != nil {
		t.Fatal(err)
	}
	exported["dauys_publish_duration_seconds"] = true
	exported["dauys_publish_timestamp_seconds"] = true

	alerts, err := os.ReadFile("../../docs/ops/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Name  string
			Rules []struct {
				Alert, Expr string
			}
		}
	}
	if err := yaml.Unmarshal(alerts, &rules); err != nil {
		t.Fatalf("alerts.yaml: %v", err)
	}
	alertNames := map[string]bool{}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			alertNames[r.Alert] = true
			if r.Expr == "" {
				t.Errorf("alert %s has no expr", r.Alert)
			}
			for _, n := range metricName.FindAllString(r.Expr, -1) {
				if !exported[n] {
					t.Errorf("alert %s uses %s, which is not exported", r.Alert, n)
				}
			}
		}
	}
	for _, want := range []string{"DauysLogLag", "DauysRefusalSpike", "DauysSilentRegion"} {
		if !alertNames[want] {
			t.Errorf("no alert %s", want)
		}
	}

	dash, err := os.ReadFile("../../docs/ops/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(dash, &d); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	shown := map[string]bool{}
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			for _, n := range metricName.FindAllString(tg.Expr, -1) {
				if !exported[n] {
					t.Errorf("panel %q uses %s, which is not exported", p.Title, n)
				}
				shown[strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "_bucket"), "_sum"), "_count")] = true
			}
		}
	}
	for n := range exported {
		if strings.HasPrefix(n, "dauys_") && !strings.HasSuffix(n, "_bucket") && !strings.HasSuffix(n, "_sum") && !strings.HasSuffix(n, "_count") && !shown[n] {
			t.Errorf("the dashboard does not show %s", n)
		}
	}
}

// TestAlertRules checks docs/ops/alerts.yaml with promtool, where it is
// installed (Debian's prometheus package has it): the rules parse, and
// the cases of docs/ops/alerts_test.yaml fire the alerts they say (a
// silent region, a refusal spike, the log's lag) and no others.
func TestAlertRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("no promtool on PATH: the rules' metric names are checked by TestOpsDocsUseRealMetrics only")
	}
	for _, args := range [][]string{{"check", "rules", "alerts.yaml"}, {"test", "rules", "alerts_test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = "../../docs/ops"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
