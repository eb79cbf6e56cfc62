package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
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
func serveMetrics(ctx context.Context, addr string, met *metrics.Metrics, log *slog.Logger) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", met.Handler())
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

// logLagEvery is how often watchLogLag looks at the transparency logs.
const logLagEvery = 15 * time.Second

// maxLagCounted bounds the protocol versions counted behind a log, so
// that a log far behind costs one bounded read, not the whole backlog:
// dauys_log_lag_protocols reads "at least" at the bound.
const maxLagCounted = 10000

// watchLogLag sets the metrics of how far behind each election's
// transparency log is (versions waiting, the oldest's age) and how old
// its latest checkpoint is, now and every logLagEvery until ctx is done.
func watchLogLag(ctx context.Context, s *store, met *metrics.Metrics, now func() time.Time, log *slog.Logger) {
	measure := func() {
		es, err := s.Elections(ctx)
		if err != nil {
			log.Warn("log lag: listing elections", "err", err)
			return
		}
		for _, e := range es {
			if err := measureLog(ctx, s, met, e.ID, now()); err != nil && ctx.Err() == nil {
				log.Warn("log lag", "election", e.ID, "err", err)
			}
		}
	}
	go func() {
		t := time.NewTicker(logLagEvery)
		defer t.Stop()
		for {
			measure()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
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
