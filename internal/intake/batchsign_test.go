package intake_test

import (
	"sync"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sigverify/sigtest"
	"github.com/dauys/dauys/internal/synth"
	"github.com/dauys/dauys/internal/teststores"
)

// TestSignatureVectors holds intake's signature check to the published
// edge cases, the same vectors the verifier's check runs
// (internal/verify).
func TestSignatureVectors(t *testing.T) {
	sigtest.Run(t, intake.CheckSignatures)
}

// TestBatchSignatureRefusedAlone: signatures are verified in batches; a
// submission whose signature does not verify is refused alone, with the
// reason, and every other protocol of its batch is stored, on both stores.
func TestBatchSignatureRefusedAlone(t *testing.T) {
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		const n = 600
		ctx := t.Context()
		e := synth.Election("synth", n)
		e.Signed = true
		priv, keys := synth.Keys(e, 1)
		subs := synth.Protocols(e, 1, priv)
		if err := s.CreateElection(ctx, e); err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if err := s.CreateKey(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		// One signature with a flipped bit, and one protocol whose lines
		// were changed after signing, in the same call; each would fail
		// any batch it shares.
		const flipped, tampered = 123, 450
		sig := append([]byte{}, subs[flipped].Signature...)
		sig[50] ^= 0x10
		subs[flipped].Signature = sig
		for line, d := range map[string]int64{"option:alpha": 1, "took_part": 1, "issued": 1, "cancelled": -1} {
			subs[tampered].Lines[line] += d
		}
		res, err := intake.New(s, nil).Submit(ctx, "synth", subs)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			switch i {
			case flipped, tampered:
				if dauys.ErrorCode(r.Err) != dauys.EINVALID || dauys.ErrorMessage(r.Err) != "the signature does not match the protocol" {
					t.Errorf("%d: %v, want the signature refused", i, r.Err)
				}
			default:
				if r.Err != nil || r.Outcome != dauys.OutcomeAccepted {
					t.Errorf("%d: %s, %v", i, r.Outcome, r.Err)
				}
			}
		}
		tot, err := s.Totals(ctx, "synth", "list", []string{"X"})
		if err != nil {
			t.Fatal(err)
		}
		if tot["X"][dauys.ReportedLine] != n-2 {
			t.Errorf("%d protocols counted, want %d", tot["X"][dauys.ReportedLine], n-2)
		}
		for _, i := range []int{flipped, tampered} {
			if _, err := s.Protocol(ctx, "synth", "list", subs[i].Area); dauys.ErrorCode(err) != dauys.ENOTFOUND {
				t.Errorf("refused protocol %d stored: %v", i, err)
			}
		}
	})
}

// TestPooledSignaturesRefusedAlone: commissions sending one protocol each,
// all at once, have their signatures verified in shared batches; the one
// bad signature among them is refused, alone, and every other protocol is
// stored.
func TestPooledSignaturesRefusedAlone(t *testing.T) {
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		const n, bad = 300, 77
		ctx := t.Context()
		e := synth.Election("synth", n)
		e.Signed = true
		priv, keys := synth.Keys(e, 2)
		subs := synth.Protocols(e, 2, priv)
		if err := s.CreateElection(ctx, e); err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if err := s.CreateKey(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		sig := append([]byte{}, subs[bad].Signature...)
		sig[3] ^= 0x40
		subs[bad].Signature = sig
		in := intake.New(s, nil)
		results := make([]intake.Result, n)
		var wg sync.WaitGroup
		for i := range subs {
			wg.Go(func() {
				res, err := in.Submit(ctx, "synth", subs[i:i+1])
				if err != nil {
					t.Error(err)
					return
				}
				results[i] = res[0]
			})
		}
		wg.Wait()
		for i, r := range results {
			switch {
			case i == bad && dauys.ErrorMessage(r.Err) != "the signature does not match the protocol":
				t.Errorf("the bad signature: %v", r.Err)
			case i != bad && (r.Err != nil || r.Outcome != dauys.OutcomeAccepted):
				t.Errorf("%d: %s, %v", i, r.Outcome, r.Err)
			}
		}
	})
}
