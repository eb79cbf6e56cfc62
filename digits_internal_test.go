package dauys

import (
	"strconv"
	"testing"
)

// TestDigits holds the size estimate of canonical encodings to strconv.
func TestDigits(t *testing.T) {
	for _, v := range []int64{0, 9, 10, -1, -9, -10, 99, 100, 1<<63 - 1, -1 << 63, -1<<63 + 1, 123456789} {
		if got, want := digits(v), len(strconv.FormatInt(v, 10)); got != want {
			t.Errorf("digits(%d) = %d, want %d", v, got, want)
		}
	}
}
