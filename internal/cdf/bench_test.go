package cdf_test

import (
	"context"
	"testing"

	"github.com/dauys/dauys/internal/cdf"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/intake"
)

// BenchmarkCDFNational exports, validates and decodes the 2023 elections
// with every protocol of a generated night in (about 30,000 protocols over
// 10,000 precincts): the largest report Dauys writes for a Kazakh election.
//
//	go test -run '^$' -bench CDFNational -benchmem ./internal/cdf/
func BenchmarkCDFNational(b *testing.B) {
	v := mustEnv(b)
	e := v.loadExample(b, "kz-2023")
	var subs []intake.Submission
	seen := map[[2]string]bool{}
	for _, ev := range demo.Night(e, 7, demo.Baseline{AgainstAll: 3.9, Invalid: 1.2}) {
		s := ev.Submission
		if k := [2]string{s.Contest, s.Area}; !ev.Faulty && !s.Amendment && !seen[k] {
			seen[k] = true
			subs = append(subs, s)
		}
	}
	for i := 0; i < len(subs); i += 2000 {
		v.mustSubmit(b, e.ID, subs[i:min(i+2000, len(subs))])
	}
	ctx := context.Background()
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			r, _, err := cdf.Export(ctx, v.store, v.intake.Elections(), e.ID, cdf.ExportOptions{})
			if err != nil {
				b.Fatal(err)
			}
			data, err := cdf.Encode(r)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
		}
	})
	r, _, err := cdf.Export(ctx, v.store, v.intake.Elections(), e.ID, cdf.ExportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	data, err := cdf.Encode(r)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := cdf.Decode(data, cdf.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
