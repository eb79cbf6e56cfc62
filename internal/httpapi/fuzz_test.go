package httpapi_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzSubmitBody posts arbitrary bodies to the submission endpoint: every
// answer is a client error or a success, never a server error or a panic.
func FuzzSubmitBody(f *testing.F) {
	for _, s := range []string{
		good,
		`{"protocols":[` + good + `]}`,
		`{"contest":"list","area":"p1","lines":{"registered":-5}}`,
		`{"contest":"list","area":"p1","lines":{"registered":1e400}}`,
		`{"contest":1}`, `[]`, `null`, `{"protocols":[null]}`, `{"signature":"!!"}`,
		`{"contest":"list","area":"p1","amendment":true,"reason":"x","entry":3,"lines":{}}`,
		// Overflow-sized counts: four of 2^62 add up to 2^64, an int64's 0.
		`{"contest":"list","area":"p1","lines":{"registered":1000,"took_part":0,"invalid":4611686018427387904,"against_all":4611686018427387904,"option:a":4611686018427387904,"option:b":4611686018427387904}}`,
		`{"contest":"list","area":"p1","lines":{"registered":9223372036854775807,"took_part":9223372036854775807,"invalid":0,"against_all":0,"option:a":9223372036854775807,"option:b":0}}`,
		`{"contest":"list","area":"p1","lines":{"registered":1000,"took_part":-9223372036854775808,"invalid":0,"against_all":0,"option:a":0,"option:b":0}}`,
		strings.Replace(good, `"option:a":400`, `"option:a":null`, 1),
		strings.Replace(good, `"option:a":400`, `"option:a":9,"option:a":400`, 1),
		strings.Replace(good, `"area":"p1"`, `"area":"p2","area":"p1"`, 1),
		`{"protocols":[` + good + `],"protocols":[]}`,
		strings.Replace(good, `"registered":1000`, `"registered":-1000`, 1),
		strings.Replace(good, `"registered":1000`, `"registered":9223372036854775807`, 1),
		strings.Replace(good, `"registered":1000`, `"registered":9223372036854775808`, 1),
		strings.Replace(good, `"option:a":400,"option:b":170`, `"option:a":4611686018427387904,"option:b":4611686018427387904`, 1),
		strings.Replace(good, `"registered":1000`, `"registered":1E3`, 1),
	} {
		f.Add(s)
	}
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/api/v1/elections/e/protocols", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+fx.tokens["admin"])
		rec := httptest.NewRecorder()
		fx.api.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("status %d without a problem document", rec.Code)
		}
		if rec.Code < 300 {
			if why := loose(body); why != "" {
				t.Errorf("status %d for a body with %s: %q", rec.Code, why, body)
			}
		}
		// Whatever was accepted, the results stay servable.
		rec = httptest.NewRecorder()
		fx.api.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/elections/e/results", nil))
		if rec.Code != 200 {
			t.Fatalf("results after %q: status %d: %s", body, rec.Code, rec.Body)
		}
	})
}

// loose says what a JSON text holds that a protocol body may not: a name
// twice in one object, or a null ("" for a text without either, or that
// is not JSON). It is the fuzzer's own reading, kept apart from the
// server's.
func loose(body string) string {
	dec := json.NewDecoder(strings.NewReader(body))
	var value func() string
	value = func() string {
		tok, err := dec.Token()
		if err != nil || tok == nil {
			return map[bool]string{true: "a null"}[err == nil]
		}
		if tok == json.Delim('{') {
			seen := map[string]bool{}
			for dec.More() {
				name, _ := dec.Token()
				if s, _ := name.(string); seen[s] {
					return "a name given twice"
				} else {
					seen[s] = true
				}
				if why := value(); why != "" {
					return why
				}
			}
		}
		for tok == json.Delim('[') && dec.More() {
			if why := value(); why != "" {
				return why
			}
		}
		if _, open := tok.(json.Delim); open {
			dec.Token() // the closing delimiter
		}
		return ""
	}
	return value()
}
