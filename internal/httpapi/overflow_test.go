package httpapi_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/sqlite"
)

// These are the regression tests of issue #13's first and seventh defects
// at the API: a precinct token's protocol whose counts wrap an int64
// around, results over a store that already holds such counts, and a body
// of forty thousand unknown lines.

// bigFixture is the fixture with room for large bodies, an audit trail
// and a token of precinct p1's commission, the least privileged writer.
func bigFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixtureWith(t, func(c *httpapi.Config, s *sqlite.Store) { c.MaxBody, c.Audit = 1<<20, s })
	now := time.Date(2026, 3, 15, 21, 0, 0, 0, time.UTC) // the fixture's clock
	tok := dauys.Token{ID: "p1", Hash: dauys.HashToken("secret-p1"), CreatedAt: now, ExpiresAt: now.Add(time.Hour),
		Principal: dauys.Principal{Subject: "uik-p1", Role: dauys.RolePrecinct, Election: "e", Area: "p1"}}
	if err := f.store.CreateToken(context.Background(), &tok); err != nil {
		t.Fatal(err)
	}
	f.tokens["p1"] = "secret-p1"
	return f
}

// TestSubmitOverflowIsRefused: four option counts of 2^62 add up to 2^64,
// which an int64 wraps to 0 so that took_part = 0 seemed to hold; the
// precinct's protocol was accepted with 201.
func TestSubmitOverflowIsRefused(t *testing.T) {
	f := bigFixture(t)
	const q = 4611686018427387904
	body := fmt.Sprintf(`{"contest":"list","area":"p1","lines":{"registered":1000,"took_part":0,"invalid":%d,"against_all":%d,"option:a":%d,"option:b":%d}}`, q, q, q, q)
	resp, data := f.do(t, "POST", "/api/v1/elections/e/protocols", f.tokens["p1"], body)
	if resp.StatusCode != 422 || !strings.Contains(string(data), "E_TOO_LARGE") || !strings.Contains(string(data), "option:a") {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	if _, err := f.store.Protocol(context.Background(), "e", "list", "p1"); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("the protocol was stored: %v", err)
	}
}

// TestResultsServedOverAbsurdTotals: a store that holds counts from before
// they were bounded (written here straight into the database) still serves
// its results, with the contest whose totals cannot be decided marked.
func TestResultsServedOverAbsurdTotals(t *testing.T) {
	f := bigFixture(t)
	if resp, data := f.do(t, "POST", "/api/v1/elections/e/protocols", f.tokens["p1"], good); resp.StatusCode != 201 {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	db, err := sql.Open("sqlite", "file:"+f.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE totals SET value = 4611686018427387904 WHERE line IN ('option:a', 'option:b', 'invalid', 'against_all')`); err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{"/api/v1/elections/e/results", "/api/v1/elections/e/results?area=r1"} {
		resp, data := f.do(t, "GET", url, "", "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d: %s", url, resp.StatusCode, data)
		}
		if url != "/api/v1/elections/e/results" {
			continue
		}
		var res struct {
			Contests []struct {
				Contest string          `json:"contest"`
				Outcome json.RawMessage `json:"outcome"`
				Error   *dauys.Text     `json:"error"`
			} `json:"contests"`
		}
		if err := json.Unmarshal(data, &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Contests) != 1 || res.Contests[0].Error == nil || res.Contests[0].Outcome != nil ||
			!strings.Contains(res.Contests[0].Error.EN, "cannot be decided") || res.Contests[0].Error.KK == "" || res.Contests[0].Error.RU == "" {
			t.Errorf("%s: %s", url, data)
		}
	}
}

// TestRefusalOfManyLinesIsBounded: forty thousand unknown lines made a
// 20 MB answer and a 2 MB reason in the refusals and the audit trail.
func TestRefusalOfManyLinesIsBounded(t *testing.T) {
	f := bigFixture(t)
	s := f.store
	var b strings.Builder
	b.WriteString(`{"contest":"list","area":"p1","lines":{"registered":1000,"took_part":600,"invalid":10,"against_all":20,"option:a":400,"option:b":170`)
	for i := range 40000 {
		fmt.Fprintf(&b, `,"x%05d":1`, i)
	}
	b.WriteString(`}}`)
	resp, data := f.do(t, "POST", "/api/v1/elections/e/protocols", f.tokens["p1"], b.String())
	if resp.StatusCode != 422 || !strings.Contains(string(data), "E_TOO_MANY_LINES") {
		t.Fatalf("status %d: %.500s", resp.StatusCode, data)
	}
	if len(data) > 8<<10 {
		t.Errorf("a %d-byte answer to a refusal", len(data))
	}
	ctx := context.Background()
	rs, err := s.Refusals(ctx, "e")
	if err != nil || len(rs) != 1 {
		t.Fatalf("refusals %d, %v", len(rs), err)
	}
	if len(rs[0].Reason) > dauys.MaxReasonLength {
		t.Errorf("a %d-byte stored reason", len(rs[0].Reason))
	}
	found := false
	err = s.AuditEvents(ctx, "e", func(e *dauys.AuditEvent) error {
		found = found || strings.Contains(e.Detail, "E_TOO_MANY_LINES")
		if len(e.Detail) > dauys.MaxReasonLength {
			t.Errorf("a %d-byte audit detail", len(e.Detail))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Error("no refusal in the audit trail")
	}
}
