package decide

import (
	"math/big"
)

// Indices measure how proportional an allocation is. They describe a result and decide nothing; they are
// still computed exactly, and only Gallagher's square root is rounded. Votes are the votes for options
// (lists) only: "against all" is not a party, so it has no seat share to compare with.
type Indices struct {
	// Gallagher is the least-squares index, in percentage points:
	// sqrt(1/2 * sum((votes% - seats%)^2)) (Gallagher 1991). Exact holds sqrt(p/q).
	Gallagher Fraction `json:"gallagher"`
	// LoosemoreHanby is 1/2 * sum(|votes% - seats%|), in percentage points (Loosemore and Hanby 1971).
	LoosemoreHanby Fraction `json:"loosemore_hanby"`
	// EffectivePartiesVotes and EffectivePartiesSeats are the effective numbers of parties
	// 1 / sum(share^2) by votes and by seats (Laakso and Taagepera 1979).
	EffectivePartiesVotes Fraction `json:"effective_parties_votes"`
	EffectivePartiesSeats Fraction `json:"effective_parties_seats"`
	// VotesWithoutSeat is the share of the votes cast for lists that won no seat.
	VotesWithoutSeat Fraction `json:"votes_without_seat"`
}

// ComputeIndices returns the proportionality indices of an allocation of seats to lists with votes; the
// two slices are aligned. It returns nil when there are no votes or no seats, for which no index is
// defined, or when the slices differ in length.
func ComputeIndices(votes []int64, seats []int) *Indices {
	if len(votes) != len(seats) {
		return nil
	}
	V, S := new(big.Int), new(big.Int)
	for i := range votes {
		V.Add(V, big.NewInt(votes[i]))
		S.Add(S, big.NewInt(int64(seats[i])))
	}
	if V.Sign() <= 0 || S.Sign() <= 0 {
		return nil
	}
	// With d_i = votes_i*S - seats_i*V, the percentage-point difference is 100*d_i/(V*S).
	var absSum, sqSum, vSq, sSq, wasted big.Int
	var d, t big.Int
	for i := range votes {
		v, s := big.NewInt(votes[i]), big.NewInt(int64(seats[i]))
		d.Mul(v, S)
		d.Sub(&d, t.Mul(s, V))
		absSum.Add(&absSum, new(big.Int).Abs(&d))
		sqSum.Add(&sqSum, new(big.Int).Mul(&d, &d))
		vSq.Add(&vSq, new(big.Int).Mul(v, v))
		sSq.Add(&sSq, new(big.Int).Mul(s, s))
		if seats[i] == 0 {
			wasted.Add(&wasted, v)
		}
	}
	VS := new(big.Int).Mul(V, S)

	// Loosemore-Hanby: 50 * sum|d_i| / (V*S).
	lh := new(big.Rat).SetFrac(new(big.Int).Mul(&absSum, big.NewInt(50)), VS)
	// Gallagher squared: 1/2 * sum (100 d_i/(V S))^2 = 5000 * sum d_i^2 / (V S)^2.
	g2 := new(big.Rat).SetFrac(new(big.Int).Mul(&sqSum, big.NewInt(5000)), new(big.Int).Mul(VS, VS))
	g := new(big.Float).SetPrec(256).SetRat(g2)
	g.Sqrt(g)
	enpV := new(big.Rat).SetFrac(new(big.Int).Mul(V, V), &vSq)
	enpS := new(big.Rat).SetFrac(new(big.Int).Mul(S, S), &sSq)

	return &Indices{
		Gallagher:             Fraction{Exact: "sqrt(" + g2.RatString() + ")", Decimal: g.Text('f', decimalDigits)},
		LoosemoreHanby:        ratFraction(lh),
		EffectivePartiesVotes: ratFraction(enpV),
		EffectivePartiesSeats: ratFraction(enpS),
		VotesWithoutSeat:      shareBig(&wasted, V),
	}
}
