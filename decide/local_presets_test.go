package decide_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
)

// TestLocalPresets decides the akim and by-election presets at their edges: a tie for the seat, a leader
// short of half (no runoff under plurality), an against-all plurality under the default and under the
// re-run override, and a configured minimum turnout met exactly and missed by one voter.
func TestLocalPresets(t *testing.T) {
	cands := []string{"Candidate 1", "Candidate 2", "Candidate 3"}
	tests := []struct {
		name      string
		change    func(r *decide.Rules)
		counts    decide.Counts
		elected   string // "" for nobody
		rerun     bool
		tie       bool
		note      string
		noRunoff  bool
		summaryOK string
	}{
		{
			name: "leader elected", counts: decide.Counts{Options: []int64{600, 300, 50}, AgainstAll: 50},
			elected: "Candidate 1", summaryOK: "most votes",
		},
		{
			// 400 of 1,000 valid votes is short of half: a majority rule would call a runoff, plurality elects.
			name: "leader short of half is elected without a runoff", counts: decide.Counts{Options: []int64{400, 350, 150}, AgainstAll: 100},
			elected: "Candidate 1", noRunoff: true,
		},
		{
			name: "tie for the seat goes to the candidate registered earlier", counts: decide.Counts{Options: []int64{300, 450, 450}},
			elected: "Candidate 2", tie: true,
		},
		{
			name: "tie by lot with a public seed", change: func(r *decide.Rules) { r.Tie, r.Seed = decide.TieLot, "seed-2024" },
			counts: decide.Counts{Options: []int64{300, 450, 450}}, tie: true,
		},
		{
			name: "against all plurality has no effect by default", counts: decide.Counts{Options: []int64{300, 200, 100}, AgainstAll: 301},
			elected: "Candidate 1", note: "no legal effect",
		},
		{
			name: "against all plurality voids the election under the override", change: func(r *decide.Rules) { r.AgainstAll = decide.AgainstAllRerun },
			counts: decide.Counts{Options: []int64{300, 200, 100}, AgainstAll: 301}, rerun: true, note: "held again",
		},
		{
			name: "against all level with the leader is no plurality under the override", change: func(r *decide.Rules) { r.AgainstAll = decide.AgainstAllRerun },
			counts: decide.Counts{Options: []int64{300, 200, 100}, AgainstAll: 300}, elected: "Candidate 1",
		},
		{
			name: "minimum turnout met exactly", change: func(r *decide.Rules) { r.MinTurnout = big.NewRat(50, 1) },
			counts:  decide.Counts{Registered: 2000, TookPart: 1000, Invalid: 20, Options: []int64{500, 400, 80}},
			elected: "Candidate 1",
		},
		{
			name: "minimum turnout missed by one voter", change: func(r *decide.Rules) { r.MinTurnout = big.NewRat(50, 1) },
			counts: decide.Counts{Registered: 2000, TookPart: 999, Invalid: 19, Options: []int64{500, 400, 80}},
			rerun:  true, note: "below the minimum",
		},
	}
	for _, id := range []string{"kz-akim-rural-2021", "kz-akim-district-2023", "kz-by-election-smd"} {
		p, err := decide.LookupPreset(id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Rules.Kind != decide.KindPlurality || p.Rules.Seats != 1 || len(p.Unconfirmed) == 0 || p.Source == "" {
			t.Fatalf("%s: %+v", id, p)
		}
		for _, tc := range tests {
			t.Run(id+"/"+tc.name, func(t *testing.T) {
				p, _ := decide.LookupPreset(id)
				r := p.Rules
				if tc.change != nil {
					tc.change(&r)
				}
				o := MustDecide(t, r, decide.Input{Options: cands, Total: tc.counts})
				if tc.elected != "" && (o.Elected == nil || *o.Elected != tc.elected) {
					t.Errorf("elected = %v, want %q", o.Elected, tc.elected)
				}
				if tc.elected == "" && !tc.tie && o.Elected != nil {
					t.Errorf("elected = %q, want nobody", *o.Elected)
				}
				if tc.tie {
					if len(o.Ties) != 1 || o.Elected == nil || (*o.Elected != "Candidate 2" && *o.Elected != "Candidate 3") {
						t.Errorf("ties %+v, elected %v: want one tie between candidates 2 and 3", o.Ties, o.Elected)
					}
				} else if len(o.Ties) != 0 {
					t.Errorf("ties = %+v, want none", o.Ties)
				}
				if o.RerunRequired != tc.rerun {
					t.Errorf("rerun = %v, want %v", o.RerunRequired, tc.rerun)
				}
				if tc.noRunoff && o.Runoff != nil {
					t.Errorf("runoff %v under a plurality preset", o.Runoff)
				}
				if tc.note != "" && !strings.Contains(strings.Join(o.Explanation.Notes, " "), tc.note) {
					t.Errorf("notes %q lack %q", o.Explanation.Notes, tc.note)
				}
				if tc.summaryOK != "" && !strings.Contains(o.Explanation.Summary, tc.summaryOK) {
					t.Errorf("summary %q lacks %q", o.Explanation.Summary, tc.summaryOK)
				}
			})
		}
	}
}

func TestListQuota(t *testing.T) {
	woman, young, disabled, man := decide.QuotaPerson{Woman: true}, decide.QuotaPerson{Young: true}, decide.QuotaPerson{Disabled: true}, decide.QuotaPerson{}
	youngWoman := decide.QuotaPerson{Woman: true, Young: true}
	repeat := func(p decide.QuotaPerson, n int) []decide.QuotaPerson {
		out := make([]decide.QuotaPerson, n)
		for i := range out {
			out[i] = p
		}
		return out
	}
	join := func(groups ...[]decide.QuotaPerson) []decide.QuotaPerson {
		var out []decide.QuotaPerson
		for _, g := range groups {
			out = append(out, g...)
		}
		return out
	}
	p2023, _ := decide.LookupPreset("kz-mazhilis-2023")
	p2021, _ := decide.LookupPreset("kz-mazhilis-2021")
	q2023, q2021 := p2023.Rules.ListQuota, p2021.Rules.ListQuota
	tests := []struct {
		name    string
		quota   *decide.ListQuota
		people  []decide.QuotaPerson
		counted int
		needed  int
		met     bool
	}{
		{"exactly 30% of 10", q2023, join(repeat(woman, 3), repeat(man, 7)), 3, 3, true},
		{"one short of 30% of 10", q2023, join(repeat(woman, 2), repeat(man, 8)), 2, 3, false},
		// 30% of 7 is 2.1: three are needed, two are not enough.
		{"30% of 7 needs three", q2023, join(repeat(young, 2), repeat(man, 5)), 2, 3, false},
		{"categories add up", q2023, join(repeat(woman, 1), repeat(young, 1), repeat(disabled, 1), repeat(man, 7)), 3, 3, true},
		// A young woman is one person: she counts once.
		{"a person counts once", q2023, join(repeat(youngWoman, 2), repeat(man, 8)), 2, 3, false},
		// Before 2023 people with disabilities did not count.
		{"2021 does not count disabilities", q2021, join(repeat(disabled, 3), repeat(man, 7)), 0, 3, false},
		{"empty list", q2023, nil, 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.quota.Check(tc.people)
			if got.Counted != tc.counted || got.Needed != tc.needed || got.Met != tc.met || got.People != len(tc.people) {
				t.Errorf("Check = %+v, want counted %d needed %d met %v", got, tc.counted, tc.needed, tc.met)
			}
		})
	}
	if q2023.List != decide.QuotaRefuse || q2023.Seats != decide.QuotaRefuse || q2021.Seats != decide.QuotaOff {
		t.Errorf("enforcement: 2023 %q/%q, 2021 seats %q", q2023.List, q2023.Seats, q2021.Seats)
	}
	bad := []struct {
		field string
		quota decide.ListQuota
	}{
		{"list_quota.share", decide.ListQuota{Categories: []decide.QuotaCategory{decide.QuotaWomen}}},
		{"list_quota.share", decide.ListQuota{Share: big.NewRat(101, 1), Categories: []decide.QuotaCategory{decide.QuotaWomen}}},
		{"list_quota.categories", decide.ListQuota{Share: big.NewRat(30, 1)}},
		{"list_quota.categories", decide.ListQuota{Share: big.NewRat(30, 1), Categories: []decide.QuotaCategory{"men"}}},
		{"list_quota.seats", decide.ListQuota{Share: big.NewRat(30, 1), Categories: []decide.QuotaCategory{decide.QuotaWomen}, Seats: "strict"}},
	}
	for _, b := range bad {
		r := p2023.Rules
		r.ListQuota = &b.quota
		err := r.Validate()
		if de, ok := err.(*decide.Error); !ok || de.Field != b.field {
			t.Errorf("Validate(%+v) = %v, want a %s error", b.quota, err, b.field)
		}
	}
}
