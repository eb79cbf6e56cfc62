package forensics

import "sort"

// Histogram is an election fingerprint (Klimek, Yegorov, Hanel & Thurner,
// "Statistical detection of systematic election irregularities", PNAS 109(41),
// 2012): precincts binned by turnout (horizontal) and the leader's share
// (vertical), each cell counting precincts and, separately, registered voters.
//
// Bin i of Bins covers shares in [i/Bins, (i+1)/Bins); a share of exactly 100%
// falls into the last bin. Bins are computed exactly as floor(Bins·v/d).
// Precincts without registered voters or ballots cast, or with turnout or
// leader share above 100% (an inconsistent protocol), cannot be placed and are
// counted in Excluded. Only non-empty cells are listed, ordered by turnout bin
// then leader bin, which keeps per-region fingerprints small.
type Histogram struct {
	Area      string `json:"area,omitempty"`
	Bins      int    `json:"bins"`
	Precincts int64  `json:"precincts"`
	Voters    int64  `json:"voters"`
	Excluded  int64  `json:"excluded"`
	Cells     []Cell `json:"cells"`
}

// Cell is one non-empty fingerprint cell.
type Cell struct {
	Turnout   int   `json:"turnout_bin"`
	Leader    int   `json:"leader_bin"`
	Precincts int64 `json:"precincts"`
	Voters    int64 `json:"voters"` // registered voters in these precincts
}

// bin maps the share v/d (0 <= v <= d, d > 0) to one of n bins exactly.
func bin(v, d int64, n int) int {
	b := int(int64(n) * v / d)
	if b >= n {
		b = n - 1
	}
	return b
}

func fingerprint(area string, ps []Precinct, leader, bins int) Histogram {
	h := Histogram{Area: area, Bins: bins}
	type key struct{ t, l int }
	cells := map[key]*Cell{}
	for _, p := range ps {
		lv := p.Options[leader]
		if p.Registered <= 0 || p.Cast <= 0 || p.Issued > p.Registered || lv > p.Cast {
			h.Excluded++
			continue
		}
		k := key{bin(p.Issued, p.Registered, bins), bin(lv, p.Cast, bins)}
		c := cells[k]
		if c == nil {
			c = &Cell{Turnout: k.t, Leader: k.l}
			cells[k] = c
		}
		c.Precincts++
		c.Voters += p.Registered
		h.Precincts++
		h.Voters += p.Registered
	}
	h.Cells = make([]Cell, 0, len(cells))
	for _, c := range cells {
		h.Cells = append(h.Cells, *c)
	}
	sort.Slice(h.Cells, func(i, j int) bool {
		a, b := h.Cells[i], h.Cells[j]
		if a.Turnout != b.Turnout {
			return a.Turnout < b.Turnout
		}
		return a.Leader < b.Leader
	})
	return h
}
