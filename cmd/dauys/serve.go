package main

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/dauys/dauys/internal/httpapi"
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
	fs.Func("log-key", "the CEC's transparency-log key `FILE` (made by dauys log keygen); repeat for each; with it the server appends protocols to the log and signs checkpoints", func(v string) error {
		o.LogKeys = append(o.LogKeys, v)
		return nil
	})
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	return m.serveWith(ctx, s, o)
}

// serve serves the API and pages on addr, over plain HTTP, until ctx is
// done; serveWith takes TLS and proxy options too.
func (m *Main) serve(ctx context.Context, s *store, addr string) error {
	return m.serveWith(ctx, s, serveOptions{Addr: addr})
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
}

// serveWith serves the API and pages until ctx is done.
func (m *Main) serveWith(ctx context.Context, s *store, o serveOptions) error {
	log := m.logger()
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
	api := httpapi.New(httpapi.Config{Store: s, Tokens: s, Users: s, Audit: s, Intake: s.intake, Tally: s.tally,
		Logger: log, Now: m.Now, TrustedProxies: proxies})
	registerPages(api, s, log)
	watchChanges(ctx, s, log)
	warmElections(ctx, s, log)
	if err := startLog(ctx, api.Mux(), s, o.LogKeys, log); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return err
	}
	// No WriteTimeout: downloads of whole elections may take longer than
	// any fixed bound. Slow or idle clients are cut off while reading.
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10, TLSConfig: tlsConfig,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
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
