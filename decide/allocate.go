package decide

import (
	"fmt"
	"math/bits"
	"sort"
)

// Allocate distributes seats among vote totals by method, with no threshold and no explanation, breaking
// any tie in favour of the earlier entry (the registration rule). It is the bare, fast allocation for
// callers that already know which lists take part; Decide uses the same code.
func Allocate(method Method, votes []int64, seats int) ([]int, error) {
	if !validMethod(method) {
		return nil, invalidField("method", fmt.Sprintf("unknown method %q", method))
	}
	if err := validSeats(seats); err != nil {
		return nil, err
	}
	for i, v := range votes {
		if v < 0 {
			return nil, invalidInput(fmt.Sprintf("votes for entry %d are negative (%d)", i+1, v))
		}
	}
	total, ok := sumChecked(votes)
	if !ok {
		return nil, invalidInput("the votes add up to more than an int64 holds")
	}
	if total == 0 {
		return nil, invalidInput("there are no votes to allocate seats by")
	}
	rank := make([]int, len(votes))
	for i := range rank {
		rank[i] = i
	}
	if method == MethodHare || method == MethodDroop {
		return largestRemainder(votes, seats, method == MethodDroop, rank).seats, nil
	}
	return highestAverages(votes, seats, method, rank).seats, nil
}

// tieGroup is a decisive tie found by an allocation, in positions of the votes slice it was given.
type tieGroup struct {
	members []int // every tied position
	awarded []int // the tied positions that got a seat
}

// lrResult is a largest-remainder allocation with the numbers its explanation needs.
type lrResult struct {
	seats    []int
	intParts []int
	// The quotient of a list is votes/quota = quotNum[i]/quotDen; its remainder is remNum[i]/remDen, as
	// a fraction of one quota. For Hare quotNum = votes*seats and quotDen = remDen = total votes; for
	// Droop quotNum = votes and quotDen = remDen = the Droop quota. Holding numerators as 128-bit pairs
	// keeps votes*seats exact.
	quotHi, quotLo []uint64
	quotDen        uint64
	remNum         []uint64
	remDen         uint64
	quota          uint64 // the Droop quota; 0 for Hare, whose quota total/seats is not an integer
	total          uint64
	ranking        []int // positions with votes, largest remainder first
	byRemainder    int   // seats given by remainders
	fullRounds     int   // rounds in which every list with votes got a remainder seat (Droop only)
	tie            *tieGroup
}

// largestRemainder gives each list the integer part of votes/quota and the seats left over to the
// largest remainders. rank breaks equal remainders, lower first.
func largestRemainder(votes []int64, seats int, droop bool, rank []int) lrResult {
	n := len(votes)
	res := lrResult{
		seats:    make([]int, n),
		intParts: make([]int, n),
		quotHi:   make([]uint64, n),
		quotLo:   make([]uint64, n),
		remNum:   make([]uint64, n),
	}
	total := uint64(sum(votes))
	res.total = total
	s := uint64(seats)
	if droop {
		// The Droop quota is floor(total/(seats+1)) + 1, the smallest integer that more than seats lists
		// cannot all reach; with it the integer parts never exceed the seats.
		q := total/(s+1) + 1
		res.quota, res.quotDen, res.remDen = q, q, q
		for i, v := range votes {
			res.intParts[i] = int(uint64(v) / q)
			res.remNum[i] = uint64(v) % q
			res.quotLo[i] = uint64(v)
		}
	} else {
		// The Hare quota total/seats is a fraction: votes/quota = votes*seats/total, computed in 128 bits
		// so that large electorates cannot overflow. The quotient fits in 64 bits because votes <= total.
		res.quotDen, res.remDen = total, total
		for i, v := range votes {
			hi, lo := bits.Mul64(uint64(v), s)
			q, r := bits.Div64(hi, lo, total)
			res.intParts[i] = int(q)
			res.remNum[i] = r
			res.quotHi[i], res.quotLo[i] = hi, lo
		}
	}
	given := 0
	for i, p := range res.intParts {
		res.seats[i] = p
		given += p
	}
	left := seats - given

	// Only lists with votes compete for remainder seats: a list without votes has nothing left over.
	for i, v := range votes {
		if v > 0 {
			res.ranking = append(res.ranking, i)
		}
	}
	sort.Slice(res.ranking, func(a, b int) bool {
		i, j := res.ranking[a], res.ranking[b]
		if res.remNum[i] != res.remNum[j] {
			return res.remNum[i] > res.remNum[j]
		}
		return rank[i] < rank[j]
	})
	res.byRemainder = left
	if left == 0 {
		return res
	}
	// With the Hare quota fewer seats are left than lists with votes. A Droop quota rounded up on a small
	// electorate can leave more (e.g. 100 votes for 30 seats); then the ranking is gone through again,
	// each round giving every list with votes one more seat, so that all seats are filled.
	k := len(res.ranking)
	res.fullRounds = left / k
	part := left % k
	for _, i := range res.ranking {
		res.seats[i] += res.fullRounds
	}
	for _, i := range res.ranking[:part] {
		res.seats[i]++
	}
	if part > 0 && part < k {
		cut := res.remNum[res.ranking[part-1]]
		if res.remNum[res.ranking[part]] == cut {
			t := &tieGroup{}
			for pos, i := range res.ranking {
				if res.remNum[i] == cut {
					t.members = append(t.members, i)
					if pos < part {
						t.awarded = append(t.awarded, i)
					}
				}
			}
			res.tie = t
		}
	}
	return res
}

// divisor returns the divisor for a list that already holds s seats. The modified Sainte-Laguë divisors
// 1.4, 3, 5, ... are scaled by 5 to the integers 7, 15, 25, ...; scaling every divisor of a method by the
// same factor changes no comparison.
func divisor(m Method, s int) uint64 {
	switch m {
	case MethodDHondt:
		return uint64(s) + 1
	case MethodSainteLague:
		return 2*uint64(s) + 1
	default: // MethodModifiedSainteLague
		if s == 0 {
			return 7
		}
		return 5 * (2*uint64(s) + 1)
	}
}

// jumpStart gives every list the seats whose quotients are strictly above a common divisor
// lambda = total/q, chosen just below where the cut will fall, and returns how many it gave. Those
// quotients beat every quotient at or below lambda, so they are the first seats the heap would award
// whatever the tie rule, and the result is exactly the heap's. If more quotients than seats are above
// lambda, lambda is doubled until they fit (in the end q is 0 and nothing is given).
func jumpStart(votes []int64, seats int, m Method, out []int) int {
	total := uint64(sum(votes))
	// The divisors grow by 1 (D'Hondt), 2 (Sainte-Laguë) or 10 (modified, scaled by 5) per seat.
	step := uint64(1)
	switch m {
	case MethodSainteLague:
		step = 2
	case MethodModifiedSainteLague:
		step = 10
	}
	for q := uint64(seats) * step; q > 0; q /= 2 {
		given := 0
		for i, v := range votes {
			out[i] = quotientsAbove(m, uint64(v), total, q)
			given += out[i]
		}
		if given <= seats {
			return given
		}
	}
	clear(out)
	return 0
}

// quotientsAbove counts the divisors d of method m with v/d > total/q, i.e. d*total < v*q, for
// 0 < v <= total. The largest such integer d is floor((v*q - 1)/total), computed in 128 bits; it fits in
// 64 because it is at most q.
func quotientsAbove(m Method, v, total, q uint64) int {
	if v == 0 {
		return 0
	}
	hi, lo := bits.Mul64(v, q)
	lo, borrow := bits.Sub64(lo, 1, 0)
	hi -= borrow
	d, _ := bits.Div64(hi, lo, total)
	switch m {
	case MethodDHondt: // divisors 1, 2, 3, ...
		return int(d)
	case MethodSainteLague: // divisors 1, 3, 5, ...
		return int((d + 1) / 2)
	default: // scaled divisors 7, 15, 25, 35, ...
		if d < 7 {
			return 0
		}
		return int((d/5 + 1) / 2)
	}
}

// divisorScale is the factor divisor applies to a method's true divisors.
func divisorScale(m Method) uint64 {
	if m == MethodModifiedSainteLague {
		return 5
	}
	return 1
}

// haResult is a highest-averages allocation with the numbers its explanation needs.
type haResult struct {
	seats []int
	// The quotient that won the last seat is lastVotes/lastDiv (with divisor scaling); the best quotient
	// left without a seat is nextVotes/nextDiv.
	lastVotes, lastDiv uint64
	nextVotes, nextDiv uint64
	tie                *tieGroup
}

// highestAverages gives seats one at a time to the highest quotient votes/divisor(seats held), using a
// binary max-heap of lists so that each seat costs O(log lists) exact 128-bit comparisons. rank breaks
// equal quotients, lower first; because that order is strict, allocating s+1 seats continues the
// sequence of s seats, which is what makes divisor methods house-monotone. jumpStart first hands out
// the seats that are certain, so the heap only decides the last few.
func highestAverages(votes []int64, seats int, m Method, rank []int) haResult {
	n := len(votes)
	res := haResult{seats: make([]int, n)}
	given := jumpStart(votes, seats, m, res.seats)
	h := make([]int32, n)
	for i := range h {
		h[i] = int32(i)
	}
	// better reports whether list a's current quotient beats list b's.
	better := func(a, b int32) bool {
		c := cmpQuotients(uint64(votes[a]), divisor(m, res.seats[a]), uint64(votes[b]), divisor(m, res.seats[b]))
		if c != 0 {
			return c > 0
		}
		return rank[a] < rank[b]
	}
	down := func(i int) {
		for {
			best := i
			l, r := 2*i+1, 2*i+2
			if l < n && better(h[l], h[best]) {
				best = l
			}
			if r < n && better(h[r], h[best]) {
				best = r
			}
			if best == i {
				return
			}
			h[i], h[best] = h[best], h[i]
			i = best
		}
	}
	for i := n/2 - 1; i >= 0; i-- {
		down(i)
	}
	for range seats - given {
		res.seats[h[0]]++
		down(0)
	}
	// The cut is the smallest quotient that won a seat.
	first := true
	for i, v := range votes {
		if s := res.seats[i]; s > 0 {
			d := divisor(m, s-1)
			if first || cmpQuotients(uint64(v), d, res.lastVotes, res.lastDiv) < 0 {
				res.lastVotes, res.lastDiv, first = uint64(v), d, false
			}
		}
	}
	top := h[0]
	res.nextVotes, res.nextDiv = uint64(votes[top]), divisor(m, res.seats[top])
	if cmpQuotients(res.nextVotes, res.nextDiv, res.lastVotes, res.lastDiv) != 0 {
		return res
	}
	// The best quotient left out equals the last one that won: a decisive tie. Each list with votes has
	// strictly decreasing quotients, so it holds at most one quotient equal to the cut.
	t := &tieGroup{}
	for i, v := range votes {
		if v == 0 {
			continue
		}
		s := res.seats[i]
		if s > 0 && cmpQuotients(uint64(v), divisor(m, s-1), res.lastVotes, res.lastDiv) == 0 {
			t.members = append(t.members, i)
			t.awarded = append(t.awarded, i)
		} else if cmpQuotients(uint64(v), divisor(m, s), res.lastVotes, res.lastDiv) == 0 {
			t.members = append(t.members, i)
		}
	}
	res.tie = t
	return res
}
