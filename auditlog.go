package dauys

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// Actions an audit event records.
const (
	AuditLogin           = "login"
	AuditLoginFailed     = "login-failed"
	AuditLockout         = "lockout"
	AuditLogout          = "logout"
	AuditTokenRefused    = "token-refused" // an unknown, expired or revoked token was presented
	AuditSubmit          = "submit"
	AuditAmend           = "amend"
	AuditAcknowledge     = "acknowledge" // warnings of a stored protocol acknowledged by the sender
	AuditRefusal         = "refusal"     // a write refused before intake saw it: no credential, or not allowed
	AuditReadAudit       = "read-audit"
	AuditTokenCreate     = "token-create"
	AuditTokenRevoke     = "token-revoke"
	AuditKeyRegister     = "key-register"
	AuditKeyRevoke       = "key-revoke"
	AuditUserAdd         = "user-add"
	AuditUserDisable     = "user-disable"
	AuditUserUnlock      = "user-unlock"
	AuditElectionImport  = "election-import"
	AuditProtocolsImport = "protocols-import"
	AuditBackup          = "backup"
	AuditRestore         = "restore"
	AuditTurnout         = "turnout"        // a turnout report submitted
	AuditTurnoutImport   = "turnout-import" // dauys turnout import
	AuditElectionStatus  = "election-status"
	AuditSeatsAssign     = "seats-assign"     // a party's decision naming who takes its list seats
	AuditObserve         = "observe"          // an observer's copy of a protocol
	AuditObserveImage    = "observe-image"    // a photo or scan of a copy
	AuditObserveImport   = "observe-import"   // dauys observations import
	AuditOrgRegister     = "org-register"     // an observer organisation registered
	AuditComplaint       = "complaint"        // a complaint filed
	AuditDecision        = "complaint-decide" // the commission's decision on a complaint
	AuditRecount         = "recount-order"    // a recount ordered of the commission's own motion
)

// AuditOK is the outcome of an action that succeeded; a refused one
// records its error code instead, and a submission the outcome intake gave
// it (accepted, amended, duplicate, entered, disputed).
const AuditOK = "ok"

// Outcomes of an import's own events: its start is recorded before the
// first protocol is stored, and a run stopped by a signal or a timeout
// records its interruption with the counts so far. A start without an end
// in the trail is an import that was killed.
const (
	AuditStarted     = "started"
	AuditInterrupted = "interrupted"
)

// AuditEvent is one entry of the audit trail: who did what, when, from
// where, and how it ended. Events are only ever appended, and each carries
// the hash of the one before it, so that an edit or a deletion made behind
// the program's back breaks the chain where it happened.
type AuditEvent struct {
	ID int64     `json:"id"` // assigned by the store, increasing
	At time.Time `json:"at"`
	// Actor is the subject acting: a user name, a token's subject, or
	// cli:USER for the command line; "" when nobody proved who they are
	// (a failed sign-in names the account it tried as its Object).
	Actor string `json:"actor"`
	Role  string `json:"role,omitempty"`
	// Credential is how the actor proved who it is: password,
	// session:<first digits of the session's hash>, token:<id> or cli.
	Credential string `json:"credential,omitempty"`
	Action     string `json:"action"`
	Election   string `json:"election,omitempty"`
	Area       string `json:"area,omitempty"`
	// Object is what was acted on: contest/area of a protocol, a user's
	// name, a token's or a key's id, a file.
	Object  string `json:"object,omitempty"`
	Outcome string `json:"outcome"`
	Detail  string `json:"detail,omitempty"`
	// Client is where the action came from: the client's address, or
	// cli@HOST for the command line.
	Client string `json:"client,omitempty"`
	// Prev is the Hash of the event before this one in the whole trail
	// ("" for the first); Hash is ComputeHash. The store sets both.
	Prev string `json:"prev"`
	Hash string `json:"hash"`
}

// Validate checks what every event must say.
func (e *AuditEvent) Validate() error {
	switch {
	case e.At.IsZero():
		return Errorf(EINVALID, "an audit event needs a time")
	case e.Action == "":
		return Errorf(EINVALID, "an audit event needs an action")
	case e.Outcome == "":
		return Errorf(EINVALID, "an audit event needs an outcome")
	}
	return nil
}

// ComputeHash returns the hex SHA-256 of the event's content and Prev, ID
// and Hash aside. The content is encoded as a tag and then each field as a
// 4-byte big-endian length and its bytes, in the order of the struct, the
// time as decimal nanoseconds since the Unix epoch; anyone can recompute it
// from an export (dauys audit-log --json).
func (e *AuditEvent) ComputeHash() string {
	h := sha256.New()
	h.Write([]byte("dauys-audit-v1\n"))
	var n [4]byte
	for _, f := range []string{e.Prev, strconv.FormatInt(e.At.UnixNano(), 10), e.Actor, e.Role, e.Credential,
		e.Action, e.Election, e.Area, e.Object, e.Outcome, e.Detail, e.Client} {
		binary.BigEndian.PutUint32(n[:], uint32(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditVerifier checks a sequence of events as a store returns them: each
// event's hash, and, when Contiguous (the whole trail rather than one
// election's events), that each links to the one before it.
type AuditVerifier struct {
	Contiguous bool
	prev       string
	n          int
}

// Check checks the next event.
func (v *AuditVerifier) Check(e *AuditEvent) error {
	if got := e.ComputeHash(); got != e.Hash {
		return Errorf(EINVALID, "audit event %d: its hash %s does not match its content (%s): it was changed", e.ID, e.Hash, got)
	}
	if v.Contiguous && e.Prev != v.prev {
		return Errorf(EINVALID, "audit event %d: it follows %q, not the event before it (%q): events were removed or inserted", e.ID, e.Prev, v.prev)
	}
	v.prev = e.Hash
	v.n++
	return nil
}

// Checked returns how many events passed.
func (v *AuditVerifier) Checked() int { return v.n }

// String names an event in messages.
func (e *AuditEvent) String() string {
	return fmt.Sprintf("audit event %d: %s %s %s %s", e.ID, e.At.Format(time.RFC3339), e.Actor, e.Action, e.Outcome)
}

// AuditLog is the append-only audit trail. Stores offer no way to change or
// remove an event, and their tables refuse UPDATE and DELETE.
type AuditLog interface {
	// RecordAudit appends events in order, in one transaction: it sets
	// each event's ID, Prev and Hash. EINVALID when an event fails
	// Validate, and then nothing is appended.
	RecordAudit(ctx context.Context, events ...*AuditEvent) error
	// AuditEvents calls fn with the events of an election ("" for every
	// event, those of no election included) in the order they were
	// appended. It stops at the first error of fn and returns it as it is.
	AuditEvents(ctx context.Context, election string, fn func(*AuditEvent) error) error
}
