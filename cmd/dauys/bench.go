package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/loadtest"
)

const benchUsage = `usage:
  dauys bench generate --precincts N --out DIR [--seed S]
  dauys bench ingest --precincts N [--db PATH|URL] [--seed S] [--json]
  dauys bench load [--submitters N] [--duration D] [--db PATH|URL] [--json]
  dauys bench read [--connections 256] [--duration 10s] [--json]`

// runBench runs the documented measurements.
func (m *Main) runBench(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageErr{benchUsage}
	}
	switch args[0] {
	case "load":
		return m.runBenchLoad(ctx, args[1:])
	case "generate":
		return m.runBenchGenerate(args[1:])
	case "ingest":
		return m.runBenchIngest(ctx, args[1:])
	case "read":
		return m.runBenchRead(ctx, args[1:])
	}
	return usageErr{fmt.Sprintf("unknown bench command %q", args[0])}
}

// runBenchLoad starts a server on a loopback port over a fresh database
// holding the Kazakh 2023 example, and has many commissions submit the
// protocols of a generated night at once while readers poll the results.
// It targets only the server it started and stops after --duration.
func (m *Main) runBenchLoad(ctx context.Context, args []string) error {
	fs := m.flagSet("bench load")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default: a new file in a temporary folder)")
	submitters := fs.Int("submitters", 500, "concurrent submitters")
	duration := fs.Duration("duration", 60*time.Second, "how long to submit")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *db == "" {
		dir, err := os.MkdirTemp("", "dauys-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*db = filepath.Join(dir, "load.db")
	}
	s, e, err := m.openDemo(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var subs []intake.Submission
	for _, ev := range demo.Night(e, 1, demoBaseline) {
		if !ev.Faulty && !ev.Submission.Amendment {
			subs = append(subs, ev.Submission)
		}
	}
	secret, err := newSecret()
	if err != nil {
		return err
	}
	now := m.Now().UTC()
	if err := s.CreateToken(ctx, &dauys.Token{ID: "bench-" + secret[:8], Hash: dauys.HashToken(secret), CreatedAt: now, ExpiresAt: now.Add(time.Hour),
		Principal: dauys.Principal{Subject: "bench", Role: dauys.RoleAdmin, Election: demoElection}}); err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	ready := make(chan string, 1)
	served := make(chan error, 1)
	quiet := *m
	quiet.Stderr = discard{}
	quiet.Ready = func(addr string) { ready <- addr }
	go func() { served <- quiet.serve(ctx, s, "127.0.0.1:0") }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-served:
		return err
	}
	rep, err := loadtest.Run(ctx, loadtest.Config{BaseURL: "http://" + addr, Token: secret, Election: demoElection,
		Protocols: subs, Submitters: *submitters, Duration: *duration, Readers: 4})
	if err != nil {
		return err
	}
	stop()
	<-served
	if *asJSON {
		return writeJSON(m.Stdout, rep)
	}
	fmt.Fprintln(m.Stdout, rep)
	return nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
