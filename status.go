package dauys

import (
	"fmt"
	"time"
)

// The lifecycle of an election: scheduled -> voting -> counting -> final,
// and back from final to counting only by an explicit reopening with a
// reason. StatusCounting is shared with the older statuses above.
const (
	StatusScheduled = "scheduled"
	StatusVoting    = "voting"
	StatusFinal     = "final"
)

// LifecycleStatus returns the lifecycle status an election's stored status
// stands for: the older statuses read as StatusPreElection = scheduled,
// StatusComplete = counting (every precinct is in, but the results are not
// established) and StatusCertified = final. Any other status is returned
// as it is.
func LifecycleStatus(status string) string {
	switch status {
	case StatusPreElection:
		return StatusScheduled
	case StatusComplete:
		return StatusCounting
	case StatusCertified:
		return StatusFinal
	}
	return status
}

// StatusChange is one change of an election's status, as the store keeps
// it in the election's history.
type StatusChange struct {
	Election string `json:"election"`
	// From is the status before the change, as stored; set by the store.
	From string `json:"from"`
	To   string `json:"to"`
	// DecisionDate (YYYY-MM-DD) and DecisionNumber identify the
	// commission's decision that established the results; required for
	// the move to StatusFinal.
	DecisionDate   string `json:"decision_date,omitempty"`
	DecisionNumber string `json:"decision_number,omitempty"`
	// Reason is required for a reopening (final -> counting).
	Reason string    `json:"reason,omitempty"`
	Actor  string    `json:"actor,omitempty"` // who made the change
	At     time.Time `json:"at"`
}

// statusNext lists the legal moves of the lifecycle.
var statusNext = map[string]string{
	StatusScheduled: StatusVoting,
	StatusVoting:    StatusCounting,
	StatusCounting:  StatusFinal,
	StatusFinal:     StatusCounting, // a reopening
}

// TransitionStatus checks a change from the stored status from: the move
// must be the next step of the lifecycle (the older statuses count as
// LifecycleStatus says), the move to final must carry the commission's
// decision (a valid date and a number) and a reopening from final back to
// counting must carry a reason. It returns ECONFLICT for an illegal move
// and EINVALID for a missing decision or reason.
func TransitionStatus(from string, c *StatusChange) error {
	cur, to := LifecycleStatus(from), c.To
	if _, known := statusNext[to]; !known {
		return Errorf(EINVALID, "election %s: unknown status %q (known: scheduled, voting, counting, final)", c.Election, ClipText(to, 32))
	}
	if statusNext[cur] != to {
		return &Error{Code: ECONFLICT, Message: fmt.Sprintf("election %s: the status cannot move from %s to %s", c.Election, cur, to),
			Text: Text{
				KK: fmt.Sprintf("%s сайлауы: мәртебені %s-тен %s-ке ауыстыруға болмайды", c.Election, cur, to),
				RU: fmt.Sprintf("Выборы %s: статус нельзя перевести из %s в %s", c.Election, cur, to),
				EN: fmt.Sprintf("Election %s: the status cannot move from %s to %s", c.Election, cur, to),
			}}
	}
	switch {
	case to == StatusFinal && (c.DecisionNumber == "" || c.DecisionDate == ""):
		return &Error{Code: EINVALID, Message: fmt.Sprintf("election %s: final results need the commission's decision, its date and number", c.Election),
			Text: Text{
				KK: fmt.Sprintf("%s сайлауы: қорытынды нәтижелерге комиссия шешімі (күні мен нөмірі) керек", c.Election),
				RU: fmt.Sprintf("Выборы %s: для окончательных итогов нужно решение комиссии (дата и номер)", c.Election),
				EN: fmt.Sprintf("Election %s: final results need the commission's decision, its date and number", c.Election),
			}}
	case to == StatusFinal:
		if _, err := time.Parse(time.DateOnly, c.DecisionDate); err != nil {
			return Errorf(EINVALID, "election %s: decision date %q is not a day written YYYY-MM-DD", c.Election, ClipText(c.DecisionDate, 32))
		}
	case cur == StatusFinal && c.Reason == "":
		return &Error{Code: EINVALID, Message: fmt.Sprintf("election %s: reopening final results needs a reason", c.Election),
			Text: Text{
				KK: fmt.Sprintf("%s сайлауы: қорытынды нәтижелерді қайта ашуға себеп керек", c.Election),
				RU: fmt.Sprintf("Выборы %s: для пересмотра окончательных итогов нужна причина", c.Election),
				EN: fmt.Sprintf("Election %s: reopening final results needs a reason", c.Election),
			}}
	}
	return nil
}

// AcceptsResults refuses protocols and turnout reports for an election whose
// results are final: they change only after an explicit reopening
// (TransitionStatus from final to counting), which the history records
// with its reason. Every other status accepts them, since imports of past
// elections and the demo load results before any status is set.
func AcceptsResults(election, status string) error {
	if LifecycleStatus(status) != StatusFinal {
		return nil
	}
	return &Error{Code: ECONFLICT, Message: fmt.Sprintf("election %s: the results are final; the commission must reopen them first", election),
		Text: Text{
			KK: fmt.Sprintf("%s сайлауы: нәтижелер қорытынды; алдымен комиссия оларды қайта ашуы керек", election),
			RU: fmt.Sprintf("Выборы %s: итоги окончательные; сначала комиссия должна их пересмотреть", election),
			EN: fmt.Sprintf("Election %s: the results are final; the commission must reopen them first", election),
		}}
}

// FinalDecision returns the change that made the results final, when the
// history's last change is one: what the site shows beside final results
// (the decision's date and number). Nil while the results are preliminary.
func FinalDecision(history []StatusChange) *StatusChange {
	if n := len(history); n > 0 && history[n-1].To == StatusFinal {
		c := history[n-1]
		return &c
	}
	return nil
}
