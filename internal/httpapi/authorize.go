package httpapi

import (
	"slices"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
)

// Action is what a principal asks to do. Authorize decides every one of
// them in one place, from the principal's role and scope.
type Action string

// Actions. Reading results is public and needs no action.
const (
	ActionSubmit      Action = "submit"      // send a precinct's protocol
	ActionAmend       Action = "amend"       // correct an accepted protocol, with a reason
	ActionAcknowledge Action = "acknowledge" // accept the plausibility warnings a protocol raises
	ActionResolve     Action = "resolve"     // see the entries of double entry and resolve their dispute
	ActionManageKeys  Action = "manage-keys" // register and revoke commission keys
	ActionManageUsers Action = "manage-users"
	ActionReadAudit   Action = "read-audit" // the audit trail and the refused submissions
	ActionObserve     Action = "observe"    // send a copy of a precinct's protocol, in an organisation's name
	ActionComplain    Action = "complain"   // file a complaint about a precinct
	ActionDecide      Action = "decide"     // decide complaints and order recounts, as the competent commission
)

// Actions lists every action.
func Actions() []Action {
	return []Action{ActionSubmit, ActionAmend, ActionAcknowledge, ActionResolve, ActionManageKeys, ActionManageUsers, ActionReadAudit, ActionObserve, ActionComplain, ActionDecide}
}

// grants is what each role may do, within its scope:
//
//   - the CEC administrator does everything;
//   - a territorial commission's operator submits, amends, acknowledges
//     warnings and resolves double-entry disputes for the precincts of its
//     area (intake lets nobody resolve a dispute they made an entry in),
//     and, as the competent commission, decides complaints about them and
//     orders recounts;
//   - a precinct commission submits its own protocols; amending one or
//     accepting its warnings is for the territorial commission above it;
//   - anyone with an account files complaints about the precincts of its
//     scope;
//   - an observer writes only observations (copies of the protocols of the
//     precincts in its scope, in its organisation's name) and reads the
//     audit trail and the refusals besides the public results, warnings
//     and amendments.
var grants = map[string][]Action{
	dauys.RoleAdmin:    Actions(),
	dauys.RoleOperator: {ActionSubmit, ActionAmend, ActionAcknowledge, ActionResolve, ActionComplain, ActionDecide},
	dauys.RolePrecinct: {ActionSubmit, ActionComplain},
	dauys.RoleObserver: {ActionObserve, ActionReadAudit, ActionComplain},
}

// Authorize is the one place that decides whether a principal may perform
// an action on an area of an election. e is nil for an action outside any
// election, and area is "" for one on the whole election.
//
// The role must grant the action; a principal scoped to an election acts
// only in it; one scoped to an area acts only on areas within it, never on
// the whole election; and a precinct commission acts only on its own
// precinct. An area the election does not have is left to intake, which
// refuses it as not found: it cannot be written, and the sender learns of
// the typo rather than of a lack of rights.
func Authorize(p *dauys.Principal, action Action, e *election.Election, area string) error {
	if p == nil {
		return dauys.Errorf(dauys.EUNAUTHORIZED, "sign in first")
	}
	if !slices.Contains(grants[p.Role], action) {
		return dauys.Errorf(dauys.EFORBIDDEN, "role %q may not %s", p.Role, action)
	}
	if p.Election != "" {
		if e == nil {
			return dauys.Errorf(dauys.EFORBIDDEN, "%s is limited to election %s", p.Subject, p.Election)
		}
		if p.Election != e.ID {
			return dauys.Errorf(dauys.EFORBIDDEN, "%s is limited to election %s, not %s", p.Subject, p.Election, e.ID)
		}
	}
	if p.Role == dauys.RolePrecinct && p.Area == "" {
		return dauys.Errorf(dauys.EFORBIDDEN, "%s is a precinct commission without a precinct", p.Subject)
	}
	if p.Area == "" {
		return nil
	}
	switch {
	case area == "":
		return dauys.Errorf(dauys.EFORBIDDEN, "%s acts within area %s, not on the whole election", p.Subject, p.Area)
	case e == nil:
		return dauys.Errorf(dauys.EFORBIDDEN, "%s acts within area %s of election %s only", p.Subject, p.Area, p.Election)
	case p.Role == dauys.RolePrecinct && area != p.Area:
		return dauys.Errorf(dauys.EFORBIDDEN, "precinct commission %s writes only its own precinct %s, not %s", p.Subject, p.Area, area)
	case e.Tree.Area(area) != nil && !e.Tree.Within(area, p.Area):
		return dauys.Errorf(dauys.EFORBIDDEN, "area %s is outside %s's area %s", area, p.Subject, p.Area)
	}
	return nil
}

// authorizeSubmission authorizes each action a submission asks for: to
// submit, to amend when it is an amendment, to acknowledge warnings when
// it says it has seen them, and to resolve a dispute when it is entry 3.
func authorizeSubmission(p *dauys.Principal, e *election.Election, sub *intake.Submission) error {
	actions := []Action{ActionSubmit}
	if sub.Amendment || sub.Recount != "" {
		actions = append(actions, ActionAmend)
	}
	if sub.AcknowledgeWarnings {
		actions = append(actions, ActionAcknowledge)
	}
	if sub.Entry == 3 {
		actions = append(actions, ActionResolve)
	}
	for _, a := range actions {
		if err := Authorize(p, a, e, sub.Area); err != nil {
			return err
		}
	}
	return nil
}
