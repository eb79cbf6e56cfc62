package sigverify_test

import (
	"crypto/ed25519"
	"fmt"
	"testing"

	"github.com/dauys/dauys/internal/sigverify"
	"github.com/dauys/dauys/internal/sigverify/sigtest"
)

func TestVectors(t *testing.T) {
	t.Run("single", func(t *testing.T) {
		sigtest.Run(t, func(items []sigverify.Item) []bool {
			ok := make([]bool, len(items))
			for i, it := range items {
				ok[i] = sigverify.Verify(it.PublicKey, it.Message, it.Signature)
			}
			return ok
		})
	})
	t.Run("batch", func(t *testing.T) { sigtest.Run(t, sigverify.VerifyBatch) })
}

// TestVerifyBatchFindsBad: bad signatures anywhere in a large call, alone
// or clustered, are found, and only they are refused.
func TestVerifyBatchFindsBad(t *testing.T) {
	for _, bad := range [][]int{nil, {0}, {999}, {300}, {1, 2, 3, 4, 5}, {10, 500, 511, 512, 900}} {
		t.Run(fmt.Sprint(bad), func(t *testing.T) {
			items := sigtest.Honest(1000)
			isBad := map[int]bool{}
			for k, i := range bad {
				isBad[i] = true
				switch k % 3 {
				case 0: // another message
					items[i].Message = []byte("tampered")
				case 1: // a flipped bit of S
					sig := append([]byte{}, items[i].Signature...)
					sig[40] ^= 1
					items[i].Signature = sig
				default: // a truncated signature
					items[i].Signature = items[i].Signature[:10]
				}
			}
			for i, ok := range sigverify.VerifyBatch(items) {
				if ok == isBad[i] {
					t.Errorf("item %d: verified %v, bad %v", i, ok, isBad[i])
				}
			}
		})
	}
}

// BenchmarkVerify compares one-by-one crypto/ed25519 with sigverify alone
// and in batches, per signature, on one processor:
//
//	go test ./internal/sigverify -run '^$' -bench . -cpu 1
func BenchmarkVerify(b *testing.B) {
	items := sigtest.Honest(256)
	b.Run("crypto-ed25519", func(b *testing.B) {
		for i := range b.N {
			it := items[i%len(items)]
			ed25519.Verify(it.PublicKey, it.Message, it.Signature)
		}
	})
	b.Run("zip215-single", func(b *testing.B) {
		for i := range b.N {
			it := items[i%len(items)]
			sigverify.Verify(it.PublicKey, it.Message, it.Signature)
		}
	})
	for _, n := range []int{64, 256} {
		b.Run(fmt.Sprintf("zip215-batch-%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i += n {
				sigverify.VerifyBatch(items[:n])
			}
		})
	}
}

// TestUsableKey: honest keys are usable; the small-order keys of the
// ZIP-215 vectors, every one of which verifies a signature with S = 0 of
// any message, are not, nor is a string that is no point.
func TestUsableKey(t *testing.T) {
	for _, it := range sigtest.Honest(5) {
		if !sigverify.UsableKey(it.PublicKey) {
			t.Errorf("honest key %x refused", it.PublicKey)
		}
	}
	for _, v := range sigtest.Vectors(t)[12:] {
		if sigverify.UsableKey(v.Item.PublicKey) {
			t.Errorf("%s: small-order key %x usable", v.Name, v.Item.PublicKey)
		}
		forged := append(append([]byte{}, v.Item.Signature[:32]...), make([]byte, 32)...)
		if !sigverify.Verify(v.Item.PublicKey, []byte("any message"), forged) {
			t.Errorf("%s: the forgery this test assumes does not verify", v.Name)
		}
	}
	notAPoint := make([]byte, 32)
	notAPoint[0] = 2 // y = 2 is not the y of any point
	if sigverify.UsableKey(notAPoint) || sigverify.UsableKey(make([]byte, 31)) {
		t.Error("a key that does not decode is usable")
	}
}

// TestBatchEquation holds the batch equation itself to the answers, since
// VerifyBatch's search for bad signatures would otherwise hide a batch
// equation that always fails: honest signatures and every vector ZIP-215
// accepts pass as one batch, alone and mixed; any refused vector fails
// the batch it is in.
func TestBatchEquation(t *testing.T) {
	honest := sigtest.Honest(300)
	var accepted []sigverify.Item
	for _, v := range sigtest.Vectors(t) {
		if v.Accept {
			accepted = append(accepted, v.Item)
			if !sigverify.BatchValid([]sigverify.Item{v.Item}) {
				t.Errorf("%s alone fails as a batch", v.Name)
			}
		} else if sigverify.BatchValid(append([]sigverify.Item{v.Item}, honest[:7]...)) {
			t.Errorf("%s passes as a batch", v.Name)
		}
	}
	for _, batch := range [][]sigverify.Item{honest, accepted, append(append([]sigverify.Item{}, honest[:100]...), accepted...)} {
		if !sigverify.BatchValid(batch) {
			t.Errorf("a batch of %d that verifies fails", len(batch))
		}
	}
	bad := append([]sigverify.Item{}, honest...)
	bad[150].Message = []byte("another protocol")
	if sigverify.BatchValid(bad) {
		t.Error("a batch with one tampered message passes")
	}
}
