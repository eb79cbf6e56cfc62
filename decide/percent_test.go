package decide_test

import (
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/dauys/dauys/decide"
)

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		name     string
		num, den int64
		want     string
	}{
		{"whole", 1, 2, "50.00"},
		{"terminating", 1, 8, "12.50"},
		{"down", 1, 3, "33.33"},
		{"up", 2, 3, "66.67"},
		{"exact half of a hundredth rounds up", 1, 800, "0.13"},
		{"just below a half rounds down", 1234499, 10000000, "12.34"},
		{"just above a half rounds up", 1234501, 10000000, "12.35"},
		{"all", 7, 7, "100.00"},
		{"none", 0, 7, "0.00"},
		{"no base", 5, 0, "n/a"},
		{"no overflow near the limit", math.MaxInt64, math.MaxInt64, "100.00"},
		{"2022 president, published", 6456393, 7940478, "81.31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := decide.Percent(tc.num, tc.den); got != tc.want {
				t.Errorf("Percent(%d, %d) = %q, want %q", tc.num, tc.den, got, tc.want)
			}
			if got := decide.PercentBig(big.NewInt(tc.num), big.NewInt(tc.den)); got != tc.want {
				t.Errorf("PercentBig(%d, %d) = %q, want %q", tc.num, tc.den, got, tc.want)
			}
		})
	}
}

// TestPercentHundredthsIsNotDoubleRounded: the four-place Percent of a Fraction rounded again to two
// places is wrong just below a half (12.344999...% reads "12.3450", then "12.35"); the hundredths come
// from the exact fraction.
func TestPercentHundredthsIsNotDoubleRounded(t *testing.T) {
	o := MustDecide(t, decide.Rules{Kind: decide.KindPlurality, Seats: 1}, decide.Input{
		Options: []string{"A", "B"},
		Total:   decide.Counts{Options: []int64{1234499, 8765501}},
	})
	a := o.Explanation.Candidates[1]
	if a.Option != "A" || a.Share.Percent != "12.3450" || a.Share.PercentHundredths != "12.34" {
		t.Errorf("A: percent %s, hundredths %s; want 12.3450 and 12.34", a.Share.Percent, a.Share.PercentHundredths)
	}
}

func ExamplePercent() {
	// The 2022 presidential election: Tokayev's votes over the votes for candidates plus against all,
	// the CEC's published base, and over all who took part, which the CEC did not publish.
	fmt.Println(decide.Percent(6456393, 7940478))
	fmt.Println(decide.Percent(6456393, 8300046))
	// Output:
	// 81.31
	// 77.79
}
