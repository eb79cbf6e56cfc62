package demo

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Apportion splits total into len(weights) parts in proportion to the
// weights, exactly and in integers: each part first gets the floor of
// total×w/W (W the sum of the weights, the product taken in 128 bits so
// that it cannot overflow), then the units still missing go one each to
// the parts with the largest remainders total×w mod W, equal remainders to
// the lower index (the largest remainder method, as a Hare quota gives
// seats). The parts always sum to total. All weights zero shares total
// equally. Negative inputs are an error.
func Apportion(total int64, weights []int64) ([]int64, error) {
	if total < 0 {
		return nil, fmt.Errorf("demo: apportion %d: a negative total", total)
	}
	out := make([]int64, len(weights))
	if total == 0 {
		return out, nil
	}
	if len(weights) == 0 {
		return nil, fmt.Errorf("demo: apportion %d among no parts", total)
	}
	var sum uint64
	for i, w := range weights {
		if w < 0 {
			return nil, fmt.Errorf("demo: apportion: weight %d is negative (%d)", i, w)
		}
		var carry uint64
		sum, carry = bits.Add64(sum, uint64(w), 0)
		if carry != 0 {
			return nil, fmt.Errorf("demo: apportion: the weights overflow")
		}
	}
	if sum == 0 {
		weights = slices.Repeat([]int64{1}, len(weights))
		sum = uint64(len(weights))
	}
	rems := make([]uint64, len(weights))
	var given int64
	for i, w := range weights {
		hi, lo := bits.Mul64(uint64(total), uint64(w))
		// total×w/sum <= total, so the quotient fits and hi < sum.
		q, r := bits.Div64(hi, lo, sum)
		out[i], rems[i] = int64(q), r
		given += int64(q)
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rems[b], rems[a]) })
	// Fewer than len(weights) units are missing: each remainder is below
	// sum, so the floors lose less than one unit per part.
	for k := 0; given < total; k++ {
		out[order[k]]++
		given++
	}
	return out, nil
}

// FillTable returns a table of non-negative integers whose rows sum to
// rows and whose columns sum to cols exactly, shaped like the weights
// shape[i][j] (non-negative; a row of zeros is shaped like cols). The
// shape is first fitted to both sums by iterative proportional fitting
// (floating point, which only shapes the table); then each row is
// apportioned exactly (Apportion, on the fitted cells scaled to integers),
// and the columns are made exact by moving units within rows from the
// columns above their sum to those below it, taking first from the cells
// furthest above their fitted value. A cell whose shape is zero, in a row
// with other cells above zero, stays zero (a figure published apart). Every
// sum is integer arithmetic, so it is exact on every platform. The two sums
// must agree.
func FillTable(rows, cols []int64, shape [][]float64) ([][]int64, error) {
	var rs, cs int64
	for _, r := range rows {
		if r < 0 {
			return nil, fmt.Errorf("demo: fill table: a negative row sum %d", r)
		}
		rs += r
	}
	for _, c := range cols {
		if c < 0 {
			return nil, fmt.Errorf("demo: fill table: a negative column sum %d", c)
		}
		cs += c
	}
	if rs != cs {
		return nil, fmt.Errorf("demo: fill table: the rows sum to %d and the columns to %d", rs, cs)
	}
	if len(shape) != len(rows) {
		return nil, fmt.Errorf("demo: fill table: %d rows of shape for %d rows", len(shape), len(rows))
	}
	// Fit the shape: zero columns stay zero, a zero row is shaped like cols.
	// A cell whose shape is zero in a row that has others stays closed: no
	// unit is moved into it.
	m := make([][]float64, len(rows))
	open := make([][]bool, len(rows))
	for i := range rows {
		open[i] = make([]bool, len(cols))
		if len(shape[i]) != len(cols) {
			return nil, fmt.Errorf("demo: fill table: row %d has %d cells for %d columns", i, len(shape[i]), len(cols))
		}
		m[i] = make([]float64, len(cols))
		var s float64
		for j, x := range shape[i] {
			if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("demo: fill table: cell %d,%d of the shape is %v", i, j, x)
			}
			if cols[j] > 0 {
				m[i][j] = x
				s += x
			}
			open[i][j] = x > 0
		}
		if s == 0 {
			for j := range cols {
				m[i][j] = float64(cols[j])
				open[i][j] = true
			}
		}
	}
	for range 60 {
		for i, r := range rows {
			var s float64
			for _, x := range m[i] {
				s += x
			}
			if s > 0 {
				for j := range m[i] {
					m[i][j] *= float64(r) / s
				}
			}
		}
		for j, c := range cols {
			var s float64
			for i := range m {
				s += m[i][j]
			}
			if s > 0 {
				for i := range m {
					m[i][j] *= float64(c) / s
				}
			}
		}
	}
	out := make([][]int64, len(rows))
	have := make([]int64, len(cols))
	for i, r := range rows {
		w := make([]int64, len(cols))
		for j, x := range m[i] {
			w[j] = int64(math.Round(x * 1024))
		}
		var err error
		if out[i], err = Apportion(r, w); err != nil {
			return nil, err
		}
		for j, v := range out[i] {
			have[j] += v
		}
	}
	// Move units within rows from columns over their sum to columns under
	// it; the row sums stay, and every column ends exact.
	for j := range cols {
		for have[j] > cols[j] {
			// The first column under its sum that a row holding units of
			// column j may take.
			k := -1
			for kk := range cols {
				if have[kk] >= cols[kk] {
					continue
				}
				for i := range rows {
					if out[i][j] > 0 && open[i][kk] {
						k = kk
						break
					}
				}
				if k >= 0 {
					break
				}
			}
			if k < 0 {
				// No row can move a unit straight to a column under its
				// sum: move it along a chain of rows and columns instead.
				if !moveAlongPath(out, open, have, cols, j) {
					return nil, fmt.Errorf("demo: fill table: column %d is over its sum and no row can move units to a column under its sum", j)
				}
				continue
			}
			need := min(have[j]-cols[j], cols[k]-have[k])
			order := make([]int, 0, len(rows))
			for i := range rows {
				if out[i][j] > 0 && open[i][k] {
					order = append(order, i)
				}
			}
			slices.SortStableFunc(order, func(a, b int) int {
				return cmp.Compare(m[b][j]-float64(out[b][j]), m[a][j]-float64(out[a][j]))
			})
			for _, i := range order {
				if need == 0 {
					break
				}
				// Spread the move: at most what the cell has over its
				// fitted value, rounded up, in the first pass.
				n := min(need, out[i][j], max(1, out[i][j]-int64(math.Floor(m[i][j]))))
				out[i][j] -= n
				out[i][k] += n
				have[j] -= n
				have[k] += n
				need -= n
			}
			if need > 0 {
				// A second pass takes what is left from any cell.
				for _, i := range order {
					n := min(need, out[i][j])
					out[i][j] -= n
					out[i][k] += n
					have[j] -= n
					have[k] += n
					need -= n
				}
			}
		}
	}
	return out, nil
}

// moveAlongPath moves one unit out of column from, which is over its sum,
// to a column under its sum through a chain of moves within rows: row i1
// moves a unit from column from to c1, row i2 from c1 to c2, and so on.
// Every row keeps its sum and only the two ends' columns change, as an
// augmenting path of a transportation problem. It finds the shortest chain
// by breadth-first search over columns, and reports false when there is
// none, which cannot happen when a table with the sums exists over the
// open cells.
func moveAlongPath(out [][]int64, open [][]bool, have, cols []int64, from int) bool {
	type step struct{ col, row int }
	prev := make([]step, len(cols))
	seen := make([]bool, len(cols))
	seen[from] = true
	queue := []int{from}
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		for i := range out {
			if out[i][a] == 0 {
				continue
			}
			for b := range cols {
				if seen[b] || !open[i][b] {
					continue
				}
				seen[b] = true
				prev[b] = step{col: a, row: i}
				if have[b] < cols[b] {
					for c := b; c != from; c = prev[c].col {
						st := prev[c]
						out[st.row][st.col]--
						out[st.row][c]++
					}
					have[from]--
					have[b]++
					return true
				}
				queue = append(queue, b)
			}
		}
	}
	return false
}
