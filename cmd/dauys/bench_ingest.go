package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/synth"
	"github.com/dauys/dauys/internal/tlog"
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
	packed := synth.Pack(e, *seed, priv)

	def, areas, err := synth.Files(e)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "election.yaml"), def, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "areas.csv"), areas, 0o644); err != nil {
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
	for i := range packed.Len() {
		if err := enc.Encode(packed.Submission(i)); err != nil {
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
	fmt.Fprintf(m.Stdout, "wrote election %s to %s: %d precincts, %d keys, %d signed protocols\n", id, *out, *n, len(keys), packed.Len())
	return nil
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
	SetupPeakRSSBytes   int64   `json:"setup_peak_rss_bytes"`
	GoSysBytes          int64   `json:"go_sys_bytes"`
	LogLagSeconds       float64 `json:"log_lag_seconds"`
	InputBytes          int64   `json:"input_bytes"`
	Processors          int     `json:"processors"`
	Senders             int     `json:"senders"`
	AcceptedEverywhere  bool    `json:"all_accepted"`
	Logged              bool    `json:"logged"`
	LogSize             int64   `json:"log_size,omitempty"`
	NationalTookPart    int64   `json:"national_took_part"`
	NationalTookPartSum int64   `json:"sum_of_protocols_took_part"`
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
	withLog := fs.Bool("log", true, "append to the transparency log and sign a checkpoint, as `serve --log-key` does")
	asJSON := fs.Bool("json", false, "print JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed part to this file (go tool pprof)")
	memProfile := fs.String("memprofile", "", "write heap profiles at the start (FILE.base) and the end of the timed part (go tool pprof -base FILE.base FILE)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *n < 1 || *batch < 1 || *senders < 1 {
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
	packed := synth.Pack(e, *seed, priv)
	def, _, err := synth.Files(e)
	if err != nil {
		return err
	}
	e.Definition = def
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
		if err := s.CreateKey(ctx, k); err != nil {
			return err
		}
	}
	// The generated definition is the input's, not the server's: the
	// server reads its own from the store.
	id := e.ID
	e = nil
	var seq *tlog.Sequencer
	if *withLog {
		if seq, err = benchLog(ctx, s, id, m.Now()); err != nil {
			return err
		}
		s.intake.OnStored(seq.Notify)
	}
	pubs := map[string]ed25519.PublicKey{}
	for _, k := range keys {
		pubs[k.ID] = k.PublicKey
	}
	limit := newVerifyBench(id, packed, pubs)
	verifyRate := limit.measure()
	// A server loads an election's definition and area tree once, when it
	// starts (serve does); that is not part of any protocol's path.
	if _, err := s.intake.Load(ctx, id); err != nil {
		return err
	}

	// Peak memory is measured from here: what setting up the election
	// and the log took before is another phase (and in production
	// another day), reported apart.
	setupRSS := peakRSS()
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	if *memProfile != "" {
		// The base to subtract, for what the timed part allocates:
		// go tool pprof -base FILE.base FILE.
		if err := writeHeapProfile(*memProfile + ".base"); err != nil {
			return err
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// The timed part: submissions come from many concurrent senders, as
	// they do over the API, share commits, and wake the log's sequencer.
	start := time.Now()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	if seq != nil {
		go seq.Run(runCtx, time.Hour)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	refused := 0
	work := make(chan int)
	for range *senders {
		wg.Go(func() {
			for lo := range work {
				subs := make([]intake.Submission, min(packed.Len(), lo+*batch)-lo)
				for i := range subs {
					subs[i] = packed.Submission(lo + i)
				}
				res, err := s.intake.Submit(ctx, id, subs)
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
	for lo := 0; lo < packed.Len(); lo += *batch {
		work <- lo
	}
	close(work)
	wg.Wait()
	stored := time.Since(start).Seconds()
	var logSize int64
	if seq != nil {
		// The last round of the sequencer: when it returns, a signed
		// checkpoint covers every protocol.
		cp, err := seq.Sync(ctx, id)
		if err != nil {
			return err
		}
		logSize = cp.Size
	}
	secs := time.Since(start).Seconds()
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	// The limit again, after the run: the best of both is the
	// machine's, so that a slow spell while it was first measured cannot
	// flatter the ratio.
	verifyRate = max(verifyRate, limit.measure())
	limit = nil
	if *memProfile != "" {
		if err := writeHeapProfile(*memProfile); err != nil {
			return err
		}
	}
	stop()
	if firstErr != nil {
		return fmt.Errorf("bench ingest: %d refused; first: %v", refused, firstErr)
	}
	if seq != nil {
		if left, err := s.UnloggedProtocols(ctx, id, 1); err != nil {
			return err
		} else if len(left) > 0 {
			return fmt.Errorf("bench ingest: the log misses protocols after its last round")
		}
	}
	tot, err := s.Totals(ctx, id, "list", []string{"X"})
	if err != nil {
		return err
	}
	sum := packed.Sum("took_part")
	if tot["X"]["took_part"] != sum {
		return fmt.Errorf("bench ingest: the national total of took_part is %d, the protocols sum to %d", tot["X"]["took_part"], sum)
	}
	kind := "sqlite"
	if strings.HasPrefix(*db, "postgres") {
		kind = "postgres"
	}
	rep := ingestReport{Store: kind, Protocols: packed.Len(), Seconds: secs, ProtocolsPerSecond: float64(packed.Len()) / secs,
		VerifyPerSecond: verifyRate, GenerateSeconds: gen.Seconds(), PeakRSSBytes: peakRSS(), SetupPeakRSSBytes: setupRSS, InputBytes: packed.Size(),
		Processors: runtime.GOMAXPROCS(0), Senders: *senders, AcceptedEverywhere: refused == 0, Logged: seq != nil, LogSize: logSize,
		NationalTookPart: tot["X"]["took_part"], NationalTookPartSum: sum}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.GoSysBytes = int64(ms.Sys)
	rep.LogLagSeconds = secs - stored
	rep.RatioToVerifyLimit = rep.ProtocolsPerSecond / verifyRate
	if *asJSON {
		return writeJSON(m.Stdout, rep)
	}
	logged := "not logged"
	if seq != nil {
		logged = fmt.Sprintf("logged (%d entries, signed checkpoint)", logSize)
	}
	fmt.Fprintf(m.Stdout, "%s: %d protocols %s in %.2fs = %.0f/s; Ed25519 verification limit %.0f/s on %d processors; ratio %.2f; peak RSS %d MiB (input %d MiB; setup %d MiB)\n",
		kind, rep.Protocols, logged, rep.Seconds, rep.ProtocolsPerSecond, rep.VerifyPerSecond, rep.Processors, rep.RatioToVerifyLimit,
		rep.PeakRSSBytes>>20, rep.InputBytes>>20, rep.SetupPeakRSSBytes>>20)
	return nil
}

// benchLog starts the election's transparency log with a new key, logs the
// definition, areas and keys, and returns the sequencer that appends to it.
func benchLog(ctx context.Context, s *store, election string, now time.Time) (*tlog.Sequencer, error) {
	skey, vkey, err := tlog.GenerateKey(rand.Reader, "bench.dauys.example/"+election)
	if err != nil {
		return nil, err
	}
	signer, err := tlog.NewSigner(skey)
	if err != nil {
		return nil, err
	}
	if err := s.CreateLog(ctx, &tlog.Info{Election: election, Origin: signer.Name(), VerifierKey: vkey, CreatedAt: now.UTC()}); err != nil {
		return nil, err
	}
	seq := &tlog.Sequencer{Storage: s, Signers: []note.Signer{signer}, Keys: s.Keys}
	// The log holds the definition, the areas and the commission keys
	// before the first protocol arrives, as it does once the server runs.
	if _, err := seq.Sync(ctx, election); err != nil {
		return nil, err
	}
	return seq, nil
}

// verifyBench measures how many of the protocols' signatures the machine
// verifies per second on every processor, and nothing else.
type verifyBench struct {
	msgs, sigs [][]byte
	keys       []ed25519.PublicKey
}

// newVerifyBench prepares up to 50,000 of the protocols' signed messages.
func newVerifyBench(election string, p *synth.Packed, pubs map[string]ed25519.PublicKey) *verifyBench {
	n := min(p.Len(), 50000)
	v := &verifyBench{msgs: make([][]byte, n), sigs: make([][]byte, n), keys: make([]ed25519.PublicKey, n)}
	for i := range n {
		sub := p.Submission(i)
		v.msgs[i] = dauys.SignedBytes(election, sub.Contest, sub.Area, sub.Lines)
		v.sigs[i], v.keys[i] = sub.Signature, pubs[sub.KeyID]
	}
	return v
}

// measure returns the best rate of three rounds, after a garbage
// collection, so that the limit is not understated by what ran before.
func (v *verifyBench) measure() float64 {
	runtime.GC()
	workers := runtime.GOMAXPROCS(0)
	best := 0.0
	for range 3 {
		start := time.Now()
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(v.msgs); i += workers {
					ed25519.Verify(v.keys[i], v.msgs[i], v.sigs[i])
				}
			})
		}
		wg.Wait()
		best = max(best, float64(len(v.msgs))/time.Since(start).Seconds())
	}
	return best
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// resetPeakRSS resets the process's peak resident set size to its current
// one (Linux 4.0 and later), so that peakRSS then gives the peak of what
// follows; elsewhere peakRSS keeps the peak of the whole process.
func resetPeakRSS() {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
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
