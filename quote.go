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
	cut := QuotePrefixBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}

// unknownName is how a finding lists a name the sender made up: whole when
// short, else its prefix and "...".
func unknownName(s string) string {
	if head, cut := prefix(s); cut {
		return head + "..."
	}
	return s
}
