package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/backend"
	"github.com/dauys/dauys/internal/bench"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/loadtest"
)

// benchElection is the example the load and read measurements use: the
// 2023 elections, three contests in every precinct.
const benchElection = "kz-2023"

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
	s, e, err := m.openExample(ctx, *db, benchElection)
	if err != nil {
		return err
	}
	defer s.Close()
	var subs []intake.Submission
	for _, ev := range demo.Night(e, 1, demo.Mazhilis2023) {
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
		Principal: dauys.Principal{Subject: "bench", Role: dauys.RoleAdmin, Election: benchElection}}); err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	addr, served, err := m.serveQuietly(ctx, s)
	if err != nil {
		return err
	}
	rep, err := loadtest.Run(ctx, loadtest.Config{BaseURL: "http://" + addr, Token: secret, Election: benchElection,
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

// runBenchGenerate writes a synthetic election of any size: its
// definition (election.yaml and areas.csv, loadable by `dauys election
// import`), its commission keys and its signed protocols, one JSON
// submission a line.
func (m *Main) runBenchGenerate(_ context.Context, args []string) error {
	fs := m.flagSet("bench generate")
	n := fs.Int("precincts", 10000, "number of precincts")
	out := fs.String("out", "", "folder to write")
	seed := fs.Uint64("seed", 1, "seed")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || *n < 1 {
		return usageErr{"bench generate takes --precincts N (at least 1) and --out DIR"}
	}
	g, err := bench.Generate(*out, *n, *seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote election %s to %s: %d precincts, %d keys, %d signed protocols\n", g.ID, *out, g.Precincts, g.Keys, g.Protocols)
	return nil
}

// runBenchIngest generates n signed protocols (not timed), then times the
// whole intake path a protocol takes in production: signature
// verification, validation, durable storage with group commit, running
// totals and the append to the transparency log, ending when a signed
// checkpoint covers every protocol. It measures the machine's Ed25519
// verification limit in the same run, on every processor, to give the
// ratio.
func (m *Main) runBenchIngest(ctx context.Context, args []string) error {
	fs := m.flagSet("bench ingest")
	n := fs.Int("precincts", 100000, "number of precincts")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default: a new file in a temporary folder)")
	seed := fs.Uint64("seed", 1, "seed")
	batch := fs.Int("batch", 1000, "protocols per submission")
	senders := fs.Int("senders", 4*runtime.GOMAXPROCS(0), "concurrent senders, as commissions submitting at once")
	withLog := fs.Bool("log", true, "append to the transparency log and sign a checkpoint, as serve --log-key does")
	asJSON := fs.Bool("json", false, "print JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed part to this file (go tool pprof)")
	memProfile := fs.String("memprofile", "", "write heap profiles at the start (FILE.base) and the end of the timed part (go tool pprof -base FILE.base FILE)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *n < 1 || *batch < 1 || *senders < 1 {
		return usageErr{"bench ingest takes --precincts N, and a positive --batch and --senders"}
	}
	if *db == "" {
		dir, err := os.MkdirTemp("", "dauys-ingest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*db = filepath.Join(dir, "ingest.db")
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	kind := "sqlite"
	if backend.IsPostgres(*db) {
		kind = "postgres"
	}
	rep, err := bench.Ingest(ctx, bench.IngestConfig{Store: s.Backend, Kind: kind, Precincts: *n, Seed: *seed, Batch: *batch, Senders: *senders,
		Log: *withLog, CPUProfile: *cpuProfile, MemProfile: *memProfile, Now: m.Now})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, rep)
	}
	rep.WriteText(m.Stdout)
	return nil
}

// runBenchRead measures the read path on election night (bench.Read) on
// the demo night played into a fresh database, served on loopback.
func (m *Main) runBenchRead(ctx context.Context, args []string) error {
	fs := m.flagSet("bench read")
	conns := fs.Int("connections", 256, "concurrent connections")
	each := fs.Duration("duration", 10*time.Second, "how long to read each URL")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "dauys-read-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, e, err := m.openExample(ctx, filepath.Join(dir, "read.db"), benchElection)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := (&demo.Player{Intake: s.intake}).Play(ctx, benchElection, demo.Night(e, 1, demo.Mazhilis2023)); err != nil {
		return err
	}
	if err := s.SetElectionStatus(ctx, benchElection, dauys.StatusComplete); err != nil {
		return err
	}
	s.elections.Forget(benchElection)

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	addr, served, err := m.serveQuietly(ctx, s)
	if err != nil {
		return err
	}
	rep, err := bench.Read(ctx, "http://"+addr, benchElection, dir, *conns, *each)
	if err != nil {
		return err
	}
	stop()
	<-served
	if *asJSON {
		return writeJSON(m.Stdout, rep)
	}
	rep.WriteText(m.Stdout)
	return nil
}

// serveQuietly starts the server on a loopback port, its log discarded,
// for a measurement to target; it returns the address and the channel
// that receives serve's result once ctx is done.
func (m *Main) serveQuietly(ctx context.Context, s *store) (string, <-chan error, error) {
	ready := make(chan string, 1)
	served := make(chan error, 1)
	quiet := *m
	quiet.Stderr = discard{}
	quiet.Ready = func(addr string) { ready <- addr }
	go func() { served <- quiet.serveWith(ctx, s, serveOptions{Addr: "127.0.0.1:0"}) }()
	select {
	case addr := <-ready:
		return addr, served, nil
	case err := <-served:
		return "", nil, err
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
