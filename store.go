package dauys

import "context"

// Store keeps elections, protocols and running totals, with the
// commission keys protocols are signed with (KeyStore), which intake
// needs to check a signature. Each method is one transaction. Two
// implementations exist, SQLite and PostgreSQL, and both pass the
// conformance suite in internal/storetest, which checks what these
// comments promise.
type Store interface {
	KeyStore
	SeatStore
	// ObservationStore keeps observers' copies of protocols, which never
	// change a count.
	ObservationStore
	// ComplaintStore keeps complaints, decisions and recount orders.
	ComplaintStore

	// CreateElection stores a definition with its areas; ECONFLICT when the
	// id exists, EINVALID when it has no id or an area has none or is
	// defined twice. A zero CreatedAt is set to the store's clock and an
	// empty Status to StatusPreElection, on e itself, so that the caller
	// sees what was stored.
	CreateElection(ctx context.Context, e *Election) error
	// Election returns the definition with all its areas, including those
	// created on import; ENOTFOUND when missing.
	Election(ctx context.Context, id string) (*Election, error)
	// Elections lists the elections without their areas, by date, newest
	// first, and by id within a date.
	Elections(ctx context.Context) ([]*Election, error)
	// SetElectionStatus moves an election to a status without the
	// lifecycle's checks (ChangeElectionStatus has them), for the demo and
	// imports; the change is recorded in StatusHistory all the same.
	// EINVALID for a status Dauys does not know, ENOTFOUND when the
	// election is missing.
	SetElectionStatus(ctx context.Context, id, status string) error
	// AddAreas inserts areas that do not exist yet; existing ids are left
	// unchanged. EINVALID for an area without an id; ENOTFOUND when the
	// election is missing.
	AddAreas(ctx context.Context, election string, areas []Area) error

	// SaveProtocols applies Reconcile to each protocol in order within one
	// transaction, stores the new versions with their Version, ReceivedAt
	// kept as given, and adds Delta to the running totals of every area in
	// each protocol's Path. A protocol sees those before it in the batch,
	// so that sending it twice in one batch is the same as in two. A
	// refused protocol gets its error in its SaveResult and does not stop
	// the others. The returned error is for failures of the store itself,
	// when nothing of the batch is stored.
	//
	// Each protocol is checked before it is reconciled. An empty Kind means
	// ProtocolOriginal; any kind other than an original or an amendment is
	// refused with EINVALID. An empty Hash is filled with ContentHash(); a
	// Hash that does not match the content is refused with EINVALID, since
	// it would make a different protocol pass for a duplicate forever
	// after. A protocol without an election, contest or area is refused
	// with EINVALID, and one whose election, contest or area does not exist
	// with ENOTFOUND.
	//
	// The caller's protocols are never changed: the SaveResult of a new
	// version carries a copy with its Version, Kind and Hash, and that of a
	// duplicate carries the version already stored.
	//
	// Path is not stored, and the running totals assume that every version
	// of a precinct's protocol carries the same Path: an amendment takes
	// its Delta off the areas of its own Path. Intake computes Path from
	// the election's tree, so it is the same for every version.
	SaveProtocols(ctx context.Context, ps []*Protocol) ([]SaveResult, error)
	// Protocol returns the current version; ENOTFOUND when there is none.
	Protocol(ctx context.Context, election, contest, area string) (*Protocol, error)
	// ProtocolVersions returns every version, oldest first; ENOTFOUND when
	// there is none.
	ProtocolVersions(ctx context.Context, election, contest, area string) ([]*Protocol, error)
	// EachProtocol calls fn with the current version of every protocol of a
	// contest ("" for all contests), in area id order and, within an area,
	// in contest id order. It stops at the first error of fn and returns it
	// as it is. ENOTFOUND when the election is missing.
	EachProtocol(ctx context.Context, election, contest string, fn func(*Protocol) error) error
	// Totals returns the running totals of a contest for each of the areas
	// (areas with nothing reported are absent), including ReportedLine.
	// Precincts have no running totals: their protocol is their total.
	// ENOTFOUND when the election is missing.
	Totals(ctx context.Context, election, contest string, areas []string) (map[string]map[string]int64, error)
	// Heads returns the status of every precinct and contest that has one.
	// ENOTFOUND when the election is missing.
	Heads(ctx context.Context, election string) ([]Head, error)

	// SaveEntry stores one entry of double entry and sets the status of the
	// precinct and contest to ProtocolEntered unless it has a protocol.
	// EINVALID for an entry without ids or with a slot other than 1 or 2;
	// ENOTFOUND when the election is missing.
	SaveEntry(ctx context.Context, e *Entry) error
	// Entries returns the entries of a precinct and contest, oldest first:
	// by ReceivedAt, then in the order they were stored. ENOTFOUND when the
	// election is missing.
	Entries(ctx context.Context, election, contest, area string) ([]*Entry, error)
	// RecordRefusal stores a refused submission. A refusal for a precinct
	// and contest with a code of ECONFLICT marks it ProtocolDisputed until a
	// later version is saved. It only marks a precinct and contest that
	// already has a status in Heads, so that a refusal for a mistyped area
	// leaves no trace there. EINVALID without an election or a code;
	// ENOTFOUND when the election is missing.
	RecordRefusal(ctx context.Context, r *Refusal) error
	// Refusals lists the refusals of an election, oldest first: by
	// ReceivedAt, then in the order they were stored. ENOTFOUND when the
	// election is missing.
	Refusals(ctx context.Context, election string) ([]*Refusal, error)

	// SaveTurnout applies ReconcileTurnout to each report in order within
	// one transaction, against the election's TurnoutTimes, the precinct's
	// chain of areas and its current reports (those before it in the batch
	// included), stores each new version with Received kept as given, and
	// adds TurnoutDelta to the running totals at the report's time of the
	// precinct and every ancestor. A refused report gets its error in its
	// TurnoutResult and does not stop the others; ENOTFOUND in it when the
	// election is missing. The caller's reports are never changed: a new
	// version's result carries a copy with its Version and Kind, a
	// duplicate's the version already stored. The returned error is for
	// failures of the store itself, when nothing of the batch is stored.
	SaveTurnout(ctx context.Context, rs []*TurnoutReport) ([]TurnoutResult, error)
	// Turnout returns the running totals of an area through the day, with
	// the number and registered voters of all its precincts; ENOTFOUND when
	// the election or the area is missing.
	Turnout(ctx context.Context, election, area string) (*TurnoutTotals, error)
	// TurnoutReports returns every version of every turnout report of the
	// precincts at or below an area, by precinct id, time and version;
	// ENOTFOUND when the election or the area is missing.
	TurnoutReports(ctx context.Context, election, area string) ([]*TurnoutReport, error)

	// ChangeElectionStatus applies TransitionStatus to the election's
	// stored status and, when it allows the change, stores the new status
	// and records the change in the history, setting c.From and, when
	// zero, c.At to the store's clock. ENOTFOUND when the election is
	// missing.
	ChangeElectionStatus(ctx context.Context, c *StatusChange) error
	// StatusHistory returns the election's status changes, oldest first;
	// ENOTFOUND when the election is missing.
	StatusHistory(ctx context.Context, election string) ([]StatusChange, error)

	Close() error
}

// Change is a committed change to an election: "protocols", "areas",
// "status" or "seats".
type Change struct {
	Election string
	What     string
}

// Watcher is a store that announces committed changes to every process
// using it, so that several servers sharing one database drop what they
// cached. PostgreSQL implements it with LISTEN/NOTIFY; a SQLite file has
// one process and needs none.
type Watcher interface {
	// Watch calls fn with every change until ctx is done.
	Watch(ctx context.Context, fn func(Change)) error
}
