package storebatch

import (
	"encoding/json"
	"slices"
	"strconv"
)

// EncodeLines encodes protocol lines as a JSON object with sorted keys, as
// encoding/json does, without its reflection: it is most of the cost of
// storing a version.
func EncodeLines(lines map[string]int64) []byte {
	names := make([]string, 0, len(lines))
	size := 2
	for n := range lines {
		names = append(names, n)
		size += len(n) + 24
	}
	slices.Sort(names)
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, n := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, n)
		b = append(b, ':')
		b = strconv.AppendInt(b, lines[n], 10)
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string: as it is when it needs no
// escaping, as line names do not, and by encoding/json otherwise.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
