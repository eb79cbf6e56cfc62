package storetest

import (
	"cmp"
	"slices"
	"testing"

	"github.com/dauys/dauys"
)

// testSeatAssignments: a party's assignment is stored, read back by
// contest and for the whole election, replaced by a later decision, and
// refused when malformed or for an election that does not exist.
func testSeatAssignments(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	f := newFixture(t, s)
	id := f.e.ID
	assign := func(a dauys.SeatAssignment) error {
		a.Election = cmp.Or(a.Election, id)
		return s.AssignSeats(t.Context(), &a)
	}
	checkCode(t, "first decision", assign(dauys.SeatAssignment{Contest: "lists", Party: "amanat", Candidates: []int{1, 2, 5},
		Decision: "bureau No. 3 of 2026-08-28", Actor: "cli:cec", At: at(1)}), "")
	checkCode(t, "another party", assign(dauys.SeatAssignment{Contest: "lists", Party: "akzhol", Candidates: []int{2}, At: at(2)}), "")
	checkCode(t, "another contest", assign(dauys.SeatAssignment{Contest: "city-lists", Party: "amanat", Candidates: []int{1}, At: at(2)}), "")
	checkCode(t, "no candidates", assign(dauys.SeatAssignment{Contest: "lists", Party: "amanat"}), dauys.EINVALID)
	checkCode(t, "position 0", assign(dauys.SeatAssignment{Contest: "lists", Party: "amanat", Candidates: []int{0}}), dauys.EINVALID)
	checkCode(t, "named twice", assign(dauys.SeatAssignment{Contest: "lists", Party: "amanat", Candidates: []int{3, 3}}), dauys.EINVALID)
	checkCode(t, "no party", assign(dauys.SeatAssignment{Contest: "lists", Candidates: []int{1}}), dauys.EINVALID)
	checkCode(t, "unknown election", assign(dauys.SeatAssignment{Election: "nope", Contest: "lists", Party: "amanat", Candidates: []int{1}}), dauys.ENOTFOUND)

	got, err := s.SeatAssignments(t.Context(), id, "lists")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Party != "akzhol" || got[1].Party != "amanat" || !slices.Equal(got[1].Candidates, []int{1, 2, 5}) ||
		got[1].Decision != "bureau No. 3 of 2026-08-28" || got[1].Actor != "cli:cec" || !got[1].At.Equal(at(1)) || got[1].Election != id {
		t.Errorf("assignments of lists = %+v", got)
	}
	// A later decision of the same party replaces the earlier one.
	checkCode(t, "second decision", assign(dauys.SeatAssignment{Contest: "lists", Party: "amanat", Candidates: []int{4, 1}, At: at(3)}), "")
	got, err = s.SeatAssignments(t.Context(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Contest != "city-lists" || got[2].Party != "amanat" || !slices.Equal(got[2].Candidates, []int{4, 1}) ||
		got[2].Decision != "" || !got[2].At.Equal(at(3)) {
		t.Errorf("all assignments = %+v", got)
	}
	// A zero time is set to the store's clock.
	checkCode(t, "no time", assign(dauys.SeatAssignment{Contest: "lists", Party: "akzhol", Candidates: []int{1}}), "")
	got, _ = s.SeatAssignments(t.Context(), id, "lists")
	if len(got) != 2 || got[0].At.IsZero() {
		t.Errorf("after a decision without a time: %+v", got)
	}
	if _, err := s.SeatAssignments(t.Context(), "nope", ""); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("assignments of a missing election: %v, want ENOTFOUND", err)
	}
}
