package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/dauys/dauys/internal/httpapi"
)

// TestBearerScheme: the scheme of an Authorization header is
// case-insensitive (RFC 9110, section 11.1), and spaces around the token do
// not matter; anything but the Bearer scheme with a token is refused.
func TestBearerScheme(t *testing.T) {
	f := newFixture(t)
	secret := f.tokens["admin"]
	for _, tc := range []struct {
		name, header string
		want         int
	}{
		{"canonical", "Bearer " + secret, http.StatusOK},
		{"lower case", "bearer " + secret, http.StatusOK},
		{"upper case", "BEARER " + secret, http.StatusOK},
		{"mixed case", "bEaReR " + secret, http.StatusOK},
		{"several spaces", "Bearer    " + secret, http.StatusOK},
		{"surrounding spaces", "  bearer " + secret + "  ", http.StatusOK},
		{"tab after the token", "Bearer " + secret + "\t", http.StatusOK},
		{"another scheme", "Basic " + secret, http.StatusUnauthorized},
		{"no space", "Bearer" + secret, http.StatusUnauthorized},
		{"no token", "Bearer ", http.StatusUnauthorized},
		{"scheme alone", "bearer", http.StatusUnauthorized},
		{"wrong token", "bearer nope", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", tc.header)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("Authorization %q: %d, want %d", tc.header, resp.StatusCode, tc.want)
			}
		})
	}
}

// TestNosniffEverywhere: every answer of the server, the API's and those
// of handlers registered beside it (the site, the transparency log), tells
// browsers not to guess its type, errors included.
func TestNosniffEverywhere(t *testing.T) {
	f := newFixture(t)
	f.api.(*httpapi.Server).Mux().HandleFunc("GET /beside/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<p>a page that sets no headers</p>"))
	})
	for _, path := range []string{"/healthz", "/api/v1/elections", "/api/v1/elections/e/results", "/api/v1/elections/nope/results",
		"/api/v1/me", "/beside/x", "/nothing-here"} {
		resp, err := http.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s (%d): X-Content-Type-Options %q", path, resp.StatusCode, got)
		}
	}
}
