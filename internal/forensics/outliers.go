package forensics

import (
	"math"
	"sort"
)

// Outliers lists precincts with an extreme turnout, leader share or share of
// invalid ballots. Thresholds are whole percents compared exactly
// (100·Issued >= OutlierTurnout·Registered and so on). Precincts with fewer
// than MinRegistered voters are left out, because hospitals, ships and other
// special stations reach 100% routinely. Extreme values are common in some
// regions for documented reasons; an entry is a reason to read the protocol,
// not a finding.
type Outliers struct {
	TurnoutPercent int64     `json:"turnout_percent"`
	LeaderPercent  int64     `json:"leader_percent"`
	InvalidPercent int64     `json:"invalid_percent"`
	MinRegistered  int64     `json:"min_registered"`
	Count          int       `json:"count"`
	Precincts      []Outlier `json:"precincts"`
}

// Outlier is one listed precinct. The counts are exact; the percentages are
// rounded to two decimals for display.
type Outlier struct {
	Area                string   `json:"area"`
	Region              string   `json:"region"`
	Registered          int64    `json:"registered"`
	Issued              int64    `json:"issued"`
	Cast                int64    `json:"cast"`
	Invalid             int64    `json:"invalid"`
	LeaderVotes         int64    `json:"leader_votes"`
	TurnoutPercent      float64  `json:"turnout_display_percent"`
	LeaderSharePercent  float64  `json:"leader_share_display_percent"`
	InvalidSharePercent float64  `json:"invalid_share_display_percent"`
	Signals             []string `json:"signals"` // "turnout", "leader_share", "invalid_share"
}

func outliers(ps []Precinct, leader int, cfg Config) Outliers {
	out := Outliers{
		TurnoutPercent: cfg.OutlierTurnout,
		LeaderPercent:  cfg.OutlierLeader,
		InvalidPercent: cfg.OutlierInvalid,
		MinRegistered:  cfg.MinRegistered,
		Precincts:      []Outlier{},
	}
	for _, p := range ps {
		if p.Registered < cfg.MinRegistered || p.Registered <= 0 {
			continue
		}
		lv := p.Options[leader]
		var signals []string
		if 100*p.Issued >= cfg.OutlierTurnout*p.Registered {
			signals = append(signals, "turnout")
		}
		if p.Cast > 0 && 100*lv >= cfg.OutlierLeader*p.Cast {
			signals = append(signals, "leader_share")
		}
		if p.Cast > 0 && 100*p.Invalid >= cfg.OutlierInvalid*p.Cast {
			signals = append(signals, "invalid_share")
		}
		if len(signals) == 0 {
			continue
		}
		out.Precincts = append(out.Precincts, Outlier{
			Area:                p.Area,
			Region:              p.Region,
			Registered:          p.Registered,
			Issued:              p.Issued,
			Cast:                p.Cast,
			Invalid:             p.Invalid,
			LeaderVotes:         lv,
			TurnoutPercent:      displayPercent(p.Issued, p.Registered),
			LeaderSharePercent:  displayPercent(lv, p.Cast),
			InvalidSharePercent: displayPercent(p.Invalid, p.Cast),
			Signals:             signals,
		})
	}
	sort.SliceStable(out.Precincts, func(i, j int) bool {
		a, b := out.Precincts[i], out.Precincts[j]
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Area < b.Area
	})
	out.Count = len(out.Precincts)
	return out
}

// displayPercent rounds 100·v/d to two decimals for people to read; it is
// never used in a decision.
func displayPercent(v, d int64) float64 {
	if d <= 0 {
		return 0
	}
	return math.Round(10000*float64(v)/float64(d)) / 100
}
