package dauys

import (
	"strconv"
	"unicode/utf8"
)

// QuotePrefixBytes is how much of a piece of bad input a message repeats.
const QuotePrefixBytes = 64

// QuotePrefix quotes s as %q does, but only its first QuotePrefixBytes
// bytes (cut at a character boundary), followed by "..." when it is longer.
// Messages about bad input name it with QuotePrefix, so that a gigabyte
// cell or line name is not repeated into a terminal, a response or the
// audit trail.
func QuotePrefix(s string) string {
	if len(s) <= QuotePrefixBytes {
		return strconv.Quote(s)
	}
	cut := QuotePrefixBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}
