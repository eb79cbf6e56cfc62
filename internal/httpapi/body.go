package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
)

// maxBodyDepth is how deeply a protocol body may nest: the deepest value
// is a count, at protocols[i].lines.name (depth 4).
const maxBodyDepth = 8

// decodeSubmission reads a protocol submission strictly. encoding/json
// alone would keep the last of two equal names, store null as 0 and take
// a negative count for the validator to explain; a protocol is evidence,
// so the body is first walked token by token and refused, naming the
// place, for a name given twice in any object, a null anywhere, and a
// count under "lines" that is not written in digits only. Messages quote
// at most a short prefix of what was sent.
//
// A turnout report's body is read the same way: its "voters" is a count.
func decodeSubmission(data []byte, req any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := checkValue(dec, "", 0, anyValue); err != nil {
		return dauys.Errorf(dauys.EINVALID, "bad request body: %s", clipJSONError(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return dauys.Errorf(dauys.EINVALID, "bad request body: more than one JSON value")
	}
	dec = json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req); err != nil {
		return dauys.Errorf(dauys.EINVALID, "bad request body: %s", clipJSONError(err))
	}
	return nil
}

// The roles of a value in a protocol body that checkValue tells apart.
const (
	anyValue    = iota
	linesObject // the value of "lines": its members are counts
	countValue  // a protocol line's count
)

// checkValue walks one JSON value; path names it for messages.
func checkValue(dec *json.Decoder, path string, depth, role int) error {
	if depth > maxBodyDepth {
		return fmt.Errorf("%s: nested deeper than a protocol is (%d levels)", where(path), maxBodyDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case nil:
		return fmt.Errorf("%s: null is not a value a protocol takes (leave out what is not given)", where(path))
	case json.Number:
		if role == countValue {
			if _, err := intake.ParseCount(string(t)); err != nil {
				return fmt.Errorf("%s: %v", where(path), err)
			}
		}
	case string, bool:
		if role == countValue {
			return fmt.Errorf("%s: a count is a number written in digits only (0, 1, 2, ...)", where(path))
		}
	case json.Delim:
		if role == countValue {
			return fmt.Errorf("%s: a count is a number written in digits only (0, 1, 2, ...)", where(path))
		}
		if t == '[' {
			for i := 0; dec.More(); i++ {
				if err := checkValue(dec, fmt.Sprintf("%s[%d]", path, i), depth+1, anyValue); err != nil {
					return err
				}
			}
		} else {
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key := k.(string)
				if seen[key] {
					return fmt.Errorf("%s: the name %s is given twice", where(path), dauys.QuotePrefix(key))
				}
				seen[key] = true
				inner := pathKey(key)
				if path != "" {
					inner = path + "." + inner
				}
				innerRole := anyValue
				switch {
				case role == linesObject:
					innerRole = countValue
				case key == "lines":
					innerRole = linesObject
				case key == "voters":
					innerRole = countValue
				}
				if err := checkValue(dec, inner, depth+1, innerRole); err != nil {
					return err
				}
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return err
		}
	}
	return nil
}

// pathKey writes a name in a path: bare when it is a field's name, and
// quoted (a short prefix of it) when it could be anything, as a line's.
func pathKey(key string) string {
	if key != "" && len(key) <= 32 && strings.Trim(key, "abcdefghijklmnopqrstuvwxyz_") == "" {
		return key
	}
	return dauys.QuotePrefix(key)
}

// where names a place in the body for a message.
func where(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}

// clipJSONError shortens the messages of encoding/json that repeat input
// (an unknown field's name) to a short prefix of it.
func clipJSONError(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		var s string
		if json.Unmarshal([]byte(name), &s) == nil {
			return "unknown field " + dauys.QuotePrefix(s)
		}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", msg, se.Offset)
	}
	return msg
}
