package intake

import (
	"errors"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
)

// Metrics is told what intake does, for the operators' dashboards.
// internal/metrics implements it; intake does not import it, nor the
// Prometheus library. Its methods must not block.
type Metrics interface {
	// Protocol counts one submitted protocol: its outcome ("refused" for
	// a refusal, with the error code and the code of the first failed
	// check) and the region (the area under the election's root) it came
	// from.
	Protocol(election, region, outcome, code, check string, at time.Time)
	// Turnout counts one submitted turnout report.
	Turnout(election, region, outcome, code string)
	// GroupCommit observes one merged transaction of protocols.
	GroupCommit(protocols int, took time.Duration)
}

// SetMetrics makes the service report to m. Call it before the service
// takes submissions.
func (s *Service) SetMetrics(m Metrics) {
	s.metrics = m
	s.group.metrics = m
}

// outcomeRefused is the outcome metrics count a refused submission under.
const outcomeRefused = "refused"

// countProtocols reports a batch's results to the metrics.
func (s *Service) countProtocols(e *election.Election, subs []Submission, results []Result, now time.Time) {
	if s.metrics == nil {
		return
	}
	for i, r := range results {
		outcome, code, check := r.Outcome, "", ""
		if r.Err != nil {
			outcome, code, check = outcomeRefused, dauys.ErrorCode(r.Err), firstFinding(r.Err)
		}
		s.metrics.Protocol(e.ID, Region(e, subs[i].Area), outcome, code, check, now)
	}
}

// countTurnout reports a batch of turnout reports to the metrics.
func (s *Service) countTurnout(e *election.Election, subs []TurnoutSubmission, results []dauys.TurnoutResult) {
	if s.metrics == nil {
		return
	}
	for i, r := range results {
		outcome, code := r.Outcome, ""
		if r.Err != nil {
			outcome, code = outcomeRefused, dauys.ErrorCode(r.Err)
		}
		s.metrics.Turnout(e.ID, Region(e, subs[i].Area), outcome, code)
	}
}

// firstFinding returns the code of the first finding of a refusal, if it
// has any.
func firstFinding(err error) string {
	var de *dauys.Error
	if errors.As(err, &de) && len(de.Findings) > 0 {
		return de.Findings[0].Code
	}
	return ""
}

// Region returns the area right under the election's root that holds the
// area (a region of Kazakhstan, for a national election): what metrics
// and alerts group precincts by. It is the area itself for a region, the
// root for the root, and "unknown" for an area the election does not have.
func Region(e *election.Election, area string) string {
	if e.Tree.Area(area) == nil {
		return "unknown"
	}
	path := e.Tree.Path(area)
	if len(path) < 2 {
		return path[0]
	}
	return path[1]
}
