package storebatch_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"testing"

	"github.com/dauys/dauys/internal/storebatch"
)

// FuzzEncodeLines checks the hand-written encoder of protocol lines against
// encoding/json, which it replaces for speed.
func FuzzEncodeLines(f *testing.F) {
	f.Add("took_part", int64(812), "option:amanat", int64(-3))
	f.Add("a\"b", int64(0), "<script>&", int64(1<<62))
	f.Add("ашық", int64(7), "\x00\xff", int64(-1<<63))
	f.Add("option:a", int64(1<<63-1), "option:b", int64(1<<62))
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

// FuzzDecodeLines checks the hand-written decoder of protocol lines
// against encoding/json on any input: the same map, or an error for both.
func FuzzDecodeLines(f *testing.F) {
	f.Add([]byte(`{"option:a":12,"took_part":-3}`))
	f.Add([]byte(`{"a": 1, "b": 2}`))
	f.Add([]byte(` { } `))
	f.Add([]byte(`{"a":01}`))
	f.Add([]byte(`{"a":1.0,"b":1e3}`))
	f.Add([]byte(`{"a":9223372036854775808}`))
	f.Add([]byte(`{"a":9223372036854775807,"b":-9223372036854775808,"c":4611686018427387904}`))
	f.Add([]byte(`{"a":-9223372036854775809}`))
	f.Add([]byte(`{"a\u0062":1,"a":2,"a":3}`))
	f.Add([]byte(`{"a":-0}`))
	f.Add([]byte(`{"a":1,}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var want map[string]int64
		werr := json.Unmarshal(b, &want)
		got, err := storebatch.DecodeLines(b)
		if (err != nil) != (werr != nil) {
			t.Fatalf("DecodeLines(%q) error %v, encoding/json's %v", b, err, werr)
		}
		if err == nil && !maps.Equal(got, want) {
			t.Errorf("DecodeLines(%q) = %v, encoding/json's %v", b, got, want)
		}
	})
}

// TestDecodeLinesRoundTrip reads back what EncodeLines writes.
func TestDecodeLinesRoundTrip(t *testing.T) {
	lines := map[string]int64{"registered": 1500, "took_part": 812, "option:amanat": 500, "against_all": 0, "x": -1 << 63}
	got, err := storebatch.DecodeLines(storebatch.EncodeLines(lines))
	if err != nil || !maps.Equal(got, lines) {
		t.Errorf("round trip = %v, %v", got, err)
	}
}
