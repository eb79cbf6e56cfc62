package dauys

import "context"

// Store keeps elections, protocols and running totals. Each method is one
// transaction. Two implementations exist, SQLite and PostgreSQL, and both
// pass the conformance suite in internal/storetest.
type Store interface {
	// CreateElection stores a definition with its areas; ECONFLICT when the
	// id exists.
	CreateElection(ctx context.Context, e *Election) error
	// Election returns the definition with all its areas, including those
	// created on import; ENOTFOUND when missing.
	Election(ctx context.Context, id string) (*Election, error)
	// Elections lists the elections without their areas, by date, newest first.
	Elections(ctx context.Context) ([]*Election, error)
	// SetElectionStatus moves an election to a status.
	SetElectionStatus(ctx context.Context, id, status string) error
	// AddAreas inserts areas that do not exist yet; existing ids are left
	// unchanged.
	AddAreas(ctx context.Context, election string, areas []Area) error

	// SaveProtocols applies Reconcile to each protocol in order within one
	// transaction, stores the new versions with their Version, ReceivedAt
	// kept as given, and adds Delta to the running totals of every area in
	// each protocol's Path. A refused protocol gets its error in its
	// SaveResult and does not stop the others. The returned error is for
	// failures of the store itself, when nothing of the batch is stored.
	SaveProtocols(ctx context.Context, ps []*Protocol) ([]SaveResult, error)
	// Protocol returns the current version; ENOTFOUND when there is none.
	Protocol(ctx context.Context, election, contest, area string) (*Protocol, error)
	// ProtocolVersions returns every version, oldest first.
	ProtocolVersions(ctx context.Context, election, contest, area string) ([]*Protocol, error)
	// EachProtocol calls fn with the current version of every protocol of a
	// contest ("" for all contests), in area id order.
	EachProtocol(ctx context.Context, election, contest string, fn func(*Protocol) error) error
	// Totals returns the running totals of a contest for each of the areas
	// (areas with nothing reported are absent), including ReportedLine.
	// Precincts have no running totals: their protocol is their total.
	Totals(ctx context.Context, election, contest string, areas []string) (map[string]map[string]int64, error)
	// Heads returns the status of every precinct and contest that has one.
	Heads(ctx context.Context, election string) ([]Head, error)

	// SaveEntry stores one entry of double entry and sets the status of the
	// precinct and contest to ProtocolEntered unless it has a protocol.
	SaveEntry(ctx context.Context, e *Entry) error
	// Entries returns the entries of a precinct and contest, oldest first.
	Entries(ctx context.Context, election, contest, area string) ([]*Entry, error)
	// RecordRefusal stores a refused submission. A refusal for a precinct
	// and contest with a code of ECONFLICT marks it ProtocolDisputed until a
	// later version is saved.
	RecordRefusal(ctx context.Context, r *Refusal) error
	// Refusals lists the refusals of an election, oldest first.
	Refusals(ctx context.Context, election string) ([]*Refusal, error)

	Close() error
}
