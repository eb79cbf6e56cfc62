package dauys

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Candidate is a person on a party list. A list's candidates are in list
// order and are named by their position, counted from 1. The facts beyond
// the name are those the law's list quota counts (see decide.ListQuota):
// Kazakhstan's quota counts women, young people and people with
// disabilities.
type Candidate struct {
	Name Text `json:"name"`
	// Gender is "female" or "male"; empty when not given.
	Gender string `json:"gender,omitempty"`
	// BirthYear makes a candidate young when the age reached in the year
	// of the election is at most the quota's young age.
	BirthYear int `json:"birth_year,omitempty"`
	// Young marks a young candidate where the birth year is not given.
	Young bool `json:"young,omitempty"`
	// Disability marks a candidate with a disability.
	Disability bool `json:"disability,omitempty"`
}

// Genders a candidate may have.
const (
	GenderFemale = "female"
	GenderMale   = "male"
)

// UnmarshalJSON reads a candidate as an object or, as older definitions
// wrote them, as a single name.
func (c *Candidate) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '"' {
		var name string
		if err := json.Unmarshal(t, &name); err != nil {
			return err
		}
		*c = Candidate{Name: T(name)}
		return nil
	}
	type plain Candidate
	return json.Unmarshal(b, (*plain)(c))
}

// MaxListCandidates bounds a party list. The law lets a list exceed its
// seats by at most 30% (KAZAKHSTAN.md §2); the Kurultai has 145 seats.
const MaxListCandidates = 1000

// SeatAssignment is a party's decision naming which candidates of its list
// take the seats the commission allocated to it. Recording a new decision
// for the same party and contest replaces the old one as the current
// assignment; every decision stays in the audit trail.
type SeatAssignment struct {
	Election string `json:"election"`
	Contest  string `json:"contest"`
	Party    string `json:"party"` // the option id of the party list
	// Candidates are positions on the party's list, counted from 1, in the
	// order the party named them.
	Candidates []int `json:"candidates"`
	// Decision names the party's decision, such as the number and date of
	// its bureau's resolution.
	Decision string    `json:"decision,omitempty"`
	Actor    string    `json:"actor,omitempty"`
	At       time.Time `json:"at"`
}

// Validate checks what can be checked without the definition: ids, at
// least one candidate, positions from 1 and none twice.
func (a *SeatAssignment) Validate() error {
	switch {
	case a.Election == "" || a.Contest == "" || a.Party == "":
		return Errorf(EINVALID, "a seat assignment needs an election, a contest and a party")
	case len(a.Candidates) == 0:
		return Errorf(EINVALID, "a seat assignment names at least one candidate")
	case len(a.Candidates) > MaxListCandidates:
		return Errorf(EINVALID, "a seat assignment names at most %d candidates, not %d", MaxListCandidates, len(a.Candidates))
	case len(a.Decision) > 1000:
		return Errorf(EINVALID, "the decision is longer than 1000 bytes")
	case strings.ContainsFunc(a.Decision, unicode.IsControl):
		return Errorf(EINVALID, "the decision contains control characters")
	}
	seen := map[int]bool{}
	for _, p := range a.Candidates {
		if p < 1 {
			return Errorf(EINVALID, "candidate %d: list positions count from 1", p)
		}
		if seen[p] {
			return Errorf(EINVALID, "candidate %d is named twice", p)
		}
		seen[p] = true
	}
	return nil
}

// String describes the assignment for the audit trail.
func (a *SeatAssignment) String() string {
	return fmt.Sprintf("%s/%s: candidates %v", a.Contest, a.Party, a.Candidates)
}

// SeatStore keeps the parties' seat assignments. Both stores implement it.
type SeatStore interface {
	// AssignSeats stores a as the party's current assignment in the
	// contest, replacing any earlier one, after a.Validate; a zero At is
	// set to the store's clock. ENOTFOUND when the election is missing.
	// The checks against the list, the outcome and the districts are the
	// caller's (rules.CheckAssignment), which knows the definition.
	AssignSeats(ctx context.Context, a *SeatAssignment) error
	// SeatAssignments returns the current assignments of a contest ("" for
	// every contest), by contest and party id; ENOTFOUND when the election
	// is missing.
	SeatAssignments(ctx context.Context, election, contest string) ([]SeatAssignment, error)
}
