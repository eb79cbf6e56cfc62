package main

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/dauys/dauys"
)

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
