package storetest

import (
	"math"
	"testing"

	"github.com/dauys/dauys"
)

// testSaveProtocolsRefusesOverflow: a protocol with a count beyond
// dauys.MaxCount (four of 2^62 wrap an int64's sums to 0; a second one made
// SQLite fail the whole transaction with "cannot store REAL value") or a
// negative one is refused in its own result, and the other protocols of the
// batch are stored, the running totals being the sums of those alone.
func testSaveProtocolsRefusesOverflow(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	f := newFixture(t, s)
	good1 := f.original(contestRef, "p1", ref(1000, 600, 400, 200))
	bad1 := f.original(contestRef, "p2", ref(1000, 0, 1<<62, 1<<62))
	good2 := f.original(contestRef, "p3", ref(1200, 700, 500, 200))
	bad2 := f.original(contestMay, "p1", mayor(math.MaxInt64, math.MaxInt64, math.MaxInt64, 0))
	bad3 := f.original(contestMay, "p2", mayor(1000, 600, -(1<<62), 0))
	rs := mustSave(t, s, good1, bad1, good2, bad2, bad3)
	for i, r := range rs {
		bad := i == 1 || i >= 3
		switch {
		case bad && dauys.ErrorCode(r.Err) != dauys.EINVALID:
			t.Errorf("item %d: outcome %q, error %v; want refused as invalid", i, r.Outcome, r.Err)
		case !bad && (r.Err != nil || r.Outcome != dauys.OutcomeAccepted):
			t.Errorf("item %d: outcome %q, error %v; want accepted", i, r.Outcome, r.Err)
		}
	}
	checkTotals(t, s, f.e, []*dauys.Protocol{good1, good2})
}
