package dauys

import (
	"math/big"
	"testing"

	"pgregory.net/rapid"
)

// TestComparePercent holds the integer comparison to the rational one.
func TestComparePercent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		val := rapid.OneOf(rapid.Int64Range(-1<<41, 1<<41), rapid.Int64())
		l, r := val.Draw(t, "l"), val.Draw(t, "r")
		p := big.NewRat(rapid.Int64Range(-1<<17, 1<<17).Draw(t, "num"), rapid.Int64Range(1, 1<<17).Draw(t, "den"))
		lr := new(big.Rat).SetInt(new(big.Int).Mul(big.NewInt(100), big.NewInt(l)))
		want := lr.Cmp(new(big.Rat).Mul(p, new(big.Rat).SetInt64(r)))
		if got := comparePercent(l, p, r); got != want {
			t.Fatalf("comparePercent(%d, %s, %d) = %d, want %d", l, p, r, got, want)
		}
	})
}
