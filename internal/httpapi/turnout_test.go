package httpapi_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/teststores"
)

// turnoutDefinition is the API's test election before polling day, taking
// turnout reports at the Kazakh hours.
func turnoutDefinition(id string) *dauys.Election {
	e := election()
	e.ID, e.Status = id, ""
	e.TurnoutHours = []string{"10:00", "12:00", "14:00", "16:00", "18:00"}
	return e
}

// decoded returns the JSON of s decoded as the API's answers are.
func decoded(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestTurnoutAPI(t *testing.T) {
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		url, tok := serverFor(t, s, turnoutDefinition("e"))
		post := url + "/api/v1/elections/e/turnout"
		for _, c := range []struct {
			name, token, body string
			status            int
			code, outcome     string
		}{
			{"no token", "", `{"area":"p1","time":"10:00","voters":100}`, 401, dauys.EUNAUTHORIZED, ""},
			{"observer", tok["obs"], `{"area":"p1","time":"10:00","voters":100}`, 403, dauys.EFORBIDDEN, ""},
			{"another precinct", tok["uik1"], `{"area":"p2","time":"10:00","voters":80}`, 403, dauys.EFORBIDDEN, ""},
			{"outside the operator's area", tok["alice"], `{"area":"p2","time":"10:00","voters":80}`, 403, dauys.EFORBIDDEN, ""},
			{"own precinct", tok["uik1"], `{"area":"p1","time":"10:00","voters":100}`, 201, "", dauys.OutcomeAccepted},
			{"again", tok["uik1"], `{"area":"p1","time":"10:00","voters":100}`, 200, "", dauys.OutcomeDuplicate},
			{"operator in its area", tok["op2"], `{"area":"p2","time":"10:00","voters":80}`, 201, "", dauys.OutcomeAccepted},
			{"a precinct may not amend", tok["uik1"], `{"area":"p1","time":"10:00","voters":110,"amendment":true,"reason":"miscounted"}`, 403, dauys.EFORBIDDEN, ""},
			{"the operator amends", tok["alice"], `{"area":"p1","time":"10:00","voters":110,"amendment":true,"reason":"miscounted"}`, 201, "", dauys.OutcomeAmended},
			{"a different figure", tok["alice"], `{"area":"p1","time":"10:00","voters":120}`, 409, dauys.ECONFLICT, ""},
			{"less than earlier", tok["alice"], `{"area":"p1","time":"12:00","voters":50}`, 409, dauys.ECONFLICT, ""},
			{"more than registered", tok["op2"], `{"area":"p2","time":"12:00","voters":801}`, 422, dauys.EINVALID, ""},
			{"not a reporting time", tok["alice"], `{"area":"p1","time":"11:00","voters":150}`, 422, dauys.EINVALID, ""},
			{"no such precinct", tok["admin"], `{"area":"p7","time":"10:00","voters":1}`, 404, dauys.ENOTFOUND, ""},
			{"negative", tok["alice"], `{"area":"p1","time":"12:00","voters":-5}`, 422, dauys.EINVALID, ""},
			{"exponent", tok["alice"], `{"area":"p1","time":"12:00","voters":1e3}`, 422, dauys.EINVALID, ""},
			{"string", tok["alice"], `{"area":"p1","time":"12:00","voters":"300"}`, 422, dauys.EINVALID, ""},
			{"null", tok["alice"], `{"area":"p1","time":"12:00","voters":null}`, 422, dauys.EINVALID, ""},
			{"twice", tok["alice"], `{"area":"p1","time":"12:00","voters":300,"voters":1}`, 422, dauys.EINVALID, ""},
			{"unknown field", tok["alice"], `{"area":"p1","time":"12:00","votes":300}`, 422, dauys.EINVALID, ""},
			{"one and a batch", tok["alice"], `{"area":"p1","time":"12:00","voters":300,"reports":[{"area":"p1","time":"14:00","voters":400}]}`, 422, dauys.EINVALID, ""},
		} {
			resp, out := request(t, "POST", post, c.token, c.body)
			if resp.StatusCode != c.status || out["code"] != nilIfEmpty(c.code) || out["outcome"] != nilIfEmpty(c.outcome) {
				t.Errorf("%s: %d %v, want %d code %q outcome %q", c.name, resp.StatusCode, out, c.status, c.code, c.outcome)
			}
			if c.status == 409 {
				if text, _ := out["text"].(map[string]any); text["kk"] == "" || text["ru"] == "" || text["en"] == "" {
					t.Errorf("%s: the refusal has no kk/ru/en text: %v", c.name, out)
				}
			}
		}
		if resp, _ := request(t, "POST", url+"/api/v1/elections/zz/turnout", tok["admin"], `{"area":"p1","time":"10:00","voters":1}`); resp.StatusCode != 404 {
			t.Errorf("an unknown election: %d, want 404", resp.StatusCode)
		}
		resp, out := request(t, "POST", post, tok["admin"], `{"reports":[{"area":"p1","time":"12:00","voters":300},{"area":"p1","time":"14:00","voters":200}]}`)
		if results, _ := out["results"].([]any); resp.StatusCode != 207 || len(results) != 2 ||
			results[0].(map[string]any)["outcome"] != "accepted" || results[1].(map[string]any)["error"].(map[string]any)["code"] != dauys.ECONFLICT {
			t.Errorf("a batch with a refusal: %d %v, want 207 with one accepted and one conflict", resp.StatusCode, out)
		}

		// The GET answers exactly the pinned JSON.
		for _, c := range []struct{ query, want string }{
			{"", `{"area":"kz","reports":[
				{"time":"10:00","voters":190,"registered":1800,"precincts_reported":2,"precincts":2,"percent":"10.56"},
				{"time":"12:00","voters":300,"registered":1000,"precincts_reported":1,"precincts":2,"percent":"30.00"}],
				"quorum_reached_at":null}`},
			{"?area=r2", `{"area":"r2","reports":[
				{"time":"10:00","voters":80,"registered":800,"precincts_reported":1,"precincts":1,"percent":"10.00"}],
				"quorum_reached_at":null}`},
		} {
			resp, body := send(t, "GET", url+"/api/v1/elections/e/turnout"+c.query, "", "")
			if resp.StatusCode != 200 || !reflect.DeepEqual(decoded(t, string(body)), decoded(t, c.want)) {
				t.Errorf("GET turnout%s: %d %s, want %s", c.query, resp.StatusCode, body, c.want)
			}
		}
		for _, path := range []string{"/api/v1/elections/e/turnout?area=nope", "/api/v1/elections/zz/turnout"} {
			if status, _ := get(t, url+path, ""); status != 404 {
				t.Errorf("GET %s: %d, want 404", path, status)
			}
		}
		events := 0
		s.AuditEvents(t.Context(), "e", func(e *dauys.AuditEvent) error {
			if e.Action == dauys.AuditTurnout && e.Outcome == dauys.OutcomeAccepted && e.Object == "turnout/p1/10:00" {
				events++
			}
			return nil
		})
		if events != 1 {
			t.Errorf("%d audit events of the accepted report of p1 at 10:00, want 1", events)
		}

		// The lifecycle: the first report opened voting, the first
		// protocol starts counting, final results refuse both until the
		// commission reopens them.
		checkStatus := func(status, lifecycle string, decision bool) {
			t.Helper()
			code, e := get(t, url+"/api/v1/elections/e", "")
			if code != 200 || e["status"] != status || e["lifecycle_status"] != lifecycle || (e["final_decision"] != nil) != decision || e["contests"] == nil {
				t.Errorf("GET the election: %d status %v, lifecycle %v, decision %v; want %s, %s, decision %v",
					code, e["status"], e["lifecycle_status"], e["final_decision"], status, lifecycle, decision)
			}
		}
		checkStatus(dauys.StatusVoting, dauys.StatusVoting, false)
		protocol := func(area string) string {
			return `{"contest":"list","area":"` + area + `","lines":{"registered":1000,"took_part":600,"invalid":10,"against_all":20,"option:a":400,"option:b":170}}`
		}
		if resp, out := request(t, "POST", url+"/api/v1/elections/e/protocols", tok["admin"], protocol("p1")); resp.StatusCode != 201 {
			t.Fatalf("the first protocol: %d %v", resp.StatusCode, out)
		}
		checkStatus(dauys.StatusCounting, dauys.StatusCounting, false)
		if err := s.ChangeElectionStatus(t.Context(), &dauys.StatusChange{Election: "e", To: dauys.StatusFinal, DecisionDate: "2026-03-20", DecisionNumber: "12/345", Actor: "cec"}); err != nil {
			t.Fatal(err)
		}
		checkStatus(dauys.StatusFinal, dauys.StatusFinal, true)
		if resp, out := request(t, "POST", url+"/api/v1/elections/e/protocols", tok["admin"], protocol("p2")); resp.StatusCode != 409 {
			t.Errorf("a protocol after final: %d %v, want 409", resp.StatusCode, out)
		}
		if resp, out := request(t, "POST", post, tok["op2"], `{"area":"p2","time":"close","voters":500}`); resp.StatusCode != 409 {
			t.Errorf("turnout after final: %d %v, want 409", resp.StatusCode, out)
		}
		if err := s.ChangeElectionStatus(t.Context(), &dauys.StatusChange{Election: "e", To: dauys.StatusCounting, Reason: "recount ordered", Actor: "cec"}); err != nil {
			t.Fatal(err)
		}
		checkStatus(dauys.StatusCounting, dauys.StatusCounting, false)
		if resp, out := request(t, "POST", url+"/api/v1/elections/e/protocols", tok["admin"], protocol("p2")); resp.StatusCode != 201 {
			t.Errorf("a protocol after the reopening: %d %v, want 201", resp.StatusCode, out)
		}
		if resp, out := request(t, "POST", post, tok["op2"], `{"area":"p2","time":"close","voters":500}`); resp.StatusCode != 201 {
			t.Errorf("turnout after the reopening: %d %v, want 201", resp.StatusCode, out)
		}
	})
}

// TestTurnoutCacheDropped reads turnout, stores a report and reads again
// at the same instant: the cached answer was dropped, not served stale.
func TestTurnoutCacheDropped(t *testing.T) {
	f := newFixtureWith(t, func(_ *httpapi.Config, s *sqlite.Store) {
		if err := s.CreateElection(t.Context(), turnoutDefinition("t")); err != nil {
			t.Fatal(err)
		}
	})
	read := func() string {
		_, body := f.do(t, "GET", "/api/v1/elections/t/turnout", "", "")
		return string(body)
	}
	before := read()
	if resp, out := request(t, "POST", f.srv.URL+"/api/v1/elections/t/turnout", f.tokens["admin"], `{"area":"p1","time":"10:00","voters":100}`); resp.StatusCode != 201 {
		t.Fatalf("report: %d %v", resp.StatusCode, out)
	}
	after := read()
	want := `{"area":"kz","reports":[{"time":"10:00","voters":100,"registered":1000,"precincts_reported":1,"precincts":2,"percent":"10.00"}],"quorum_reached_at":null}`
	if before == after || !reflect.DeepEqual(decoded(t, after), decoded(t, want)) {
		t.Errorf("turnout after a report: %s (before: %s), want %s", after, before, want)
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
