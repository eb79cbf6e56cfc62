package demo_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/teststores"
)

// loadExample compiles a shipped example.
func loadExample(tb testing.TB, example string) (*dauys.Election, *election.Election) {
	tb.Helper()
	def, err := definition.LoadWith(filepath.Join("..", "..", "examples", example), definition.Options{CheckRules: rules.Check})
	if err != nil {
		tb.Fatal(dauys.ErrorMessage(err))
	}
	e, err := election.Compile(def)
	if err != nil {
		tb.Fatal(err)
	}
	return def, e
}

// tookPart returns the took_part line of each precinct's protocols in the
// night: the same in each of its contests and corrections.
func tookPart(t *testing.T, night []demo.Event) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, ev := range night {
		if ev.Faulty {
			continue
		}
		v := ev.Submission.Lines["took_part"]
		if old, seen := out[ev.Submission.Area]; seen && old != v {
			t.Fatalf("precinct %s: took_part %d and %d in the night", ev.Submission.Area, old, v)
		}
		out[ev.Submission.Area] = v
	}
	return out
}

// TestDay: polling day before the night. Every precinct of the night
// reports its close, and the close is its protocols' took_part; its
// figures never decrease through the day; every report is at a reporting
// time of the election within the precinct's poll hours (a special
// precinct that closes at 14:00 reports nothing later but its close); at
// each hour some precincts are late and some never report; hours are
// local (the west, an hour behind the capital in 2023, reports an hour
// later); the same seed gives the same day.
func TestDay(t *testing.T) {
	for _, example := range []string{"kz-2023", "kz-referendum-2022", "kz-kurultai-2026"} {
		t.Run(example, func(t *testing.T) { testDay(t, example) })
	}
}

func testDay(t *testing.T, example string) {
	_, e := loadExample(t, example)
	night := demo.Night(e, 5, demo.Baseline{Invalid: 1, Yes: 77})
	day, err := demo.Day(e, 5, night)
	if err != nil {
		t.Fatal(err)
	}
	again, err := demo.Day(e, 5, night)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(day, again) {
		t.Error("the same seed gave another day")
	}
	if other, _ := demo.Day(e, 6, night); reflect.DeepEqual(day, other) {
		t.Error("another seed gave the same day")
	}
	times := e.TurnoutTimes()
	if len(times) < 4 {
		t.Fatalf("the example has reporting times %v", times)
	}
	final := tookPart(t, night)
	type key struct{ area, time string }
	got := map[key]int64{}
	late := map[string]int{}
	special := 0
	for i, ev := range day {
		r := ev.Report
		if i > 0 && ev.At < day[i-1].At {
			t.Fatalf("report %d at %v comes before the one before it at %v", i, ev.At, day[i-1].At)
		}
		if !slices.Contains(times, r.Time) {
			t.Fatalf("precinct %s reports at %q, not a reporting time %v", r.Area, r.Time, times)
		}
		if _, dup := got[key{r.Area, r.Time}]; dup {
			t.Fatalf("precinct %s reports %s twice", r.Area, r.Time)
		}
		got[key{r.Area, r.Time}] = r.Voters
		if ev.Late {
			late[r.Time]++
		}
		// Only special precincts set their own closing hour.
		if closes := e.Tree.Area(r.Area).Closes; closes != "" {
			special++
			if r.Time != dauys.TurnoutClose && r.Time > closes {
				t.Errorf("special precinct %s closes at %s and reports at %s", r.Area, closes, r.Time)
			}
		}
	}
	if special == 0 {
		t.Error("no special precinct closing early reports")
	}
	missing := map[string]int{}
	for area, want := range final {
		if v, ok := got[key{area, dauys.TurnoutClose}]; !ok || v != want {
			t.Errorf("precinct %s: close %d (reported %v), want took_part %d", area, v, ok, want)
		}
		prev := int64(-1)
		for _, at := range times {
			v, ok := got[key{area, at}]
			if !ok {
				missing[at]++
				continue
			}
			if v < prev {
				t.Errorf("precinct %s: %d at %s, less than %d before", area, v, at, prev)
			}
			prev = v
		}
	}
	if reported := len(got); reported < len(final)*len(times)*9/10 {
		t.Errorf("%d reports from %d precincts at %d times", reported, len(final), len(times))
	}
	for _, at := range times[:len(times)-1] {
		if late[at] == 0 || missing[at] == 0 {
			t.Errorf("%s: %d late and %d missing precincts; want some of each", at, late[at], missing[at])
		}
	}
	if missing[dauys.TurnoutClose] != 0 || len(final) != len(e.Tree.AtLevel(dauys.LevelPrecinct)) {
		t.Errorf("%d of %d precincts miss the close; the night has %d precincts of %d",
			missing[dauys.TurnoutClose], len(final), len(final), len(e.Tree.AtLevel(dauys.LevelPrecinct)))
	}
	if example == "kz-2023" {
		checkLocalHours(t, e, day, times[0])
	}
}

// checkLocalHours checks that Aktobe (UTC+5 in 2023) reports its first
// hour an hour after Astana (UTC+6): every report on time from Aktobe
// comes after every report on time from Astana.
func checkLocalHours(t *testing.T, e *election.Election, day []demo.TurnoutEvent, first string) {
	t.Helper()
	var astana, aktobe []time.Duration
	for _, ev := range day {
		if ev.Late || ev.Report.Time != first {
			continue
		}
		switch {
		case e.Tree.Within(ev.Report.Area, "KZ-71"):
			astana = append(astana, ev.At)
		case e.Tree.Within(ev.Report.Area, "KZ-15"):
			aktobe = append(aktobe, ev.At)
		}
	}
	if len(astana) == 0 || len(aktobe) == 0 {
		t.Fatalf("%d reports from Astana and %d from Aktobe at %s", len(astana), len(aktobe), first)
	}
	if slices.Max(astana) >= slices.Min(aktobe) || slices.Min(aktobe)-slices.Min(astana) < 50*time.Minute {
		t.Errorf("%s: Astana reports from %v to %v, Aktobe from %v: the west's hours are not local", first, slices.Min(astana), slices.Max(astana), slices.Min(aktobe))
	}
}

// TestDayAndNightOnStores plays the day and then the night of three
// regions of kz-2023 (Aktobe on UTC+5, Astana with a special precinct,
// and the precincts abroad) on each real store, as `dauys demo` does:
// the turnout reports through the store's SaveTurnout, the protocols
// through intake. Nothing is refused; every precinct's stored close is
// its stored protocol's took_part, and the country's close total is
// their sum over all the precincts below it.
func TestDayAndNightOnStores(t *testing.T) {
	def, e := loadExample(t, "kz-2023")
	regions := []string{"KZ-15", "KZ-71", "KZ-AB"}
	within := func(area string) bool {
		return slices.ContainsFunc(regions, func(r string) bool { return e.Tree.Within(area, r) })
	}
	var night []demo.Event
	for _, ev := range demo.Night(e, 2023, demo.Baseline{Invalid: 1.2, AgainstAll: 3.9}) {
		if within(ev.Submission.Area) {
			night = append(night, ev)
		}
	}
	day, err := demo.Day(e, 2023, night)
	if err != nil {
		t.Fatal(err)
	}
	final := tookPart(t, night)
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		ctx := context.Background()
		if err := s.CreateElection(ctx, def); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2023, 3, 19, 12, 0, 0, 0, time.UTC)
		p := &demo.Player{
			Intake: intake.New(s, func() time.Time { return now }),
			SubmitTurnout: func(ctx context.Context, _ string, rs []*dauys.TurnoutReport) ([]dauys.TurnoutResult, error) {
				for _, r := range rs {
					r.Received = now
				}
				return s.SaveTurnout(ctx, rs)
			},
		}
		dayStats, err := p.PlayDay(ctx, def.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		if dayStats.Refused != 0 || dayStats.Accepted != len(day) {
			t.Fatalf("day: %+v, want all %d reports accepted", dayStats, len(day))
		}
		if _, err := p.Play(ctx, def.ID, night); err != nil {
			t.Fatal(err)
		}
		reports, err := s.TurnoutReports(ctx, def.ID, "KZ")
		if err != nil {
			t.Fatal(err)
		}
		closes := map[string]int64{}
		for _, r := range reports {
			if r.Time == dauys.TurnoutClose {
				closes[r.Area] = r.Voters
			}
		}
		var sum int64
		for area, want := range final {
			sum += want
			proto, err := s.Protocol(ctx, def.ID, "mazhilis-list", area)
			if err != nil {
				t.Fatalf("precinct %s: %v", area, err)
			}
			if closes[area] != want || proto.Lines["took_part"] != want {
				t.Errorf("precinct %s: close %d, protocol's took_part %d, want %d", area, closes[area], proto.Lines["took_part"], want)
			}
		}
		totals, err := s.Turnout(ctx, def.ID, "KZ")
		if err != nil {
			t.Fatal(err)
		}
		last := totals.Times[len(totals.Times)-1]
		if last.Time != dauys.TurnoutClose || last.Voters != sum || last.Reported != int64(len(final)) {
			t.Errorf("the country's close: %+v, want %d voters from %d precincts", last, sum, len(final))
		}
	})
}
