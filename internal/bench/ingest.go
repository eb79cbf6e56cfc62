package bench

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"os"
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
	"github.com/dauys/dauys/internal/sigverify"
	"github.com/dauys/dauys/internal/synth"
	"github.com/dauys/dauys/internal/tlog"
)

// Store is what Ingest needs of a store: the elections, keys, protocols
// and totals, and the transparency log. Both stores are one.
type Store = tlog.Store

// IngestConfig says what Ingest measures, on which store.
type IngestConfig struct {
	// Store is an open store, fresh or holding no election of this size;
	// Kind names it in the report ("sqlite" or "postgres").
	Store Store
	Kind  string
	// Precincts and Seed make the synthetic election (synth).
	Precincts int
	Seed      uint64
	// Batch is the protocols per submission, Senders the concurrent
	// senders, as commissions submitting at once.
	Batch, Senders int
	// Log appends to the transparency log and signs a checkpoint, as
	// `serve --log-key` does.
	Log bool
	// CPUProfile and MemProfile, when set, are files for profiles of the
	// timed part (MemProfile+".base" is the heap at its start).
	CPUProfile, MemProfile string
	// Now is the clock of the stored keys, log and protocols.
	Now func() time.Time
}

// IngestReport is what Ingest measured, as `dauys bench ingest --json`
// prints it.
type IngestReport struct {
	Store              string  `json:"store"`
	Protocols          int     `json:"protocols"`
	Seconds            float64 `json:"seconds"`
	ProtocolsPerSecond float64 `json:"protocols_per_second"`
	VerifyPerSecond    float64 `json:"ed25519_verify_per_second"`
	RatioToVerifyLimit float64 `json:"ratio_to_verify_limit"`
	// BatchVerifyPerSecond is the batch verification limit: the same
	// signatures verified as intake verifies them (sigverify, ZIP-215,
	// batches of sigverify.BatchSize on every processor).
	BatchVerifyPerSecond float64 `json:"ed25519_batch_verify_per_second"`
	RatioToBatchLimit    float64 `json:"ratio_to_batch_verify_limit"`
	// BatchSpeedup is the batch limit over the one-by-one limit.
	BatchSpeedup        float64 `json:"batch_speedup"`
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

// Ingest generates cfg.Precincts signed protocols (not timed), then times
// the whole intake path a protocol takes in production: signature
// verification, validation, durable storage with group commit, running
// totals and the append to the transparency log, ending when a signed
// checkpoint covers every protocol. It measures the machine's Ed25519
// verification limit in the same run, on every processor, to give the
// ratio.
func Ingest(ctx context.Context, cfg IngestConfig) (*IngestReport, error) {
	t0 := time.Now()
	e := synth.Election(fmt.Sprintf("synth-%d", cfg.Precincts), cfg.Precincts)
	priv, keys := synth.Keys(e, cfg.Seed)
	packed := synth.Pack(e, cfg.Seed, priv)
	def, _, err := synth.Files(e)
	if err != nil {
		return nil, err
	}
	e.Definition = def
	gen := time.Since(t0)

	s := cfg.Store
	in := intake.New(s, cfg.Now)
	if err := s.CreateElection(ctx, e); err != nil {
		return nil, err
	}
	for _, k := range keys {
		k.CreatedAt = cfg.Now().UTC()
		if err := s.CreateKey(ctx, k); err != nil {
			return nil, err
		}
	}
	// The generated definition is the input's, not the server's: the
	// server reads its own from the store.
	id := e.ID
	e = nil
	var seq *tlog.Sequencer
	if cfg.Log {
		if seq, err = startLog(ctx, s, id, cfg.Now()); err != nil {
			return nil, err
		}
		in.OnStored(seq.Notify)
	}
	pubs := map[string]ed25519.PublicKey{}
	for _, k := range keys {
		pubs[k.ID] = k.PublicKey
	}
	limit := newVerifyBench(id, packed, pubs)
	verifyRate, batchRate := limit.measure(), limit.measureBatch()
	// A server loads an election's definition and area tree once, when it
	// starts (serve does); that is not part of any protocol's path.
	if _, err := in.Elections().Load(ctx, id); err != nil {
		return nil, err
	}

	// Peak memory is measured from here: what setting up the election
	// and the log took before is another phase (and in production
	// another day), reported apart.
	setupRSS := peakRSS()
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	if cfg.MemProfile != "" {
		// The base to subtract, for what the timed part allocates:
		// go tool pprof -base FILE.base FILE.
		if err := writeHeapProfile(cfg.MemProfile + ".base"); err != nil {
			return nil, err
		}
	}
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
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
	for range cfg.Senders {
		wg.Go(func() {
			for lo := range work {
				subs := make([]intake.Submission, min(packed.Len(), lo+cfg.Batch)-lo)
				for i := range subs {
					subs[i] = packed.Submission(lo + i)
				}
				res, err := in.Submit(ctx, id, subs)
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
	for lo := 0; lo < packed.Len(); lo += cfg.Batch {
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
			return nil, err
		}
		logSize = cp.Size
	}
	secs := time.Since(start).Seconds()
	if cfg.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	// The limit again, after the run: the best of both is the
	// machine's, so that a slow spell while it was first measured cannot
	// flatter the ratio.
	verifyRate = max(verifyRate, limit.measure())
	batchRate = max(batchRate, limit.measureBatch())
	limit = nil
	if cfg.MemProfile != "" {
		if err := writeHeapProfile(cfg.MemProfile); err != nil {
			return nil, err
		}
	}
	stop()
	if firstErr != nil {
		return nil, fmt.Errorf("bench ingest: %d refused; first: %v", refused, firstErr)
	}
	if seq != nil {
		if left, err := s.UnloggedProtocols(ctx, id, 1); err != nil {
			return nil, err
		} else if len(left) > 0 {
			return nil, fmt.Errorf("bench ingest: the log misses protocols after its last round")
		}
	}
	tot, err := s.Totals(ctx, id, "list", []string{"X"})
	if err != nil {
		return nil, err
	}
	sum := packed.Sum("took_part")
	if tot["X"]["took_part"] != sum {
		return nil, fmt.Errorf("bench ingest: the national total of took_part is %d, the protocols sum to %d", tot["X"]["took_part"], sum)
	}
	rep := IngestReport{Store: cfg.Kind, Protocols: packed.Len(), Seconds: secs, ProtocolsPerSecond: float64(packed.Len()) / secs,
		VerifyPerSecond: verifyRate, GenerateSeconds: gen.Seconds(), PeakRSSBytes: peakRSS(), SetupPeakRSSBytes: setupRSS, InputBytes: packed.Size(),
		Processors: runtime.GOMAXPROCS(0), Senders: cfg.Senders, AcceptedEverywhere: refused == 0, Logged: seq != nil, LogSize: logSize,
		NationalTookPart: tot["X"]["took_part"], NationalTookPartSum: sum}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.GoSysBytes = int64(ms.Sys)
	rep.LogLagSeconds = secs - stored
	rep.RatioToVerifyLimit = rep.ProtocolsPerSecond / verifyRate
	rep.BatchVerifyPerSecond, rep.RatioToBatchLimit, rep.BatchSpeedup = batchRate, rep.ProtocolsPerSecond/batchRate, batchRate/verifyRate
	return &rep, nil
}

// WriteText prints the report in one line, as `dauys bench ingest` does.
func (rep *IngestReport) WriteText(w io.Writer) {
	logged := "not logged"
	if rep.Logged {
		logged = fmt.Sprintf("logged (%d entries, signed checkpoint)", rep.LogSize)
	}
	fmt.Fprintf(w, "%s: %d protocols %s in %.2fs = %.0f/s; Ed25519 verification limit on %d processors: one by one %.0f/s (ratio %.2f), in batches %.0f/s (ratio %.2f, %.1fx one by one); peak RSS %d MiB (input %d MiB; setup %d MiB)\n",
		rep.Store, rep.Protocols, logged, rep.Seconds, rep.ProtocolsPerSecond, rep.Processors, rep.VerifyPerSecond, rep.RatioToVerifyLimit,
		rep.BatchVerifyPerSecond, rep.RatioToBatchLimit, rep.BatchSpeedup, rep.PeakRSSBytes>>20, rep.InputBytes>>20, rep.SetupPeakRSSBytes>>20)
}

// startLog starts the election's transparency log with a new key, logs the
// definition, areas and keys, and returns the sequencer that appends to it.
func startLog(ctx context.Context, s Store, election string, now time.Time) (*tlog.Sequencer, error) {
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

// measureBatch returns the best rate of three rounds of verifying the
// signatures as intake does: in batches, on every processor.
func (v *verifyBench) measureBatch() float64 {
	runtime.GC()
	items := make([]sigverify.Item, len(v.msgs))
	for i := range items {
		items[i] = sigverify.Item{PublicKey: v.keys[i], Message: v.msgs[i], Signature: v.sigs[i]}
	}
	best := 0.0
	for range 3 {
		start := time.Now()
		sigverify.VerifyBatch(items)
		best = max(best, float64(len(items))/time.Since(start).Seconds())
	}
	return best
}

// writeHeapProfile writes a heap profile for go tool pprof.
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
