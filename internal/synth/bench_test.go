package synth_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/synth"
)

// BenchmarkIngest times intake of the signed protocols of a synthetic
// election of 20,000 precincts on SQLite: signature verification,
// validation, storage and running totals, from one sender. `dauys bench
// ingest` measures the production path at any size, with concurrent
// senders and the transparency log, against the Ed25519 limit.
func BenchmarkIngest(b *testing.B) {
	const n = 20000
	e := synth.Election("synth", n)
	priv, keys := synth.Keys(e, 1)
	subs := synth.Protocols(e, 1, priv)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
		if err != nil {
			b.Fatal(err)
		}
		if err := s.CreateElection(ctx, e); err != nil {
			b.Fatal(err)
		}
		for _, k := range keys {
			if err := s.CreateKey(ctx, k); err != nil {
				b.Fatal(err)
			}
		}
		in := intake.New(s, nil)
		b.StartTimer()
		for lo := 0; lo < n; lo += 1000 {
			res, err := in.Submit(ctx, "synth", subs[lo:lo+1000])
			if err != nil || res[0].Err != nil {
				b.Fatal(err, res[0].Err)
			}
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "protocols/s")
}
