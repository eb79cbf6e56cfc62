package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/metrics"
)

// Log formats and levels `dauys serve` takes.
const (
	logText = "text"
	logJSON = "json"
)

// newLogger returns the server's logger: text or JSON lines on w, from
// level up, each line of a request carrying its request_id.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if level == "" {
		level = "info"
	}
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usageErr{fmt.Sprintf("--log-level %q: use debug, info, warn or error", level)}
	}
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler
	switch format {
	case "", logText:
		h = slog.NewTextHandler(w, opts)
	case logJSON:
		h = slog.NewJSONHandler(w, opts)
	default:
		return nil, usageErr{fmt.Sprintf("--log-format %q: use text or json", format)}
	}
	return slog.New(httpapi.LogHandler(h)), nil
}

// serveMetrics serves /metrics on the admin address until ctx is done. It
// is a listener of its own, so that the public address never exposes the
// server's insides and a firewall can keep the admin one on the LAN.
// Before each scrape it reads what the store knows (storeGauges).
func serveMetrics(ctx context.Context, addr string, met *metrics.Metrics, gauges *storeGauges, log *slog.Logger) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	h := met.Handler()
	mux.Handle("GET /metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gauges.measure(r.Context())
		h.ServeHTTP(w, r)
	}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			log.Error("metrics server", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		httpapi.Shutdown(context.Background(), srv)
	}()
	log.Info("serving metrics", "addr", "http://"+ln.Addr().String()+"/metrics")
	return ln.Addr(), nil
}

// maxLagCounted bounds the protocol versions counted behind a log, so
// that a log far behind costs one bounded read, not the whole backlog:
// dauys_log_lag_protocols reads "at least" at the bound.
const maxLagCounted = 10000

// storeGaugesEvery is the least time between two reads of the store for
// the gauges: more scrapers than one (two Prometheus servers, a person
// with curl) share a read instead of each reading the store.
const storeGaugesEvery = time.Second

// storeGauges sets, when /metrics is scraped, the gauges read from the
// store: how far behind each election's transparency log is (versions
// waiting, the oldest's age), how old its latest checkpoint is, and, for
// elections voting or counting, the precincts reported in each region.
// They are as fresh as the scrape, the same on every replica of one
// database, and a server nobody scrapes reads nothing.
type storeGauges struct {
	store *store
	met   *metrics.Metrics
	now   func() time.Time
	log   *slog.Logger

	mu   sync.Mutex
	last time.Time
}

func (l *storeGauges) measure(ctx context.Context) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.last) < storeGaugesEvery {
		return
	}
	l.last = now
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	es, err := l.store.Elections(ctx)
	if err != nil {
		l.log.WarnContext(ctx, "log lag: listing elections", "err", err)
		return
	}
	for _, e := range es {
		if err := measureLog(ctx, l.store, l.met, e.ID, l.now()); err != nil && ctx.Err() == nil {
			l.log.WarnContext(ctx, "log lag", "election", e.ID, "err", err)
		}
		if e.Status != dauys.StatusVoting && e.Status != dauys.StatusCounting {
			continue
		}
		if err := measureProgress(ctx, l.store, l.met, e.ID); err != nil && ctx.Err() == nil {
			l.log.WarnContext(ctx, "progress by region", "election", e.ID, "err", err)
		}
	}
}

// measureProgress sets the precincts reported and expected of every
// contest in each region (the children of the election's root), from the
// running totals: one read per contest.
func measureProgress(ctx context.Context, s *store, met *metrics.Metrics, election string) error {
	e, err := s.tally.Election(ctx, election)
	if err != nil {
		return err
	}
	for _, c := range e.Contests {
		regions, err := s.tally.ChildResults(ctx, election, c.ID, "")
		if err != nil {
			return err
		}
		for _, r := range regions {
			met.Progress(election, c.ID, r.Area.ID, r.Progress.Reported, r.Progress.Expected)
		}
	}
	return nil
}

// measureLog sets the lag metrics of one election; an election without a
// log has none.
func measureLog(ctx context.Context, s *store, met *metrics.Metrics, election string, now time.Time) error {
	if _, err := s.LogInfo(ctx, election); dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	waiting, err := s.UnloggedProtocols(ctx, election, maxLagCounted)
	if err != nil {
		return err
	}
	var oldest time.Duration
	if len(waiting) > 0 && waiting[0].Protocol != nil {
		oldest = max(now.Sub(waiting[0].Protocol.ReceivedAt), 0)
	}
	met.LogLag(election, len(waiting), oldest)
	c, err := s.Checkpoint(ctx, election, -1)
	switch dauys.ErrorCode(err) {
	case "":
		met.CheckpointAge(election, max(now.Sub(c.CreatedAt), 0))
	case dauys.ENOTFOUND:
	default:
		return err
	}
	return nil
}

// probeReady asks a server on this machine for /readyz, for a container's
// HEALTHCHECK, which has no shell or curl to ask with: `dauys serve
// --addr ... --check-ready`. An address listening on every interface is
// asked on the loopback one. Over TLS the certificate is not checked: the
// question goes to this machine's own port and carries nothing secret.
func probeReady(ctx context.Context, o serveOptions) error {
	host, port, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return usageErr{fmt.Sprintf("--addr %q: %v", o.Addr, err)}
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme, client := "http", &http.Client{Timeout: 5 * time.Second}
	if o.TLSCert != "" {
		scheme = "https"
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} // #nosec G402: see above
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("not ready: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: /readyz answered %s", resp.Status)
	}
	return nil
}
