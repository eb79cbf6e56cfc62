package dauys

import (
	"strconv"
	"strings"
)

// GroupDigits puts sep between the groups of three digits of a run of
// decimal digits, counted from the right: GroupDigits("1234567", " ") is
// "1 234 567". It knows no language: the site chooses each language's
// separator, the CLI and the reports use Thousands.
func GroupDigits(digits, sep string) string {
	var b strings.Builder
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}

// Thousands writes n with a comma between groups of three digits, as the
// CLI, the text reports and the refusal messages do: 1,234,567 and -1,234.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + GroupDigits(s[1:], ",")
	}
	return GroupDigits(s, ",")
}
