package demo_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/rules"
)

// TestNight: every precinct reports every contest it votes in within the
// twelve hours the law gives (corrections may come later), each
// consistent protocol passes its form, the faulty ones fail it, and the
// same seed gives the same night. Both Kazakh forms are played: the
// referendum's and the elections' (three contests per precinct).
func TestNight(t *testing.T) {
	for _, example := range []string{"kz-referendum-2022", "kz-2023"} {
		t.Run(example, func(t *testing.T) { testNight(t, example) })
	}
}

func testNight(t *testing.T, example string) {
	def, err := definition.LoadWith(filepath.Join("..", "..", "examples", example), definition.Options{CheckRules: rules.Check})
	if err != nil {
		t.Fatal(err)
	}
	e, err := election.Compile(def)
	if err != nil {
		t.Fatal(err)
	}
	night := demo.Night(e, 3, demo.Baseline{Invalid: 1, Yes: 77})
	again := demo.Night(e, 3, demo.Baseline{Invalid: 1, Yes: 77})
	if len(night) != len(again) || night[len(night)/2].Submission.Area != again[len(night)/2].Submission.Area {
		t.Error("the same seed gave another night")
	}
	firsts := map[string]bool{}
	faulty := 0
	for _, ev := range night {
		lines := map[string]int64{}
		for k, v := range ev.Submission.Lines {
			lines[k] = v
		}
		errs, warns := e.Validator(ev.Submission.Contest).Complete(lines)
		if ev.Faulty {
			faulty++
			if len(errs) == 0 {
				t.Errorf("a faulty protocol passes its form: %+v", ev.Submission)
			}
			continue
		}
		if len(errs) > 0 {
			t.Fatalf("a generated protocol fails its form: %v", errs)
		}
		// A CSV import does not acknowledge warnings: the night raises none.
		if len(warns) > 0 {
			t.Fatalf("a generated protocol raises warnings: %v", warns)
		}
		if !ev.Submission.Amendment && !firsts[ev.Submission.Area] {
			firsts[ev.Submission.Area] = true
			if ev.At > 12*time.Hour {
				t.Errorf("precinct %s reports after %v", ev.Submission.Area, ev.At)
			}
		}
	}
	if want := len(e.Tree.AtLevel("precinct")); len(firsts) != want {
		t.Errorf("%d precincts report, want %d", len(firsts), want)
	}
	if faulty == 0 {
		t.Error("no faulty protocols to refuse")
	}
}
