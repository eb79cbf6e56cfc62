package tally

import (
	"context"

	"github.com/dauys/dauys"
)

// The reads below are the store's, unchanged: they are here so that the
// pages read results, protocols and elections through one door, the
// tally, instead of reaching into the store beside it.

// Elections returns the definitions of every election, as the store lists
// them.
func (t *Tally) Elections(ctx context.Context) ([]*dauys.Election, error) {
	return t.store.Elections(ctx)
}

// Protocol returns the current version of a precinct's protocol of a
// contest; ENOTFOUND when none has arrived.
func (t *Tally) Protocol(ctx context.Context, election, contest, area string) (*dauys.Protocol, error) {
	return t.store.Protocol(ctx, election, contest, area)
}

// ProtocolVersions returns every version of a precinct's protocol of a
// contest, oldest first.
func (t *Tally) ProtocolVersions(ctx context.Context, election, contest, area string) ([]*dauys.Protocol, error) {
	return t.store.ProtocolVersions(ctx, election, contest, area)
}

// EachProtocol calls fn with the current version of every protocol of an
// election ("" contest: of every contest).
func (t *Tally) EachProtocol(ctx context.Context, election, contest string, fn func(*dauys.Protocol) error) error {
	return t.store.EachProtocol(ctx, election, contest, fn)
}

// Totals returns the running totals of a contest in the areas, as the
// store keeps them.
func (t *Tally) Totals(ctx context.Context, election, contest string, areas []string) (map[string]map[string]int64, error) {
	return t.store.Totals(ctx, election, contest, areas)
}

// StatusHistory returns the election's status changes, oldest first, as
// the store keeps them: the site reads the current status and the
// commission's decision from it, since another process (`dauys election
// status`) may have changed them after this one loaded the election.
func (t *Tally) StatusHistory(ctx context.Context, election string) ([]dauys.StatusChange, error) {
	return t.store.StatusHistory(ctx, election)
}

// SeatAssignments returns the parties' current seat assignments of a
// contest ("" for all).
func (t *Tally) SeatAssignments(ctx context.Context, election, contest string) ([]dauys.SeatAssignment, error) {
	return t.store.SeatAssignments(ctx, election, contest)
}
