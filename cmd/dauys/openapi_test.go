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
	doc  map[string]any
	defs map[string]any
	n    int
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
// on PostgreSQL, with an example election and a transparency log. The
// writes go through the document (protocols alone and in batches,
// accepted, duplicate and refused; turnout; sign-in and out): each body
// sent must match the operation's request schema and each answer its
// responses. Then every documented GET route is called (with each
// documented area query: none, a region, a precinct), and each answer's
// status, content type and body must be what the document says.
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
	// The writes go through the document too: a batch, one protocol, a
	// refused one alone and in a batch, turnout reports.
	const protocols = "/api/v1/elections/{id}/protocols"
	submitURL := "/api/v1/elections/" + o.election + "/protocols"
	batch, _ := json.Marshal(map[string]any{"protocols": good[1:]})
	if code, body := spec.call(t, o, "POST", protocols, submitURL, string(batch)); code != http.StatusOK {
		t.Fatalf("a batch: %d %s", code, body)
	}
	one, _ := json.Marshal(good[0])
	if code, body := spec.call(t, o, "POST", protocols, submitURL, string(one)); code != http.StatusCreated {
		t.Fatalf("one protocol: %d %s", code, body)
	}
	if code, body := spec.call(t, o, "POST", protocols, submitURL, string(one)); code != http.StatusOK {
		t.Fatalf("a duplicate: %d %s", code, body)
	}
	precinct, contest := good[0].Area, good[0].Contest
	bad := intake.Submission{Contest: contest, Area: precinct, Lines: map[string]int64{}, AcknowledgeWarnings: true}
	for k, v := range good[0].Lines {
		bad.Lines[k] = v + 1
	}
	refused, _ := json.Marshal(bad)
	if code, body := spec.call(t, o, "POST", protocols, submitURL, string(refused)); code != http.StatusConflict && code != http.StatusUnprocessableEntity {
		t.Fatalf("a refused protocol: %d %s", code, body)
	}
	mixed, _ := json.Marshal(map[string]any{"protocols": []intake.Submission{good[0], bad}})
	if code, body := spec.call(t, o, "POST", protocols, submitURL, string(mixed)); code != http.StatusMultiStatus {
		t.Fatalf("a batch with a refusal: %d %s", code, body)
	}
	const turnout = "/api/v1/elections/{id}/turnout"
	turnoutURL := "/api/v1/elections/" + o.election + "/turnout"
	for _, body := range []string{`{"area":"` + precinct + `","time":"12:00","voters":5}`, `{"reports":[{"area":"` + precinct + `","time":"close","voters":10}]}`} {
		if code, answer := spec.call(t, o, "POST", turnout, turnoutURL, body); code != http.StatusCreated && code != http.StatusOK {
			t.Fatalf("turnout %s: %d %s", body, code, answer)
		}
	}
	if code, _ := spec.call(t, o, "POST", turnout, turnoutURL, `{"area":"`+precinct+`","time":"03:00","voters":5}`); code != http.StatusUnprocessableEntity {
		t.Errorf("turnout at a time that is no reporting time: %d", code)
	}
	// Sign-in: a person's account, a session, and its end.
	if code, out, errs := runIn(t, "correct horse battery staple\n", "user", "add", "--db", o.db, "--name", "obs", "--role", "observer", "--election", o.election); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, errs)
	}
	if code, body := spec.call(t, o, "POST", "/api/v1/login", "/api/v1/login", `{"user":"obs","password":"correct horse battery staple"}`); code != http.StatusOK {
		t.Fatalf("login: %d %s", code, body)
	}
	if code, _ := spec.call(t, o, "POST", "/api/v1/login", "/api/v1/login", `{"user":"obs","password":"wrong horse battery staple"}`); code != http.StatusUnauthorized {
		t.Errorf("a wrong password: %d", code)
	}
	if code, _ := spec.call(t, o, "POST", "/api/v1/logout", "/api/v1/logout", ""); code != http.StatusNoContent && code != http.StatusUnauthorized {
		t.Errorf("logout: %d", code)
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
				spec.call(t, o, "GET", p, path+q, "")
			})
		}
	}
	if called < 15 {
		t.Errorf("called %d documented GET answers", called)
	}
}

// operation returns the document's operation of a method and path.
func (o *openAPI) operation(t *testing.T, method, path string) map[string]any {
	t.Helper()
	item, ok := o.doc["paths"].(map[string]any)[path].(map[string]any)
	if !ok {
		t.Fatalf("openapi.yaml has no path %s", path)
	}
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		t.Fatalf("openapi.yaml has no %s %s", method, path)
	}
	return op
}

// call sends a request to the documented operation (method and path as
// the document writes them; url is the path filled in), with the admin
// token, and checks both ways: the body sent against the operation's
// request schema, and the answer's status, content type and body against
// its responses. It returns the status and the answer.
func (o *openAPI) call(t *testing.T, srv *opsServer, method, path, url, body string) (int, []byte) {
	t.Helper()
	op := o.operation(t, method, path)
	if body != "" {
		rb, _ := op["requestBody"].(map[string]any)
		content, _ := rb["content"].(map[string]any)
		jsonBody, _ := content["application/json"].(map[string]any)
		if jsonBody == nil {
			t.Fatalf("%s %s documents no JSON request body", method, path)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if err := o.compile(t, jsonBody["schema"]).Validate(inst); err != nil {
			t.Errorf("the request body does not match %s %s:\n%v\n%s", method, path, err, body)
		}
	}
	req, _ := http.NewRequest(method, srv.base+url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+srv.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	ctype, schema, ok := o.response(op, resp.StatusCode)
	if !ok {
		t.Fatalf("%s %s answered %d, which the document does not list: %s", method, path, resp.StatusCode, answer)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	if ctype == "" { // an answer without a body, as 204
		if len(answer) > 0 {
			t.Errorf("%s %s answered %d with a body the document does not have: %s", method, path, resp.StatusCode, answer)
		}
		return resp.StatusCode, answer
	}
	if got, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); got != ctype {
		t.Errorf("%s %s: Content-Type %q, documented %q", method, path, got, ctype)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(answer))
	if err != nil {
		t.Fatalf("the answer is not JSON: %v\n%s", err, answer)
	}
	if err := o.compile(t, schema).Validate(inst); err != nil {
		t.Errorf("%s %s: the %d answer does not match:\n%v\n%s", method, path, resp.StatusCode, err, clipBody(answer))
	}
	return resp.StatusCode, answer
}

func clipBody(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}
