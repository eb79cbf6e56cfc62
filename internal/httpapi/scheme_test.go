package httpapi_test

import (
	"net/http"
	"testing"
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
