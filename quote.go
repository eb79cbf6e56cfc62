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
	head, cut := prefix(s)
	if cut {
		return strconv.Quote(head) + "..."
	}
	return strconv.Quote(s)
}

// prefix returns the first QuotePrefixBytes bytes of s, cut at a character
// boundary, and whether that is less than s.
func prefix(s string) (string, bool) {
	if len(s) <= QuotePrefixBytes {
		return s, false
	}
	return s[:runeBoundary(s, QuotePrefixBytes)], true
}

// runeBoundary returns the largest n <= limit (and < len(s)) at which s
// can be cut without splitting a character.
func runeBoundary(s string, n int) int {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}
