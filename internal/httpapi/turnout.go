package httpapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
)

// turnoutRequest is the body of a turnout submission: one report, or a
// batch under "reports".
type turnoutRequest struct {
	intake.TurnoutSubmission
	Reports []intake.TurnoutSubmission `json:"reports,omitempty"`
}

type turnoutResult struct {
	Area    string   `json:"area"`
	Time    string   `json:"time"`
	Outcome string   `json:"outcome,omitempty"`
	Version int      `json:"version,omitempty"`
	Voters  int64    `json:"voters"`
	Error   *problem `json:"error,omitempty"`
}

// submitTurnout takes turnout reports from precinct commissions and
// operators, scoped as protocols are: each report's precinct must be
// within the credential's area (a precinct commission's own), an
// amendment needs the right to amend, and observers write nothing.
func (s *Server) submitTurnout(w http.ResponseWriter, r *http.Request) {
	var req turnoutRequest
	who, ok := s.readWrite(w, r, &req)
	if !ok {
		return
	}
	subs := req.Reports
	if len(subs) == 0 {
		subs = []intake.TurnoutSubmission{req.TurnoutSubmission}
	} else if req.Area != "" || req.Time != "" {
		s.Error(w, r, dauys.Errorf(dauys.EINVALID, "send one report or a list under \"reports\", not both"))
		return
	}
	e, err := s.cfg.Tally.Election(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for i := range subs {
		sub := &subs[i]
		err := Authorize(&who.principal, ActionSubmit, e, sub.Area)
		if err == nil && sub.Amendment {
			err = Authorize(&who.principal, ActionAmend, e, sub.Area)
		}
		if err != nil {
			s.refuseWrite(w, r, who, e.ID, sub.Area, turnoutObject(sub), err)
			return
		}
		sub.Submitter, sub.Source = who.principal.Subject, "api "+s.clientAddr(r)
	}
	res, err := s.cfg.Intake.SubmitTurnout(r.Context(), e.ID, subs)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	events := make([]*dauys.AuditEvent, len(res))
	out := make([]turnoutResult, len(res))
	for i, x := range res {
		sub := &subs[i]
		action := dauys.AuditTurnout
		if sub.Amendment {
			action = dauys.AuditAmend
		}
		ev := s.event(r, who, action, x.Outcome)
		ev.Election, ev.Area, ev.Object = e.ID, sub.Area, turnoutObject(sub)
		out[i] = turnoutResult{Area: sub.Area, Time: sub.Time, Outcome: x.Outcome, Voters: sub.Voters}
		if x.Report != nil {
			out[i].Version = x.Report.Version
			ev.Detail = fmt.Sprintf("version %d, %d voters", x.Report.Version, x.Report.Voters)
			if sub.Amendment {
				ev.Detail += "; reason: " + sub.Reason
			}
		}
		if x.Err != nil {
			pr := s.problemFor(r, x.Err)
			out[i].Error = &pr
			ev.Outcome, ev.Detail = outcomeOf(x.Err), dauys.ErrorMessage(x.Err)
		}
		events[i] = ev
	}
	// The answer waits for the audit trail, as a protocol's does: sending
	// the same report again is a duplicate, so a failed answer is safe to
	// repeat.
	if err := s.audit.record(r.Context(), events...); err != nil {
		s.Error(w, r, err)
		return
	}
	writeAnswers(w, out)
}

func (x turnoutResult) outcome() string   { return x.Outcome }
func (x turnoutResult) refusal() *problem { return x.Error }

// turnoutObject names a turnout report in the audit trail.
func turnoutObject(sub *intake.TurnoutSubmission) string {
	return "turnout/" + sub.Area + "/" + dauys.ClipText(sub.Time, 16)
}

// turnout answers an area's turnout through the day (tally.Turnout), from
// the results cache: the store's walk of the area's precincts is the cost,
// and the answer changes only when a report is stored here (intake's
// OnTurnout drops it) or, at most resultsTTL later, when another replica
// stored one.
func (s *Server) turnout(w http.ResponseWriter, r *http.Request) {
	election, area, err := s.areaOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if area == "" {
		e, err := s.cfg.Tally.Election(r.Context(), election)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		area = e.Tree.Root()
	}
	ans, err := s.cache.get(r.Context(), s.cfg.Now(), election, "turnout\x00"+area, func(ctx context.Context) (any, error) {
		return s.cfg.Tally.Turnout(ctx, election, area)
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ans.write(w, r)
}
