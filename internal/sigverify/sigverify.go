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
	"crypto/rand"
	"crypto/sha512"
	"runtime"
	"sync"

	"github.com/oasisprotocol/curve25519-voi/curve"
	"github.com/oasisprotocol/curve25519-voi/curve/scalar"
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

// batchValid reports whether every item verifies under ZIP-215, with one
// batch equation: for random 128-bit z_i (crypto/rand), that
//
//	[Σ z_i S_i] B - Σ [z_i] R_i - Σ_A [Σ_{i signed by A} z_i k_i] A
//
// is of small order, which holds when every item's cofactored equation
// does, and otherwise with probability 2^-128 at most. It is the batch
// equation of curve25519-voi's BatchVerifier with one change: the terms of
// items signed by the same key (as a commission signs many protocols) are
// one term, so the multi-scalar multiplication has n + keys + 1 terms
// instead of 2n + 1, and each key is decoded once. The decoding and
// hashing are ZIP-215's, as in Verify: S must be canonical, A and R any
// encoding of a point, k = SHA-512(R || A || M) over the bytes as sent.
func batchValid(items []Item) bool {
	n := len(items)
	random := make([]byte, 16*n)
	if _, err := rand.Read(random); err != nil {
		panic("sigverify: crypto/rand: " + err.Error())
	}
	var (
		b       scalar.Scalar // Σ z_i S_i
		z       = make([]scalar.Scalar, n)
		rs      = make([]curve.EdwardsPoint, n)
		as      = make([]curve.EdwardsPoint, 0, n)
		aCoeffs = make([]scalar.Scalar, 0, n)
		keys    = make(map[string]int, 4)
		h       = sha512.New()
		digest  [64]byte
	)
	for i, it := range items {
		pub, sig := it.PublicKey, it.Signature
		if len(pub) != PublicKeySize || len(sig) != SignatureSize || !scalar.ScMinimalVartime(sig[32:]) {
			return false
		}
		var enc curve.CompressedEdwardsY
		copy(enc[:], sig[:32])
		if _, err := rs[i].SetCompressedY(&enc); err != nil {
			return false
		}
		j, ok := keys[string(pub)]
		if !ok {
			j = len(as)
			as, aCoeffs = as[:j+1], aCoeffs[:j+1]
			copy(enc[:], pub)
			if _, err := as[j].SetCompressedY(&enc); err != nil {
				return false
			}
			keys[string(pub)] = j
		}
		var zb [32]byte
		copy(zb[:16], random[16*i:])
		var S, k, t scalar.Scalar
		if _, err := z[i].SetBytesModOrder(zb[:]); err != nil {
			return false
		}
		if _, err := S.SetBytesModOrder(sig[32:]); err != nil {
			return false
		}
		h.Reset()
		h.Write(sig[:32])
		h.Write(pub)
		h.Write(it.Message)
		if _, err := k.SetBytesModOrderWide(h.Sum(digest[:0])); err != nil {
			return false
		}
		b.Add(&b, t.Mul(&z[i], &S))
		aCoeffs[j].Add(&aCoeffs[j], t.Mul(&z[i], &k))
	}
	scalars := make([]*scalar.Scalar, 0, 1+n+len(as))
	points := make([]*curve.EdwardsPoint, 0, 1+n+len(as))
	scalars, points = append(scalars, &b), append(points, curve.ED25519_BASEPOINT_POINT)
	for i := range z {
		z[i].Neg(&z[i])
		scalars, points = append(scalars, &z[i]), append(points, &rs[i])
	}
	for j := range as {
		aCoeffs[j].Neg(&aCoeffs[j])
		scalars, points = append(scalars, &aCoeffs[j]), append(points, &as[j])
	}
	var sum curve.EdwardsPoint
	return sum.MultiscalarMulVartime(scalars, points).IsSmallOrder()
}
