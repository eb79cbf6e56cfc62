package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/imagestore"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/teststores"
)

// observerServer is the API over s with the fixture election, two
// organisations and tokens: observers of Adal at p1 and of Aq Jol in the
// whole election, an observer without an organisation, and an operator.
func observerServer(t *testing.T, s teststores.Store) (*httptest.Server, map[string]string) {
	t.Helper()
	ctx := t.Context()
	if err := s.CreateElection(ctx, election()); err != nil {
		t.Fatal(err)
	}
	for _, org := range []string{"Adal", "Aq Jol"} {
		if err := s.RegisterOrganisation(ctx, &dauys.Organisation{Election: "e", Name: org}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 3, 15, 21, 0, 0, 0, time.UTC)
	in := intake.New(s, func() time.Time { return now })
	api := httpapi.New(httpapi.Config{Store: s, Tokens: s, Audit: s, Intake: in, Tally: tally.New(s, in.Elections()),
		Images: &imagestore.Folder{Dir: t.TempDir()}, Now: func() time.Time { return now }})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	tokens := map[string]string{}
	for name, p := range map[string]dauys.Principal{
		"adal-p1":  {Subject: "aigerim", Role: dauys.RoleObserver, Election: "e", Area: "p1", Org: "Adal"},
		"aqjol":    {Subject: "bolat", Role: dauys.RoleObserver, Election: "e", Org: "Aq Jol"},
		"no-org":   {Subject: "nobody", Role: dauys.RoleObserver, Election: "e"},
		"operator": {Subject: "op", Role: dauys.RoleOperator, Election: "e"},
	} {
		tok := dauys.Token{ID: name, Hash: dauys.HashToken("secret-" + name), Principal: p, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.CreateToken(ctx, &tok); err != nil {
			t.Fatal(err)
		}
		tokens[name] = "secret-" + name
	}
	return srv, tokens
}

func sendTyped(t *testing.T, method, url, token, contentType string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

func TestObservations(t *testing.T) {
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		srv, tok := observerServer(t, s)
		base := srv.URL + "/api/v1/elections/e"
		copyOf := func(area string, a int64) string {
			return `{"contest":"list","area":"` + area + `","lines":{"registered":1000,"took_part":600,"invalid":10,"against_all":20,"option:a":` +
				itoa(a) + `,"option:b":` + itoa(570-a) + `}}`
		}
		// The official protocol of p1: a 400, b 170.
		if resp, body := sendTyped(t, "POST", base+"/protocols", tok["operator"], "application/json", []byte(good)); resp.StatusCode != http.StatusCreated {
			t.Fatalf("official protocol: %d %s", resp.StatusCode, body)
		}

		// Refusals: 403 for what an observer may not do, 401 without a
		// credential, 422 for a copy that does not add up.
		for _, tc := range []struct {
			name, path, token, body string
			want                    int
		}{
			{"observer submits a protocol", "/protocols", "adal-p1", good, http.StatusForbidden},
			{"observer outside its precinct", "/observations", "adal-p1", copyOf("p2", 400), http.StatusForbidden},
			{"operator observes", "/observations", "operator", copyOf("p1", 400), http.StatusForbidden},
			{"observer without an organisation", "/observations", "no-org", copyOf("p1", 400), http.StatusForbidden},
			{"no credential", "/observations", "", copyOf("p1", 400), http.StatusUnauthorized},
			{"unknown field", "/observations", "adal-p1", `{"contest":"list","area":"p1","lines":{},"amendment":true}`, http.StatusUnprocessableEntity},
		} {
			resp, body := sendTyped(t, "POST", base+tc.path, tok[tc.token], "application/json", []byte(tc.body))
			if resp.StatusCode != tc.want {
				t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, body, tc.want)
			}
		}
		bad := strings.Replace(copyOf("p1", 400), `"invalid":10`, `"invalid":11`, 1)
		resp, body := sendTyped(t, "POST", base+"/observations", tok["adal-p1"], "application/json", []byte(bad))
		var pr struct {
			Text dauys.Text `json:"text"`
		}
		json.Unmarshal(body, &pr)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(pr.Text.EN, "E_BALLOTS") || pr.Text.KK == "" || pr.Text.RU == "" {
			t.Errorf("a copy that does not add up: %d %s", resp.StatusCode, body)
		}

		// Asked before any copy, the answer is empty; the copies below
		// must not be hidden by that answer kept in the cache.
		if _, body := sendTyped(t, "GET", base+"/discrepancies", "", "", nil); !strings.Contains(string(body), `"precincts_observed": 0`) {
			t.Errorf("discrepancies before any copy: %s", body)
		}

		// Adal's copy differs on two lines; Aq Jol's matches.
		resp, body = sendTyped(t, "POST", base+"/observations", tok["adal-p1"], "application/json", []byte(copyOf("p1", 410)))
		var created struct {
			ID  string `json:"id"`
			Org string `json:"org"`
		}
		json.Unmarshal(body, &created)
		if resp.StatusCode != http.StatusCreated || created.ID == "" || created.Org != "Adal" {
			t.Fatalf("observation: %d %s", resp.StatusCode, body)
		}
		if resp, body := sendTyped(t, "POST", base+"/observations", tok["aqjol"], "application/json", []byte(copyOf("p1", 400))); resp.StatusCode != http.StatusCreated {
			t.Fatalf("matching observation: %d %s", resp.StatusCode, body)
		}
		if resp, body := sendTyped(t, "POST", base+"/observations", tok["aqjol"], "application/json", []byte(copyOf("p2", 300))); resp.StatusCode != http.StatusCreated {
			t.Fatalf("observation of p2: %d %s", resp.StatusCode, body)
		}

		// The count is unchanged.
		resp, body = sendTyped(t, "GET", base+"/protocols/list/p1", "", "", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"option:a": 400`) || strings.Contains(string(body), `"version": 2`) {
			t.Errorf("official protocol after observations: %s", body)
		}

		// Discrepancies, pinned.
		resp, body = sendTyped(t, "GET", base+"/discrepancies", "", "", nil)
		var d struct {
			Discrepancies []map[string]any `json:"discrepancies"`
			Observed      int              `json:"precincts_observed"`
			Matching      int              `json:"precincts_matching"`
		}
		if err := json.Unmarshal(body, &d); err != nil || resp.StatusCode != 200 {
			t.Fatalf("discrepancies: %d %s", resp.StatusCode, body)
		}
		want := []map[string]any{
			{"area": "p1", "contest": "list", "line": "option:a", "official": 400.0, "observed": 410.0, "org": "Adal", "observation": created.ID},
			{"area": "p1", "contest": "list", "line": "option:b", "official": 170.0, "observed": 160.0, "org": "Adal", "observation": created.ID},
		}
		if len(d.Discrepancies) != 2 || d.Observed != 2 || d.Matching != 0 {
			t.Fatalf("discrepancies %s", body)
		}
		for i := range want {
			for k, v := range want[i] {
				if d.Discrepancies[i][k] != v {
					t.Errorf("discrepancy %d: %s = %v, want %v", i, k, d.Discrepancies[i][k], v)
				}
			}
		}
		_, body = sendTyped(t, "GET", base+"/discrepancies?area=p2", "", "", nil)
		if !strings.Contains(string(body), `"precincts_observed": 1`) || !strings.Contains(string(body), `"precincts_matching": 0`) {
			t.Errorf("p2, observed without an official protocol: %s", body)
		}
		if resp, _ := sendTyped(t, "GET", base+"/discrepancies?area=nowhere", "", "", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown area: %d", resp.StatusCode)
		}
		resp, body = sendTyped(t, "GET", base+"/discrepancies.csv", "", "", nil)
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(rows) != 3 ||
			strings.Join(rows[0], ",") != "area,contest,line,official,observed,org,observation" ||
			strings.Join(rows[1], ",") != "p1,list,option:a,400,410,Adal,"+created.ID {
			t.Errorf("discrepancies CSV: %v %q", err, body)
		}

		// Images.
		var pic bytes.Buffer
		png.Encode(&pic, image.NewGray(image.Rect(0, 0, 6, 4)))
		imgURL := base + "/observations/" + created.ID + "/images"
		resp, body = sendTyped(t, "POST", imgURL, tok["adal-p1"], "image/png", pic.Bytes())
		var up struct {
			SHA256 string `json:"sha256"`
		}
		json.Unmarshal(body, &up)
		if resp.StatusCode != http.StatusCreated || !dauys.ValidSHA256(up.SHA256) {
			t.Fatalf("image: %d %s", resp.StatusCode, body)
		}
		for _, tc := range []struct {
			name, token, kind string
			body              []byte
			want              int
		}{
			{"another organisation's observation", "aqjol", "image/png", pic.Bytes(), http.StatusForbidden},
			{"operator", "operator", "image/png", pic.Bytes(), http.StatusForbidden},
			{"not an image", "adal-p1", "image/png", []byte("<svg onload=alert(1)>"), http.StatusUnprocessableEntity},
			{"too large", "adal-p1", "image/png", make([]byte, dauys.MaxImageBytes+1), http.StatusRequestEntityTooLarge},
		} {
			if resp, body := sendTyped(t, "POST", imgURL, tok[tc.token], tc.kind, tc.body); resp.StatusCode != tc.want {
				t.Errorf("image, %s: %d %s, want %d", tc.name, resp.StatusCode, body, tc.want)
			}
		}
		if resp, _ := sendTyped(t, "POST", base+"/observations/999999/images", tok["adal-p1"], "image/png", pic.Bytes()); resp.StatusCode != http.StatusNotFound {
			t.Errorf("image of a missing observation: %d", resp.StatusCode)
		}
		resp, body = sendTyped(t, "GET", srv.URL+"/images/"+up.SHA256, "", "", nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
			t.Errorf("served image: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		} else if _, err := png.Decode(bytes.NewReader(body)); err != nil {
			t.Errorf("served image: %v", err)
		}
		resp, body = sendTyped(t, "GET", base+"/observations?area=p1", "", "", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(body), up.SHA256) || strings.Contains(string(body), "aigerim") {
			t.Errorf("observations of p1 (with the image, without the observer's name): %s", body)
		}

		// Everything is in the audit trail, refusals included.
		var actions []string
		s.AuditEvents(t.Context(), "e", func(ev *dauys.AuditEvent) error {
			actions = append(actions, ev.Action+":"+ev.Outcome)
			return nil
		})
		all := strings.Join(actions, " ")
		for _, w := range []string{"observe:ok", "observe-image:ok", "refusal:forbidden", "observe:invalid", "observe-image:invalid"} {
			if !strings.Contains(all, w) {
				t.Errorf("audit trail lacks %s: %s", w, all)
			}
		}
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
