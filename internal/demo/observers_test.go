package demo_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/imagestore"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/teststores"
)

// TestObservers plays the observers of the demo over part of the 2023
// night on both stores: two organisations cover a share of the precincts,
// a few copies differ, complaints are filed and decided, and the recount
// finds the observers' numbers, so that its precinct matches afterwards.
func TestObservers(t *testing.T) {
	def, err := definition.LoadWith(filepath.Join("..", "..", "examples", "kz-2023"), definition.Options{CheckRules: rules.Check})
	if err != nil {
		t.Fatal(err)
	}
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		ctx := t.Context()
		d := *def
		if err := s.CreateElection(ctx, &d); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2023, 3, 19, 21, 0, 0, 0, time.UTC)
		in := intake.New(s, func() time.Time { now = now.Add(time.Second); return now })
		e, err := in.Elections().Load(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var subs []intake.Submission
		for _, ev := range demo.Night(e, 2023, demo.Baseline{Invalid: 1}) {
			if ev.Faulty || ev.Submission.Amendment || ev.Submission.Contest != "mazhilis-list" {
				continue
			}
			sub := ev.Submission
			sub.AcknowledgeWarnings = true
			subs = append(subs, sub)
			if len(subs) == 800 {
				break
			}
		}
		if res, err := in.Submit(ctx, d.ID, subs); err != nil || res[0].Err != nil {
			t.Fatalf("night: %v", err)
		}
		o := &demo.Observers{Intake: in, Protocols: s.EachProtocol, Images: &imagestore.Folder{Dir: t.TempDir()}, Seed: 7}
		st, err := o.Play(ctx, d.ID, "mazhilis-list")
		if err != nil {
			t.Fatal(err)
		}
		if st.Copies < 150 || st.Differing == 0 || st.Images == 0 || st.Complaints == 0 || st.Recounts != 1 {
			t.Fatalf("observers: %+v", st)
		}
		checks, err := tally.New(s, in.Elections()).Checks(ctx, d.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if checks.Observed == 0 || checks.Matching == checks.Observed || len(checks.Discrepancies) == 0 {
			t.Errorf("checks: %d observed, %d matching, %d discrepancies", checks.Observed, checks.Matching, len(checks.Discrepancies))
		}
		rs, err := s.Recounts(ctx, d.ID, "")
		if err != nil || len(rs) != 1 || rs[0].Open() {
			t.Fatalf("recounts %+v, %v", rs, err)
		}
		for _, cp := range checks.Precincts[rs[0].Area] {
			if cp.Observation.Org == demo.DemoOrganisations[0].Name || cp.Observation.Org == demo.DemoOrganisations[1].Name {
				if cp.Official == nil || cp.Official.Version != 2 {
					t.Errorf("the recounted precinct's protocol: %+v", cp.Official)
				}
			}
		}
		cs, err := s.Complaints(ctx, d.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[string]int{}
		for _, c := range cs {
			statuses[c.Status]++
		}
		if statuses[dauys.ComplaintRecountOrdered] != 1 {
			t.Errorf("complaint statuses %v", statuses)
		}
	})
}
