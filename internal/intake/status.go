package intake

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
)

// Actors of the automatic status moves. The move is marked in the
// change's actor rather than given a reason: a reason would let a move
// made on a stale reading of the status reopen final results
// (dauys.TransitionStatus takes final -> counting only with a reason),
// which must stay an explicit decision of a person.
const (
	ActorFirstTurnout  = "automatic: first turnout report"
	ActorFirstProtocol = "automatic: first protocol"
)

// status returns the election's current status, as stored, and whether
// it was set by a recorded change rather than by the definition. The
// loader's copy of the election keeps the status it was loaded with, while
// another process (dauys election status) may have changed it since;
// every change is in the history, so its last entry is the status, and
// without one it is still the definition's.
func (s *Service) status(ctx context.Context, e *election.Election) (status string, changed bool, err error) {
	h, err := s.store.StatusHistory(ctx, e.ID)
	if err != nil {
		return "", false, err
	}
	if len(h) > 0 {
		return h[len(h)-1].To, true, nil
	}
	return e.Status, false, nil
}

// accepting returns the election's status, and the refusal of every
// result when the results are final (dauys.AcceptsResults). An election
// whose definition says it is final, with no change recorded since, is a
// past election being loaded (a CDF file of certified results, an
// archive): its results are what the import brings, and they are taken.
// Once a change is recorded, final means what the lifecycle says, and
// only a reopening lets results in again.
func (s *Service) accepting(ctx context.Context, e *election.Election) (status string, refused error, err error) {
	status, changed, err := s.status(ctx, e)
	if err != nil {
		return "", nil, fmt.Errorf("intake: election status: %w", err)
	}
	if !changed {
		return status, nil, nil
	}
	return status, dauys.AcceptsResults(e.ID, status), nil
}

// advance moves an election that has just stored its first turnout
// report or protocol along the lifecycle, to voting or to counting, so
// that an election whose results come in is no longer "scheduled": the
// first turnout report opens voting, the first protocol starts counting.
// Each step is recorded in the history as automatic. A step another
// request made first, or one the status no longer allows, is left alone.
func (s *Service) advance(ctx context.Context, election, status, to, actor string) error {
	steps := map[string][]string{
		dauys.StatusVoting:   {dauys.StatusVoting},
		dauys.StatusCounting: {dauys.StatusVoting, dauys.StatusCounting},
	}[to]
	switch cur := dauys.LifecycleStatus(status); {
	case cur == dauys.StatusScheduled:
	case cur == dauys.StatusVoting && to == dauys.StatusCounting:
		steps = steps[1:]
	default:
		return nil
	}
	for _, step := range steps {
		err := s.store.ChangeElectionStatus(ctx, &dauys.StatusChange{Election: election, To: step, Actor: actor, At: s.now().UTC()})
		switch dauys.ErrorCode(err) {
		case "", dauys.ECONFLICT, dauys.EINVALID:
		default:
			return fmt.Errorf("intake: move election %s to %s: %w", election, step, err)
		}
	}
	return nil
}

// recordRefusal stores a refusal with the submission it refused as its
// payload.
func (s *Service) recordRefusal(ctx context.Context, r *dauys.Refusal, cause error, payload any) error {
	b, _ := json.Marshal(payload)
	r.Code, r.Reason, r.Payload = dauys.ErrorCode(cause), dauys.ClipText(dauys.ErrorMessage(cause), dauys.MaxReasonLength), string(b)
	if err := s.store.RecordRefusal(ctx, r); err != nil {
		return fmt.Errorf("intake: record refusal: %w", err)
	}
	return nil
}
