package httpapi_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/teststores"
)

// TestComplaintsAndRecounts: anyone with an account files a complaint in
// its scope; only the competent commission decides it; a decision to
// recount puts the precinct in recount until the operator sends the new
// count as an amendment referencing the order; the public list names no
// complainant; everything is audited.
func TestComplaintsAndRecounts(t *testing.T) {
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		srv, tok := observerServer(t, s)
		base := srv.URL + "/api/v1/elections/e"
		do := func(path, token, body string, want int) map[string]any {
			t.Helper()
			resp, data := sendTyped(t, "POST", base+path, tok[token], "application/json", []byte(body))
			if resp.StatusCode != want {
				t.Fatalf("POST %s as %s: %d %s, want %d", path, token, resp.StatusCode, data, want)
			}
			var out map[string]any
			json.Unmarshal(data, &out)
			return out
		}
		do("/protocols", "operator", good, http.StatusCreated)

		do("/complaints", "", `{"area":"p1","text":"x"}`, http.StatusUnauthorized)
		do("/complaints", "adal-p1", `{"area":"p2","text":"Not my precinct"}`, http.StatusForbidden)
		do("/complaints", "adal-p1", `{"area":"p1","text":"  "}`, http.StatusUnprocessableEntity)
		do("/complaints", "adal-p1", `{"area":"p1","contest":"nope","text":"x"}`, http.StatusNotFound)
		c := do("/complaints", "adal-p1", `{"area":"p1","contest":"list","text":"The count was done behind closed doors"}`, http.StatusCreated)
		id, _ := c["id"].(string)
		if id == "" || c["status"] != dauys.ComplaintFiled {
			t.Fatalf("complaint %v", c)
		}
		other := do("/complaints", "aqjol", `{"area":"p2","text":"The ballot box was not sealed"}`, http.StatusCreated)

		// Photos, from who filed the complaint only.
		var pic bytes.Buffer
		png.Encode(&pic, image.NewGray(image.Rect(0, 0, 5, 5)))
		if resp, body := sendTyped(t, "POST", base+"/complaints/"+id+"/images", tok["adal-p1"], "image/png", pic.Bytes()); resp.StatusCode != http.StatusCreated {
			t.Fatalf("complaint photo: %d %s", resp.StatusCode, body)
		}
		if resp, _ := sendTyped(t, "POST", base+"/complaints/"+id+"/images", tok["aqjol"], "image/png", pic.Bytes()); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a photo on someone else's complaint: %d", resp.StatusCode)
		}
		if resp, _ := sendTyped(t, "POST", base+"/complaints/"+id+"/images", tok["adal-p1"], "image/png", []byte("<svg/>")); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a complaint photo that is no image: %d", resp.StatusCode)
		}

		do("/complaints/"+id+"/decision", "adal-p1", `{"status":"rejected","decision":"no"}`, http.StatusForbidden)
		do("/complaints/999/decision", "operator", `{"status":"rejected","decision":"no"}`, http.StatusNotFound)
		do("/complaints/"+id+"/decision", "operator", `{"status":"rejected","decision":""}`, http.StatusUnprocessableEntity)
		d := do("/complaints/"+id+"/decision", "operator", `{"status":"recount-ordered","decision":"The doors were closed; the ballots are counted again in public"}`, http.StatusOK)
		rc, _ := d["recount"].(map[string]any)
		order, _ := rc["id"].(string)
		if order == "" {
			t.Fatalf("decision %v", d)
		}
		do("/complaints/"+id+"/decision", "operator", `{"status":"upheld","decision":"again"}`, http.StatusConflict)
		do("/complaints/"+other["id"].(string)+"/decision", "operator", `{"status":"upheld","decision":"The seal was missing; noted in the act"}`, http.StatusOK)

		// The recount's new count, as an amendment referencing the order.
		recount := strings.Replace(good, `"option:a":400,"option:b":170`, `"option:a":395,"option:b":175`, 1)
		recount = strings.TrimSuffix(recount, "}") + `,"recount":"` + order + `"}`
		do("/protocols", "adal-p1", recount, http.StatusForbidden)
		out := do("/protocols", "operator", recount, http.StatusCreated)
		if out["outcome"] != dauys.OutcomeAmended || out["version"] != 2.0 {
			t.Errorf("recount amendment: %v", out)
		}
		do("/protocols", "operator", strings.Replace(recount, `"option:a":395,"option:b":175`, `"option:a":390,"option:b":180`, 1), http.StatusConflict)
		_, body := sendTyped(t, "GET", base+"/protocols/list/p1", "", "", nil)
		if !strings.Contains(string(body), "Recount ordered (order "+order+")") {
			t.Errorf("the amendment does not reference the order: %s", body)
		}

		// An order of the commission's own motion.
		do("/recounts", "adal-p1", `{"area":"p2","contest":"list","reason":"x"}`, http.StatusForbidden)
		do("/recounts", "operator", `{"area":"p2","contest":"list","reason":"Ballots found after the count"}`, http.StatusCreated)
		do("/recounts", "operator", `{"area":"p2","contest":"list","reason":"again"}`, http.StatusConflict)

		resp, body := sendTyped(t, "GET", base+"/complaints?area=r1", "", "", nil)
		var list struct {
			Complaints []dauys.Complaint `json:"complaints"`
			Recounts   []dauys.Recount   `json:"recounts"`
		}
		if err := json.Unmarshal(body, &list); err != nil || resp.StatusCode != 200 {
			t.Fatalf("complaints: %d %s", resp.StatusCode, body)
		}
		if len(list.Complaints) != 1 || list.Complaints[0].Status != dauys.ComplaintRecountOrdered || list.Complaints[0].Decision == "" || len(list.Complaints[0].Images) != 1 ||
			len(list.Recounts) != 1 || list.Recounts[0].Version != 2 {
			t.Errorf("complaints of r1: %s", body)
		}
		if strings.Contains(string(body), "aigerim") {
			t.Errorf("the public list names the complainant: %s", body)
		}
		var actions []string
		s.AuditEvents(t.Context(), "e", func(ev *dauys.AuditEvent) error {
			actions = append(actions, ev.Action+":"+ev.Outcome)
			return nil
		})
		all := strings.Join(actions, " ")
		for _, w := range []string{"complaint:ok", "complaint-decide:ok", "recount-order:ok", "complaint-decide:conflict"} {
			if !strings.Contains(all, w) {
				t.Errorf("audit trail lacks %s: %s", w, all)
			}
		}
	})
}
