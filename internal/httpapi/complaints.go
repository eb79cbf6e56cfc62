package httpapi

import (
	"net/http"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
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
	object := ""
	who, e, ok := s.authorizedWrite(w, r, &req, ActionComplain, func() (string, string) {
		object = "complaint/" + dauys.ClipText(req.Area, 64)
		return req.Area, object
	})
	if !ok {
		return
	}
	c := &dauys.Complaint{Election: e.ID, Area: req.Area, Contest: req.Contest, Text: req.Text, Complainant: who.principal.Subject}
	err := s.cfg.Intake.FileComplaint(r.Context(), c)
	if err == nil {
		object += "/" + c.ID
	}
	if !s.recorded(w, r, who, dauys.AuditComplaint, e.ID, req.Area, object, "", err) {
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// complaintImage attaches a photo to a complaint, from who filed it: a
// JPEG or PNG, checked and stripped of its metadata as an observer's is.
func (s *Server) complaintImage(w http.ResponseWriter, r *http.Request) {
	who, err := s.authenticate(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	e, err := s.cfg.Tally.Election(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	id := r.PathValue("complaint")
	object := "complaint/" + dauys.ClipText(id, 32) + "/image"
	c, err := s.complaintOf(r, e.ID, id)
	if err == nil {
		err = Authorize(&who.principal, ActionComplain, e, c.Area)
	}
	if err != nil {
		s.refuseWrite(w, r, who, e.ID, "", object, err)
		return
	}
	if s.cfg.Images == nil {
		s.Error(w, r, dauys.Errorf(dauys.EINVALID, "this server keeps no images"))
		return
	}
	body, ok := s.readImage(w, r)
	if !ok {
		return
	}
	sum, err := s.cfg.Intake.AddComplaintImage(r.Context(), s.cfg.Images, e.ID, c.ID, r.Header.Get("Content-Type"), body, who.principal.Subject)
	if !s.recorded(w, r, who, dauys.AuditComplaint, e.ID, c.Area, object, "sha256 "+sum, err) {
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"sha256": sum})
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
	c, err := s.complaintOf(r, e.ID, id)
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

// complaintOf returns a complaint of an election; ENOTFOUND when none.
func (s *Server) complaintOf(r *http.Request, election, id string) (*dauys.Complaint, error) {
	cs, err := s.cfg.Tally.Complaints(r.Context(), election, "")
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.ID == id {
			return c, nil
		}
	}
	return nil, dauys.Errorf(dauys.ENOTFOUND, "election %s has no complaint %s", election, dauys.QuotePrefix(id))
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
	object := ""
	who, e, ok := s.authorizedWrite(w, r, &req, ActionDecide, func() (string, string) {
		object = "recount/" + dauys.ClipText(req.Contest, 64) + "/" + dauys.ClipText(req.Area, 64)
		return req.Area, object
	})
	if !ok {
		return
	}
	rc := &dauys.Recount{Election: e.ID, Area: req.Area, Contest: req.Contest, Reason: req.Reason, OrderedBy: who.principal.Subject}
	err := s.cfg.Intake.OrderRecount(r.Context(), rc)
	if !s.recorded(w, r, who, dauys.AuditRecount, e.ID, req.Area, object, rc.ID, err) {
		return
	}
	writeJSON(w, http.StatusCreated, rc)
}

// authorizedWrite authenticates a write, reads its body strictly into
// req, loads the election and authorizes the action on the area that
// target names once the body is read (with the object the audit trail
// records a refusal under); it answers the problem and reports false
// when any of these fails.
func (s *Server) authorizedWrite(w http.ResponseWriter, r *http.Request, req any, action Action, target func() (area, object string)) (*identity, *election.Election, bool) {
	who, ok := s.readWrite(w, r, req)
	if !ok {
		return nil, nil, false
	}
	e, err := s.cfg.Tally.Election(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	area, object := target()
	if err := Authorize(&who.principal, action, e, area); err != nil {
		s.refuseWrite(w, r, who, e.ID, area, object, err)
		return nil, nil, false
	}
	return who, e, true
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
