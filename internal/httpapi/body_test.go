package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSubmitStrictBody: a protocol body that encoding/json alone would
// take loosely (the last of two equal names, null as 0, a negative or
// signed count for the validator) is refused before intake sees it, with
// a reason naming the place and quoting at most a short prefix of input.
func TestSubmitStrictBody(t *testing.T) {
	f := newFixture(t)
	longName := strings.Repeat("n", 1000)
	for _, tc := range []struct{ name, body, detail string }{
		{"null count", strings.Replace(good, `"option:a":400`, `"option:a":null`, 1), `lines."option:a": null is not a value`},
		{"null field", strings.Replace(good, `"area":"p1"`, `"area":null`, 1), `area: null is not a value`},
		{"null body", `null`, `the body: null is not a value`},
		{"null protocol", `{"protocols":[null]}`, `protocols[0]: null is not a value`},
		{"duplicate line", strings.Replace(good, `"option:a":400`, `"option:a":9,"option:a":400`, 1), `lines: the name "option:a" is given twice`},
		{"duplicate field", strings.Replace(good, `"area":"p1"`, `"area":"p2","area":"p1"`, 1), `the body: the name "area" is given twice`},
		{"duplicate in a batch", `{"protocols":[` + strings.Replace(good, `"contest":"list"`, `"contest":"x","contest":"list"`, 1) + `]}`, `protocols[0]: the name "contest" is given twice`},
		{"duplicate top level", `{"protocols":[],"protocols":[` + good + `]}`, `the body: the name "protocols" is given twice`},
		{"negative count", strings.Replace(good, `"registered":1000`, `"registered":-1000`, 1), `lines.registered: "-1000" has a sign`},
		{"exponent", strings.Replace(good, `"registered":1000`, `"registered":1e3`, 1), `"1e3" is not a whole number`},
		{"fraction", strings.Replace(good, `"registered":1000`, `"registered":1000.0`, 1), `"1000.0" is not a whole number`},
		{"overflow", strings.Replace(good, `"registered":1000`, `"registered":99999999999999999999`, 1), `"99999999999999999999" is too large`},
		{"count as a string", strings.Replace(good, `"registered":1000`, `"registered":"1000"`, 1), `lines.registered: a count is a number`},
		{"long line name", strings.Replace(good, `"option:a":400`, `"`+longName+`":1,"`+longName+`":2`, 1), `the name "nnnn`},
		{"long unknown field", strings.Replace(good, `"lines"`, `"`+longName+`":1,"lines"`, 1), `unknown field "nnnn`},
		// Names the validator and intake refuse are quoted by a prefix too.
		{"unknown long line", strings.Replace(good, `"option:a":400`, `"option:`+longName+`":400`, 1), `no line "option:nnnn`},
		{"unknown long precinct", strings.Replace(good, `"p1"`, `"`+longName+`"`, 1), `precinct "nnnn`},
		{"unknown long contest", strings.Replace(good, `"list"`, `"`+longName+`"`, 1), `contest "nnnn`},
		{"deep", strings.Repeat(`{"a":`, 20) + "1" + strings.Repeat("}", 20), "nested deeper than a protocol is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.post(t, f.tokens["admin"], tc.body)
			detail, _ := body["detail"].(string)
			if (resp.StatusCode != 422 && resp.StatusCode != 404) || !strings.Contains(detail, tc.detail) {
				t.Errorf("status %d, detail %q; want a refusal with %q", resp.StatusCode, detail, tc.detail)
			}
			if len(detail) > 300 {
				t.Errorf("the detail is %d bytes: it repeats the input", len(detail))
			}
			if all, _ := json.Marshal(body); strings.Contains(string(all), longName[:100]) {
				t.Errorf("the answer repeats the input: %s", all)
			}
		})
	}
	// The strict reading refuses nothing a well-formed protocol sends.
	if resp, body := f.post(t, f.tokens["admin"], `{"protocols":[`+good+`]}`); resp.StatusCode != 201 {
		t.Errorf("a good batch: status %d: %v", resp.StatusCode, body)
	}
}
