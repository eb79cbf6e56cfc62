// Package metrics is what an operations team watches on election night:
// Dauys's counters, gauges and histograms, kept in a Prometheus registry of
// their own and served in the Prometheus exposition format on the admin
// address (`dauys serve --metrics-addr`). Every name starts with dauys_.
//
// It is the one package that imports the Prometheus client library. The
// services do not: intake, httpapi and web each declare the small
// interface they report through (intake.Metrics, httpapi.Metrics,
// web.Metrics), which *Metrics satisfies, and cmd/dauys hands it to them.
// It depends on no other Dauys package, and no package but cmd/dauys
// imports it.
//
// Labels are bounded, because every distinct value is a time series kept
// for as long as the process runs: routes are the mux's patterns, never
// raw paths; regions are the areas right under an election's root (a few
// dozen); codes are the fixed error codes and the definitions' check
// codes, clipped to a safe alphabet. What does not fit is counted under
// "other".
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds Dauys's metrics and the registry they are served from.
// Its methods are safe for concurrent use and never block. A nil *Metrics
// records nothing, so that callers need not check.
type Metrics struct {
	reg *prometheus.Registry

	protocols      *prometheus.CounterVec
	turnout        *prometheus.CounterVec
	groupSize      prometheus.Histogram
	groupSeconds   prometheus.Histogram
	requests       *prometheus.HistogramVec
	cache          *prometheus.CounterVec
	publishSeconds *prometheus.GaugeVec
	publishedAt    *prometheus.GaugeVec
	logLag         *prometheus.GaugeVec
	logLagSeconds  *prometheus.GaugeVec
	checkpointAge  *prometheus.GaugeVec
	lastProtocol   *prometheus.GaugeVec
	reported       *prometheus.GaugeVec
	expected       *prometheus.GaugeVec
	ready          prometheus.Gauge
}

// New returns the metrics in a registry of their own, with the Go runtime's
// and the process's collectors beside them: a server's.
func New() *Metrics { return build(false) }

// NewBatch returns the metrics of a one-shot command, whose registry holds
// only what such a command records (the publish duration): node_exporter's
// textfile collector refuses a series two files both carry, so the
// runtime's are left to the server.
func NewBatch() *Metrics { return build(true) }

func build(batch bool) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{reg: reg,
		protocols: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dauys_protocols_total",
			Help: "Protocols submitted, by election, region (the area under the election's root), outcome (accepted, amended, duplicate, entered, disputed, refused), error code and first failed check.",
		}, []string{"election", "region", "outcome", "code", "check"}),
		turnout: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dauys_turnout_reports_total",
			Help: "Turnout reports submitted, by election, region, outcome and error code.",
		}, []string{"election", "region", "outcome", "code"}),
		groupSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "dauys_group_commit_protocols",
			Help:    "Protocols saved in one group-commit transaction.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 13), // 1 .. 4096
		}),
		groupSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "dauys_group_commit_seconds",
			Help:    "Time one group-commit transaction took, commit included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 15), // 0.5 ms .. 8 s
		}),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dauys_http_request_duration_seconds",
			Help:    "HTTP requests by method, route pattern (not the raw path) and status code, and the time to answer them.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route", "code"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dauys_cache_lookups_total",
			Help: "Lookups in the in-memory caches (results: the API's results answers; pages: the site's rendered pages), by result (hit or miss).",
		}, []string{"cache", "result"}),
		// A one-shot command's file holds its last run: gauges, not a
		// histogram whose count would always be 1.
		publishSeconds: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "dauys_publish_duration_seconds",
			Help: "Time the last `dauys publish` of the election took to write its static site.",
		}, []string{"election"}),
		publishedAt: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "dauys_publish_timestamp_seconds",
			Help: "Unix time the last `dauys publish` of the election finished.",
		}, []string{"election"}),
		logLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "dauys_log_lag_protocols",
			Help: "Protocol versions stored but not yet in the election's transparency log (counted up to a bound, see docs/operations.md).",
		}, []string{"election"}),
		logLagSeconds: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "dauys_log_lag_seconds",
			Help: "Age of the oldest protocol version not yet in the election's transparency log; 0 when none waits.",
		}, []string{"election"}),
		checkpointAge: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "dauys_log_checkpoint_age_seconds",
			Help: "Age of the election's latest signed checkpoint.",
		}, []string{"election"}),
		lastProtocol: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "dauys_last_protocol_timestamp_seconds",
			Help: "Unix time this process last stored a protocol of the election from the region.",
		}, []string{"election", "region"}),
		reported: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "dauys_precincts_reported",
			Help: "Precincts of the region whose protocol of the contest is stored, from the store's running totals (the same on every replica).",
		}, []string{"election", "contest", "region"}),
		expected: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "dauys_precincts_expected",
			Help: "Precincts of the region that vote in the contest.",
		}, []string{"election", "contest", "region"}),
		ready: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dauys_ready",
			Help: "1 once the elections are loaded and the server answers /readyz with 200, 0 before.",
		}),
	}
	if batch {
		reg.MustRegister(m.publishSeconds, m.publishedAt)
		return m
	}
	reg.MustRegister(m.protocols, m.turnout, m.groupSize, m.groupSeconds, m.requests, m.cache, m.publishSeconds, m.publishedAt,
		m.logLag, m.logLagSeconds, m.checkpointAge, m.lastProtocol, m.reported, m.expected, m.ready,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the exposition format, for the admin
// address.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, MaxRequestsInFlight: 4})
}

// Protocol counts one submitted protocol. outcome is "refused" for a
// refusal, with the error code and the code of the first failed check.
func (m *Metrics) Protocol(election, region, outcome, code, check string, at time.Time) {
	if m == nil {
		return
	}
	election, region = label(election), label(region)
	m.protocols.WithLabelValues(election, region, label(outcome), label(code), label(check)).Inc()
	if outcome == "accepted" || outcome == "amended" {
		m.lastProtocol.WithLabelValues(election, region).Set(float64(at.UnixNano()) / 1e9)
	}
}

// Turnout counts one submitted turnout report.
func (m *Metrics) Turnout(election, region, outcome, code string) {
	if m == nil {
		return
	}
	m.turnout.WithLabelValues(label(election), label(region), label(outcome), label(code)).Inc()
}

// GroupCommit observes one group-commit transaction.
func (m *Metrics) GroupCommit(protocols int, took time.Duration) {
	if m == nil {
		return
	}
	m.groupSize.Observe(float64(protocols))
	m.groupSeconds.Observe(took.Seconds())
}

// Request observes one HTTP request. route is the pattern the mux matched
// ("GET /api/v1/elections/{id}/results"), or "" when none did.
func (m *Metrics) Request(method, route string, status int, took time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(methodLabel(method), route, strconv.Itoa(status)).Observe(took.Seconds())
}

// CacheLookup counts a lookup in a cache ("results" or "pages").
func (m *Metrics) CacheLookup(cache string, hit bool) {
	if m == nil {
		return
	}
	result := "miss"
	if hit {
		result = "hit"
	}
	m.cache.WithLabelValues(label(cache), result).Inc()
}

// Published records a publication of an election's static site: how
// long it took and when it finished.
func (m *Metrics) Published(election string, took time.Duration, at time.Time) {
	if m == nil {
		return
	}
	m.publishSeconds.WithLabelValues(label(election)).Set(took.Seconds())
	m.publishedAt.WithLabelValues(label(election)).Set(float64(at.UnixNano()) / 1e9)
}

// LogLag sets how far an election's transparency log is behind its
// protocols: the versions waiting and the age of the oldest.
func (m *Metrics) LogLag(election string, waiting int, oldest time.Duration) {
	if m == nil {
		return
	}
	m.logLag.WithLabelValues(label(election)).Set(float64(waiting))
	m.logLagSeconds.WithLabelValues(label(election)).Set(oldest.Seconds())
}

// CheckpointAge sets the age of an election's latest signed checkpoint.
func (m *Metrics) CheckpointAge(election string, age time.Duration) {
	if m == nil {
		return
	}
	m.checkpointAge.WithLabelValues(label(election)).Set(age.Seconds())
}

// Progress sets how many of a region's precincts have reported a
// contest, of how many that vote in it.
func (m *Metrics) Progress(election, contest, region string, reported, expected int64) {
	if m == nil {
		return
	}
	election, contest, region = label(election), label(contest), label(region)
	m.reported.WithLabelValues(election, contest, region).Set(float64(reported))
	m.expected.WithLabelValues(election, contest, region).Set(float64(expected))
}

// Ready records whether the server is ready (its elections loaded).
func (m *Metrics) Ready(ready bool) {
	if m == nil {
		return
	}
	if ready {
		m.ready.Set(1)
	} else {
		m.ready.Set(0)
	}
}

// WriteTextfile writes the metrics in the exposition format to a file, as
// a one-shot command (dauys publish) does for node_exporter's textfile
// collector. The file is replaced whole, never seen half written.
func (m *Metrics) WriteTextfile(path string) error {
	return prometheus.WriteToTextfile(path, m.reg)
}

// maxLabel bounds a label value. Ids of Dauys are at most 100 bytes; a
// longer or stranger value is not one of them.
const maxLabel = 100

// label returns v if it is a plausible id (letters, digits and -_.:/), so
// that a label can never carry an outsider's arbitrary text, and "other"
// otherwise. The empty value stays empty: "no code".
func label(v string) string {
	if len(v) > maxLabel {
		return "other"
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == ':', c == '/':
		default:
			return "other"
		}
	}
	return v
}

// methodLabel keeps the methods the server answers and folds the rest,
// which anyone may send, into "other".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}
