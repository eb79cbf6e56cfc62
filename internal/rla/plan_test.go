package rla_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/rla"
)

// roundTrip marshals v to JSON and back, as the CLI will between steps.
func roundTrip[T any](t *testing.T, v T) T {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBravoWorkflow runs plan → sample → record → status on a 60–40 contest
// whose paper ballots match the reported result exactly: ballot i (1-based,
// in manifest order) is for "a" when i mod 5 is 1, 2 or 3.
func TestBravoWorkflow(t *testing.T) {
	c := mustContest(t, map[string]int64{"a": 600, "b": 400}, 1000, 1)
	manifest := []rla.ManifestBatch{{"P1", 250}, {"P2", 250}, {"P3", 250}, {"P4", 250}}
	plan, err := rla.NewBravoPlan([]rla.Contest{c}, manifest, 0.1, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	if plan.SampleSize != 351 || plan.Estimates[0].ASN != 119 || plan.Estimates[0].ASNProbability != 0.52 {
		t.Fatalf("plan %+v", plan.Estimates)
	}
	plan = roundTrip(t, plan)

	sample, err := plan.Sample("31415926535897932384", plan.SampleSize)
	if err != nil {
		t.Fatal(err)
	}
	sample = roundTrip(t, sample)
	record := rla.Record{Ballots: map[string]map[string]int64{"c": {}}}
	for _, b := range sample.Ballots {
		if m := b.Position % 5; m >= 1 && m <= 3 {
			record.Ballots["c"]["a"]++
		} else {
			record.Ballots["c"]["b"]++
		}
	}
	statuses, err := plan.Status(sample, roundTrip(t, record))
	if err != nil {
		t.Fatal(err)
	}
	st := roundTrip(t, statuses[0])
	t.Logf("sample %v: %s", record.Ballots["c"], st.Message)
	if !st.Finished || st.Escalate || st.Risk.Measured > 0.1 || st.Risk.Draws != 351 {
		t.Errorf("status %+v", st)
	}

	// A first round far too small escalates with a next-round size.
	small, _ := plan.Sample("31415926535897932384", 10)
	if !reflect.DeepEqual(small.Ballots, sample.Ballots[:10]) {
		t.Error("a shorter sample is not a prefix of the longer one")
	}
	rec := rla.Record{Ballots: map[string]map[string]int64{"c": {"a": 5, "b": 5}}}
	statuses, err = plan.Status(small, rec)
	if err != nil {
		t.Fatal(err)
	}
	if st := statuses[0]; st.Finished || !st.Escalate || st.NextRoundSize <= 0 || !strings.Contains(st.Message, "Escalate") {
		t.Errorf("small round: %+v", st)
	}
	// Recording more ballots than were drawn is a data-entry error.
	rec.Ballots["c"]["a"] = 50
	if _, err := plan.Status(small, rec); err == nil {
		t.Error("accepted 55 recorded ballots for 10 drawn")
	}
}

// TestMacroWorkflow audits a contest over 40 precinct batches.
func TestMacroWorkflow(t *testing.T) {
	var batches []rla.Batch
	var w, l int64
	for i := range 40 {
		bw, bl := int64(300+i), int64(200-i)
		w, l = w+bw, l+bl
		batches = append(batches, rla.Batch{ID: fmt.Sprintf("P%02d", i), Ballots: bw + bl + 5,
			Reported: rla.Tally{"mayor": {"w": bw, "l": bl}}})
	}
	c := rla.Contest{Name: "mayor", Winners: []string{"w"}, Losers: []string{"l"},
		Reported: map[string]int64{"w": w, "l": l}, BallotsCast: w + l + 200}
	plan, err := rla.NewMacroPlan([]rla.Contest{c}, batches, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	plan = roundTrip(t, plan)
	sample, err := plan.Sample("8675309", plan.SampleSize)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]rla.Batch{}
	for _, b := range batches {
		byID[b.ID] = b
	}
	record := rla.Record{Batches: map[string]rla.Tally{}}
	for _, d := range sample.Draws {
		record.Batches[d.BatchID] = byID[d.BatchID].Reported
	}
	statuses, err := plan.Status(sample, roundTrip(t, record))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d draws: %s", plan.SampleSize, statuses[0].Message)
	if st := statuses[0]; !st.Finished || st.Risk.Measured > 0.05 {
		t.Errorf("clean audit not finished: %+v", st)
	}

	// Moving 60 votes from w to l in the first drawn batch raises the risk
	// above the limit: escalate.
	first := sample.Draws[0].BatchID
	rep := byID[first].Reported["mayor"]
	record.Batches[first] = rla.Tally{"mayor": {"w": rep["w"] - 60, "l": rep["l"] + 60}}
	statuses, err = plan.Status(sample, record)
	if err != nil {
		t.Fatal(err)
	}
	if st := statuses[0]; st.Finished || !st.Escalate || st.NextRoundSize == 0 {
		t.Errorf("audit with a large error: %+v", st)
	}

	// Counting every batch by hand settles the audit either way.
	all := rla.Record{Batches: map[string]rla.Tally{}}
	for _, b := range batches {
		all.Batches[b.ID] = b.Reported
	}
	statuses, err = plan.Status(sample, all)
	if err != nil {
		t.Fatal(err)
	}
	if st := statuses[0]; !st.Finished || !st.Risk.Complete || st.Risk.Measured != 0 ||
		!strings.HasPrefix(st.Message, "Every batch was counted by hand and the counts confirm") {
		t.Errorf("full hand count: %+v", st)
	}
}
