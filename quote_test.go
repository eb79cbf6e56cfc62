package dauys_test

import (
	"strings"
	"testing"

	"github.com/dauys/dauys"
)

func TestQuotePrefix(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"short", "abc", `"abc"`},
		{"exactly the prefix", strings.Repeat("a", 64), `"` + strings.Repeat("a", 64) + `"`},
		{"long", strings.Repeat("a", 65), `"` + strings.Repeat("a", 64) + `"...`},
		// 63 ASCII bytes and a two-byte letter: the cut may not split it.
		{"character boundary", strings.Repeat("a", 63) + "ә" + "b", `"` + strings.Repeat("a", 63) + `"...`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := dauys.QuotePrefix(tc.in); got != tc.want {
				t.Errorf("QuotePrefix = %s, want %s", got, tc.want)
			}
		})
	}
}
