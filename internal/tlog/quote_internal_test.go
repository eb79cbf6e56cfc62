package tlog

import (
	"strconv"
	"testing"
)

// FuzzQuoted holds the fast quoting of record fields to strconv.Quote,
// which defines the record format.
func FuzzQuoted(f *testing.F) {
	for _, s := range []string{"", "X-P0000001", `a"b`, `a\b`, "ашық", "\x00\x7f\xff", "tab\there"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := quoted(s), strconv.Quote(s); got != want {
			t.Errorf("quoted(%q) = %s, want %s", s, got, want)
		}
	})
}
