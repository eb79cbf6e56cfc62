package decide_test

import (
	"fmt"
	"math"
	"math/big"
	"testing"

	"pgregory.net/rapid"

	"github.com/dauys/dauys/decide"
)

// drawVotes draws vote totals of one magnitude, from a handful of votes up to totals where votes*seats
// needs more than 64 bits.
func drawVotes(t *rapid.T, minParties, maxParties int) []int64 {
	magnitude := rapid.SampledFrom([]int64{3, 100, 1_000_000, 1_000_000_000_000, 100_000_000_000_000_000}).Draw(t, "magnitude")
	return rapid.SliceOfN(rapid.Int64Range(0, magnitude), minParties, maxParties).Draw(t, "votes")
}

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("party %d", i)
	}
	return out
}

// drawListRules draws list rules of every method, with or without a threshold and a runner-up.
func drawListRules(t *rapid.T) decide.Rules {
	r := decide.Rules{
		Kind:   decide.KindList,
		Method: rapid.SampledFrom(decide.Methods()).Draw(t, "method"),
		Seats:  rapid.IntRange(1, 150).Draw(t, "seats"),
	}
	if rapid.Bool().Draw(t, "threshold") {
		r.Threshold = big.NewRat(rapid.Int64Range(0, 20).Draw(t, "percent"), 1)
		r.ThresholdBase = rapid.SampledFrom([]decide.ThresholdBase{decide.BaseVotes, decide.BaseVotesAgainstAll}).Draw(t, "base")
		r.ThresholdInclusive = rapid.Bool().Draw(t, "inclusive")
		r.AdmitRunnerUp = rapid.Bool().Draw(t, "runnerUp")
	}
	if rapid.Bool().Draw(t, "lot") {
		r.Tie, r.Seed = decide.TieLot, rapid.StringN(1, 8, -1).Draw(t, "seed")
	}
	return r
}

func drawListInput(t *rapid.T) decide.Input {
	votes := drawVotes(t, 1, 12)
	return decide.Input{
		Options: names(len(votes)),
		Total:   decide.Counts{Options: votes, AgainstAll: rapid.Int64Range(0, 1000).Draw(t, "againstAll")},
	}
}

func TestPropertySeatsSumToTotal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r, in := drawListRules(t), drawListInput(t)
		o, err := decide.Decide(r, in)
		if err != nil {
			t.Fatal(err)
		}
		total, admitted := 0, false
		for _, s := range o.Seats {
			total += s.Seats
			admitted = admitted || s.Admitted
		}
		if admitted && total != r.Seats {
			t.Fatalf("seats sum to %d, want %d: %+v", total, r.Seats, o.Seats)
		}
		if !admitted && total != 0 {
			t.Fatalf("%d seats allocated with no list admitted", total)
		}
	})
}

func TestPropertyOrderDoesNotMatter(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r, in := drawListRules(t), drawListInput(t)
		perm := rapid.Permutation(indexes(len(in.Options))).Draw(t, "perm")
		shuffled := decide.Input{Total: decide.Counts{AgainstAll: in.Total.AgainstAll}}
		for _, i := range perm {
			shuffled.Options = append(shuffled.Options, in.Options[i])
			shuffled.Total.Options = append(shuffled.Total.Options, in.Total.Options[i])
		}
		a, err := decide.Decide(r, in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := decide.Decide(r, shuffled)
		if err != nil {
			t.Fatal(err)
		}
		// Whether a decisive tie exists depends on the votes only, never on their order.
		if len(a.Ties) != len(b.Ties) {
			t.Fatalf("ties %+v before and %+v after reordering", a.Ties, b.Ties)
		}
		// The registration rule depends on the order by design; the lot does not. Without a tie the order
		// can never matter.
		if len(a.Ties) > 0 && r.Tie != decide.TieLot {
			return
		}
		seats := map[string]int{}
		for _, s := range a.Seats {
			seats[s.Option] = s.Seats
		}
		for _, s := range b.Seats {
			if seats[s.Option] != s.Seats {
				t.Fatalf("%s has %d seats in ballot order and %d reordered", s.Option, seats[s.Option], s.Seats)
			}
		}
	})
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestPropertyHouseMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		method := rapid.SampledFrom([]decide.Method{decide.MethodDHondt, decide.MethodSainteLague, decide.MethodModifiedSainteLague}).Draw(t, "method")
		votes := drawVotes(t, 1, 12)
		if sumOf(votes) == 0 {
			votes[0] = 1
		}
		seats := rapid.IntRange(1, 200).Draw(t, "seats")
		small, err := decide.Allocate(method, votes, seats)
		if err != nil {
			t.Fatal(err)
		}
		large, err := decide.Allocate(method, votes, seats+1)
		if err != nil {
			t.Fatal(err)
		}
		for i := range votes {
			if large[i] < small[i] {
				t.Fatalf("entry %d: %d seats of %d but %d of %d", i, small[i], seats, large[i], seats+1)
			}
		}
	})
}

func TestPropertyMoreVotesNeverFewerSeats(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r, in := drawListRules(t), drawListInput(t)
		o, err := decide.Decide(r, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range o.Seats {
			for _, b := range o.Seats {
				if a.Votes > b.Votes && a.Seats < b.Seats {
					t.Fatalf("%s has %d votes and %d seats, %s %d votes and %d seats", a.Option, a.Votes, a.Seats, b.Option, b.Votes, b.Seats)
				}
			}
		}
	})
}

func TestPropertyMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		method := rapid.SampledFrom(decide.Methods()).Draw(t, "method")
		votes := drawVotes(t, 1, 8)
		if sumOf(votes) == 0 {
			votes[0] = 1
		}
		seats := rapid.IntRange(1, 60).Draw(t, "seats")
		got, err := decide.Allocate(method, votes, seats)
		if err != nil {
			t.Fatal(err)
		}
		if want := referenceAllocate(method, votes, seats); !equalInts(got, want) {
			t.Fatalf("Allocate = %v, reference = %v", got, want)
		}
	})
}

func sumOf(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}

// referenceAllocate is a slow, obviously exact allocation with big.Rat, ties to the earlier entry, written
// straight from the textbook definitions to check the fast integer code against.
func referenceAllocate(method decide.Method, votes []int64, seats int) []int {
	n := len(votes)
	out := make([]int, n)
	var total int64
	for _, v := range votes {
		total += v
	}
	switch method {
	case decide.MethodHare, decide.MethodDroop:
		quota := big.NewRat(total, int64(seats))
		if method == decide.MethodDroop {
			quota = big.NewRat(total/int64(seats+1)+1, 1)
		}
		rem := make([]*big.Rat, n)
		left := seats
		for i, v := range votes {
			q := new(big.Rat).Quo(big.NewRat(v, 1), quota)
			whole := new(big.Int).Quo(q.Num(), q.Denom())
			out[i] = int(whole.Int64())
			left -= out[i]
			rem[i] = q.Sub(q, new(big.Rat).SetInt(whole))
		}
		// Hand out the rest one at a time to the largest remainder among lists with votes, then go round
		// again, as the package documents for the Droop quota on tiny electorates.
		for left > 0 {
			given := make([]bool, n)
			for k := 0; k < n && left > 0; k++ {
				best := -1
				for i := range votes {
					if votes[i] == 0 || given[i] {
						continue
					}
					if best < 0 || rem[i].Cmp(rem[best]) > 0 {
						best = i
					}
				}
				if best < 0 {
					break
				}
				given[best] = true
				out[best]++
				left--
			}
		}
	default:
		div := func(s int) *big.Rat {
			switch method {
			case decide.MethodDHondt:
				return big.NewRat(int64(s+1), 1)
			case decide.MethodSainteLague:
				return big.NewRat(int64(2*s+1), 1)
			}
			if s == 0 {
				return big.NewRat(7, 5)
			}
			return big.NewRat(int64(2*s+1), 1)
		}
		for range seats {
			best := -1
			var bestQ *big.Rat
			for i, v := range votes {
				q := new(big.Rat).Quo(big.NewRat(v, 1), div(out[i]))
				if best < 0 || q.Cmp(bestQ) > 0 {
					best, bestQ = i, q
				}
			}
			out[best]++
		}
	}
	return out
}

// TestRatioIsFloatString checks the int64 path of Ratio against big.Rat's
// FloatString of the exact fraction, on counts of every magnitude, the
// halves and the edges of int64 included.
func TestRatioIsFloatString(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		magnitude := rapid.SampledFrom([]int64{10, 1000, 1_000_000, 1_000_000_000_000, math.MaxInt64}).Draw(t, "magnitude")
		den := rapid.Int64Range(1, magnitude).Draw(t, "den")
		num := rapid.OneOf(rapid.Int64Range(-magnitude, magnitude), rapid.Int64Range(0, den), rapid.Just(den/2), rapid.Just(den)).Draw(t, "num")
		scale := rapid.SampledFrom([]int64{1, 100, 1000}).Draw(t, "scale")
		digits := rapid.IntRange(0, 6).Draw(t, "digits")
		want := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(num), big.NewInt(scale)), big.NewInt(den)).FloatString(digits)
		if got := decide.Ratio(num, den, scale, digits); got != want {
			t.Fatalf("Ratio(%d, %d, %d, %d) = %s, want %s", num, den, scale, digits, got, want)
		}
	})
	// Halves round up, as the CEC rounds: 1/8 is 12.5%.
	for _, tc := range []struct {
		num, den int64
		want     string
	}{{1, 8, "12.50"}, {1, 800, "0.13"}, {1, 3, "33.33"}, {2, 3, "66.67"}, {6456393, 7940478, "81.31"}, {0, 5, "0.00"}, {5, 5, "100.00"}} {
		if got := decide.Percent(tc.num, tc.den); got != tc.want {
			t.Errorf("Percent(%d, %d) = %s, want %s", tc.num, tc.den, got, tc.want)
		}
	}
}
