package definition_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
)

// TestParseReplay: a replay block is read into the election, and one
// without its source is a problem named at its line.
func TestParseReplay(t *testing.T) {
	yaml := strings.Replace(base, "timezone: Asia/Almaty\n", "timezone: Asia/Almaty\nreplay: {source: CEC final results, totals: totals.csv}\n", 1)
	e := mustParse(t, yaml, baseAreas)
	if !e.IsReplay() || e.Replay != (dauys.Replay{Source: "CEC final results", Totals: "totals.csv"}) {
		t.Errorf("replay = %+v", e.Replay)
	}
	if mustParse(t, base, baseAreas).IsReplay() {
		t.Error("a definition without a replay block is a replay")
	}
	bad := strings.Replace(base, "timezone: Asia/Almaty\n", "timezone: Asia/Almaty\nreplay: {totals: totals.csv}\n", 1)
	_, err := definition.Parse([]byte(bad), "election.yaml", fstest.MapFS{"areas.csv": {Data: []byte(baseAreas)}})
	if err == nil || !strings.Contains(dauys.ErrorMessage(err), "replay: source is missing") || !strings.Contains(dauys.ErrorMessage(err), "election.yaml:5:") {
		t.Errorf("a replay without its source: %v", err)
	}
}
