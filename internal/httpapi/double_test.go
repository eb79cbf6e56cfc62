package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/teststores"
)

// doubleServer serves election e with double entry on a fresh store and
// returns its URL and a token secret for each name: alice has two tokens
// (alice, alice-laptop) with one subject, bob and carol are operators of
// r1, uik1 is precinct p1's commission and obs an observer.
func doubleServer(t *testing.T, s teststores.Store) (string, map[string]string) {
	t.Helper()
	e := election()
	e.DoubleEntry = true
	return serverFor(t, s, e)
}

// serverFor serves the election on a fresh store with an audit trail, and
// returns its URL and a token secret for each name: those of doubleServer,
// and the CEC's admin and op2, an operator of r2.
func serverFor(t *testing.T, s teststores.Store, e *dauys.Election) (string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	if err := s.CreateElection(ctx, e); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 15, 21, 0, 0, 0, time.UTC)
	clock := func() time.Time { now = now.Add(time.Second); return now }
	in := intake.New(s, clock)
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Store: s, Tokens: s, Audit: s, Intake: in, Tally: tally.New(s, in.Elections()), Now: clock}))
	t.Cleanup(srv.Close)
	tokens := map[string]string{}
	for name, p := range map[string]dauys.Principal{
		"alice":        {Subject: "alice", Role: dauys.RoleOperator, Election: "e", Area: "r1"},
		"alice-laptop": {Subject: "alice", Role: dauys.RoleOperator, Election: "e", Area: "r1"},
		"bob":          {Subject: "bob", Role: dauys.RoleOperator, Election: "e", Area: "r1"},
		"carol":        {Subject: "carol", Role: dauys.RoleOperator, Election: "e", Area: "r1"},
		"uik1":         {Subject: "uik-1", Role: dauys.RolePrecinct, Election: "e", Area: "p1"},
		"obs":          {Subject: "obs", Role: dauys.RoleObserver, Election: "e"},
		"admin":        {Subject: "cec", Role: dauys.RoleAdmin},
		"op2":          {Subject: "op-r2", Role: dauys.RoleOperator, Election: "e", Area: "r2"},
	} {
		tok := dauys.Token{ID: name, Hash: dauys.HashToken("secret-" + name), Principal: p, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
		if err := s.CreateToken(ctx, &tok); err != nil {
			t.Fatal(err)
		}
		tokens[name] = "secret-" + name
	}
	return srv.URL, tokens
}

// get reads url with a token ("" for none) and returns the status and
// the decoded JSON body.
func get(t *testing.T, url, token string) (int, map[string]any) {
	t.Helper()
	resp, out := request(t, "GET", url, token, "")
	return resp.StatusCode, out
}

// TestDoubleEntryAPI: in a double-entry election the API counts nothing
// until two people's entries agree, one person with two tokens is one
// person, and a dispute is shown to and resolved by a third person only.
func TestDoubleEntryAPI(t *testing.T) {
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		url, tok := doubleServer(t, s)
		post := func(token, body string) (int, map[string]any) {
			t.Helper()
			resp, out := request(t, "POST", url+"/api/v1/elections/e/protocols", token, body)
			return resp.StatusCode, out
		}
		counted := func() string {
			t.Helper()
			_, res := get(t, url+"/api/v1/elections/e/results?area=p1", "")
			b, _ := json.Marshal(res)
			return string(b)
		}
		entry := func(n int, body string) string {
			return strings.Replace(body, `{`, `{"entry":`+string(rune('0'+n))+`,`, 1)
		}
		other := strings.Replace(good, `"option:a":400,"option:b":170`, `"option:a":390,"option:b":180`, 1)
		expect := func(what string, status int, body map[string]any, wantStatus int, key, want string) {
			t.Helper()
			if status != wantStatus || body[key] != want {
				t.Fatalf("%s: %d %v, want %d with %s %q", what, status, body, wantStatus, key, want)
			}
		}

		status, body := post(tok["alice"], good)
		expect("no entry", status, body, 422, "code", dauys.EINVALID)
		if text, _ := body["text"].(map[string]any); text["kk"] == nil || text["ru"] == nil || !strings.Contains(body["detail"].(string), "double entry") {
			t.Errorf("reason %v, want it in kk, ru and en", body)
		}
		status, body = post(tok["alice"], entry(1, good))
		expect("entry 1", status, body, 200, "outcome", intake.OutcomeEntered)
		status, body = post(tok["alice-laptop"], entry(2, good))
		expect("entry 2 by the same person with another token", status, body, 422, "code", dauys.EINVALID)
		if c := counted(); strings.Contains(c, `"option:a":400`) {
			t.Fatalf("counted after one person's entries: %s", c)
		}
		status, body = post(tok["bob"], entry(2, other))
		expect("a differing entry 2", status, body, 200, "outcome", intake.OutcomeDisputed)

		// The dispute is shown to those who may resolve it.
		status, body = get(t, url+"/api/v1/elections/e/entries/list/p1", tok["carol"])
		entries, _ := body["entries"].([]any)
		if status != 200 || len(entries) != 2 || jsonOf(body["differences"]) != `["option:a","option:b"]` {
			t.Fatalf("entries shown to carol: %d %v", status, body)
		}
		status, _ = get(t, url+"/api/v1/elections/e/entries/list/p1", tok["uik1"])
		if status != 403 {
			t.Errorf("entries shown to the precinct commission: %d", status)
		}
		status, _ = get(t, url+"/api/v1/elections/e/entries/list/p1", "")
		if status != 401 {
			t.Errorf("entries shown to anyone: %d", status)
		}

		status, body = post(tok["alice-laptop"], entry(3, good))
		expect("an entrant resolving her own dispute", status, body, 403, "code", dauys.EFORBIDDEN)
		status, body = post(tok["uik1"], entry(3, good))
		expect("a precinct commission resolving", status, body, 403, "code", dauys.EFORBIDDEN)
		if c := counted(); strings.Contains(c, `"option:a":400`) || strings.Contains(c, `"option:a":390`) {
			t.Fatalf("counted while disputed: %s", c)
		}
		status, body = post(tok["carol"], entry(3, good))
		expect("a third person resolving", status, body, 201, "outcome", dauys.OutcomeAccepted)
		if c := counted(); !strings.Contains(c, `"option:a":400`) {
			t.Fatalf("not counted after the resolution: %s", c)
		}
		status, body = get(t, url+"/api/v1/elections/e/entries/list/p1", tok["obs"])
		if status != 200 || body["base"] != float64(1) || len(body["entries"].([]any)) != 0 {
			t.Errorf("the round after the resolution: %d %v", status, body)
		}
		var resolved []string
		s.AuditEvents(context.Background(), "e", func(ev *dauys.AuditEvent) error {
			if strings.Contains(ev.Detail, "resolving a double-entry dispute") {
				resolved = append(resolved, ev.Actor+" "+ev.Outcome)
			}
			return nil
		})
		if want := "alice forbidden,carol accepted"; strings.Join(resolved, ",") != want {
			t.Errorf("resolutions in the audit trail: %v, want %s", resolved, want)
		}
	})
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
