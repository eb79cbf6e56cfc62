package intake_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/teststores"
)

// turnoutElection is testElection as it is defined before polling day: it
// takes turnout reports at the Kazakh hours and has no status yet (the
// store makes it pre-election, that is scheduled).
func turnoutElection() *dauys.Election {
	e := testElection(false)
	e.Status = ""
	e.TurnoutHours = []string{"10:00", "12:00", "14:00", "16:00", "18:00"}
	return e
}

func newTurnoutIntake(t *testing.T, s teststores.Store) *intake.Service {
	t.Helper()
	if err := s.CreateElection(t.Context(), turnoutElection()); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 15, 10, 5, 0, 0, time.UTC)
	return intake.New(s, func() time.Time { return now })
}

func submitTurnout(t *testing.T, in *intake.Service, subs ...intake.TurnoutSubmission) []dauys.TurnoutResult {
	t.Helper()
	res, err := in.SubmitTurnout(t.Context(), "e", subs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func lastStatus(t *testing.T, s dauys.Store) dauys.StatusChange {
	t.Helper()
	h, err := s.StatusHistory(t.Context(), "e")
	if err != nil || len(h) == 0 {
		t.Fatalf("status history: %v, %v", h, err)
	}
	return h[len(h)-1]
}

// TestTurnoutAndStatus follows an election through polling day: turnout
// reports are checked and refused with reasons, the first report opens
// voting and the first protocol starts counting (recorded as automatic),
// final results refuse protocols and turnout alike until a reopening.
func TestTurnoutAndStatus(t *testing.T) {
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		in := newTurnoutIntake(t, s)
		ctx := t.Context()

		res := submitTurnout(t, in,
			intake.TurnoutSubmission{Area: "p1", Time: "10:00", Voters: 100, Submitter: "op", Source: "test"},
			intake.TurnoutSubmission{Area: "p1", Time: "12:00", Voters: 90},
			intake.TurnoutSubmission{Area: "p1", Time: "09:00", Voters: 5},
			intake.TurnoutSubmission{Area: "p2", Time: "10:00", Voters: 801},
			intake.TurnoutSubmission{Area: "nowhere", Time: "10:00", Voters: 1},
			intake.TurnoutSubmission{Area: "r1", Time: "10:00", Voters: 1},
			intake.TurnoutSubmission{Area: "p1", Time: "10:00", Voters: 120},
			intake.TurnoutSubmission{Area: "p1", Time: "10:00", Voters: 120, Amendment: true},
			intake.TurnoutSubmission{Area: "p1", Time: "10:00", Voters: 100},
		)
		want := []struct{ outcome, code string }{
			{dauys.OutcomeAccepted, ""},
			{"", dauys.ECONFLICT}, // less than at 10:00
			{"", dauys.EINVALID},  // not a reporting time
			{"", dauys.EINVALID},  // more than registered
			{"", dauys.ENOTFOUND}, // no such precinct
			{"", dauys.EINVALID},  // not a precinct
			{"", dauys.ECONFLICT}, // a different figure without an amendment
			{"", dauys.EINVALID},  // an amendment without a reason
			{dauys.OutcomeDuplicate, ""},
		}
		refused := 0
		for i, w := range want {
			if res[i].Outcome != w.outcome || dauys.ErrorCode(res[i].Err) != w.code {
				t.Errorf("report %d: outcome %q, error %v; want %q, code %q", i, res[i].Outcome, res[i].Err, w.outcome, w.code)
			}
			if res[i].Err != nil {
				refused++
				var de *dauys.Error
				if !errorsAs(res[i].Err, &de) || de.Text.KK == "" || de.Text.RU == "" || de.Text.EN == "" {
					t.Errorf("report %d: refusal %v has no kk/ru/en text", i, res[i].Err)
				}
			}
		}
		rs, err := s.Refusals(ctx, "e")
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != refused || !strings.Contains(rs[0].Payload, `"turnout"`) {
			t.Fatalf("refusals: %d (%+v), want %d turnout refusals", len(rs), rs, refused)
		}
		if c := lastStatus(t, s); c.From != dauys.StatusPreElection || c.To != dauys.StatusVoting || c.Actor != intake.ActorFirstTurnout {
			t.Errorf("after the first turnout report: %+v, want pre-election -> voting, automatic", c)
		}

		if _, err := in.Submit(ctx, "e", []intake.Submission{{Contest: "list", Area: "p1", Lines: lines(1000, 500, 10, 40, 250, 200)}}); err != nil {
			t.Fatal(err)
		}
		if c := lastStatus(t, s); c.From != dauys.StatusVoting || c.To != dauys.StatusCounting || c.Actor != intake.ActorFirstProtocol {
			t.Errorf("after the first protocol: %+v, want voting -> counting, automatic", c)
		}

		if err := s.ChangeElectionStatus(ctx, &dauys.StatusChange{Election: "e", To: dauys.StatusFinal,
			DecisionDate: "2026-03-20", DecisionNumber: "12/345", Actor: "cec"}); err != nil {
			t.Fatal(err)
		}
		p2 := intake.Submission{Contest: "list", Area: "p2", Lines: lines(800, 400, 0, 0, 200, 200)}
		pres, err := in.Submit(ctx, "e", []intake.Submission{p2})
		if err != nil {
			t.Fatal(err)
		}
		if dauys.ErrorCode(pres[0].Err) != dauys.ECONFLICT || !strings.Contains(dauys.ErrorMessage(pres[0].Err), "final") {
			t.Errorf("a protocol after final: %v, want a conflict naming final results", pres[0].Err)
		}
		if tres := submitTurnout(t, in, intake.TurnoutSubmission{Area: "p2", Time: "close", Voters: 400}); dauys.ErrorCode(tres[0].Err) != dauys.ECONFLICT {
			t.Errorf("a turnout report after final: %v, want a conflict", tres[0].Err)
		}
		// The refusal names the precinct but leaves the accepted protocol
		// of p1 and the contest's heads alone.
		rs, _ = s.Refusals(ctx, "e")
		if last := rs[len(rs)-2]; last.Area != "p2" || last.Contest != "" || last.Code != dauys.ECONFLICT || !strings.Contains(last.Payload, `"list"`) {
			t.Errorf("the refusal after final: %+v", last)
		}

		if err := s.ChangeElectionStatus(ctx, &dauys.StatusChange{Election: "e", To: dauys.StatusCounting, Actor: "cec"}); dauys.ErrorCode(err) != dauys.EINVALID {
			t.Errorf("reopening without a reason: %v, want invalid", err)
		}
		if err := s.ChangeElectionStatus(ctx, &dauys.StatusChange{Election: "e", To: dauys.StatusCounting, Reason: "court decision 7", Actor: "cec"}); err != nil {
			t.Fatal(err)
		}
		if pres, err = in.Submit(ctx, "e", []intake.Submission{p2}); err != nil || pres[0].Outcome != dauys.OutcomeAccepted {
			t.Errorf("a protocol after the reopening: %+v, %v", pres, err)
		}
		if tres := submitTurnout(t, in, intake.TurnoutSubmission{Area: "p2", Time: "close", Voters: 400}); tres[0].Outcome != dauys.OutcomeAccepted {
			t.Errorf("a turnout report after the reopening: %+v", tres[0])
		}
		if c := lastStatus(t, s); c.To != dauys.StatusCounting || c.Reason != "court decision 7" {
			t.Errorf("an automatic move after the reopening: %+v", c)
		}
	})
}

// TestImportTurnoutCSV imports a turnout file with good and bad rows: the
// good ones are stored, each bad one is reported with its line and reason,
// and importing the file again stores nothing new.
func TestImportTurnoutCSV(t *testing.T) {
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		in := newTurnoutIntake(t, s)
		file := "\ufeffarea,time,voters\n" +
			"p1,10:00,100\n" + // 2
			"p1,12:00,90\n" + // 3: less than at 10:00
			"p2,10:00,900\n" + // 4: more than the 800 registered
			"p4,10:00,1\n" + // 5: no such precinct
			"p3,10:30,5\n" + // 6: not a reporting time
			"p3,1000,5\n" + // 7: not HH:MM
			"p3,close,-1\n" + // 8: not a count
			"p3,12:00,300\n" + // 9
			"p2,10:00\n" + // 10: a cell short
			"p1,close,400\n" // 11
		var rejected []intake.RowError
		run := func() *intake.ImportReport {
			rejected = nil
			rep, err := in.ImportTurnoutCSV(t.Context(), "e", strings.NewReader(file), "t.csv", intake.TurnoutImportOptions{
				BatchSize: 3, Submitter: "cli:test", Rejected: func(re intake.RowError) { rejected = append(rejected, re) }})
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		rep := run()
		if rep.Rows != 10 || rep.Accepted != 3 || rep.Rejected != 7 {
			t.Errorf("report %+v, want 10 rows, 3 accepted, 7 rejected", rep)
		}
		wantRows := map[int]string{3: "less than", 4: "more than the 800", 5: "does not exist", 6: "not one of the election's reporting times",
			7: "not a time written HH:MM", 8: "has a sign", 10: "the row has 2 cells"}
		for _, re := range rejected {
			if w, ok := wantRows[re.Row]; !ok || !strings.Contains(re.Reason, w) || !strings.HasPrefix(re.Reason, "t.csv:") {
				t.Errorf("row %d rejected: %s (want %q)", re.Row, re.Reason, w)
			}
			delete(wantRows, re.Row)
		}
		if len(wantRows) > 0 {
			t.Errorf("rows not rejected: %v", wantRows)
		}
		if rep := run(); rep.Accepted != 0 || rep.Duplicates != 3 {
			t.Errorf("the same file again: %+v, want 3 duplicates", rep)
		}
		reports, err := s.TurnoutReports(t.Context(), "e", "kz")
		if err != nil || len(reports) != 3 || reports[0].Submitter != "cli:test" || reports[0].Source != "t.csv:2" {
			t.Errorf("stored reports: %+v, %v", reports, err)
		}
		for _, c := range []struct{ file, want string }{
			{"area,time\np1,10:00\n", `lacks the column(s) "voters"`},
			{"area,time,voters,voters\n", `"voters" more than once`},
			{"area,time,voters,extra\n", `unknown column "extra"`},
			{"", "empty"},
		} {
			_, err := in.ImportTurnoutCSV(t.Context(), "e", strings.NewReader(c.file), "h.csv", intake.TurnoutImportOptions{})
			if dauys.ErrorCode(err) != dauys.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Errorf("header %q: %v, want %q", c.file, err, c.want)
			}
		}
	})
}

var _ = context.Background

func errorsAs(err error, target **dauys.Error) bool { return errors.As(err, target) }

// TestDefinedFinalTakesItsResults loads a past election whose definition
// says its results are final (as a CDF file of certified results does):
// its protocols are taken, since loading them is the import, until a
// status change is recorded; from then on final refuses them.
func TestDefinedFinalTakesItsResults(t *testing.T) {
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		e := turnoutElection()
		e.Status = dauys.StatusCertified
		if err := s.CreateElection(t.Context(), e); err != nil {
			t.Fatal(err)
		}
		in := intake.New(s, nil)
		res, err := in.Submit(t.Context(), "e", []intake.Submission{{Contest: "list", Area: "p1", Lines: lines(1000, 500, 10, 40, 250, 200)}})
		if err != nil || res[0].Outcome != dauys.OutcomeAccepted {
			t.Fatalf("a protocol of an election defined final: %+v, %v", res, err)
		}
		if h, _ := s.StatusHistory(t.Context(), "e"); len(h) != 0 {
			t.Errorf("an election defined final was moved: %+v", h)
		}
		if err := s.SetElectionStatus(t.Context(), "e", dauys.StatusFinal); err != nil {
			t.Fatal(err)
		}
		res, err = in.Submit(t.Context(), "e", []intake.Submission{{Contest: "list", Area: "p2", Lines: lines(800, 400, 0, 0, 200, 200)}})
		if err != nil || dauys.ErrorCode(res[0].Err) != dauys.ECONFLICT {
			t.Errorf("a protocol after a recorded move to final: %+v, %v", res, err)
		}
	})
}
