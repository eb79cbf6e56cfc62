package dauys_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dauys/dauys"
)

// TestCandidateJSON: a candidate reads as an object or, as older stored definitions have it, as a name alone.
func TestCandidateJSON(t *testing.T) {
	var o dauys.Option
	err := json.Unmarshal([]byte(`{"id":"p","candidates":["Ерлан Нұр",{"name":{"en":"Aigul"},"gender":"female","birth_year":1980,"young":true}]}`), &o)
	if err != nil {
		t.Fatal(err)
	}
	want := []dauys.Candidate{{Name: dauys.T("Ерлан Нұр")}, {Name: dauys.Text{EN: "Aigul"}, Gender: "female", BirthYear: 1980, Young: true}}
	if len(o.Candidates) != 2 || o.Candidates[0] != want[0] || o.Candidates[1] != want[1] {
		t.Errorf("candidates = %+v", o.Candidates)
	}
	if err := json.Unmarshal([]byte(`{"candidates":[3]}`), &o); err == nil {
		t.Error("a number read as a candidate")
	}
}

func TestSeatAssignmentValidate(t *testing.T) {
	ok := dauys.SeatAssignment{Election: "e", Contest: "c", Party: "p", Candidates: []int{1, 3}}
	for _, tc := range []struct {
		name   string
		change func(a *dauys.SeatAssignment)
		want   string
	}{
		{"good", func(*dauys.SeatAssignment) {}, ""},
		{"no party", func(a *dauys.SeatAssignment) { a.Party = "" }, "needs an election, a contest and a party"},
		{"nobody", func(a *dauys.SeatAssignment) { a.Candidates = nil }, "at least one candidate"},
		{"position 0", func(a *dauys.SeatAssignment) { a.Candidates = []int{0} }, "count from 1"},
		{"twice", func(a *dauys.SeatAssignment) { a.Candidates = []int{2, 2} }, "named twice"},
		{"too many", func(a *dauys.SeatAssignment) { a.Candidates = make([]int, dauys.MaxListCandidates+1) }, "at most"},
		{"control characters", func(a *dauys.SeatAssignment) { a.Decision = "No. 1\x1b[2J" }, "control characters"},
		{"long decision", func(a *dauys.SeatAssignment) { a.Decision = strings.Repeat("x", 1001) }, "longer than 1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ok
			a.Candidates = append([]int(nil), ok.Candidates...)
			tc.change(&a)
			err := a.Validate()
			if (err == nil) != (tc.want == "") || (err != nil && (!strings.Contains(err.Error(), tc.want) || dauys.ErrorCode(err) != dauys.EINVALID)) {
				t.Errorf("Validate = %v, want %q", err, tc.want)
			}
		})
	}
}
