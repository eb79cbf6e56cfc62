package forensics

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// IntegerPercent is the integer-percentage test of Kobak, Shpilkin &
// Pshenichnikov ("Integer percentages as electoral falsification
// fingerprints", Annals of Applied Statistics 10(1), 2016), with the inclusion
// rules of their significance2018 notebook (github.com/dkobak/elections).
//
// A precinct is included when ballots cast > 0, registered >= MinRegistered,
// turnout <= MaxPercent and leader share <= MaxPercent, where
// turnout = Issued/Registered and leader share = leader votes/Cast. A share
// v/d is "integer" when it lies within Tolerance hundredths of a percentage
// point of a whole percent, edges included:
//
//	|10000·v − 100·k·d| <= Tolerance·d for some integer k,
//
// tested exactly in integers. With the defaults this reproduces the published
// 2011 counts exactly; a strict inequality loses one turnout value that lies
// exactly 0.05 points from a whole percent.
//
// The Monte Carlo null redraws each included precinct's issued ballots as
// Binomial(Registered, Issued/Registered) and its leader votes as
// Binomial(Cast, Leader/Cast), keeps the denominators and the set of included
// precincts fixed, and counts integer values again. Expected* is the mean over
// replicates, SD* their standard deviation (numpy's default, dividing by the
// number of replicates), Excess* the observed count minus the expected one, and
// P* the Monte Carlo p-value (1 + replicates at or above the observed count)/
// (1 + replicates).
type IntegerPercent struct {
	Included int `json:"included"`
	Any      int `json:"any"`
	Leader   int `json:"leader"`
	Turnout  int `json:"turnout"`

	ExpectedAny     float64 `json:"expected_any"`
	ExcessAny       float64 `json:"excess_any"`
	SDAny           float64 `json:"sd_any"`
	PAny            float64 `json:"p_any"`
	ExpectedLeader  float64 `json:"expected_leader"`
	ExcessLeader    float64 `json:"excess_leader"`
	SDLeader        float64 `json:"sd_leader"`
	PLeader         float64 `json:"p_leader"`
	ExpectedTurnout float64 `json:"expected_turnout"`
	ExcessTurnout   float64 `json:"excess_turnout"`
	SDTurnout       float64 `json:"sd_turnout"`
	PTurnout        float64 `json:"p_turnout"`

	Replicates    int    `json:"replicates"`
	Seed          uint64 `json:"seed"`
	Tolerance     int64  `json:"tolerance_hundredths_pp"`
	MinRegistered int64  `json:"min_registered"`
	MaxPercent    int64  `json:"max_percent"`
}

// integerFlags records, per precinct, what the observed data show; the
// regional breakdown reuses it.
type integerFlags struct {
	included, turnout, leader bool
}

// isIntegerPercent reports whether 100·v/d lies within tol/100 of a whole
// number, edges included, without division rounding: writing 100·v = q·d + rem
// with 0 <= rem < d, the distance of 100·v/d to the nearest integer is
// min(rem, d−rem)/d, so the test is 100·rem <= tol·d or 100·(d−rem) <= tol·d.
// It requires d > 0, 0 <= v and v, d <= maxCount.
func isIntegerPercent(v, d, tol int64) bool {
	rem := (100 * v) % d
	return 100*rem <= tol*d || 100*(d-rem) <= tol*d
}

// includedForInteger applies the published inclusion rule exactly.
func includedForInteger(p Precinct, leader int, cfg Config) bool {
	return p.Cast > 0 &&
		p.Registered >= cfg.MinRegistered &&
		p.Registered > 0 &&
		100*p.Issued <= cfg.MaxPercent*p.Registered &&
		100*p.Options[leader] <= cfg.MaxPercent*p.Cast
}

// mcPrecinct is one included precinct's counts for the Monte Carlo. Its
// samplers are built by the worker that draws from it, so that only a few
// hundred bytes of sampler state exist per worker at a time.
type mcPrecinct struct {
	registered, issued, cast, leader int64
}

func integerPercent(ps []Precinct, leader int, cfg Config) (IntegerPercent, []integerFlags) {
	res := IntegerPercent{
		Replicates:    cfg.Replicates,
		Seed:          cfg.Seed,
		Tolerance:     cfg.Tolerance,
		MinRegistered: cfg.MinRegistered,
		MaxPercent:    cfg.MaxPercent,
	}
	flags := make([]integerFlags, len(ps))
	var mc []mcPrecinct
	for i, p := range ps {
		if !includedForInteger(p, leader, cfg) {
			continue
		}
		lv := p.Options[leader]
		f := integerFlags{
			included: true,
			turnout:  isIntegerPercent(p.Issued, p.Registered, cfg.Tolerance),
			leader:   isIntegerPercent(lv, p.Cast, cfg.Tolerance),
		}
		flags[i] = f
		res.Included++
		if f.turnout {
			res.Turnout++
		}
		if f.leader {
			res.Leader++
		}
		if f.turnout || f.leader {
			res.Any++
		}
		mc = append(mc, mcPrecinct{registered: p.Registered, issued: p.Issued, cast: p.Cast, leader: lv})
	}

	anyN, leaderN, turnoutN := monteCarlo(mc, cfg)
	res.ExpectedAny, res.SDAny, res.PAny = summarise(anyN, res.Any)
	res.ExpectedLeader, res.SDLeader, res.PLeader = summarise(leaderN, res.Leader)
	res.ExpectedTurnout, res.SDTurnout, res.PTurnout = summarise(turnoutN, res.Turnout)
	res.ExcessAny = float64(res.Any) - res.ExpectedAny
	res.ExcessLeader = float64(res.Leader) - res.ExpectedLeader
	res.ExcessTurnout = float64(res.Turnout) - res.ExpectedTurnout
	return res, flags
}

// monteCarlo returns, per replicate, the number of included precincts with an
// integer value of either share, of the leader share and of turnout.
//
// The loop runs precinct-outer, replicate-inner so that a precinct's sampler
// constants stay in registers for all its draws, and it parallelises over
// blocks of precincts. Every precinct has its own PCG stream derived from
// (Seed, precinct index), and per-replicate counts are integer sums, so the
// result is identical for any number of workers and any scheduling.
func monteCarlo(mc []mcPrecinct, cfg Config) (anyN, leaderN, turnoutN []int64) {
	reps := cfg.Replicates
	anyN = make([]int64, reps)
	leaderN = make([]int64, reps)
	turnoutN = make([]int64, reps)
	if len(mc) == 0 {
		return anyN, leaderN, turnoutN
	}

	const block = 64
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range cfg.Workers {
		wg.Go(func() {
			a := make([]int32, reps)
			l := make([]int32, reps)
			t := make([]int32, reps)
			var src rand.PCG
			for {
				start := int(next.Add(block)) - block
				if start >= len(mc) {
					break
				}
				end := min(start+block, len(mc))
				for i := start; i < end; i++ {
					p := &mc[i]
					turnout := newBinomialSampler(p.registered, p.issued)
					leader := newBinomialSampler(p.cast, p.leader)
					tol := cfg.Tolerance
					src.Seed(splitmix64(cfg.Seed^0x9e3779b97f4a7c15*uint64(2*i+1)), splitmix64(cfg.Seed+uint64(i)))
					for r := range reps {
						it := isIntegerPercent(turnout.draw(&src), p.registered, tol)
						il := isIntegerPercent(leader.draw(&src), p.cast, tol)
						if it {
							t[r]++
						}
						if il {
							l[r]++
						}
						if it || il {
							a[r]++
						}
					}
				}
			}
			mu.Lock()
			for r := range reps {
				anyN[r] += int64(a[r])
				leaderN[r] += int64(l[r])
				turnoutN[r] += int64(t[r])
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return anyN, leaderN, turnoutN
}

// splitmix64 scrambles a seed so that nearby precinct indices get unrelated
// PCG states (Steele, Lea & Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014).
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// summarise returns the mean, the standard deviation (dividing by n, as
// numpy's default used by the published notebook) and the one-sided Monte
// Carlo p-value of an observed count.
func summarise(null []int64, observed int) (mean, sd, p float64) {
	n := float64(len(null))
	if n == 0 {
		return 0, 0, 1
	}
	var sum float64
	atOrAbove := 0
	for _, v := range null {
		sum += float64(v)
		if v >= int64(observed) {
			atOrAbove++
		}
	}
	mean = sum / n
	var ss float64
	for _, v := range null {
		d := float64(v) - mean
		ss += d * d
	}
	sd = math.Sqrt(ss / n)
	p = float64(1+atOrAbove) / (n + 1)
	return mean, sd, p
}
