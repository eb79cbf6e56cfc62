package forensics

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
	"pgregory.net/rapid"
)

// TestBinomialSamplerMatchesPMF checks both sampling methods against the exact
// probability mass function with a chi-square goodness-of-fit test. Cells with
// an expected count below 5 are pooled, as the textbook rule requires. The
// seeds are fixed, so the test is deterministic; the threshold is the 99.99th
// percentile, so a correct sampler fails for no seed we are likely to pick.
func TestBinomialSamplerMatchesPMF(t *testing.T) {
	cases := []struct {
		name string
		n    int64
		p    float64
	}{
		{"inversion small n", 10, 0.3},
		{"inversion flipped", 40, 0.9},
		{"inversion edge np=30", 100, 0.3},
		{"btpe central", 1000, 0.5},
		{"btpe skewed", 2000, 0.07},
		{"btpe flipped", 1500, 0.83},
		{"btpe large", 100000, 0.42},
		{"btpe just above inversion", 61, 0.5},
	}
	const draws = 200000
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newBinomialSamplerP(c.n, c.p)
			var src rand.PCG
			src.Seed(uint64(i)+1, 42)
			counts := map[int64]int{}
			var sum, sumSq float64
			for range draws {
				y := s.draw(&src)
				if y < 0 || y > c.n {
					t.Fatalf("draw %d outside [0, %d]", y, c.n)
				}
				counts[y]++
				sum += float64(y)
				sumSq += float64(y) * float64(y)
			}
			dist := distuv.Binomial{N: float64(c.n), P: c.p}
			mean := sum / draws
			if se := dist.StdDev() / math.Sqrt(draws); math.Abs(mean-dist.Mean()) > 5*se {
				t.Errorf("mean %.4f, want %.4f ± %.4f", mean, dist.Mean(), 5*se)
			}
			variance := sumSq/draws - mean*mean
			if rel := math.Abs(variance-dist.Variance()) / dist.Variance(); rel > 0.03 {
				t.Errorf("variance %.3f, want %.3f", variance, dist.Variance())
			}

			chi2, df := 0.0, -1
			var pooledObs, pooledExp float64
			flush := func() {
				if pooledExp > 0 {
					d := pooledObs - pooledExp
					chi2 += d * d / pooledExp
					df++
					pooledObs, pooledExp = 0, 0
				}
			}
			for y := int64(0); y <= c.n; y++ {
				pooledExp += draws * dist.Prob(float64(y))
				pooledObs += float64(counts[y])
				if pooledExp >= 5 {
					flush()
				}
			}
			flush()
			crit := distuv.ChiSquared{K: float64(df)}.Quantile(0.9999)
			if chi2 > crit {
				t.Errorf("chi-square %.1f with %d df exceeds %.1f", chi2, df, crit)
			}
		})
	}
}

func TestBinomialSamplerDegenerate(t *testing.T) {
	var src rand.PCG
	for _, c := range []struct{ n, k, want int64 }{{0, 0, 0}, {100, 0, 0}, {100, 100, 100}} {
		s := newBinomialSampler(c.n, c.k)
		for range 10 {
			if got := s.draw(&src); got != c.want {
				t.Errorf("Binomial(%d, %d/%d) drew %d, want %d", c.n, c.k, c.n, got, c.want)
			}
		}
	}
}

// integerOracle decides the integer-percentage property with exact rationals:
// |100·v/d − round(100·v/d)| <= tol/100.
func integerOracle(v, d, tol int64) bool {
	x := new(big.Rat).SetFrac64(100*v, d)
	floor := new(big.Int).Quo(x.Num(), x.Denom())
	lo := new(big.Rat).Sub(x, new(big.Rat).SetInt(floor))
	hi := new(big.Rat).Sub(big.NewRat(1, 1), lo)
	limit := big.NewRat(tol, 100)
	return lo.Cmp(limit) <= 0 || hi.Cmp(limit) <= 0
}

func TestIsIntegerPercent(t *testing.T) {
	cases := []struct {
		v, d int64
		want bool
	}{
		{1, 2, true},           // 50%
		{1, 3, false},          // 33.33%
		{1001, 2000, true},     // 50.05%: exactly on the edge, included
		{1002, 2000, false},    // 50.10%
		{4995, 10000, true},    // 49.95%: the lower edge
		{4994, 10000, false},   // 49.94%
		{5005, 10000, true},    // 50.05%
		{5006, 10000, false},   // 50.06%
		{0, 150, true},         // 0%
		{150, 150, true},       // 100%
		{1999, 2000, true},     // 99.95%
		{9996, 10000, true},    // 99.96% is 0.04 from 100
		{33, 3300, true},       // 1%
		{2609, 2609 * 2, true}, // 50%
	}
	for _, c := range cases {
		if got := isIntegerPercent(c.v, c.d, 5); got != c.want {
			t.Errorf("isIntegerPercent(%d, %d) = %v, want %v", c.v, c.d, got, c.want)
		}
		if o := integerOracle(c.v, c.d, 5); o != c.want {
			t.Errorf("oracle(%d, %d) = %v, want %v (bad test case)", c.v, c.d, o, c.want)
		}
	}
}

func TestIsIntegerPercentProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := rapid.Int64Range(1, maxCount).Draw(t, "d")
		v := rapid.Int64Range(0, 2*d).Draw(t, "v")
		tol := rapid.Int64Range(1, 49).Draw(t, "tol")
		if got, want := isIntegerPercent(v, d, tol), integerOracle(v, d, tol); got != want {
			t.Fatalf("isIntegerPercent(%d, %d, %d) = %v, oracle %v", v, d, tol, got, want)
		}
	})
}

func FuzzIsIntegerPercent(f *testing.F) {
	f.Add(int64(1001), int64(2000), int64(5))
	f.Add(int64(0), int64(1), int64(1))
	f.Add(int64(maxCount), int64(maxCount), int64(49))
	f.Fuzz(func(t *testing.T, v, d, tol int64) {
		if d <= 0 || d > maxCount || v < 0 || v > maxCount || tol < 1 || tol > 49 {
			return
		}
		if got, want := isIntegerPercent(v, d, tol), integerOracle(v, d, tol); got != want {
			t.Fatalf("isIntegerPercent(%d, %d, %d) = %v, oracle %v", v, d, tol, got, want)
		}
	})
}
