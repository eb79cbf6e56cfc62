package main

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/metrics"
)

// runServe serves the API, the pages and the transparency log: `dauys
// serve`.
func (m *Main) runServe(ctx context.Context, args []string) error {
	fs, db := m.flags("serve")
	o := serveOptions{}
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate (chain) file")
	fs.StringVar(&o.TLSKey, "tls-key", "", "the PEM private key of --tls-cert (mode 0600)")
	fs.StringVar(&o.TrustProxy, "trust-proxy", "", "addresses or networks of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto to believe, comma separated")
	fs.StringVar(&o.MetricsAddr, "metrics-addr", "", "admin address to serve Prometheus /metrics on, e.g. 127.0.0.1:9090 (default: none); keep it off the public network")
	fs.StringVar(&o.LogFormat, "log-format", logText, "log lines as text or json")
	fs.StringVar(&o.LogLevel, "log-level", "info", "least severe log lines written: debug, info, warn or error")
	checkReady := fs.Bool("check-ready", false, "do not serve: ask the server on --addr for /readyz and exit 0 if it is ready, 1 if not (a container's health check)")
	fs.Func("log-key", "the CEC's transparency-log key `FILE` (made by dauys log keygen); repeat for each; with it the server appends protocols to the log and signs checkpoints", func(v string) error {
		o.LogKeys = append(o.LogKeys, v)
		return nil
	})
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *checkReady {
		return probeReady(ctx, o)
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	return m.serveWith(ctx, s, o)
}

// serveOptions are how dauys serve listens.
type serveOptions struct {
	Addr string
	// TLSCert and TLSKey are PEM files; with them the server speaks only
	// HTTPS. They are read again when they change, so that a renewed
	// certificate needs no restart.
	TLSCert, TLSKey string
	// TrustProxy lists the reverse proxies (addresses or networks, comma
	// separated) whose X-Forwarded-For is believed.
	TrustProxy string
	// LogKeys are the CEC's transparency-log key files; with them the
	// server runs the log's sequencer.
	LogKeys []string
	// MetricsAddr, when set, is the admin address /metrics is served on.
	MetricsAddr string
	// LogFormat ("text" or "json") and LogLevel ("debug" to "error") shape
	// the server's log.
	LogFormat, LogLevel string
	// Listener, when set, is where to serve, already listening on Addr
	// (the demo takes its port before it loads).
	Listener net.Listener
}

// serveWith serves the API and pages until ctx is done.
func (m *Main) serveWith(ctx context.Context, s *store, o serveOptions) error {
	log, err := newLogger(m.Stderr, o.LogFormat, o.LogLevel)
	if err != nil {
		return err
	}
	proxies, err := httpapi.ParseTrustedProxies(o.TrustProxy)
	if err != nil {
		return usageErr{err.Error()}
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return usageErr{"--tls-cert and --tls-key go together"}
	}
	var tlsConfig *tls.Config
	if o.TLSCert != "" {
		if tlsConfig, err = newTLSConfig(o.TLSCert, o.TLSKey, m.Now, log); err != nil {
			return err
		}
	} else if len(proxies) == 0 && !loopback(o.Addr) {
		log.Warn("serving plain HTTP: browsers keep the Secure sign-in cookie only from https:// or localhost; " +
			"use --tls-cert and --tls-key, or a TLS proxy with --trust-proxy (docs/security.md)")
	}
	// The metrics are kept whether or not they are served: a nil
	// *metrics.Metrics would do too, but one code path is one to test.
	met := metrics.New()
	s.intake.SetMetrics(met)
	api := httpapi.New(httpapi.Config{Store: s, Tokens: s, Users: s, Audit: s, Intake: s.intake, Tally: s.tally,
		Images: s.images, Logger: log, Now: m.Now, TrustedProxies: proxies, Metrics: met})
	ln := o.Listener
	if ln == nil {
		if ln, err = listen(o.Addr); err != nil {
			return err
		}
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	// The pages give a dauys verify command to copy, with this server's
	// address when it is one readers use: a loopback one, on this machine.
	var public string
	if loopback(ln.Addr().String()) {
		public = scheme + "://" + ln.Addr().String() + "/"
	}
	registerPages(api, s, log, met, public)
	watchChanges(ctx, s, log)
	warmElections(ctx, s, log, func() {
		api.SetReady(true)
		met.Ready(true)
	})
	if o.MetricsAddr != "" {
		gauges := &storeGauges{store: s, met: met, now: m.Now, log: log}
		if _, err := serveMetrics(ctx, o.MetricsAddr, met, gauges, log); err != nil {
			ln.Close()
			return err
		}
	}
	if err := startLog(ctx, api.Mux(), s, o.LogKeys, log); err != nil {
		ln.Close()
		return err
	}
	// No WriteTimeout: downloads of whole elections may take longer than
	// any fixed bound. Slow or idle clients are cut off while reading.
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10, TLSConfig: tlsConfig,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("serving", "addr", scheme+"://"+ln.Addr().String())
	if m.Ready != nil {
		m.Ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return httpapi.Shutdown(context.Background(), srv)
	}
}

// loopback reports whether addr listens only on this machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
