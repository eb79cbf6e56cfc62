package dauys_test

import (
	"encoding/json"
	"errors"
	"math/big"
	"testing"

	"pgregory.net/rapid"

	"github.com/dauys/dauys"
)

var turnoutTimes = []string{"10:00", "12:00", "14:00", "16:00", "18:00", dauys.TurnoutClose}

// precinctAt is precinct p1 of district d1 of the country kz with the
// current reports given by time.
func precinctAt(current map[string]int64, p1 dauys.Area) *dauys.TurnoutPrecinct {
	p := &dauys.TurnoutPrecinct{
		Chain: []dauys.Area{p1, {ID: "d1", Parent: "kz"}, {ID: "kz"}},
		Leaf:  true, Current: map[string]*dauys.TurnoutReport{},
	}
	for t, v := range current {
		p.Current[t] = &dauys.TurnoutReport{Election: "e", Area: "p1", Time: t, Voters: v, Version: 1}
	}
	return p
}

func report(at string, voters int64) *dauys.TurnoutReport {
	return &dauys.TurnoutReport{Election: "e", Area: "p1", Time: at, Voters: voters}
}

func TestReconcileTurnout(t *testing.T) {
	p1 := dauys.Area{ID: "p1", Parent: "d1", Registered: 1000}
	amend := func(r *dauys.TurnoutReport, reason string) *dauys.TurnoutReport {
		r.Kind, r.Reason = dauys.ProtocolAmendment, reason
		return r
	}
	for _, tc := range []struct {
		name    string
		area    dauys.Area
		leaf    bool
		current map[string]int64
		r       *dauys.TurnoutReport
		outcome string
		version int
		code    string
	}{
		{"first report", p1, true, nil, report("10:00", 150), dauys.OutcomeAccepted, 1, ""},
		{"final figure", p1, true, map[string]int64{"18:00": 700}, report(dauys.TurnoutClose, 720), dauys.OutcomeAccepted, 1, ""},
		{"same figure again", p1, true, map[string]int64{"10:00": 150}, report("10:00", 150), dauys.OutcomeDuplicate, 1, ""},
		{"different figure", p1, true, map[string]int64{"10:00": 150}, report("10:00", 160), "", 0, dauys.ECONFLICT},
		{"amendment", p1, true, map[string]int64{"10:00": 150}, amend(report("10:00", 160), "typo"), dauys.OutcomeAmended, 2, ""},
		{"amendment without reason", p1, true, map[string]int64{"10:00": 150}, amend(report("10:00", 160), ""), "", 0, dauys.EINVALID},
		{"amendment of nothing", p1, true, nil, amend(report("10:00", 160), "typo"), "", 0, dauys.ECONFLICT},
		{"less than an earlier hour", p1, true, map[string]int64{"10:00": 300}, report("12:00", 200), "", 0, dauys.ECONFLICT},
		{"more than a later hour", p1, true, map[string]int64{"14:00": 300}, report("12:00", 301), "", 0, dauys.ECONFLICT},
		{"amendment below an earlier hour", p1, true, map[string]int64{"10:00": 300, "12:00": 400}, amend(report("12:00", 299), "x"), "", 0, dauys.ECONFLICT},
		{"equal to an earlier hour", p1, true, map[string]int64{"10:00": 300}, report("12:00", 300), dauys.OutcomeAccepted, 1, ""},
		{"undefined hour", p1, true, nil, report("11:00", 10), "", 0, dauys.EINVALID},
		{"not a clock", p1, true, nil, report("10", 10), "", 0, dauys.EINVALID},
		{"more than registered", p1, true, nil, report("10:00", 1001), "", 0, dauys.EINVALID},
		{"all registered", p1, true, nil, report("10:00", 1000), dauys.OutcomeAccepted, 1, ""},
		{"negative", p1, true, nil, report("10:00", -1), "", 0, dauys.EINVALID},
		{"over the count bound, registered unknown", dauys.Area{ID: "p1"}, true, nil, report("10:00", dauys.MaxCount+1), "", 0, dauys.EINVALID},
		{"registered unknown", dauys.Area{ID: "p1"}, true, nil, report("10:00", 5000), dauys.OutcomeAccepted, 1, ""},
		{"not a leaf", p1, false, nil, report("10:00", 10), "", 0, dauys.EINVALID},
		{"closed early", dauys.Area{ID: "p1", Closes: "14:00", Kind: dauys.AreaSpecial}, true, nil, report("16:00", 10), "", 0, dauys.EINVALID},
		{"at the early closing", dauys.Area{ID: "p1", Closes: "14:00"}, true, nil, report("14:00", 10), dauys.OutcomeAccepted, 1, ""},
		{"final figure after an early closing", dauys.Area{ID: "p1", Closes: "14:00"}, true, nil, report(dauys.TurnoutClose, 10), dauys.OutcomeAccepted, 1, ""},
		{"before opening", dauys.Area{ID: "p1", Opens: "11:00"}, true, nil, report("10:00", 10), "", 0, dauys.EINVALID},
		{"unknown kind", p1, true, nil, &dauys.TurnoutReport{Election: "e", Area: "p1", Time: "10:00", Kind: "x"}, "", 0, dauys.EINVALID},
		{"no time", p1, true, nil, report("", 10), "", 0, dauys.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := precinctAt(tc.current, tc.area)
			p.Leaf = tc.leaf
			outcome, version, err := dauys.ReconcileTurnout(turnoutTimes, p, tc.r)
			if got := dauys.ErrorCode(err); got != tc.code {
				t.Fatalf("error %v (code %q), want code %q", err, got, tc.code)
			}
			if outcome != tc.outcome || version != tc.version {
				t.Errorf("got %s version %d, want %s version %d", outcome, version, tc.outcome, tc.version)
			}
			var e *dauys.Error
			if errors.As(err, &e) && e.Code != dauys.EINVALID && (e.Text.KK == "" || e.Text.RU == "" || e.Text.EN == "") {
				t.Errorf("the refusal has no text in every language: %+v", e.Text)
			}
		})
	}
	t.Run("unknown precinct", func(t *testing.T) {
		r := report("10:00", 1)
		r.Area = "p%d1"
		_, _, err := dauys.ReconcileTurnout(turnoutTimes, &dauys.TurnoutPrecinct{}, r)
		if dauys.ErrorCode(err) != dauys.ENOTFOUND {
			t.Errorf("error %v, want not found", err)
		}
		if msg := dauys.ErrorMessage(err); msg != "Precinct p%d1 does not exist (10:00)" {
			t.Errorf("message %q names the precinct wrongly", msg)
		}
	})
	t.Run("poll hours inherited", func(t *testing.T) {
		p := precinctAt(nil, dauys.Area{ID: "p1", Parent: "d1"})
		p.Chain[1].Closes = "12:00"
		if _, _, err := dauys.ReconcileTurnout(turnoutTimes, p, report("14:00", 1)); dauys.ErrorCode(err) != dauys.EINVALID {
			t.Errorf("a report after the district's closing: %v, want invalid", err)
		}
	})
}

func TestTurnoutTimes(t *testing.T) {
	e := &dauys.Election{TurnoutHours: []string{"10:00", "12:00"}}
	if got := e.TurnoutTimes(); len(got) != 3 || got[2] != dauys.TurnoutClose {
		t.Errorf("times %v, want close appended", got)
	}
	e.TurnoutHours = []string{"10:00", dauys.TurnoutClose}
	if got := e.TurnoutTimes(); len(got) != 2 {
		t.Errorf("times %v, want close once", got)
	}
	e.TurnoutHours = nil
	if got := e.TurnoutTimes(); got != nil {
		t.Errorf("times %v, want none", got)
	}
}

func TestValidClock(t *testing.T) {
	for s, want := range map[string]bool{"00:00": true, "23:59": true, "10:05": true, "24:00": false, "9:00": false,
		"10:60": false, "1000": false, "ab:cd": false, "close": false, "": false} {
		if got := dauys.ValidClock(s); got != want {
			t.Errorf("ValidClock(%q) = %v", s, got)
		}
	}
}

func TestPercentHundredths(t *testing.T) {
	for _, tc := range []struct {
		num, den int64
		want     string
	}{
		{8300046, 11953211, "69.44"}, // 2022 presidential election, as the CEC published it
		{1, 3, "33.33"},
		{2, 3, "66.67"},
		{1, 8, "12.50"},
		{1, 800, "0.13"}, // 0.125 rounds half up
		{0, 5, "0.00"},
		{5, 5, "100.00"},
		{dauys.MaxCount * 9, dauys.MaxCount * 9, "100.00"},
		{1, 0, ""},
	} {
		if got := dauys.PercentHundredths(tc.num, tc.den); got != tc.want {
			t.Errorf("PercentHundredths(%d, %d) = %q, want %q", tc.num, tc.den, got, tc.want)
		}
	}
	// Against the rational: the string is within half a hundredth, and
	// exactly half rounds up.
	rapid.Check(t, func(t *rapid.T) {
		den := rapid.Int64Range(1, 1<<50).Draw(t, "den")
		num := rapid.Int64Range(0, den).Draw(t, "num")
		got, ok := new(big.Rat).SetString(dauys.PercentHundredths(num, den))
		if !ok {
			t.Fatalf("not a number")
		}
		exact := big.NewRat(num*1, den)
		exact.Mul(exact, big.NewRat(100, 1))
		diff := new(big.Rat).Sub(exact, got)
		half := big.NewRat(1, 200)
		if diff.Cmp(half) >= 0 || diff.Cmp(new(big.Rat).Neg(half)) < 0 {
			t.Fatalf("%d/%d: %s is not the half-up rounding of %s", num, den, got.FloatString(2), exact.FloatString(6))
		}
	})
}

func TestSummarizeTurnout(t *testing.T) {
	totals := &dauys.TurnoutTotals{Election: "e", Area: "kz", Registered: 1000, Precincts: 3, Times: []dauys.TurnoutTotal{
		{Time: "10:00", Voters: 100, Registered: 600, Reported: 2},
		{Time: "14:00", Voters: 500, Registered: 1000, Reported: 3},
		{Time: dauys.TurnoutClose, Voters: 501, Registered: 1000, Reported: 3},
		{Time: "12:00", Voters: 400, Registered: 700, Reported: 2},
	}}
	got := dauys.SummarizeTurnout(turnoutTimes, totals, "50")
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	// At 12:00 400 of the 700 registered in the reporting precincts is more
	// than half of them, but not of the area's 1000: the quorum counts all
	// on the lists. 500 of 1000 is not more than half; 501 is.
	want := `{"area":"kz","reports":[` +
		`{"time":"10:00","voters":100,"registered":600,"precincts_reported":2,"precincts":3,"percent":"16.67"},` +
		`{"time":"12:00","voters":400,"registered":700,"precincts_reported":2,"precincts":3,"percent":"57.14"},` +
		`{"time":"14:00","voters":500,"registered":1000,"precincts_reported":3,"precincts":3,"percent":"50.00"},` +
		`{"time":"close","voters":501,"registered":1000,"precincts_reported":3,"precincts":3,"percent":"50.10"}],` +
		`"quorum_reached_at":"close"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	none := dauys.SummarizeTurnout(turnoutTimes, &dauys.TurnoutTotals{Area: "r3"}, "")
	if b, _ := json.Marshal(none); string(b) != `{"area":"r3","reports":[],"quorum_reached_at":null}` {
		t.Errorf("an area without reports: %s", b)
	}
	for _, q := range []string{"", "1e999999999", "1/3", "fifty", "-5"} {
		if s := dauys.SummarizeTurnout(turnoutTimes, totals, q); s.QuorumReachedAt != nil {
			t.Errorf("quorum %q reached at %s; it is no quorum", q, *s.QuorumReachedAt)
		}
	}
	if s := dauys.SummarizeTurnout(turnoutTimes, totals, "33.3"); s.QuorumReachedAt == nil || *s.QuorumReachedAt != "12:00" {
		t.Errorf("a quorum of 33.3%% reached at %v, want 12:00", s.QuorumReachedAt)
	}
}

func TestEffectiveZoneAndHours(t *testing.T) {
	chain := []dauys.Area{
		{ID: "p1", Closes: "14:00"},
		{ID: "aktobe", Timezone: "Asia/Aqtobe", Opens: "07:00"},
		{ID: "kz", Timezone: "Asia/Almaty", Opens: "08:00", Closes: "20:00"},
	}
	if z := dauys.EffectiveZone(chain, "UTC"); z != "Asia/Aqtobe" {
		t.Errorf("zone %s", z)
	}
	if z := dauys.EffectiveZone(chain[2:], "UTC"); z != "Asia/Almaty" {
		t.Errorf("zone %s", z)
	}
	if z := dauys.EffectiveZone([]dauys.Area{{ID: "x"}}, "Asia/Almaty"); z != "Asia/Almaty" {
		t.Errorf("zone %s, want the election's", z)
	}
	if o, c := dauys.EffectivePollHours(chain); o != "07:00" || c != "14:00" {
		t.Errorf("hours %s-%s", o, c)
	}
	e := &dauys.Election{Areas: []dauys.Area{{ID: "kz"}, {ID: "abroad", Parent: "kz", Kind: dauys.AreaAbroad}, {ID: "p9", Parent: "abroad"}}}
	c := e.Chain("p9")
	if len(c) != 3 || c[2].ID != "kz" || !dauys.Abroad(c) || dauys.Abroad(e.Chain("kz")) {
		t.Errorf("chain %v", c)
	}
	loop := &dauys.Election{Areas: []dauys.Area{{ID: "a", Parent: "b"}, {ID: "b", Parent: "a"}}}
	if c := loop.Chain("a"); len(c) > 3 {
		t.Errorf("a cycle of parents gives a chain of %d", len(c))
	}
}
