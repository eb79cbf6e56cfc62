package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
)

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

// newTLSConfig returns a server configuration with modern defaults: TLS 1.2
// at least, and for 1.2 only forward-secret AEAD suites (Mozilla's
// "intermediate" profile; TLS 1.3 suites are all fine and Go picks them).
func newTLSConfig(certFile, keyFile string, now func() time.Time, log *slog.Logger) (*tls.Config, error) {
	r := &certReloader{certFile: certFile, keyFile: keyFile, now: now, log: log, every: 10 * time.Second}
	if err := r.load(); err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "TLS certificate: %v", err)
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
		GetCertificate: r.get,
	}, nil
}

// certReloader serves a certificate and key pair from files, reading them
// again when their modification times change (checked at most every few
// seconds), so that a renewal by certbot or an operator takes effect
// without a restart. A pair that fails to load is logged and the old one
// kept.
type certReloader struct {
	certFile, keyFile string
	now               func() time.Time
	log               *slog.Logger
	every             time.Duration

	mu              sync.Mutex
	cert            *tls.Certificate
	certMod, keyMod time.Time
	checked         time.Time
}

func (r *certReloader) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := r.now(); now.Sub(r.checked) >= r.every {
		r.checked = now
		if certMod, keyMod, err := r.modTimes(); err == nil && (!certMod.Equal(r.certMod) || !keyMod.Equal(r.keyMod)) {
			if err := r.loadLocked(); err != nil {
				r.log.Error("reloading the TLS certificate failed; serving the old one", "err", err)
			} else {
				r.log.Info("reloaded the TLS certificate", "file", r.certFile)
			}
		}
	}
	return r.cert, nil
}

func (r *certReloader) load() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checked = r.now()
	return r.loadLocked()
}

func (r *certReloader) loadLocked() error {
	certMod, keyMod, err := r.modTimes()
	if err != nil {
		return err
	}
	cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		return err
	}
	if cert.Leaf != nil && r.now().After(cert.Leaf.NotAfter) {
		r.log.Warn("the TLS certificate has expired", "file", r.certFile, "not_after", cert.Leaf.NotAfter)
	}
	r.cert, r.certMod, r.keyMod = &cert, certMod, keyMod
	return nil
}

func (r *certReloader) modTimes() (time.Time, time.Time, error) {
	c, err := os.Stat(r.certFile)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	k, err := os.Stat(r.keyFile)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if k.Mode().Perm()&0o007 != 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("%s is readable by everyone (mode %v): chmod 600 it", r.keyFile, k.Mode().Perm())
	}
	return c.ModTime(), k.ModTime(), nil
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
