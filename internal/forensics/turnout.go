package forensics

import (
	"math"
	"sort"
)

// TurnoutDistribution is the distribution of precinct turnout in bins of 0.1
// percentage point, centred on multiples of 0.1% so that a whole percent falls
// in the middle of its bin (bin j holds turnouts in [(j−0.5)/10 %,
// (j+0.5)/10 %), computed exactly as floor((2000·Issued + Registered)/(2·Registered))).
// Bin 1000 is 100%. Precincts with no registered voters are Excluded;
// precincts with more ballots issued than voters on the register are counted
// in Above100 and left out of the bins.
//
// Modes are the local maxima of the voter-weighted distribution at 1% width
// after Gaussian smoothing (σ = 2 percentage points); a mode is reported when
// it is at least 5% of the highest smoothed value, which keeps ripples out. A
// single mode is what a homogeneous electorate produces; a second mode at high
// turnout is the pattern Klimek et al. (2012) and Kobak et al. describe.
//
// Peaks are 0.1% bins that stand out above their neighbourhood: the precinct
// count exceeds the median of the 14 surrounding bins (±0.7 points) by at
// least five Poisson standard deviations and by at least 10 precincts. Peaks
// at whole percents are the turnout half of the integer-percentage signal, but
// small precincts also create peaks at simple fractions (50%, 66.7%, 75%) by
// arithmetic alone; IntegerPercent is the chance-corrected test.
type TurnoutDistribution struct {
	BinWidthPermille int     `json:"bin_width_permille"` // always 1: bins of 0.1 percentage point
	Precincts        []int64 `json:"precincts"`          // 1001 bins: 0.0%, 0.1%, …, 100.0%
	Voters           []int64 `json:"voters"`             // registered voters in the same bins
	Above100         int64   `json:"above_100"`
	Excluded         int64   `json:"excluded"`
	Modes            []Mode  `json:"modes"`
	Peaks            []Peak  `json:"peaks"`
}

// Mode is one local maximum of the smoothed distribution.
type Mode struct {
	TurnoutPercent int     `json:"turnout_percent"` // the 1% bin [p, p+1)
	Height         float64 `json:"height"`          // smoothed voters per 1% bin, for display
}

// Peak is one 0.1% bin well above its neighbourhood.
type Peak struct {
	TurnoutPermille int     `json:"turnout_permille"` // bin centre in tenths of a percent
	Precincts       int64   `json:"precincts"`
	Baseline        int64   `json:"baseline"` // median of the neighbouring bins
	Z               float64 `json:"z"`        // (precincts − baseline)/√baseline, for display
}

const (
	turnoutBins      = 1001
	modeSigma        = 2.0
	modeMinFraction  = 0.05
	peakHalfWindow   = 7
	peakMinZ         = 5.0
	peakMinPrecincts = 10
)

func turnoutDistribution(ps []Precinct) TurnoutDistribution {
	td := TurnoutDistribution{
		BinWidthPermille: 1,
		Precincts:        make([]int64, turnoutBins),
		Voters:           make([]int64, turnoutBins),
	}
	var percent [100]float64 // voters per 1% bin, for the modes
	for _, p := range ps {
		switch {
		case p.Registered <= 0:
			td.Excluded++
			continue
		case p.Issued > p.Registered:
			td.Above100++
			continue
		}
		j := (2000*p.Issued + p.Registered) / (2 * p.Registered)
		td.Precincts[j]++
		td.Voters[j] += p.Registered
		percent[bin(p.Issued, p.Registered, 100)] += float64(p.Registered)
	}
	td.Modes = modes(percent[:])
	td.Peaks = peaks(td.Precincts)
	return td
}

// modes smooths the 1% histogram with a Gaussian kernel, renormalised at the
// edges so that 0% and 100% are not pulled down, and returns its local maxima.
func modes(h []float64) []Mode {
	n := len(h)
	smooth := make([]float64, n)
	reach := int(math.Ceil(4 * modeSigma))
	maxS := 0.0
	for i := range n {
		var num, den float64
		for k := max(0, i-reach); k <= min(n-1, i+reach); k++ {
			w := math.Exp(-float64((k-i)*(k-i)) / (2 * modeSigma * modeSigma))
			num += w * h[k]
			den += w
		}
		smooth[i] = num / den
		maxS = max(maxS, smooth[i])
	}
	out := []Mode{}
	if maxS == 0 {
		return out
	}
	for i := range n {
		left := i == 0 || smooth[i] > smooth[i-1]
		right := i == n-1 || smooth[i] >= smooth[i+1]
		if left && right && smooth[i] >= modeMinFraction*maxS {
			out = append(out, Mode{TurnoutPercent: i, Height: math.Round(smooth[i])})
		}
	}
	return out
}

// peaks finds bins whose count exceeds a robust local baseline. The median,
// unlike a mean, is not lifted by the neighbouring whole-percent peaks that
// lie only ten bins away.
func peaks(h []int64) []Peak {
	out := []Peak{}
	window := make([]int64, 0, 2*peakHalfWindow)
	for j := range h {
		window = window[:0]
		for k := j - peakHalfWindow; k <= j+peakHalfWindow; k++ {
			if k != j && k >= 0 && k < len(h) {
				window = append(window, h[k])
			}
		}
		sort.Slice(window, func(a, b int) bool { return window[a] < window[b] })
		base := window[len(window)/2]
		excess := h[j] - base
		if excess < peakMinPrecincts {
			continue
		}
		z := float64(excess) / math.Sqrt(float64(max(base, 1)))
		if z >= peakMinZ {
			out = append(out, Peak{TurnoutPermille: j, Precincts: h[j], Baseline: base, Z: math.Round(z*10) / 10})
		}
	}
	return out
}
