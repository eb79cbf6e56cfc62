package demo_test

import (
	"slices"
	"testing"

	"github.com/dauys/dauys/internal/demo"
	"pgregory.net/rapid"
)

// TestApportion: the parts always sum to the total, each is the floor or
// the ceiling of its exact share, and a known case comes out as the
// largest remainder method gives it.
func TestApportion(t *testing.T) {
	got, err := demo.Apportion(10, []int64{1, 1, 1})
	if err != nil || got[0] != 4 || got[1] != 3 || got[2] != 3 {
		t.Errorf("Apportion(10, 1:1:1) = %v, %v; want [4 3 3] (equal remainders to the lower index)", got, err)
	}
	// Large weights whose products overflow 64 bits.
	got, err = demo.Apportion(9_000_000_000_000_000_000, []int64{9_000_000_000_000_000_000, 1})
	if err != nil || got[0]+got[1] != 9_000_000_000_000_000_000 {
		t.Errorf("large: %v, %v", got, err)
	}
	if _, err := demo.Apportion(-1, []int64{1}); err == nil {
		t.Error("a negative total is accepted")
	}
	rapid.Check(t, func(t *rapid.T) {
		total := rapid.Int64Range(0, 20_000_000).Draw(t, "total")
		w := rapid.SliceOfN(rapid.Int64Range(0, 5_000_000), 1, 40).Draw(t, "weights")
		parts, err := demo.Apportion(total, w)
		if err != nil {
			t.Fatal(err)
		}
		var sum, wsum int64
		for i, p := range parts {
			sum += p
			wsum += w[i]
		}
		if sum != total {
			t.Fatalf("parts sum to %d, total %d", sum, total)
		}
		if wsum == 0 {
			return
		}
		for i, p := range parts {
			// floor(total*w/W) <= p <= floor + 1, compared without overflow
			// through float only as a bound on small numbers.
			exact := float64(total) * float64(w[i]) / float64(wsum)
			if float64(p) < exact-1 || float64(p) > exact+1 {
				t.Fatalf("part %d = %d, its exact share %.3f", i, p, exact)
			}
		}
	})
}

// TestFillTable: the table's rows and columns sum exactly to the given
// sums, no cell is negative, and a cell whose shape is zero stays zero.
func TestFillTable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nr := rapid.IntRange(1, 30).Draw(t, "rows")
		nc := rapid.IntRange(1, 8).Draw(t, "cols")
		// A table of counts gives sums that agree.
		truth := make([][]int64, nr)
		rows := make([]int64, nr)
		cols := make([]int64, nc)
		shape := make([][]float64, nr)
		closed := rapid.IntRange(-1, nr*nc-1).Draw(t, "closed")
		for i := range truth {
			truth[i] = make([]int64, nc)
			shape[i] = make([]float64, nc)
			for j := range truth[i] {
				if i*nc+j != closed {
					truth[i][j] = rapid.Int64Range(0, 3000).Draw(t, "cell")
					shape[i][j] = rapid.Float64Range(0.01, 100).Draw(t, "shape")
				}
				rows[i] += truth[i][j]
				cols[j] += truth[i][j]
			}
		}
		got, err := demo.FillTable(rows, cols, shape)
		if err != nil {
			t.Fatal(err)
		}
		gotCols := make([]int64, nc)
		for i := range got {
			var r int64
			for j, v := range got[i] {
				if v < 0 {
					t.Fatalf("cell %d,%d is %d", i, j, v)
				}
				if i*nc+j == closed && nc > 1 && v != 0 {
					t.Fatalf("the closed cell %d,%d has %d", i, j, v)
				}
				r += v
				gotCols[j] += v
			}
			if r != rows[i] {
				t.Fatalf("row %d sums to %d, want %d", i, r, rows[i])
			}
		}
		for j := range cols {
			if gotCols[j] != cols[j] {
				t.Fatalf("column %d sums to %d, want %d", j, gotCols[j], cols[j])
			}
		}
	})
	if _, err := demo.FillTable([]int64{1}, []int64{2}, [][]float64{{1}}); err == nil {
		t.Error("sums that disagree are accepted")
	}
}

// TestFillTableChain is the table CI's property test found (rapid seed
// 6490868391995955472): the fitted table's rounding leaves column 2 over
// its sum with its units only in the second row, which is closed at the
// one column under its sum; a unit must move through the first row.
func TestFillTableChain(t *testing.T) {
	rows, cols := []int64{145, 63}, []int64{0, 8, 55, 145}
	got, err := demo.FillTable(rows, cols, [][]float64{{1, 1, 1, 1}, {1, 1, 19.75, 0}})
	if err != nil {
		t.Fatal(err)
	}
	sums := make([]int64, len(cols))
	for i, row := range got {
		var r int64
		for j, v := range row {
			if v < 0 {
				t.Errorf("cell %d,%d is %d", i, j, v)
			}
			r += v
			sums[j] += v
		}
		if r != rows[i] {
			t.Errorf("row %d sums to %d, want %d", i, r, rows[i])
		}
	}
	if !slices.Equal(sums, cols) || got[1][3] != 0 {
		t.Errorf("table %v: columns %v, want %v, and the closed cell empty", got, sums, cols)
	}
}
