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

// onStores runs fn on a double-entry test election in each real store.
func onStores(t *testing.T, fn func(t *testing.T, s dauys.Store, in *intake.Service)) {
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		if err := s.CreateElection(context.Background(), testElection(true)); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 15, 20, 0, 0, 0, time.UTC)
		fn(t, s, intake.New(s, func() time.Time { now = now.Add(time.Second); return now }))
	})
}

func submitOne(t *testing.T, in *intake.Service, sub intake.Submission) intake.Result {
	t.Helper()
	res, err := in.Submit(context.Background(), "e", []intake.Submission{sub})
	if err != nil {
		t.Fatal(err)
	}
	return res[0]
}

func wantCode(t *testing.T, what string, res intake.Result, code string) {
	t.Helper()
	if dauys.ErrorCode(res.Err) != code {
		t.Fatalf("%s: %+v (%v), want %s", what, res, res.Err, code)
	}
}

func wantOutcome(t *testing.T, what string, res intake.Result, outcome string) {
	t.Helper()
	if res.Err != nil || res.Outcome != outcome {
		t.Fatalf("%s: %+v (%v), want %s", what, res, res.Err, outcome)
	}
}

// wantCounted checks the protocol counted for p1 (nil: none) and the
// version it is.
func wantCounted(t *testing.T, s dauys.Store, lines map[string]int64, version int) {
	t.Helper()
	p, err := s.Protocol(context.Background(), "e", "list", "p1")
	if lines == nil {
		if dauys.ErrorCode(err) != dauys.ENOTFOUND {
			t.Fatalf("counted %+v, %v; want nothing counted", p, err)
		}
		return
	}
	if err != nil || p.Version != version || len(intake.Differences(p.Lines, lines)) != 0 {
		t.Fatalf("counted %+v, %v; want version %d with %v", p, err, version, lines)
	}
}

func TestDoubleEntryCannotBeSkipped(t *testing.T) {
	onStores(t, func(t *testing.T, s dauys.Store, in *intake.Service) {
		good := lines(1000, 600, 10, 20, 400, 170)
		direct := intake.Submission{Contest: "list", Area: "p1", Lines: good, Submitter: "alice"}
		res := submitOne(t, in, direct)
		wantCode(t, "a protocol without an entry", res, dauys.EINVALID)
		var de *dauys.Error
		if !errors.As(res.Err, &de) || !strings.Contains(de.Text.KK, "entry 1") || !strings.Contains(de.Text.RU, "entry 1") ||
			!strings.Contains(de.Text.EN, "uses double entry") {
			t.Errorf("reason %+v, want it in kk, ru and en", res.Err)
		}
		wantCounted(t, s, nil, 0)
		amend := direct
		amend.Amendment, amend.Reason = true, "recount"
		wantCode(t, "an amendment without an entry", submitOne(t, in, amend), dauys.EINVALID)
		wantCode(t, "entry 4", submitOne(t, in, intake.Submission{Contest: "list", Area: "p1", Lines: good, Submitter: "alice", Entry: 4}), dauys.EINVALID)
		wantCode(t, "an entry of nobody", submitOne(t, in, intake.Submission{Contest: "list", Area: "p1", Lines: good, Submitter: "cli:", Entry: 1}), dauys.EINVALID)

		// One person is one person through the CLI (OS user) and the API.
		wantOutcome(t, "entry 1 from the CLI", submitOne(t, in, intake.Submission{Contest: "list", Area: "p1", Lines: good, Submitter: "cli:alice", Entry: 1}), intake.OutcomeEntered)
		wantCode(t, "entry 2 from the same person's token", submitOne(t, in, intake.Submission{Contest: "list", Area: "p1", Lines: good, Submitter: "Alice", Entry: 2}), dauys.EINVALID)
		wantCounted(t, s, nil, 0)
		wantOutcome(t, "entry 2 from someone else", submitOne(t, in, intake.Submission{Contest: "list", Area: "p1", Lines: good, Submitter: "bob", Entry: 2}), dauys.OutcomeAccepted)
		wantCounted(t, s, good, 1)
		wantOutcome(t, "the same again", submitOne(t, in, intake.Submission{Contest: "list", Area: "p1", Lines: good, Submitter: "carol", Entry: 1}), dauys.OutcomeDuplicate)
	})
}

func TestDoubleEntryResolution(t *testing.T) {
	onStores(t, func(t *testing.T, s dauys.Store, in *intake.Service) {
		x, y := lines(1000, 600, 10, 20, 400, 170), lines(1000, 600, 10, 20, 390, 180)
		entry := func(slot int, who string, l map[string]int64) intake.Submission {
			return intake.Submission{Contest: "list", Area: "p1", Lines: l, Submitter: who, Entry: slot}
		}
		wantCode(t, "a resolution without a dispute", submitOne(t, in, entry(3, "carol", x)), dauys.ECONFLICT)
		wantOutcome(t, "entry 1", submitOne(t, in, entry(1, "alice", x)), intake.OutcomeEntered)
		res := submitOne(t, in, entry(2, "bob", y))
		wantOutcome(t, "entry 2", res, intake.OutcomeDisputed)
		if strings.Join(res.Differences, ",") != "option:a,option:b" {
			t.Errorf("differences %v", res.Differences)
		}
		wantCounted(t, s, nil, 0)
		wantCode(t, "entrant 1 resolving", submitOne(t, in, entry(3, "alice", x)), dauys.EFORBIDDEN)
		wantCode(t, "entrant 2 resolving through the CLI", submitOne(t, in, entry(3, "cli:bob", y)), dauys.EFORBIDDEN)
		wantCode(t, "a resolution agreeing with neither", submitOne(t, in, entry(3, "carol", lines(1000, 600, 10, 20, 380, 190))), dauys.ECONFLICT)
		wantCounted(t, s, nil, 0)
		res = submitOne(t, in, entry(3, "carol", x))
		wantOutcome(t, "a third person resolving", res, dauys.OutcomeAccepted)
		if res.Protocol.Submitter != "carol" || !strings.Contains(res.Protocol.Source, "agrees with entry 1 by alice") {
			t.Errorf("resolved protocol %+v", res.Protocol)
		}
		wantCounted(t, s, x, 1)

		// Bob's entry y, which the resolver did not keep, belongs to the
		// round of the original: an amendment to y by one person alone
		// does not pair with it.
		amend := func(slot int, who string, l map[string]int64) intake.Submission {
			sub := entry(slot, who, l)
			sub.Amendment, sub.Reason = true, "recount"
			return sub
		}
		wantCode(t, "a different entry that is no amendment", submitOne(t, in, entry(1, "mallory", y)), dauys.ECONFLICT)
		wantOutcome(t, "one amendment entry", submitOne(t, in, amend(1, "mallory", y)), intake.OutcomeEntered)
		wantCounted(t, s, x, 1)
		wantCode(t, "the same person's second amendment entry", submitOne(t, in, amend(2, "cli:mallory", y)), dauys.EINVALID)
		wantCounted(t, s, x, 1)
		wantOutcome(t, "a second person's amendment entry", submitOne(t, in, amend(2, "dave", y)), dauys.OutcomeAmended)
		wantCounted(t, s, y, 2)
	})
}

func TestImportCSVIsOneEntry(t *testing.T) {
	onStores(t, func(t *testing.T, s dauys.Store, in *intake.Service) {
		ctx := context.Background()
		csv := "area,contest,registered,took_part,invalid,against_all,option:a,option:b,option:x,option:y\n" +
			"p1,list,1000,600,10,20,400,170,,\n"
		_, err := in.ImportCSV(ctx, "e", strings.NewReader(csv), "night.csv", intake.ImportOptions{Submitter: "cli:alice"})
		if dauys.ErrorCode(err) != dauys.EINVALID || !strings.Contains(dauys.ErrorMessage(err), "uses double entry") {
			t.Fatalf("import without an entry: %v", err)
		}
		refusals, _ := s.Refusals(ctx, "e")
		if len(refusals) != 0 {
			t.Errorf("an import refused whole left %d refusals", len(refusals))
		}
		wantCounted(t, s, nil, 0)
		rep, err := in.ImportCSV(ctx, "e", strings.NewReader(csv), "night.csv", intake.ImportOptions{Submitter: "cli:alice", Entry: 1})
		if err != nil || rep.Entered != 1 || rep.Accepted != 0 {
			t.Fatalf("entry 1: %+v, %v", rep, err)
		}
		rep, err = in.ImportCSV(ctx, "e", strings.NewReader(csv), "night.csv", intake.ImportOptions{Submitter: "alice", Entry: 2})
		if err != nil || rep.Rejected != 1 || rep.Accepted != 0 {
			t.Fatalf("entry 2 by the same person: %+v, %v", rep, err)
		}
		wantCounted(t, s, nil, 0)
		rep, err = in.ImportCSV(ctx, "e", strings.NewReader(strings.Replace(csv, "400,170", "401,169", 1)), "night.csv",
			intake.ImportOptions{Submitter: "cli:bob", Entry: 2})
		if err != nil || rep.Disputed != 1 {
			t.Fatalf("a differing entry 2: %+v, %v", rep, err)
		}
		rep, err = in.ImportCSV(ctx, "e", strings.NewReader(csv), "night.csv", intake.ImportOptions{Submitter: "cli:bob", Entry: 2})
		if err != nil || rep.Accepted != 1 {
			t.Fatalf("entry 2 re-entered: %+v, %v", rep, err)
		}
		wantCounted(t, s, lines(1000, 600, 10, 20, 400, 170), 1)
	})
}
