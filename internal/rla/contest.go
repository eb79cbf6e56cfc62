package rla

import (
	"errors"
	"fmt"
	"sort"
)

// ErrInvalid marks input the audit functions cannot accept. Callers map it to
// their own "invalid" error code with errors.Is.
var ErrInvalid = errors.New("audit: invalid input")

// ErrTie marks a contest whose reported margin is zero (or negative) between
// some winner and loser. No sample can confirm such an outcome: the audit is a
// full hand count.
var ErrTie = errors.New("audit: reported tie, a full hand count is required")

// Contest is one reported contest outcome.
type Contest struct {
	Name string `json:"name"`
	// Winners and Losers are the reported winners and losers. Choices in
	// Reported that are in neither list (blank ballots, overvotes) count as
	// ballots but favour nobody.
	Winners []string `json:"winners"`
	Losers  []string `json:"losers"`
	// Reported holds the reported votes by choice.
	Reported map[string]int64 `json:"reported"`
	// BallotsCast is the number of ballots on which the contest appears,
	// blank and invalid ones included: the population a ballot-polling
	// sample is drawn from.
	BallotsCast int64 `json:"ballots_cast"`
}

// NewContest builds a Contest from reported votes, taking the seats choices
// with the most votes as winners and all the others as losers. Equal votes
// are ordered by name so the split is deterministic; if the split falls inside
// a tie the audits will report ErrTie.
func NewContest(name string, reported map[string]int64, ballotsCast int64, seats int) (Contest, error) {
	if seats < 1 || seats >= len(reported) {
		return Contest{}, fmt.Errorf("%w: contest %q: %d seats for %d choices", ErrInvalid, name, seats, len(reported))
	}
	choices := make([]string, 0, len(reported))
	for ch := range reported {
		choices = append(choices, ch)
	}
	sort.Slice(choices, func(i, j int) bool {
		a, b := choices[i], choices[j]
		if reported[a] != reported[b] {
			return reported[a] > reported[b]
		}
		return a < b
	})
	c := Contest{Name: name, Reported: copyVotes(reported), BallotsCast: ballotsCast,
		Winners: choices[:seats:seats], Losers: choices[seats:]}
	return c, c.Validate()
}

// Validate checks that the contest is well formed: at least one winner and
// one loser, every listed choice reported, no choice listed twice,
// non-negative votes, ballots cast positive and no reported loser ahead of a
// reported winner. A tie between a winner and a loser is valid here; audits
// report it as ErrTie.
func (c Contest) Validate() error {
	if len(c.Winners) == 0 {
		return fmt.Errorf("%w: contest %q has no winner", ErrInvalid, c.Name)
	}
	if len(c.Losers) == 0 {
		return fmt.Errorf("%w: contest %q has no loser: an uncontested outcome cannot be audited", ErrInvalid, c.Name)
	}
	if c.BallotsCast <= 0 {
		return fmt.Errorf("%w: contest %q has %d ballots cast", ErrInvalid, c.Name, c.BallotsCast)
	}
	for ch, v := range c.Reported {
		if v < 0 {
			return fmt.Errorf("%w: contest %q: negative votes for %q", ErrInvalid, c.Name, ch)
		}
	}
	seen := map[string]bool{}
	for _, ch := range append(append([]string{}, c.Winners...), c.Losers...) {
		if seen[ch] {
			return fmt.Errorf("%w: contest %q lists %q twice", ErrInvalid, c.Name, ch)
		}
		seen[ch] = true
		if _, ok := c.Reported[ch]; !ok {
			return fmt.Errorf("%w: contest %q has no reported votes for %q", ErrInvalid, c.Name, ch)
		}
	}
	for _, w := range c.Winners {
		for _, l := range c.Losers {
			if c.Reported[w] < c.Reported[l] {
				return fmt.Errorf("%w: contest %q: loser %q has more votes than winner %q", ErrInvalid, c.Name, l, w)
			}
		}
	}
	return nil
}

// tied reports whether some winner and loser have equal reported votes.
func (c Contest) tied() bool {
	for _, w := range c.Winners {
		for _, l := range c.Losers {
			if c.Reported[w] <= c.Reported[l] {
				return true
			}
		}
	}
	return false
}

// hardestPair returns the reported winner with the fewest votes and the loser
// with the most: the pair with the smallest margin, which decides the sample
// size (Arlo, bravo.get_expected_sample_sizes).
func (c Contest) hardestPair() (winner, loser string) {
	winner, loser = c.Winners[0], c.Losers[0]
	for _, w := range c.Winners[1:] {
		if c.Reported[w] < c.Reported[winner] {
			winner = w
		}
	}
	for _, l := range c.Losers[1:] {
		if c.Reported[l] > c.Reported[loser] {
			loser = l
		}
	}
	return winner, loser
}

func copyVotes(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func validRiskLimit(alpha float64) error {
	if !(alpha > 0 && alpha < 1) {
		return fmt.Errorf("%w: risk limit must be strictly between 0 and 1, got %v", ErrInvalid, alpha)
	}
	return nil
}
