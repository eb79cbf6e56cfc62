package httpapi_test

import (
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
		// Whatever was accepted, the results stay servable.
		rec = httptest.NewRecorder()
		fx.api.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/elections/e/results", nil))
		if rec.Code != 200 {
			t.Fatalf("results after %q: status %d: %s", body, rec.Code, rec.Body)
		}
	})
}
