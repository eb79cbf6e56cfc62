package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/synth"
)

// runBenchGenerate writes a synthetic election of any size: its
// definition (election.yaml and areas.csv, loadable by `dauys election
// import`), its commission keys and its signed protocols, one JSON
// submission a line.
func (m *Main) runBenchGenerate(args []string) error {
	fs := m.flagSet("bench generate")
	n := fs.Int("precincts", 10000, "number of precincts")
	out := fs.String("out", "", "folder to write")
	seed := fs.Uint64("seed", 1, "seed")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || *n < 1 {
		return usageErr{benchUsage}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	id := fmt.Sprintf("synth-%d", *n)
	e := synth.Election(id, *n)
	priv, keys := synth.Keys(e, *seed)
	subs := synth.Protocols(e, *seed, priv)

	// The root is in election.yaml, every other area in areas.csv.
	def := *e
	def.Areas = e.Areas[:1]
	yaml, err := json.MarshalIndent(struct {
		*dauys.Election
		AreasFile string `json:"areas_file"`
		Created   any    `json:"created_at,omitempty"`
	}{&def, "areas.csv", nil}, "", "  ")
	if err != nil {
		return err
	}
	// JSON is YAML: the definition loads as written.
	if err := os.WriteFile(filepath.Join(*out, "election.yaml"), yaml, 0o644); err != nil {
		return err
	}
	if err := writeAreas(filepath.Join(*out, "areas.csv"), e.Areas); err != nil {
		return err
	}
	kj, err := json.MarshalIndent(keys, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "keys.json"), kj, 0o644); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(*out, "protocols.jsonl"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, s := range subs {
		if err := enc.Encode(s); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote election %s to %s: %d precincts, %d keys, %d signed protocols\n", id, *out, *n, len(keys), len(subs))
	return nil
}

func writeAreas(path string, areas []dauys.Area) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"id", "parent", "level", "number", "iso", "registered", "name_kk", "name_ru", "name_en"})
	for _, a := range areas {
		if a.Parent == "" {
			continue
		}
		w.Write([]string{a.ID, a.Parent, a.Level, a.Number, a.ISO, strconv.FormatInt(a.Registered, 10), a.Name.KK, a.Name.RU, a.Name.EN})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ingestReport is what `dauys bench ingest --json` prints.
type ingestReport struct {
	Store               string  `json:"store"`
	Protocols           int     `json:"protocols"`
	Seconds             float64 `json:"seconds"`
	ProtocolsPerSecond  float64 `json:"protocols_per_second"`
	VerifyPerSecond     float64 `json:"ed25519_verify_per_second"`
	RatioToVerifyLimit  float64 `json:"ratio_to_verify_limit"`
	GenerateSeconds     float64 `json:"generate_seconds"`
	PeakRSSBytes        int64   `json:"peak_rss_bytes"`
	Processors          int     `json:"processors"`
	AcceptedEverywhere  bool    `json:"all_accepted"`
	NationalTookPart    int64   `json:"national_took_part"`
	NationalTookPartSum int64   `json:"sum_of_protocols_took_part"`
}

// runBenchIngest generates n signed protocols (not timed), then times the
// whole intake path a protocol takes in production: signature
// verification, validation, durable storage with group commit, and running
// totals. It measures the machine's Ed25519 verification limit in the same
// run, on every processor, to give the ratio.
func (m *Main) runBenchIngest(ctx context.Context, args []string) error {
	fs := m.flagSet("bench ingest")
	n := fs.Int("precincts", 100000, "number of precincts")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default: a new file in a temporary folder)")
	seed := fs.Uint64("seed", 1, "seed")
	batch := fs.Int("batch", 1000, "protocols per submission")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *n < 1 || *batch < 1 {
		return usageErr{benchUsage}
	}
	if *db == "" {
		dir, err := os.MkdirTemp("", "dauys-ingest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*db = filepath.Join(dir, "ingest.db")
	}
	t0 := time.Now()
	e := synth.Election(fmt.Sprintf("synth-%d", *n), *n)
	priv, keys := synth.Keys(e, *seed)
	subs := synth.Protocols(e, *seed, priv)
	gen := time.Since(t0)

	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.CreateElection(ctx, e); err != nil {
		return err
	}
	for _, k := range keys {
		k.CreatedAt = m.Now().UTC()
		if err := s.keys.CreateKey(ctx, k); err != nil {
			return err
		}
	}
	pubs := map[string]ed25519.PublicKey{}
	for _, k := range keys {
		pubs[k.ID] = k.PublicKey
	}
	verifyRate := verifyLimit(e.ID, subs, pubs)

	// The timed part: submissions come from as many concurrent senders as
	// processors, as they do over the API, and share commits.
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	refused := 0
	work := make(chan []intake.Submission)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for b := range work {
				res, err := s.intake.Submit(ctx, e.ID, b)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				for _, r := range res {
					if r.Err != nil {
						refused++
						if firstErr == nil {
							firstErr = r.Err
						}
					}
				}
				mu.Unlock()
			}
		})
	}
	for lo := 0; lo < len(subs); lo += *batch {
		work <- subs[lo:min(len(subs), lo+*batch)]
	}
	close(work)
	wg.Wait()
	secs := time.Since(start).Seconds()
	if firstErr != nil {
		return fmt.Errorf("bench ingest: %d refused; first: %v", refused, firstErr)
	}
	tot, err := s.Totals(ctx, e.ID, "list", []string{"X"})
	if err != nil {
		return err
	}
	var sum int64
	for _, sub := range subs {
		sum += sub.Lines["took_part"]
	}
	kind := "sqlite"
	if strings.HasPrefix(*db, "postgres") {
		kind = "postgres"
	}
	rep := ingestReport{Store: kind, Protocols: len(subs), Seconds: secs, ProtocolsPerSecond: float64(len(subs)) / secs,
		VerifyPerSecond: verifyRate, GenerateSeconds: gen.Seconds(), PeakRSSBytes: peakRSS(), Processors: runtime.GOMAXPROCS(0),
		AcceptedEverywhere: refused == 0, NationalTookPart: tot["X"]["took_part"], NationalTookPartSum: sum}
	rep.RatioToVerifyLimit = rep.ProtocolsPerSecond / verifyRate
	if *asJSON {
		return writeJSON(m.Stdout, rep)
	}
	fmt.Fprintf(m.Stdout, "%s: %d protocols in %.2fs = %.0f/s; Ed25519 verification limit %.0f/s on %d processors; ratio %.2f; peak RSS %d MiB\n",
		kind, rep.Protocols, rep.Seconds, rep.ProtocolsPerSecond, rep.VerifyPerSecond, rep.Processors, rep.RatioToVerifyLimit, rep.PeakRSSBytes>>20)
	return nil
}

// verifyLimit measures how many of the protocols' signatures the machine
// verifies per second on every processor, and nothing else.
func verifyLimit(election string, subs []intake.Submission, pubs map[string]ed25519.PublicKey) float64 {
	msgs := make([][]byte, len(subs))
	for i, s := range subs {
		msgs[i] = dauys.SignedBytes(election, s.Contest, s.Area, s.Lines)
	}
	workers := runtime.GOMAXPROCS(0)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(subs); i += workers {
				ed25519.Verify(pubs[subs[i].KeyID], msgs[i], subs[i].Signature)
			}
		})
	}
	wg.Wait()
	return float64(len(subs)) / time.Since(start).Seconds()
}

// peakRSS reads the process's peak resident set size (Linux); 0 elsewhere.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
