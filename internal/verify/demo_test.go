package verify_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/dauys/dauys/examples"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
	"github.com/dauys/dauys/internal/verify"
)

// demoBundle plays the demo's election night of examples/kz-2023 (10,223
// precincts, about 30,600 protocols with their amendments) into a SQLite
// store, logs it and publishes it into dir.
func demoBundle(tb testing.TB, dir string) note.Verifier {
	tb.Helper()
	ctx := context.Background()
	start := time.Now()
	s, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "demo.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	sub, err := fs.Sub(examples.FS, "kz-2023")
	if err != nil {
		tb.Fatal(err)
	}
	data, err := fs.ReadFile(sub, "election.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	e, err := definition.ParseWith(data, "election.yaml", sub, definition.Options{CheckRules: rules.Check})
	if err != nil {
		tb.Fatal(err)
	}
	e.CreatedAt = time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := s.CreateElection(ctx, e); err != nil {
		tb.Fatal(err)
	}
	signer, vkey := tlogtest.Signer(tb, "dauys.test/log/kz-2023")
	if err := s.CreateLog(ctx, &tlog.Info{Election: e.ID, Origin: signer.Name(), VerifierKey: vkey}); err != nil {
		tb.Fatal(err)
	}
	seq := &tlog.Sequencer{Storage: s, Signers: []note.Signer{signer}}
	in := intake.New(s, nil)
	loaded, err := in.Elections().Load(ctx, e.ID)
	if err != nil {
		tb.Fatal(err)
	}
	events := demo.Night(loaded, 2023, demo.Mazhilis2023)
	// Sync as a server would during the night: after every few batches.
	for lo := 0; lo < len(events); lo += 1000 {
		var subs []intake.Submission
		for _, ev := range events[lo:min(len(events), lo+1000)] {
			subs = append(subs, ev.Submission)
		}
		if _, err := in.Submit(ctx, e.ID, subs); err != nil {
			tb.Fatal(err)
		}
		if lo%5000 == 0 {
			if _, err := seq.Sync(ctx, e.ID); err != nil {
				tb.Fatal(err)
			}
		}
	}
	cp, err := seq.Sync(ctx, e.ID)
	if err != nil {
		tb.Fatal(err)
	}
	Publish(tb, s, in, e.ID, dir)
	tb.Logf("demo night: %d submissions, a log of %d entries, published in %s", len(events), cp.Size, time.Since(start).Round(time.Millisecond))
	v, err := note.NewVerifier(vkey)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// TestVerifyDemo verifies the published demo election: the whole log of
// 30,600 protocol versions and the results of 10,408 areas. The target is
// under 30 seconds for 10,000 precincts; BenchmarkVerifyDemo measures it.
func TestVerifyDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo night takes a while; without -short it runs")
	}
	dir := t.TempDir()
	key := demoBundle(t, dir)
	src, _, err := verify.Open(t.Context(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r, err := verify.Verify(t.Context(), verify.Config{Source: src, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if !r.OK() {
		t.Fatalf("the demo does not verify:\n%s", r.Summary())
	}
	if r.Precincts < 30000 || r.Results < 10000 || r.Amendments == 0 {
		t.Errorf("the demo verified too little:\n%s", r.Summary())
	}
	t.Logf("verified in %s:\n%s", took.Round(time.Millisecond), r.Summary())
}

// BenchmarkVerifyDemo measures `dauys verify` on the published demo:
//
//	go test ./internal/verify -run '^$' -bench VerifyDemo -benchtime 3x
func BenchmarkVerifyDemo(b *testing.B) {
	dir := b.TempDir()
	key := demoBundle(b, dir)
	src, _, err := verify.Open(context.Background(), dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		r, err := verify.Verify(context.Background(), verify.Config{Source: src, Key: key})
		if err != nil || !r.OK() {
			b.Fatalf("%v\n%s", err, r.Summary())
		}
	}
}
