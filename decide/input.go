package decide

import (
	"fmt"
	"math"
)

// Counts holds the protocol lines the rules need, for one territorial unit or for the whole contest.
// Lines a contest does not use stay zero.
type Counts struct {
	Registered int64 `json:"registered"` // voters on the lists
	// TookPart is the voters who took part, invalid ballots included: for an election the CEC counts
	// the voters who received ballots (2022 president: 8,300,046, turnout 69.44%); for a referendum the
	// published participants equal yes + no + both marked + invalid. Turnout is TookPart/Registered.
	TookPart int64 `json:"took_part"`
	// Issued is the ballots issued to voters, i.e. the voters who received ballots, where the protocol
	// has that line apart from the ballots found in the boxes. When it is more than zero, it is the
	// numerator of an election's turnout, as the CEC computes turnout (and as the Russian CEC does);
	// TookPart stays the base of the shares and thresholds "of those who took part". A referendum's
	// turnout and quorum use TookPart, the participants the CRC publishes (yes + no + both marked +
	// invalid in 2022, 2024 and 2026).
	Issued     int64 `json:"issued,omitempty"`
	Invalid    int64 `json:"invalid"`     // invalid ballots
	AgainstAll int64 `json:"against_all"` // valid ballots marked "against all"
	BothMarked int64 `json:"both_marked"` // referendum ballots marked both yes and no: valid, counted for neither
	Yes        int64 `json:"yes"`
	No         int64 `json:"no"`
	// Options holds the votes per option, aligned with Input.Options.
	Options []int64 `json:"options"`
}

// Unit is a territorial unit with its own counts, as the referendum territorial rule needs.
type Unit struct {
	Name   string `json:"name"`
	Counts Counts `json:"counts"`
}

// Input is everything counted in one contest.
type Input struct {
	// Options are the parties or candidates in ballot (registration) order; the order matters to the
	// registration tie rule.
	Options []string `json:"options"`
	Total   Counts   `json:"total"`
	Units   []Unit   `json:"units,omitempty"`
}

// validate checks what every kind needs: named, unique options; counts aligned with them; no negative
// count; and sums that fit in an int64 so that later arithmetic cannot overflow.
func (in Input) validate(kind Kind) error {
	seen := make(map[string]bool, len(in.Options))
	for i, name := range in.Options {
		if name == "" {
			return invalidInput(fmt.Sprintf("option %d has no name", i+1))
		}
		if seen[name] {
			return invalidInput(fmt.Sprintf("option %q appears twice", name))
		}
		seen[name] = true
	}
	if kind != KindReferendum && len(in.Options) == 0 {
		return invalidInput(fmt.Sprintf("a %s contest needs at least one option", kind))
	}
	if err := in.Total.validate("total", len(in.Options), false); err != nil {
		return err
	}
	for i, u := range in.Units {
		if u.Name == "" {
			return invalidInput(fmt.Sprintf("unit %d has no name", i+1))
		}
		if err := u.Counts.validate(fmt.Sprintf("unit %q", u.Name), len(in.Options), true); err != nil {
			return err
		}
	}
	return nil
}

func (c Counts) validate(where string, options int, optional bool) error {
	if len(c.Options) != options && !(optional && len(c.Options) == 0) {
		return invalidInput(fmt.Sprintf("%s has %d option counts for %d options", where, len(c.Options), options))
	}
	lines := []struct {
		name string
		n    int64
	}{
		{"registered", c.Registered}, {"took_part", c.TookPart}, {"issued", c.Issued}, {"invalid", c.Invalid},
		{"against_all", c.AgainstAll}, {"both_marked", c.BothMarked}, {"yes", c.Yes}, {"no", c.No},
	}
	for _, l := range lines {
		if l.n < 0 {
			return invalidInput(fmt.Sprintf("%s: %s is negative (%d)", where, l.name, l.n))
		}
	}
	for i, n := range c.Options {
		if n < 0 {
			return invalidInput(fmt.Sprintf("%s: votes for option %d are negative (%d)", where, i+1, n))
		}
	}
	// The largest sum any rule forms is every option plus against all plus invalid; the referendum forms
	// yes + no + both marked + invalid. Requiring both to fit keeps all later sums exact.
	if _, ok := sumChecked(append([]int64{c.AgainstAll, c.Invalid}, c.Options...)); !ok {
		return invalidInput(fmt.Sprintf("%s: the votes add up to more than %d", where, int64(math.MaxInt64)))
	}
	if _, ok := sumChecked([]int64{c.Yes, c.No, c.BothMarked, c.Invalid}); !ok {
		return invalidInput(fmt.Sprintf("%s: the referendum ballots add up to more than %d", where, int64(math.MaxInt64)))
	}
	return nil
}

// TurnoutVoters returns the numerator of the turnout of a contest of the kind: the voters who received
// ballots where the protocol counts them apart (elections), else those who took part.
func (c Counts) TurnoutVoters(kind Kind) int64 {
	if kind != KindReferendum && c.Issued > 0 {
		return c.Issued
	}
	return c.TookPart
}

// sumChecked adds non-negative counts and reports false if the sum overflows an int64.
func sumChecked(xs []int64) (int64, bool) {
	var s int64
	for _, x := range xs {
		if x > math.MaxInt64-s {
			return 0, false
		}
		s += x
	}
	return s, true
}

// sum adds counts already known not to overflow.
func sum(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}
