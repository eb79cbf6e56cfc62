package httpapi_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/sqlite"
)

// TestResultsAssigned: the results JSON of a list contest carries the parties' recorded seat assignments
// under "assigned", with the candidates' list positions and names, once one is recorded.
func TestResultsAssigned(t *testing.T) {
	var clock atomic.Int64 // the API's clock, read by the server's goroutines
	clock.Store(time.Date(2026, 3, 15, 21, 0, 0, 0, time.UTC).UnixNano())
	f := newFixtureWith(t, func(c *httpapi.Config, _ *sqlite.Store) {
		c.Now = func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	})
	f.post(t, f.tokens["admin"], good)
	read := func() []any {
		_, body := f.do(t, "GET", "/api/v1/elections/e/results", "", "")
		var res struct {
			Contests []map[string]any `json:"contests"`
		}
		if err := json.Unmarshal(body, &res); err != nil || len(res.Contests) != 1 {
			t.Fatalf("results %s: %v", body, err)
		}
		a, _ := res.Contests[0]["assigned"].([]any)
		return a
	}
	if a := read(); a != nil {
		t.Errorf("assigned before any decision: %v", a)
	}
	if err := f.store.AssignSeats(context.Background(), &dauys.SeatAssignment{Election: "e", Contest: "list", Party: "a",
		Candidates: []int{2, 1}, Decision: "No. 1", At: time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	// The answer is kept for at most a second (resultsTTL), for decisions another process records.
	clock.Add(int64(2 * time.Second))
	b, _ := json.Marshal(read())
	if want := `[{"at":"2026-03-20T10:00:00Z","candidates":[{"name":{},"position":2},{"name":{},"position":1}],"decision":"No. 1","party":"a","party_name":{}}]`; string(b) != want {
		t.Errorf("assigned = %s, want %s", b, want)
	}
}
