// Package sigverify verifies the Ed25519 signatures of commissions, one at
// a time and in batches, under one equation: ZIP-215's. Intake and the
// independent verifier both verify through it, so that they accept exactly
// the same signatures, whether a signature is checked alone or in a batch.
//
// The equation is the cofactored one, [8][S]B = [8]R + [8][k]A, with S
// required canonical (S < L) and A and R accepted in any encoding that
// decodes to a point, small order included (ZIP-215,
// https://zips.z.cash/zip-0215). It is the one equation a batch verifier
// can match exactly: crypto/ed25519 is cofactorless, and a random linear
// combination of cofactorless equations can accept a signature the
// cofactorless check refuses, or the other way round. Every signature
// crypto/ed25519 accepts, ZIP-215 accepts too, so the signatures Dauys
// stored before it verified this way still verify. docs/verification.md
// says what the choice means for a commission key.
//
// It wraps github.com/oasisprotocol/curve25519-voi and imports nothing of
// Dauys.
package sigverify

import (
	"runtime"
	"sync"

	"github.com/oasisprotocol/curve25519-voi/curve"
	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// Sizes of keys and signatures, in bytes.
const (
	PublicKeySize = ed25519.PublicKeySize
	SignatureSize = ed25519.SignatureSize
)

var options = &ed25519.Options{Verify: ed25519.VerifyOptionsZIP_215}

// Verify reports whether sig is pub's signature of msg under ZIP-215.
func Verify(pub, msg, sig []byte) bool {
	if len(pub) != PublicKeySize || len(sig) != SignatureSize {
		return false
	}
	return ed25519.VerifyWithOptions(ed25519.PublicKey(pub), msg, sig, options)
}

// UsableKey reports whether pub can be a commission key: it decodes to a
// point of the curve that is not of small order. ZIP-215 accepts
// small-order keys, and under a small-order key one signature (a
// small-order R and S = 0) verifies for every message: such a key must
// never be registered, and the verifier reports one in a log.
func UsableKey(pub []byte) bool {
	if len(pub) != PublicKeySize {
		return false
	}
	var c curve.CompressedEdwardsY
	var a curve.EdwardsPoint
	if _, err := c.SetBytes(pub); err != nil {
		return false
	}
	if _, err := a.SetCompressedY(&c); err != nil {
		return false
	}
	return !a.IsSmallOrder()
}

// Item is one signature to verify.
type Item struct {
	PublicKey, Message, Signature []byte
}

// BatchSize is the signatures one batch equation checks: past a few
// hundred the multi-scalar multiplication gains little a signature, and a
// failed batch costs more to search.
const BatchSize = 256

// smallest is the size under which a failed batch's items are verified
// one by one rather than halved again.
const smallest = 4

// VerifyBatch reports for each item whether its signature verifies, as
// Verify would: items are checked in batches of up to BatchSize, on every
// processor; a batch that fails is halved, and its halves checked again,
// down to single signatures, so that one bad signature costs a few extra
// batches and never refuses the good ones beside it.
func VerifyBatch(items []Item) []bool {
	ok := make([]bool, len(items))
	if len(items) == 0 {
		return ok
	}
	workers := min(runtime.GOMAXPROCS(0), (len(items)+smallest-1)/smallest)
	size := min(BatchSize, (len(items)+workers-1)/workers)
	chunks := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for lo := range chunks {
				verifyRange(items, ok, lo, min(len(items), lo+size))
			}
		})
	}
	for lo := 0; lo < len(items); lo += size {
		chunks <- lo
	}
	close(chunks)
	wg.Wait()
	return ok
}

// verifyRange sets ok[lo:hi] for items[lo:hi], by batch and halving.
func verifyRange(items []Item, ok []bool, lo, hi int) {
	if hi-lo < smallest {
		for i := lo; i < hi; i++ {
			ok[i] = Verify(items[i].PublicKey, items[i].Message, items[i].Signature)
		}
		return
	}
	if batchValid(items[lo:hi]) {
		for i := lo; i < hi; i++ {
			ok[i] = true
		}
		return
	}
	mid := lo + (hi-lo)/2
	verifyRange(items, ok, lo, mid)
	verifyRange(items, ok, mid, hi)
}

// batchValid reports whether every item verifies, with one batch equation
// (random coefficients from crypto/rand: a batch with a bad signature
// passes with probability 2^-128 at most).
func batchValid(items []Item) bool {
	v := ed25519.NewBatchVerifierWithCapacity(len(items))
	for _, it := range items {
		if len(it.PublicKey) != PublicKeySize || len(it.Signature) != SignatureSize {
			return false
		}
		v.AddWithOptions(ed25519.PublicKey(it.PublicKey), it.Message, it.Signature, options)
	}
	return v.VerifyBatchOnly(nil)
}
