package decide_test

import (
	"math/big"
	"testing"

	"github.com/dauys/dauys/decide"
)

// MustDecide decides or fails the test.
func MustDecide(tb testing.TB, r decide.Rules, in decide.Input) *decide.Outcome {
	tb.Helper()
	o, err := decide.Decide(r, in)
	if err != nil {
		tb.Fatalf("Decide: %v", err)
	}
	return o
}

// listInput builds an Input with options named and voted as given, in ballot order.
func listInput(names []string, votes []int64) decide.Input {
	return decide.Input{Options: names, Total: decide.Counts{Options: votes}}
}

// pct returns a percentage parsed from a string such as "5" or "7.5".
func pct(tb testing.TB, s string) *big.Rat {
	tb.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		tb.Fatalf("bad percentage %q", s)
	}
	return r
}

// seatsOf returns the seats per option in ballot order.
func seatsOf(o *decide.Outcome) []int {
	out := make([]int, len(o.Seats))
	for i, s := range o.Seats {
		out[i] = s.Seats
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
