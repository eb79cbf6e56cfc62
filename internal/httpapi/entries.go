package httpapi

import (
	"net/http"

	"github.com/dauys/dauys"
)

// entries shows the current round of double entry of a precinct and
// contest: the latest entry of each slot, who made it, and the lines on
// which the two differ. It is what a third person looks at, beside the
// paper protocol, to resolve a dispute with entry 3. Entries are not
// results: only those who may resolve disputes in the area, or read its
// audit trail, see them; a refusal is recorded in the audit trail.
func (s *Server) entries(w http.ResponseWriter, r *http.Request) {
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
	contest, area := r.PathValue("contest"), r.PathValue("area")
	if err := Authorize(&who.principal, ActionResolve, e, area); err != nil && Authorize(&who.principal, ActionReadAudit, e, area) != nil {
		refused := s.event(r, who, dauys.AuditRefusal, outcomeOf(err))
		refused.Election, refused.Area, refused.Object, refused.Detail = e.ID, area, contest+"/"+area, dauys.ErrorMessage(err)
		if rerr := s.audit.record(r.Context(), refused); rerr != nil {
			err = rerr
		}
		s.Error(w, r, err)
		return
	}
	round, err := s.cfg.Intake.Round(r.Context(), e.ID, contest, area)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, round)
}
