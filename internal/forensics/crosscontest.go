package forensics

import "sort"

// CrossContestFinding is a precinct where the ballots issued for contests held
// together differ by more than the tolerance. Voters normally receive every
// ballot at once, so large differences deserve a look at the protocols; small
// ones are expected (a voter who declines one ballot, a spoiled ballot
// replaced in one contest only).
type CrossContestFinding struct {
	Area   string           `json:"area"`
	Issued map[string]int64 `json:"issued"` // ballots issued by contest
	Min    int64            `json:"min"`
	Max    int64            `json:"max"`
	Spread int64            `json:"spread"` // Max − Min
}

// CrossContest compares, for every area, the ballots issued in each contest
// (issued[area][contest]) and returns the areas where the largest and
// smallest differ by more than tolerance ballots, ordered by area. Areas with
// a single contest cannot disagree and are skipped; a negative tolerance is
// treated as zero.
func CrossContest(issued map[string]map[string]int64, tolerance int64) []CrossContestFinding {
	tolerance = max(tolerance, 0)
	out := []CrossContestFinding{}
	for area, byContest := range issued {
		if len(byContest) < 2 {
			continue
		}
		first := true
		var lo, hi int64
		for _, v := range byContest {
			if first {
				lo, hi, first = v, v, false
				continue
			}
			lo = min(lo, v)
			hi = max(hi, v)
		}
		if hi-lo <= tolerance {
			continue
		}
		copied := make(map[string]int64, len(byContest))
		for k, v := range byContest {
			copied[k] = v
		}
		out = append(out, CrossContestFinding{Area: area, Issued: copied, Min: lo, Max: hi, Spread: hi - lo})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Area < out[j].Area })
	return out
}
