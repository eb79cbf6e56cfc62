package httpapi

import (
	"net/http"

	"github.com/dauys/dauys"
)

// complaintRequest is the body of POST .../complaints.
type complaintRequest struct {
	Area    string `json:"area"`
	Contest string `json:"contest,omitempty"`
	Text    string `json:"text"`
}

// fileComplaint takes a complaint about a precinct from anyone with an
// account, within its scope. Who filed it is kept for the commission and
// the audit trail, and never published.
func (s *Server) fileComplaint(w http.ResponseWriter, r *http.Request) {
	var req complaintRequest
	who, ok := s.readWrite(w, r, &req)
	if !ok {
		return
	}
	e, err := s.cfg.Tally.Election(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	object := "complaint/" + dauys.ClipText(req.Area, 64)
	if err := Authorize(&who.principal, ActionComplain, e, req.Area); err != nil {
		s.refuseWrite(w, r, who, e.ID, req.Area, object, err)
		return
	}
	c := &dauys.Complaint{Election: e.ID, Area: req.Area, Contest: req.Contest, Text: req.Text, Complainant: who.principal.Subject}
	err = s.cfg.Intake.FileComplaint(r.Context(), c)
	if err == nil {
		object += "/" + c.ID
	}
	if !s.recorded(w, r, who, dauys.AuditComplaint, e.ID, req.Area, object, "", err) {
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// decisionRequest is the body of POST .../complaints/{c}/decision.
type decisionRequest struct {
	Status   string `json:"status"`
	Decision string `json:"decision"`
}

// decideComplaint records the competent commission's decision on a
// complaint: an operator of a territorial commission above the precinct,
// or the CEC.
func (s *Server) decideComplaint(w http.ResponseWriter, r *http.Request) {
	var req decisionRequest
	who, ok := s.readWrite(w, r, &req)
	if !ok {
		return
	}
	e, err := s.cfg.Tally.Election(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	id := r.PathValue("complaint")
	object := "complaint/" + dauys.ClipText(id, 32)
	var c *dauys.Complaint
	cs, err := s.cfg.Tally.Complaints(r.Context(), e.ID, "")
	for _, x := range cs {
		if x.ID == id {
			c = x
		}
	}
	if err == nil && c == nil {
		err = dauys.Errorf(dauys.ENOTFOUND, "election %s has no complaint %s", e.ID, dauys.QuotePrefix(id))
	}
	if err == nil {
		err = Authorize(&who.principal, ActionDecide, e, c.Area)
	}
	if err != nil {
		s.refuseWrite(w, r, who, e.ID, "", object, err)
		return
	}
	d := &dauys.ComplaintDecision{Election: e.ID, Complaint: c.ID, Status: req.Status, Decision: req.Decision, DecidedBy: who.principal.Subject}
	rc, err := s.cfg.Intake.DecideComplaint(r.Context(), d)
	detail := req.Status
	if rc != nil {
		detail += "; recount " + rc.ID
	}
	if !s.recorded(w, r, who, dauys.AuditDecision, e.ID, c.Area, object, detail, err) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"complaint": c.ID, "status": d.Status, "decision": d.Decision, "recount": rc})
}

// recountRequest is the body of POST .../recounts.
type recountRequest struct {
	Area    string `json:"area"`
	Contest string `json:"contest"`
	Reason  string `json:"reason"`
}

// orderRecount orders a recount of the commission's own motion.
func (s *Server) orderRecount(w http.ResponseWriter, r *http.Request) {
	var req recountRequest
	who, ok := s.readWrite(w, r, &req)
	if !ok {
		return
	}
	e, err := s.cfg.Tally.Election(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	object := "recount/" + dauys.ClipText(req.Contest, 64) + "/" + dauys.ClipText(req.Area, 64)
	if err := Authorize(&who.principal, ActionDecide, e, req.Area); err != nil {
		s.refuseWrite(w, r, who, e.ID, req.Area, object, err)
		return
	}
	rc := &dauys.Recount{Election: e.ID, Area: req.Area, Contest: req.Contest, Reason: req.Reason, OrderedBy: who.principal.Subject}
	err = s.cfg.Intake.OrderRecount(r.Context(), rc)
	if !s.recorded(w, r, who, dauys.AuditRecount, e.ID, req.Area, object, rc.ID, err) {
		return
	}
	writeJSON(w, http.StatusCreated, rc)
}

// recorded appends a write's event to the audit trail and, when the write
// or its record failed, answers the problem; it reports whether the write
// stands.
func (s *Server) recorded(w http.ResponseWriter, r *http.Request, who *identity, action, election, area, object, detail string, err error) bool {
	ev := s.event(r, who, action, outcomeOf(err))
	ev.Election, ev.Area, ev.Object, ev.Detail = election, area, object, detail
	if err != nil {
		ev.Detail = dauys.ErrorMessage(err)
	}
	if rerr := s.audit.record(r.Context(), ev); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	s.cache.changed(election)
	return true
}

// complaints lists the complaints about an area's precincts and their
// decisions, and the recounts ordered there: public, without who filed.
func (s *Server) complaints(w http.ResponseWriter, r *http.Request) {
	election, area, err := s.areaOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	e, err := s.cfg.Tally.Election(r.Context(), election)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cs, err := s.cfg.Tally.Complaints(r.Context(), election, "")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rs, err := s.cfg.Tally.Recounts(r.Context(), election, "")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	within := func(a string) bool { return area == "" || e.Tree.Within(a, area) }
	outC, outR := []*dauys.Complaint{}, []*dauys.Recount{}
	for _, c := range cs {
		if within(c.Area) {
			outC = append(outC, c)
		}
	}
	for _, rc := range rs {
		if within(rc.Area) {
			outR = append(outR, rc)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"complaints": outC, "recounts": outR})
}
