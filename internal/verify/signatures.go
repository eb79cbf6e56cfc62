package verify

import (
	"slices"

	"github.com/dauys/dauys/internal/sigverify"
)

// signatures holds the commission signatures the replay has yet to
// verify, to verify them in batches: one batch equation costs far less a
// signature than one verification each. Nothing the replay checks later
// depends on whether a signature verified, only the report does.
type signatures struct {
	pending []*pendingSignature
}

// pendingSignature is a signature to verify, the messages it may cover
// (it verifies when it covers one), and what to report if it covers none.
type pendingSignature struct {
	key, sig []byte
	accept   [][]byte
	refused  func()
	// at is the number of problems reported before it, where its own
	// problem, if any, goes.
	at int
}

// flushAt bounds the signatures held before they are verified.
const flushAt = 8192

func (s *signatures) add(r *Report, p *pendingSignature) {
	p.at = len(r.Problems) + r.More
	s.pending = append(s.pending, p)
	if len(s.pending) >= flushAt {
		s.flush(r)
	}
}

// flush verifies the pending signatures, in batches, one message after
// another: those that cover none are reported, each at the place in the
// report it would have had had it been verified when read.
func (s *signatures) flush(r *Report) {
	left := s.pending
	s.pending = nil
	var refused []*pendingSignature
	for round := 0; len(left) > 0; round++ {
		var items []sigverify.Item
		var at []*pendingSignature
		for _, p := range left {
			if round < len(p.accept) {
				items = append(items, sigverify.Item{PublicKey: p.key, Message: p.accept[round], Signature: p.sig})
				at = append(at, p)
			} else {
				refused = append(refused, p)
			}
		}
		left = nil
		for i, ok := range checkSignatures(items) {
			if ok {
				r.Signed++
			} else {
				left = append(left, at[i])
			}
		}
	}
	s.report(r, refused)
}

// report adds the problems of refused signatures at their places.
func (s *signatures) report(r *Report, refused []*pendingSignature) {
	if len(refused) == 0 {
		return
	}
	slices.SortStableFunc(refused, func(a, b *pendingSignature) int { return a.at - b.at })
	later, more := r.Problems, r.More
	r.Problems, r.More = nil, 0
	listed := 0
	for _, p := range refused {
		for listed < len(later) && listed < p.at {
			r.Problems = append(r.Problems, later[listed])
			listed++
		}
		p.refused()
	}
	r.Problems = append(r.Problems, later[listed:]...)
	r.More += more
	if n := len(r.Problems) - maxProblems; n > 0 {
		r.Problems, r.More = r.Problems[:maxProblems], r.More+n
	}
}

// checkSignatures is the verifier's signature check: it reports for each
// item whether its signature verifies under ZIP-215, the equation intake
// uses too (sigverify).
func checkSignatures(items []sigverify.Item) []bool {
	return sigverify.VerifyBatch(items)
}
