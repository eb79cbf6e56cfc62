package decide_test

import (
	"math/rand/v2"
	"testing"

	"github.com/dauys/dauys/decide"
)

// benchVotes returns 1,000 deterministic vote totals with a realistic long tail.
func benchVotes() []int64 {
	rng := rand.New(rand.NewPCG(2023, 3))
	votes := make([]int64, 1000)
	for i := range votes {
		votes[i] = 1 + rng.Int64N(5_000_000)/int64(1+i%50)
	}
	return votes
}

func benchmarkAllocate(b *testing.B, m decide.Method) {
	votes := benchVotes()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decide.Allocate(m, votes, 10_000); err != nil {
			b.Fatal(err)
		}
	}
}

// The benchmarks allocate 10,000 seats among 1,000 lists. Run them with
//
//	go test ./decide -run '^$' -bench Allocate -benchmem
func BenchmarkAllocateHare(b *testing.B)        { benchmarkAllocate(b, decide.MethodHare) }
func BenchmarkAllocateDroop(b *testing.B)       { benchmarkAllocate(b, decide.MethodDroop) }
func BenchmarkAllocateDHondt(b *testing.B)      { benchmarkAllocate(b, decide.MethodDHondt) }
func BenchmarkAllocateSainteLague(b *testing.B) { benchmarkAllocate(b, decide.MethodSainteLague) }
func BenchmarkAllocateModifiedSainteLague(b *testing.B) {
	benchmarkAllocate(b, decide.MethodModifiedSainteLague)
}

// BenchmarkDecideList measures the whole decision with its explanation and indices, which format an exact
// fraction per list and so cost more than the allocation itself.
func BenchmarkDecideList(b *testing.B) {
	votes := benchVotes()
	in := decide.Input{Options: names(len(votes)), Total: decide.Counts{Options: votes}}
	r := decide.Rules{Kind: decide.KindList, Method: decide.MethodDHondt, Seats: 10_000}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decide.Decide(r, in); err != nil {
			b.Fatal(err)
		}
	}
}
