package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func writePair(t *testing.T, certFile, keyFile, name string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
}

// TestCertReload checks that a renewed certificate is served without a
// restart, and that a broken renewal keeps the old one.
func TestCertReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writePair(t, certFile, keyFile, "first")
	now := time.Now()
	r := &certReloader{certFile: certFile, keyFile: keyFile, now: func() time.Time { return now },
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), every: 10 * time.Second}
	if err := r.load(); err != nil {
		t.Fatal(err)
	}
	served := func() string {
		c, err := r.get(nil)
		if err != nil {
			t.Fatal(err)
		}
		return c.Leaf.Subject.CommonName
	}
	writePair(t, certFile, keyFile, "second")
	later := time.Now().Add(time.Minute)
	os.Chtimes(certFile, later, later)
	os.Chtimes(keyFile, later, later)
	if got := served(); got != "first" {
		t.Errorf("before the check interval: %s", got)
	}
	now = now.Add(11 * time.Second)
	if got := served(); got != "second" {
		t.Errorf("after a renewal: %s", got)
	}
	os.WriteFile(certFile, []byte("half-written"), 0o644)
	even := later.Add(time.Minute)
	os.Chtimes(certFile, even, even)
	now = now.Add(11 * time.Second)
	if got := served(); got != "second" {
		t.Errorf("after a broken renewal: %s", got)
	}
}
