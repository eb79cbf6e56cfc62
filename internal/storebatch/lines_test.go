package storebatch_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/dauys/dauys/internal/storebatch"
)

// FuzzEncodeLines checks the hand-written encoder of protocol lines against
// encoding/json, which it replaces for speed.
func FuzzEncodeLines(f *testing.F) {
	f.Add("took_part", int64(812), "option:amanat", int64(-3))
	f.Add("a\"b", int64(0), "<script>&", int64(1<<62))
	f.Add("ашық", int64(7), "\x00\xff", int64(-1<<63))
	f.Fuzz(func(t *testing.T, n1 string, v1 int64, n2 string, v2 int64) {
		lines := map[string]int64{n1: v1, n2: v2}
		want, err := json.Marshal(lines)
		if err != nil {
			t.Fatal(err)
		}
		if got := storebatch.EncodeLines(lines); !bytes.Equal(got, want) {
			t.Errorf("EncodeLines(%v) = %s, want %s", lines, got, want)
		}
	})
}
