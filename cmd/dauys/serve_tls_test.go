package main_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	main "github.com/dauys/dauys/cmd/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	elect "github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
)

// selfSigned writes a self-signed certificate for 127.0.0.1 and localhost
// and its key, and returns their paths and the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2026),
		Subject:      pkix.Name{CommonName: "dauys test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	return certFile, keyFile, cert
}

// startServe runs dauys serve in-process and returns its address; the
// server stops when the test ends.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan int, 1)
	var logs bytes.Buffer
	m := &main.Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &logs, Now: time.Now, Ready: func(a string) { addr <- a }}
	go func() { done <- m.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, logs.String())
		}
	})
	select {
	case a := <-addr:
		return a
	case code := <-done:
		done <- code
		t.Fatalf("serve exited %d: %s", code, logs.String())
	}
	return ""
}

// TestServeTLS serves HTTPS with a certificate made here, behind a proxy
// the server is told to trust, and goes through a person's evening: sign
// in, submit a protocol with the session cookie, and find it all in the
// audit trail with the client's address.
func TestServeTLS(t *testing.T) {
	const election = "kz-referendum-2022"
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	mustRun(t, "election", "import", "--db", db, "../../examples/"+election)
	if code, out, errs := runIn(t, "correct horse battery staple\n", "user", "add", "--db", db, "--name", "op", "--role", "operator", "--election", election); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, errs)
	}
	certFile, keyFile, cert := selfSigned(t, dir)

	if code, _, errs := run(t, "serve", "--db", db, "--tls-cert", certFile); code != 2 || !strings.Contains(errs, "go together") {
		t.Errorf("--tls-cert alone: %d %s", code, errs)
	}
	os.Chmod(keyFile, 0o644)
	if code, _, errs := run(t, "serve", "--db", db, "--tls-cert", certFile, "--tls-key", keyFile); code != 4 || !strings.Contains(errs, "readable by everyone") {
		t.Errorf("a world-readable key: %d %s", code, errs)
	}
	os.Chmod(keyFile, 0o600)
	addr := startServe(t, "--db", db, "--tls-cert", certFile, "--tls-key", keyFile, "--trust-proxy", "127.0.0.1, ::1")
	base := "https://" + addr

	roots := x509.NewCertPool()
	roots.AddCert(cert)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}

	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatalf("healthz over TLS: %d %+v %v", resp.StatusCode, resp.TLS, resp.Header)
	}

	// Old protocol versions and plain HTTP are refused.
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MaxVersion: tls.VersionTLS11}}}
	if resp, err := old.Get(base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("a TLS 1.1 client was served")
	}
	weak := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}}}}
	if resp, err := weak.Get(base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("a client offering only a CBC suite was served")
	}
	if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP to the TLS port: %d", resp.StatusCode)
		}
	}

	post := func(path, body string) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("X-Forwarded-For", "203.0.113.77")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp, out
	}
	if resp, body := post("/api/v1/login", `{"user":"op","password":"wrong horse battery staple"}`); resp.StatusCode != 401 {
		t.Fatalf("wrong password: %d %v", resp.StatusCode, body)
	}
	resp, body := post("/api/v1/login", `{"user":"op","password":"correct horse battery staple"}`)
	if resp.StatusCode != 200 || body["subject"] != "op" {
		t.Fatalf("login: %d %v", resp.StatusCode, body)
	}

	def, err := definition.LoadWith("../../examples/"+election, definition.Options{CheckRules: rules.Check})
	if err != nil {
		t.Fatal(err)
	}
	e, err := elect.Compile(def)
	if err != nil {
		t.Fatal(err)
	}
	var sub intake.Submission
	for _, ev := range demo.Night(e, 3, demo.Baseline{Yes: 70}) {
		if !ev.Faulty && !ev.Submission.Amendment {
			sub = ev.Submission
			break
		}
	}
	sub.AcknowledgeWarnings = true
	payload, _ := json.Marshal(sub)
	if resp, body := post("/api/v1/elections/"+election+"/protocols", string(payload)); resp.StatusCode != 201 {
		t.Fatalf("submit with the cookie: %d %v", resp.StatusCode, body)
	}
	if resp, _ := post("/api/v1/logout", ""); resp.StatusCode != 204 {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	if resp, _ := post("/api/v1/elections/"+election+"/protocols", string(payload)); resp.StatusCode != 401 {
		t.Errorf("submit after logout: %d", resp.StatusCode)
	}

	var got []string
	for _, r := range auditCSV(t, db)[1:] {
		if r[11] == "203.0.113.77" {
			got = append(got, r[5]+" "+r[2]+" "+r[9])
		}
	}
	want := []string{"login-failed  unauthorized", "login op ok", "submit op accepted", "logout op ok"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("audit trail from the client:\n got %q\nwant %q", got, want)
	}
	if out := mustRun(t, "audit-log", "--db", db, "--verify"); !strings.Contains(out, "chain is intact") {
		t.Errorf("verify: %s", out)
	}
}
