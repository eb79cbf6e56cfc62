package integrity

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/dauys/dauys/decide"
)

// SeatShift is how close the last seat of a list contest is: the list that
// won it, the list that came closest to it, and the fewest votes that would
// change the allocation. Both numbers are exact: they come from the rules
// engine itself, run on modified counts.
type SeatShift struct {
	// From won the last seat: the smallest remainder that won a seat under
	// a largest-remainder method, the smallest quotient under a divisor
	// method. To is the runner-up for it: the largest remainder or quotient
	// that won nothing.
	From      string `json:"from"`
	FromSeats int    `json:"from_seats"`
	To        string `json:"to"`
	ToSeats   int    `json:"to_seats"`
	// Moved is the fewest votes that, taken from From and given to To,
	// change the allocation; 0 when even all of From's votes would not.
	Moved int64 `json:"moved"`
	// Added is the fewest new votes for To (ballots that were not counted
	// before) that change the allocation; 0 when no number would.
	Added int64 `json:"added"`
	// MovedSeats and AddedSeats are the seats of every list after each
	// change, in ballot order.
	MovedSeats []int `json:"moved_seats,omitempty"`
	AddedSeats []int `json:"added_seats,omitempty"`
}

// maxAdded bounds the search for added votes; it keeps every sum far below
// the int64 limit.
const maxAdded = int64(1) << 50

// LastSeatShift finds the last seat of a list contest decided by r on in and
// the smallest vote shifts that move it (nil when the outcome has no seat
// won by a remainder or quotient that another list was close to, e.g.
// nothing allocated).
//
// The shifts are found by binary search over decide.Decide. That is exact
// because the change is monotone: moving votes from From to To only lowers
// From's remainder or quotient and raises To's, and adding votes to To only
// raises To's against every other list (under the Hare quota too: To's
// quota minus another's, S·(v_To + x − v)/(V + x), grows with x, while the
// differences between other lists shrink steadily towards zero), so once
// the original allocation stops being the rules' answer it never becomes it
// again. The Droop quota is the exception, being rounded to whole votes:
// for added votes under it the runs of equal quota are searched in order
// (see droopAdded). TestLastSeatShiftMinimal checks every smaller shift on
// random contests of every method.
func LastSeatShift(r decide.Rules, in decide.Input) (*SeatShift, error) {
	if r.Kind != decide.KindList {
		return nil, fmt.Errorf("integrity: last seat of a %s contest: only list contests allocate seats", r.Kind)
	}
	base, err := decide.Decide(r, in)
	if err != nil {
		return nil, err
	}
	from, to := lastSeatPair(base)
	if from < 0 || to < 0 {
		return nil, nil
	}
	orig := seatsOf(base)
	try := func(mod decide.Input) (*decide.Outcome, bool, error) {
		o, err := decide.Decide(r, mod)
		if err != nil {
			return nil, false, err
		}
		s := seatsOf(o)
		for i := range s {
			if s[i] != orig[i] {
				return o, true, nil
			}
		}
		return o, false, nil
	}
	moved := func(x int64) decide.Input {
		mod := cloneInput(in)
		mod.Total.Options[from] -= x
		mod.Total.Options[to] += x
		return mod
	}
	added := func(x int64) decide.Input {
		mod := cloneInput(in)
		mod.Total.Options[to] += x
		mod.Total.TookPart += x
		return mod
	}
	out := &SeatShift{From: in.Options[from], FromSeats: orig[from], To: in.Options[to], ToSeats: orig[to]}
	if out.Moved, err = smallest(0, in.Total.Options[from], moved, try); err != nil {
		return nil, err
	}
	// Double until the change happens, then search below.
	hi := int64(1)
	for ; hi < maxAdded; hi *= 2 {
		_, ok, err := try(added(hi))
		if err != nil {
			return nil, err
		}
		if ok {
			break
		}
	}
	if out.Added, err = smallest(0, min(hi, maxAdded), added, try); err != nil {
		return nil, err
	}
	if r.Method == decide.MethodDroop && out.Added > 1 {
		if out.Added, err = droopAdded(r, out.Added, added, try); err != nil {
			return nil, err
		}
	}
	for _, c := range []struct {
		x    int64
		mod  func(int64) decide.Input
		dest *[]int
	}{{out.Moved, moved, &out.MovedSeats}, {out.Added, added, &out.AddedSeats}} {
		if c.x > 0 {
			o, _, err := try(c.mod(c.x))
			if err != nil {
				return nil, err
			}
			*c.dest = seatsOf(o)
		}
	}
	return out, nil
}

type tryFunc func(decide.Input) (*decide.Outcome, bool, error)

// smallest returns the least x in lo+1..hi for which the change happens,
// given that it does not at lo, by binary search; 0 when it does not at hi.
func smallest(lo, hi int64, mod func(int64) decide.Input, try tryFunc) (int64, error) {
	if hi <= lo {
		return 0, nil
	}
	if _, ok, err := try(mod(hi)); err != nil || !ok {
		return 0, err
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		_, ok, err := try(mod(mid))
		if err != nil {
			return 0, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}

// droopAdded makes the added votes exact under the Droop quota, which is
// floor(votes/(seats+1)) + 1 and so moves in whole steps as votes are
// added: within a run of added votes that keeps the quota and the admitted
// lists, the change is monotone, but a step of the quota can undo it. The
// runs below the binary search's answer hi are therefore searched one by
// one, in order; there are about hi/(seats+1) of them.
func droopAdded(r decide.Rules, hi int64, added func(int64) decide.Input, try tryFunc) (int64, error) {
	key := func(o *decide.Outcome) string {
		var b strings.Builder
		if q := o.Explanation.Quota; q != nil {
			b.WriteString(q.Value.Exact)
		}
		for _, s := range o.Seats {
			fmt.Fprintf(&b, ";%t", s.Admitted)
		}
		return b.String()
	}
	step := int64(r.Seats) + 1
	for s := int64(1); s < hi; {
		o, ok, err := try(added(s))
		if err != nil || ok {
			return s, err
		}
		if o.Explanation.Quota == nil {
			return hi, nil
		}
		k := key(o)
		// The quota stays the same until the admitted votes reach the
		// next multiple of seats+1.
		e := min(s+step-1-o.Explanation.Quota.Votes%step, hi-1)
		oe, ok, err := try(added(e))
		if err != nil {
			return 0, err
		}
		if key(oe) != k {
			// A list fell below the threshold inside the run: end the run
			// before it (a fall is never undone as votes are added).
			lo, up := s, e
			for up-lo > 1 {
				mid := lo + (up-lo)/2
				om, _, err := try(added(mid))
				if err != nil {
					return 0, err
				}
				if key(om) != k {
					up = mid
				} else {
					lo = mid
				}
			}
			e = up - 1
			if _, ok, err = try(added(e)); err != nil {
				return 0, err
			}
		}
		if ok {
			return smallest(s, e, added, try)
		}
		s = e + 1
	}
	return hi, nil
}

func seatsOf(o *decide.Outcome) []int {
	s := make([]int, len(o.Seats))
	for i := range o.Seats {
		s[i] = o.Seats[i].Seats
	}
	return s
}

// lastSeatPair returns the option indexes of the list that won the last
// seat and of its closest runner-up, or -1 when there is none.
func lastSeatPair(o *decide.Outcome) (from, to int) {
	from, to = -1, -1
	index := map[string]int{}
	for i, s := range o.Seats {
		index[s.Option] = i
	}
	ex := o.Explanation
	if ex.Quota != nil {
		// Remainders are in rank order; the last one that won a seat and
		// the first after it that did not.
		last := -1
		for k, r := range ex.Remainders {
			if r.Seats > 0 {
				last = k
			}
		}
		if last < 0 {
			return -1, -1
		}
		for _, r := range ex.Remainders[last+1:] {
			if r.Seats == 0 {
				return index[ex.Remainders[last].Option], index[r.Option]
			}
		}
		return -1, -1
	}
	// A divisor method: the smallest quotient that won a seat and the
	// largest that did not, from another list.
	var lowest, highest *big.Rat
	for i, l := range ex.Lists {
		if l.LastQuotient == nil {
			continue
		}
		q, ok := new(big.Rat).SetString(l.LastQuotient.Exact)
		if !ok {
			continue
		}
		// Of equal quotients the one later on the ballot is served last
		// under the registration tie rule.
		if lowest == nil || q.Cmp(lowest) <= 0 {
			lowest, from = q, i
		}
	}
	if from < 0 {
		return -1, -1
	}
	for i, l := range ex.Lists {
		if i == from || l.NextQuotient == nil {
			continue
		}
		q, ok := new(big.Rat).SetString(l.NextQuotient.Exact)
		if !ok {
			continue
		}
		if highest == nil || q.Cmp(highest) > 0 {
			highest, to = q, i
		}
	}
	if to < 0 {
		return -1, -1
	}
	return from, to
}

func cloneInput(in decide.Input) decide.Input {
	out := decide.Input{Options: in.Options, Total: cloneCounts(in.Total)}
	if in.Units != nil {
		out.Units = make([]decide.Unit, len(in.Units))
		for i, u := range in.Units {
			out.Units[i] = decide.Unit{Name: u.Name, Counts: cloneCounts(u.Counts)}
		}
	}
	return out
}

func cloneCounts(c decide.Counts) decide.Counts {
	c.Options = append([]int64(nil), c.Options...)
	return c
}
