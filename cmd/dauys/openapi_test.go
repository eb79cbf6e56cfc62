package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/dauys/dauys/internal/intake"
)

// openAPI is docs/openapi.yaml with its schemas compiled: OpenAPI 3.1
// schemas are JSON Schema 2020-12, so the components go under $defs of one
// schema document and each answer is validated against its own.
type openAPI struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	defs     map[string]any
	n        int
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	data, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var y any
	if err := yaml.Unmarshal(data, &y); err != nil {
		t.Fatal(err)
	}
	// Through JSON, so that the compiler sees the numbers and maps it
	// expects.
	j, err := json.Marshal(y)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	o := &openAPI{doc: doc.(map[string]any)}
	comps, _ := o.doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	if len(schemas) == 0 {
		t.Fatal("openapi.yaml has no components.schemas")
	}
	o.defs = map[string]any{}
	for k, v := range schemas {
		o.defs[k] = rewriteRefs(v)
	}
	return o
}

// rewriteRefs points the document's schema references at $defs.
func rewriteRefs(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				out[k] = strings.Replace(s, "#/components/schemas/", "#/$defs/", 1)
			} else {
				out[k] = rewriteRefs(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = rewriteRefs(x)
		}
		return out
	}
	return v
}

// compile compiles one schema of the document (a response's), with every
// component beside it.
func (o *openAPI) compile(t *testing.T, schema any) *jsonschema.Schema {
	t.Helper()
	o.n++
	root := map[string]any{"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": o.defs,
		"$ref": "#/$defs/answer"}
	o.defs["answer"] = rewriteRefs(schema)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.AssertContent()
	loc := fmt.Sprintf("mem://openapi/%d.json", o.n)
	if err := c.AddResource(loc, root); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(loc)
	if err != nil {
		t.Fatalf("compiling the schema: %v", err)
	}
	return s
}

// resolve follows a local reference ("#/components/responses/Problem").
func (o *openAPI) resolve(v map[string]any) map[string]any {
	ref, ok := v["$ref"].(string)
	if !ok {
		return v
	}
	var cur any = o.doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		cur = cur.(map[string]any)[part]
	}
	return cur.(map[string]any)
}

// response returns the documented answer of an operation for a status:
// its content type and schema.
func (o *openAPI) response(op map[string]any, status int) (string, any, bool) {
	responses, _ := op["responses"].(map[string]any)
	r, ok := responses[strconv.Itoa(status)].(map[string]any)
	if !ok {
		if r, ok = responses["default"].(map[string]any); !ok {
			return "", nil, false
		}
	}
	r = o.resolve(r)
	content, _ := r["content"].(map[string]any)
	for ctype, c := range content {
		return ctype, c.(map[string]any)["schema"], true
	}
	return "", nil, true
}

// TestOpenAPI holds docs/openapi.yaml to a running server, on SQLite and
// on PostgreSQL, with an example election, accepted and refused
// protocols, turnout and a transparency log: every documented GET route
// is called (with each documented area query: none, a region, a
// precinct), and each answer's status, content type and body must be
// what the document says.
func TestOpenAPI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testOpenAPI(t, "") })
	t.Run("postgres", func(t *testing.T) {
		url := postgresURL(t)
		if url == "" {
			t.Skip("DAUYS_TEST_POSTGRES is not set")
		}
		testOpenAPI(t, url)
	})
}

func testOpenAPI(t *testing.T, db string) {
	spec := loadOpenAPI(t)
	o := startOpsOn(t, db)
	_, events := nightCSV(t, o.election, func(int) bool { return true })
	var good []intake.Submission
	for _, ev := range events {
		if !ev.Faulty && !ev.Submission.Amendment && len(good) < 12 {
			ev.Submission.AcknowledgeWarnings = true
			good = append(good, ev.Submission)
		}
	}
	if code, _, body := o.submit(t, "", good...); code != http.StatusOK {
		t.Fatalf("submit: %d %v", code, body)
	}
	precinct, contest := good[0].Area, good[0].Contest
	bad := intake.Submission{Contest: contest, Area: precinct, Lines: map[string]int64{}, AcknowledgeWarnings: true}
	for k, v := range good[0].Lines {
		bad.Lines[k] = v + 1
	}
	o.submit(t, "", bad)
	for _, body := range []string{`{"area":"` + precinct + `","time":"12:00","voters":5}`, `{"area":"` + precinct + `","time":"close","voters":10}`} {
		req, _ := http.NewRequest("POST", o.base+"/api/v1/elections/"+o.election+"/turnout", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+o.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("turnout %s: %d", body, resp.StatusCode)
		}
	}
	// Wait until the sequencer logged the precinct's protocol, so that
	// its "log" is an inclusion proof and not null.
	waitFor(t, "the protocol to be logged", func() bool {
		resp, err := http.Get(o.base + "/api/v1/elections/" + o.election + "/protocols/" + contest + "/" + precinct)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var v struct {
			Versions []struct{ Log any } `json:"versions"`
		}
		json.NewDecoder(resp.Body).Decode(&v)
		return len(v.Versions) > 0 && v.Versions[0].Log != nil
	})

	params := map[string]string{"id": o.election, "contest": contest, "area": precinct}
	areas := []string{"", intake.Region(o.e, precinct), precinct}
	paths := spec.doc["paths"].(map[string]any)
	var names []string
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	called := 0
	for _, p := range names {
		op, ok := paths[p].(map[string]any)["get"].(map[string]any)
		if !ok {
			continue
		}
		path := p
		for k, v := range params {
			path = strings.ReplaceAll(path, "{"+k+"}", url.PathEscape(v))
		}
		if strings.Contains(path, "{") {
			t.Errorf("%s: a path parameter the test does not fill", p)
			continue
		}
		queries := []string{""}
		prms, _ := op["parameters"].([]any)
		for _, prm := range prms {
			if prm := spec.resolve(prm.(map[string]any)); prm["in"] == "query" && prm["name"] == "area" {
				queries = nil
				for _, a := range areas {
					if a == "" {
						queries = append(queries, "")
					} else {
						queries = append(queries, "?area="+url.QueryEscape(a))
					}
				}
			}
		}
		for _, q := range queries {
			t.Run(strings.TrimPrefix(path+q, "/"), func(t *testing.T) {
				called++
				req, _ := http.NewRequest("GET", o.base+path+q, nil)
				req.Header.Set("Authorization", "Bearer "+o.token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				ctype, schema, ok := spec.response(op, resp.StatusCode)
				if !ok {
					t.Fatalf("answered %d, which %s does not document: %s", resp.StatusCode, p, body)
				}
				if got, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); got != ctype {
					t.Errorf("Content-Type %q, documented %q", got, ctype)
				}
				if resp.Header.Get("X-Request-Id") == "" {
					t.Error("no X-Request-Id")
				}
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("the answer is not JSON: %v\n%s", err, body)
				}
				if err := spec.compile(t, schema).Validate(inst); err != nil {
					t.Errorf("%d answer does not match %s:\n%v\n%s", resp.StatusCode, p, err, clipBody(body))
				}
			})
		}
	}
	if called < 15 {
		t.Errorf("called %d documented GET answers", called)
	}
}

func clipBody(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}
