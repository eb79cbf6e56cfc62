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
	})
}
