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

// DecodeLines decodes protocol lines as json.Unmarshal does into a map,
// without its reflection: reading versions back (for the log, the API and
// exports) decodes every one. A stored object of plain ASCII names and
// whole numbers, as EncodeLines writes and PostgreSQL's jsonb returns, is
// read directly; anything else goes to encoding/json, so the result and
// the errors are always encoding/json's.
func DecodeLines(b []byte) (map[string]int64, error) {
	if m, ok := decodeSimpleLines(b); ok {
		return m, nil
	}
	var m map[string]int64
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeSimpleLines reads {"name": 123, ...} when every name is printable
// ASCII without escapes and every value a JSON integer that fits in an
// int64; ok is false for anything else.
func decodeSimpleLines(b []byte) (map[string]int64, bool) {
	i := 0
	space := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	space()
	if i == len(b) || b[i] != '{' {
		return nil, false
	}
	i++
	m := make(map[string]int64, 16)
	space()
	if i < len(b) && b[i] == '}' {
		i++
		space()
		return m, i == len(b)
	}
	for {
		space()
		if i == len(b) || b[i] != '"' {
			return nil, false
		}
		i++
		start := i
		for i < len(b) && b[i] != '"' {
			if c := b[i]; c < 0x20 || c >= 0x7f || c == '\\' {
				return nil, false
			}
			i++
		}
		if i == len(b) {
			return nil, false
		}
		name := string(b[start:i])
		i++
		space()
		if i == len(b) || b[i] != ':' {
			return nil, false
		}
		i++
		space()
		start = i
		if i < len(b) && b[i] == '-' {
			i++
		}
		digits := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		// JSON numbers have no leading zeros; fractions and exponents go
		// to encoding/json.
		if i == digits || (b[digits] == '0' && i-digits > 1) {
			return nil, false
		}
		v, err := strconv.ParseInt(string(b[start:i]), 10, 64)
		if err != nil {
			return nil, false
		}
		m[name] = v
		space()
		if i == len(b) {
			return nil, false
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			i++
			space()
			return m, i == len(b)
		default:
			return nil, false
		}
	}
}
