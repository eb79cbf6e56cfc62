package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/dauys/dauys"
)

// turnoutElection is the fixture with reporting hours, a special precinct
// p3 that closes at 14:00, and the precincts abroad: unit "ab" under the
// country, with district "ab-d" and precinct "p9". Nothing abroad belongs
// to a region.
func turnoutElection(id string) *dauys.Election {
	areas := fixtureAreas()
	for i := range areas {
		if areas[i].ID == "p3" {
			areas[i].Kind, areas[i].Closes = dauys.AreaSpecial, "14:00"
		}
		if areas[i].ID == "r1" {
			areas[i].Timezone = "Asia/Aqtobe"
		}
	}
	areas = append(areas,
		dauys.Area{ID: "ab", Parent: "kz", Level: "abroad", Name: dauys.T("Abroad"), Kind: dauys.AreaAbroad},
		dauys.Area{ID: "ab-d", Parent: "ab", Level: dauys.LevelDistrict, Name: dauys.T("Europe"), Kind: dauys.AreaAbroad},
		dauys.Area{ID: "p9", Parent: "ab-d", Level: dauys.LevelPrecinct, Name: dauys.T("Berlin"), Number: "901",
			Registered: 20, Timezone: "Europe/Berlin", Kind: dauys.AreaAbroad},
	)
	e := newElection(id, "2026-03-15", areas)
	e.TurnoutHours = []string{"10:00", "12:00", "14:00", "16:00", "18:00"}
	return e
}

// turnoutAt returns an original report received at the i-th instant.
func turnoutAt(election, area, time string, voters int64, i int) *dauys.TurnoutReport {
	return &dauys.TurnoutReport{Election: election, Area: area, Time: time, Voters: voters,
		Submitter: "operator-" + area, Source: "api", Received: at(i)}
}

func mustSaveTurnout(tb failer, s dauys.Store, rs ...*dauys.TurnoutReport) []dauys.TurnoutResult {
	tb.Helper()
	res, err := s.SaveTurnout(context.Background(), rs)
	if err != nil {
		tb.Fatalf("save turnout: %v", err)
	}
	if len(res) != len(rs) {
		tb.Fatalf("save turnout: %d results for %d reports", len(res), len(rs))
	}
	return res
}

// checkTurnoutResults compares results with wanted outcomes and versions
// (refusals by their code).
func checkTurnoutResults(t *testing.T, rs []*dauys.TurnoutReport, res []dauys.TurnoutResult, ws []want) {
	t.Helper()
	for i, w := range ws {
		r := res[i]
		if got := dauys.ErrorCode(r.Err); got != w.code {
			t.Errorf("report %d (%s %s %d): error %v, want code %q", i, rs[i].Area, rs[i].Time, rs[i].Voters, r.Err, w.code)
			continue
		}
		if r.Outcome != w.outcome {
			t.Errorf("report %d (%s %s): outcome %q, want %q", i, rs[i].Area, rs[i].Time, r.Outcome, w.outcome)
		}
		if w.code == "" && (r.Report == nil || r.Report.Version != w.version) {
			t.Errorf("report %d (%s %s): stored %+v, want version %d", i, rs[i].Area, rs[i].Time, r.Report, w.version)
		}
	}
}

// checkTurnout compares an area's totals with the expected ones.
func checkTurnout(t *testing.T, s dauys.Store, election, area string, precincts, registered int64, want ...dauys.TurnoutTotal) {
	t.Helper()
	got, err := s.Turnout(t.Context(), election, area)
	if err != nil {
		t.Fatalf("turnout of %s: %v", area, err)
	}
	w := &dauys.TurnoutTotals{Election: election, Area: area, Precincts: precincts, Registered: registered, Times: want}
	if len(got.Times) == 0 {
		got.Times = nil
	}
	if !reflect.DeepEqual(got, w) {
		t.Errorf("turnout of %s:\n got %+v\nwant %+v", area, got, w)
	}
}

func testTurnout(t *testing.T, fresh func(*testing.T) dauys.Store) {
	const id = "kz-turnout"
	t.Run("polling-day fields round trip", func(t *testing.T) {
		s := fresh(t)
		want := turnoutElection(id)
		mustCreateElection(t, s, want)
		got, err := s.Election(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		checkElection(t, "election", got, want)
	})
	t.Run("totals per hour up the tree", func(t *testing.T) {
		s := fresh(t)
		mustCreateElection(t, s, turnoutElection(id))
		rs := []*dauys.TurnoutReport{
			turnoutAt(id, "p1", "10:00", 100, 1),
			turnoutAt(id, "p2", "10:00", 200, 2),
			turnoutAt(id, "p3", "10:00", 50, 3),
			turnoutAt(id, "p9", "10:00", 5, 4),
			turnoutAt(id, "p1", "12:00", 300, 5),
			turnoutAt(id, "p1", dauys.TurnoutClose, 900, 6),
		}
		checkTurnoutResults(t, rs, mustSaveTurnout(t, s, rs...),
			[]want{accepted(1), accepted(1), accepted(1), accepted(1), accepted(1), accepted(1)})
		// kz has the precincts p1, p2, p3, p9 and the empty region r3,
		// which counts as a precinct that has not reported, as in the
		// progress of protocols.
		checkTurnout(t, s, id, "kz", 5, 1200+1500+900+20,
			dauys.TurnoutTotal{Time: "10:00", Voters: 355, Registered: 3620, Reported: 4},
			dauys.TurnoutTotal{Time: "12:00", Voters: 300, Registered: 1200, Reported: 1},
			dauys.TurnoutTotal{Time: dauys.TurnoutClose, Voters: 900, Registered: 1200, Reported: 1})
		checkTurnout(t, s, id, "r1", 2, 2700,
			dauys.TurnoutTotal{Time: "10:00", Voters: 300, Registered: 2700, Reported: 2},
			dauys.TurnoutTotal{Time: "12:00", Voters: 300, Registered: 1200, Reported: 1},
			dauys.TurnoutTotal{Time: dauys.TurnoutClose, Voters: 900, Registered: 1200, Reported: 1})
		checkTurnout(t, s, id, "ab", 1, 20, dauys.TurnoutTotal{Time: "10:00", Voters: 5, Registered: 20, Reported: 1})
		checkTurnout(t, s, id, "p3", 1, 900, dauys.TurnoutTotal{Time: "10:00", Voters: 50, Registered: 900, Reported: 1})
		checkTurnout(t, s, id, "r3", 1, 0)
	})
	t.Run("refusals", func(t *testing.T) {
		s := fresh(t)
		mustCreateElection(t, s, turnoutElection(id))
		mustSaveTurnout(t, s, turnoutAt(id, "p1", "12:00", 300, 1))
		amendment := turnoutAt(id, "p2", "10:00", 10, 9)
		amendment.Kind, amendment.Reason = dauys.ProtocolAmendment, "typo"
		rs := []*dauys.TurnoutReport{
			turnoutAt(id, "p1", "14:00", 250, 2),    // less than at 12:00
			turnoutAt(id, "p1", "10:00", 301, 3),    // more than at 12:00
			turnoutAt(id, "p1", "12:00", 310, 4),    // a different figure, not an amendment
			turnoutAt(id, "p1", "11:00", 10, 5),     // not a reporting hour
			turnoutAt(id, "p1", "10:00", 1201, 6),   // more than registered
			turnoutAt(id, "d1", "10:00", 10, 7),     // not a precinct
			turnoutAt(id, "p404", "10:00", 10, 8),   // no such area
			turnoutAt("nope", "p1", "10:00", 10, 9), // no such election
			turnoutAt(id, "p3", "16:00", 60, 10),    // p3 closed at 14:00
			turnoutAt(id, "p1", "10:00", -1, 11),
			amendment, // nothing to amend
			nil,
		}
		checkTurnoutResults(t, rs, mustSaveTurnout(t, s, rs...), []want{
			refused(dauys.ECONFLICT), refused(dauys.ECONFLICT), refused(dauys.ECONFLICT), refused(dauys.EINVALID),
			refused(dauys.EINVALID), refused(dauys.EINVALID), refused(dauys.ENOTFOUND), refused(dauys.ENOTFOUND),
			refused(dauys.EINVALID), refused(dauys.EINVALID), refused(dauys.ECONFLICT), refused(dauys.EINVALID),
		})
		checkTurnout(t, s, id, "kz", 5, 3620, dauys.TurnoutTotal{Time: "12:00", Voters: 300, Registered: 1200, Reported: 1})
		got, err := s.TurnoutReports(t.Context(), id, "kz")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Errorf("refused reports were stored: %+v", got)
		}
		_, err = s.Turnout(t.Context(), id, "p404")
		checkCode(t, "turnout of a missing area", err, dauys.ENOTFOUND)
		_, err = s.Turnout(t.Context(), "nope", "kz")
		checkCode(t, "turnout of a missing election", err, dauys.ENOTFOUND)
		_, err = s.TurnoutReports(t.Context(), id, "p404")
		checkCode(t, "reports of a missing area", err, dauys.ENOTFOUND)
	})
	t.Run("amendments keep history", func(t *testing.T) {
		s := fresh(t)
		mustCreateElection(t, s, turnoutElection(id))
		first := turnoutAt(id, "p1", "10:00", 100, 1)
		mustSaveTurnout(t, s, first, turnoutAt(id, "p2", "10:00", 200, 2))
		fix := turnoutAt(id, "p1", "10:00", 120, 3)
		fix.Kind, fix.Reason = dauys.ProtocolAmendment, "the 10:00 count missed the mobile box"
		unchanged := *fix
		res := mustSaveTurnout(t, s, fix)
		checkTurnoutResults(t, []*dauys.TurnoutReport{fix}, res, []want{amended(2)})
		if !reflect.DeepEqual(*fix, unchanged) {
			t.Errorf("the caller's report changed: %+v", fix)
		}
		checkTurnout(t, s, id, "d1", 2, 2700, dauys.TurnoutTotal{Time: "10:00", Voters: 320, Registered: 2700, Reported: 2})
		got, err := s.TurnoutReports(t.Context(), id, "d1")
		if err != nil {
			t.Fatal(err)
		}
		w1, w2, w3 := *first, *fix, *turnoutAt(id, "p2", "10:00", 200, 2)
		w1.Version, w1.Kind = 1, dauys.ProtocolOriginal
		w2.Version = 2
		w3.Version, w3.Kind = 1, dauys.ProtocolOriginal
		checkReports(t, got, []*dauys.TurnoutReport{&w1, &w2, &w3})
	})
	t.Run("resubmission is idempotent", func(t *testing.T) {
		s := fresh(t)
		mustCreateElection(t, s, turnoutElection(id))
		r := turnoutAt(id, "p1", "10:00", 100, 1)
		again := turnoutAt(id, "p1", "10:00", 100, 2)
		again.Submitter = "someone else"
		res := mustSaveTurnout(t, s, r, again)
		checkTurnoutResults(t, []*dauys.TurnoutReport{r, again}, res, []want{accepted(1), duplicate(1)})
		res = mustSaveTurnout(t, s, again)
		checkTurnoutResults(t, []*dauys.TurnoutReport{again}, res, []want{duplicate(1)})
		if res[0].Report.Submitter != r.Submitter || !res[0].Report.Received.Equal(r.Received) {
			t.Errorf("a duplicate answers %+v, want the stored version", res[0].Report)
		}
		checkTurnout(t, s, id, "p1", 1, 1200, dauys.TurnoutTotal{Time: "10:00", Voters: 100, Registered: 1200, Reported: 1})
	})
	t.Run("concurrent submissions", func(t *testing.T) {
		s := fresh(t)
		mustCreateElection(t, s, turnoutElection(id))
		// Every worker sends the whole day of every precinct, in its own
		// order, and one worker a different 10:00 figure for p1: each
		// report is stored once, and p1's 10:00 figure is one of the two.
		type job struct {
			area, time string
			voters     int64
		}
		var day []job
		for _, p := range []string{"p1", "p2", "p9"} {
			for i, h := range []string{"10:00", "12:00", "14:00", "16:00", "18:00", dauys.TurnoutClose} {
				day = append(day, job{p, h, int64(2 * (i + 1))})
			}
		}
		const workers = 6
		var wg sync.WaitGroup
		errs := make(chan error, workers*len(day))
		for w := range workers {
			wg.Go(func() {
				for k := range day {
					j := day[(k+w*5)%len(day)]
					voters := j.voters
					if w == 0 && j.area == "p1" && j.time == "10:00" {
						voters = 1
					}
					res, err := s.SaveTurnout(context.Background(), []*dauys.TurnoutReport{turnoutAt(id, j.area, j.time, voters, k)})
					if err != nil {
						errs <- err
						return
					}
					if c := dauys.ErrorCode(res[0].Err); c != "" && c != dauys.ECONFLICT {
						errs <- fmt.Errorf("%s %s: %w", j.area, j.time, res[0].Err)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got, err := s.TurnoutReports(t.Context(), id, "kz")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(day) {
			t.Fatalf("%d versions stored, want %d: %+v", len(got), len(day), got)
		}
		var p1At10 int64
		for _, r := range got {
			if r.Version != 1 {
				t.Errorf("%s %s: version %d", r.Area, r.Time, r.Version)
			}
			if r.Area == "p1" && r.Time == "10:00" {
				p1At10 = r.Voters
			}
		}
		if p1At10 != 1 && p1At10 != 2 {
			t.Errorf("p1 at 10:00: %d", p1At10)
		}
		checkTurnout(t, s, id, "kz", 5, 3620,
			dauys.TurnoutTotal{Time: "10:00", Voters: p1At10 + 2 + 2, Registered: 2720, Reported: 3},
			dauys.TurnoutTotal{Time: "12:00", Voters: 12, Registered: 2720, Reported: 3},
			dauys.TurnoutTotal{Time: "14:00", Voters: 18, Registered: 2720, Reported: 3},
			dauys.TurnoutTotal{Time: "16:00", Voters: 24, Registered: 2720, Reported: 3},
			dauys.TurnoutTotal{Time: "18:00", Voters: 30, Registered: 2720, Reported: 3},
			dauys.TurnoutTotal{Time: dauys.TurnoutClose, Voters: 36, Registered: 2720, Reported: 3})
	})
	t.Run("no reporting hours", func(t *testing.T) {
		s := fresh(t)
		f := newFixture(t, s)
		res := mustSaveTurnout(t, s, turnoutAt(f.e.ID, "p1", "10:00", 1, 1))
		checkCode(t, "a report for an election without hours", res[0].Err, dauys.EINVALID)
	})
}

// checkReports compares stored reports with the expected ones, times as
// instants.
func checkReports(t *testing.T, got, want []*dauys.TurnoutReport) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d reports, want %d: %+v", len(got), len(want), got)
	}
	for i := range got {
		g, w := *got[i], *want[i]
		if !g.Received.Equal(w.Received) {
			t.Errorf("report %d: received %v, want %v", i, g.Received, w.Received)
		}
		g.Received = w.Received
		if !reflect.DeepEqual(g, w) {
			t.Errorf("report %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}
