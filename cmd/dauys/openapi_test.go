package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
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
// Where the answer may come in several types (an image as JPEG or PNG),
// the one the server sent (got) is taken when the document lists it.
func (o *openAPI) response(op map[string]any, status int, got string) (string, any, bool) {
	responses, _ := op["responses"].(map[string]any)
	r, ok := responses[strconv.Itoa(status)].(map[string]any)
	if !ok {
		if r, ok = responses["default"].(map[string]any); !ok {
			return "", nil, false
		}
	}
	r = o.resolve(r)
	content, _ := r["content"].(map[string]any)
	if c, ok := content[got].(map[string]any); ok {
		return got, c["schema"], true
	}
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
	// The observers' photos go to a folder of the test's, on PostgreSQL
	// too (imagesFor).
	t.Setenv("DAUYS_IMAGES", t.TempDir())
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

	// The observers' routes: an organisation's copies and their photos,
	// a complaint with its photo and decision, recounts.
	obs := openAPIObservers(t, spec, o, good[0], good[1].Area)

	params := map[string]string{"id": o.election, "contest": contest, "area": precinct,
		"obs": obs.observation, "complaint": obs.complaint, "sha256": obs.image}
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
	if called < 30 {
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
	return o.callAs(t, srv, srv.token, "", method, path, url, body)
}

// callAs is call with another Bearer token, and a body of type ctype
// ("" for JSON): a body of another type must be one the operation
// documents, and is not validated further.
func (o *openAPI) callAs(t *testing.T, srv *opsServer, token, ctype, method, path, url, body string) (int, []byte) {
	t.Helper()
	op := o.operation(t, method, path)
	if body != "" {
		rb, _ := op["requestBody"].(map[string]any)
		content, _ := rb["content"].(map[string]any)
		if ctype != "" {
			if _, ok := content[ctype]; !ok {
				t.Fatalf("%s %s documents no %s request body", method, path, ctype)
			}
		} else {
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
	}
	req, _ := http.NewRequest(method, srv.base+url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	gotType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	ctype, schema, ok := o.response(op, resp.StatusCode, gotType)
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
	if gotType != ctype {
		t.Errorf("%s %s: Content-Type %q, documented %q", method, path, gotType, ctype)
	}
	if ctype != "application/json" && ctype != "application/problem+json" {
		// A file (CSV, an image): its type is what the document says,
		// and it is not empty; the callers check what it holds.
		if len(answer) == 0 {
			t.Errorf("%s %s answered %d with an empty %s", method, path, resp.StatusCode, ctype)
		}
		return resp.StatusCode, answer
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

// openAPIObserved is what openAPIObservers stored: the ids that fill the
// observers' path parameters.
type openAPIObserved struct {
	observation, complaint, image string
}

// openAPIObservers sends the observers' writes through the document, as
// TestOpenAPI does the protocols': an organisation's copy of the accepted
// protocol official (one vote moved from one answer to the other, so that
// there is a discrepancy to list) and its photo, a complaint with a photo
// decided by ordering a recount, and a recount of the commission's own
// motion in another precinct, other, and its refusal while it is open.
// Each body and answer is held to the document.
func openAPIObservers(t *testing.T, spec *openAPI, o *opsServer, official intake.Submission, other string) openAPIObserved {
	t.Helper()
	var got openAPIObserved
	mustRun(t, "org", "register", "--db", o.db, "--election", o.election, "--name", "Adal", "--kind", "ngo")
	observer := strings.TrimSpace(mustRun(t, "token", "create", "--db", o.db, "--role", "observer", "--org", "Adal", "--election", o.election))
	base := "/api/v1/elections/" + o.election

	lines := map[string]int64{}
	for k, v := range official.Lines {
		lines[k] = v
	}
	if lines["yes"] > 0 {
		lines["yes"], lines["no"] = lines["yes"]-1, lines["no"]+1
	} else {
		lines["yes"], lines["no"] = lines["yes"]+1, lines["no"]-1
	}
	copyBody, _ := json.Marshal(map[string]any{"contest": official.Contest, "area": official.Area, "lines": lines})
	const observations = "/api/v1/elections/{id}/observations"
	// The admin's token names no organisation: 403, a problem.
	if code, body := spec.call(t, o, "POST", observations, base+"/observations", string(copyBody)); code != http.StatusForbidden {
		t.Errorf("a copy without an organisation: %d %s", code, body)
	}
	code, body := spec.callAs(t, o, observer, "", "POST", observations, base+"/observations", string(copyBody))
	if code != http.StatusCreated {
		t.Fatalf("an observer's copy: %d %s", code, body)
	}
	var stored struct{ ID string }
	if err := json.Unmarshal(body, &stored); err != nil || stored.ID == "" {
		t.Fatalf("the copy's id: %v %s", err, body)
	}
	got.observation = stored.ID

	var pic bytes.Buffer
	png.Encode(&pic, image.NewGray(image.Rect(0, 0, 8, 6)))
	const obsImages = "/api/v1/elections/{id}/observations/{obs}/images"
	code, body = spec.callAs(t, o, observer, "image/png", "POST", obsImages, base+"/observations/"+got.observation+"/images", pic.String())
	if code != http.StatusCreated {
		t.Fatalf("the copy's photo: %d %s", code, body)
	}
	var img struct{ SHA256 string }
	json.Unmarshal(body, &img)
	got.image = img.SHA256
	if code, body := spec.callAs(t, o, observer, "image/png", "POST", obsImages, base+"/observations/"+got.observation+"/images", "not a PNG"); code != http.StatusUnprocessableEntity {
		t.Errorf("a photo that is no PNG: %d %s", code, body)
	}

	const complaints = "/api/v1/elections/{id}/complaints"
	complaint, _ := json.Marshal(map[string]string{"area": official.Area, "contest": official.Contest,
		"text": "The count was announced before the mobile box was opened."})
	code, body = spec.call(t, o, "POST", complaints, base+"/complaints", string(complaint))
	if code != http.StatusCreated {
		t.Fatalf("a complaint: %d %s", code, body)
	}
	json.Unmarshal(body, &stored)
	got.complaint = stored.ID
	cbase := base + "/complaints/" + got.complaint
	var gray bytes.Buffer
	png.Encode(&gray, image.NewGray(image.Rect(0, 0, 6, 8)))
	if code, body := spec.call(t, o, "POST", complaints+"/{complaint}/images", cbase+"/images", ""); code != http.StatusUnprocessableEntity {
		t.Errorf("a complaint's photo without a body: %d %s", code, body)
	}
	if code, body := spec.callAs(t, o, o.token, "image/png", "POST", complaints+"/{complaint}/images", cbase+"/images", gray.String()); code != http.StatusCreated {
		t.Fatalf("a complaint's photo: %d %s", code, body)
	}
	const decision = complaints + "/{complaint}/decision"
	decide := `{"status":"recount-ordered","decision":"The mobile box was counted after the announcement; the precinct recounts."}`
	code, body = spec.call(t, o, "POST", decision, cbase+"/decision", decide)
	var decided struct{ Recount *struct{ ID string } }
	if json.Unmarshal(body, &decided); code != http.StatusOK || decided.Recount == nil || decided.Recount.ID == "" {
		t.Fatalf("a decision ordering a recount: %d %s", code, body)
	}
	if code, body := spec.call(t, o, "POST", decision, cbase+"/decision", decide); code != http.StatusConflict {
		t.Errorf("a second decision: %d %s", code, body)
	}

	const recounts = "/api/v1/elections/{id}/recounts"
	order, _ := json.Marshal(map[string]string{"area": other, "contest": official.Contest, "reason": "The commission's own motion: the turnout log and the protocol disagree."})
	if code, body := spec.call(t, o, "POST", recounts, base+"/recounts", string(order)); code != http.StatusCreated {
		t.Fatalf("a recount: %d %s", code, body)
	}
	if code, body := spec.call(t, o, "POST", recounts, base+"/recounts", string(order)); code != http.StatusConflict {
		t.Errorf("a second recount while one is open: %d %s", code, body)
	}

	// What the GET routes will show, beyond the schemas: the discrepancy,
	// the CSV row, the photo's bytes, the complaint with its recount.
	_, body = spec.call(t, o, "GET", "/api/v1/elections/{id}/discrepancies", base+"/discrepancies?area="+official.Area, "")
	var checks struct {
		Discrepancies []struct{ Line, Observation string }
		Observed      int `json:"precincts_observed"`
		Matching      int `json:"precincts_matching"`
	}
	json.Unmarshal(body, &checks)
	if len(checks.Discrepancies) != 2 || checks.Discrepancies[0].Observation != got.observation || checks.Observed != 1 || checks.Matching != 0 {
		t.Errorf("the discrepancies do not show the moved vote: %s", body)
	}
	if _, body := spec.call(t, o, "GET", "/api/v1/elections/{id}/discrepancies.csv", base+"/discrepancies.csv", ""); !strings.HasPrefix(string(body), "area,contest,line,official,observed,org,observation\n") || !strings.Contains(string(body), ",yes,") {
		t.Errorf("the discrepancies CSV: %s", body)
	}
	if _, body := spec.call(t, o, "GET", "/images/{sha256}", "/images/"+got.image, ""); !bytes.HasPrefix(body, []byte("\x89PNG")) {
		t.Errorf("the photo is not a PNG: %q", clipBody(body))
	}
	if code, _ := spec.call(t, o, "GET", "/images/{sha256}", "/images/"+strings.Repeat("0", 64), ""); code != http.StatusNotFound {
		t.Errorf("an unknown image: %d", code)
	}
	_, body = spec.call(t, o, "GET", complaints, base+"/complaints", "")
	var listed struct {
		Complaints []struct {
			Status, Recount string
			Images          []string
		}
		Recounts []struct{ Area string }
	}
	json.Unmarshal(body, &listed)
	if len(listed.Complaints) != 1 || listed.Complaints[0].Status != "recount-ordered" || listed.Complaints[0].Recount != decided.Recount.ID ||
		len(listed.Complaints[0].Images) != 1 || len(listed.Recounts) != 2 {
		t.Errorf("the complaints: %s", body)
	}
	return got
}
