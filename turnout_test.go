package dauys_test

import (
	"errors"
	"testing"

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
