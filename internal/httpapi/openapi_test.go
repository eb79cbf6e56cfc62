package httpapi_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/sqlite"
)

// openAPIFile is the API's contract, which cmd/dauys's TestOpenAPI also
// holds the live answers to.
const openAPIFile = "../../docs/openapi.yaml"

// TestOpenAPIDocumentsEveryRoute: every route the API registers is an
// operation of docs/openapi.yaml and every operation there is a route, so
// that the document cannot drift from the server. The routes are read
// from the server's own table, so that one added anywhere in the package
// fails here until it is documented.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	data, err := os.ReadFile(openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                               `yaml:"openapi"`
		Paths   map[string]map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", openAPIFile, err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
	}
	// With a user store the sign-in routes are registered too: every
	// route there is.
	f := newFixtureWith(t, func(c *httpapi.Config, s *sqlite.Store) { c.Users = s })
	var registered []string
	for _, r := range f.api.(*httpapi.Server).Routes() {
		registered = append(registered, openAPIPath(r))
	}
	if len(registered) < 15 {
		t.Fatalf("the server registers %d routes: %v", len(registered), registered)
	}
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("the route %q is not in %s", r, openAPIFile)
		}
	}
	for _, d := range documented {
		if !slices.Contains(registered, d) {
			t.Errorf("%s documents %q, which the server does not register", openAPIFile, d)
		}
	}
}

// wildcard is a ServeMux wildcard that takes the rest of the path.
var wildcard = regexp.MustCompile(`\{([a-z_]+)\.\.\.\}`)

// openAPIPath writes a ServeMux pattern ("GET /a/{id}/{rest...}") as an
// OpenAPI operation ("GET /a/{id}/{rest}").
func openAPIPath(pattern string) string {
	return wildcard.ReplaceAllString(pattern, "{$1}")
}
