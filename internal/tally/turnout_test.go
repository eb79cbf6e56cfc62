package tally_test

import (
	"encoding/json"
	"math/big"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tally"
)

var turnoutTimes = []string{"10:00", "12:00", "14:00", "16:00", "18:00", dauys.TurnoutClose}

func TestSummarizeTurnout(t *testing.T) {
	totals := &dauys.TurnoutTotals{Election: "e", Area: "kz", Registered: 1000, Precincts: 3, Times: []dauys.TurnoutTotal{
		{Time: "10:00", Voters: 100, Registered: 600, Reported: 2},
		{Time: "14:00", Voters: 500, Registered: 1000, Reported: 3},
		{Time: dauys.TurnoutClose, Voters: 501, Registered: 1000, Reported: 3},
		{Time: "12:00", Voters: 400, Registered: 700, Reported: 2},
	}}
	got := tally.SummarizeTurnout(turnoutTimes, totals, big.NewRat(50, 1))
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
	none := tally.SummarizeTurnout(turnoutTimes, &dauys.TurnoutTotals{Area: "r3"}, nil)
	if b, _ := json.Marshal(none); string(b) != `{"area":"r3","reports":[],"quorum_reached_at":null}` {
		t.Errorf("an area without reports: %s", b)
	}
	if s := tally.SummarizeTurnout(turnoutTimes, totals, nil); s.QuorumReachedAt != nil {
		t.Errorf("no quorum reached at %s", *s.QuorumReachedAt)
	}
	if s := tally.SummarizeTurnout(turnoutTimes, totals, big.NewRat(333, 10)); s.QuorumReachedAt == nil || *s.QuorumReachedAt != "12:00" {
		t.Errorf("a quorum of 33.3%% reached at %v, want 12:00", s.QuorumReachedAt)
	}
}
