package integrity_test

import (
	"math/big"
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/integrity"
)

func listInput(votes ...int64) decide.Input {
	names := []string{"a", "b", "c", "d", "e", "f"}[:len(votes)]
	var took int64
	for _, v := range votes {
		took += v
	}
	return decide.Input{Options: names, Total: decide.Counts{TookPart: took, Options: append([]int64(nil), votes...)}}
}

// TestLastSeatShiftHandChecked checks the shifts against examples worked
// out by hand.
func TestLastSeatShiftHandChecked(t *testing.T) {
	tests := []struct {
		name  string
		rules decide.Rules
		in    decide.Input
		want  integrity.SeatShift
	}{
		{
			// Hare quota 1000: quotas 4.6, 3.1, 2.3 give 4+3+2 seats and
			// the tenth to a (remainder 0.6) ahead of c (0.3).
			// Moving x from a to c: 0.3 + x/1000 > 0.6 − x/1000 needs
			// x > 150; at 150 the remainders tie at 0.45 and the tie goes
			// to a, registered first. So 151.
			// Adding x to c: remainders (23000+10x)/(10000+x) − 2 and
			// 46000/(10000+x) − 4 are equal at x = 250 (tie to a), so 251.
			name:  "hare",
			rules: decide.Rules{Kind: decide.KindList, Method: decide.MethodHare, Seats: 10},
			in:    listInput(4600, 3100, 2300),
			want: integrity.SeatShift{From: "a", FromSeats: 5, To: "c", ToSeats: 2, Moved: 151, Added: 251,
				MovedSeats: []int{4, 3, 3}, AddedSeats: []int{4, 3, 3}},
		},
		{
			// D'Hondt, 5 seats: quotients 1000, 600, 500, 350, 333.3 win;
			// the last seat is a's third (1000/3), the first loser b's
			// second (600/2). Moving x: (600+x)/2 > (1000−x)/3 needs
			// x > 40 (tie at 40 goes to a): 41. Adding x to b:
			// (600+x)/2 > 1000/3 needs x > 66.7: 67.
			name:  "dhondt",
			rules: decide.Rules{Kind: decide.KindList, Method: decide.MethodDHondt, Seats: 5},
			in:    listInput(1000, 600, 350),
			want: integrity.SeatShift{From: "a", FromSeats: 3, To: "b", ToSeats: 1, Moved: 41, Added: 67,
				MovedSeats: []int{2, 2, 1}, AddedSeats: []int{2, 2, 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := integrity.LastSeatShift(tt.rules, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLastSeatShiftNone(t *testing.T) {
	// Every seat is won by a whole quota: nothing was won by a remainder.
	got, err := integrity.LastSeatShift(decide.Rules{Kind: decide.KindList, Method: decide.MethodHare, Seats: 4}, listInput(300, 100))
	if err != nil || got != nil {
		t.Errorf("got %+v, %v; want nil", got, err)
	}
	if _, err := integrity.LastSeatShift(decide.Rules{Kind: decide.KindPlurality, Seats: 1}, listInput(3, 2)); err == nil {
		t.Error("a plurality contest has no seat allocation, want an error")
	}
}

// TestLastSeatShiftMinimal checks, by trying every smaller shift, that the
// binary search returns the least number of votes: that is, that the change
// is monotone as the package claims, for every method, with and without a
// threshold.
func TestLastSeatShiftMinimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		methods := decide.Methods()
		r := decide.Rules{Kind: decide.KindList, Method: methods[rapid.IntRange(0, len(methods)-1).Draw(t, "method")],
			Seats: rapid.IntRange(1, 12).Draw(t, "seats")}
		if rapid.Bool().Draw(t, "threshold") {
			r.Threshold = big.NewRat(int64(rapid.IntRange(1, 15).Draw(t, "percent")), 1)
			r.ThresholdBase = decide.BaseTookPart
			r.ThresholdInclusive = rapid.Bool().Draw(t, "inclusive")
		}
		n := rapid.IntRange(2, 5).Draw(t, "lists")
		votes := make([]int64, n)
		for i := range votes {
			votes[i] = int64(rapid.IntRange(0, 300).Draw(t, "votes"))
		}
		in := listInput(votes...)
		shift, err := integrity.LastSeatShift(r, in)
		if err != nil {
			t.Fatal(err)
		}
		if shift == nil {
			return
		}
		base := seatsOf(t, r, in)
		from, to := indexOf(in.Options, shift.From), indexOf(in.Options, shift.To)
		moved := func(x int64) decide.Input {
			m := listInput(votes...)
			m.Total.Options[from] -= x
			m.Total.Options[to] += x
			return m
		}
		added := func(x int64) decide.Input {
			m := listInput(votes...)
			m.Total.Options[to] += x
			m.Total.TookPart += x
			return m
		}
		check := func(what string, got int64, mod func(int64) decide.Input, limit int64) {
			end := got
			if got == 0 {
				end = limit + 1
			}
			for x := int64(1); x < end; x++ {
				if !reflect.DeepEqual(seatsOf(t, r, mod(x)), base) {
					t.Fatalf("%s: %d votes already change the seats, but the search said %d", what, x, got)
				}
			}
			if got > 0 && reflect.DeepEqual(seatsOf(t, r, mod(got)), base) {
				t.Fatalf("%s: %d votes do not change the seats", what, got)
			}
		}
		check("moved", shift.Moved, moved, votes[from])
		if shift.Added > 0 {
			check("added", shift.Added, added, shift.Added)
		}
	})
}

func seatsOf(t *rapid.T, r decide.Rules, in decide.Input) []int {
	o, err := decide.Decide(r, in)
	if err != nil {
		t.Fatal(err)
	}
	s := make([]int, len(o.Seats))
	for i := range o.Seats {
		s[i] = o.Seats[i].Seats
	}
	return s
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
