// Package tlog is the transparency log of an election: an append-only
// Merkle tree (RFC 6962, as golang.org/x/mod/sumdb/tlog builds it) whose
// entries are the election's definition, its areas, the commission keys and
// every accepted version of every protocol, amendments with their reasons.
// The CEC signs checkpoints of the tree (C2SP tlog-checkpoint notes) and
// publishes the tree as static tiles (C2SP tlog-tiles), so that anyone can
// prove that a protocol is in the log, that the log only ever grew, and,
// with internal/verify, that the published results are what the logged
// protocols add up to.
//
// The log is written by a Sequencer after the stores commit: protocol
// versions are saved as they always are, and Sync appends those not yet
// logged, in the order they were stored, then signs a new checkpoint. A
// version is therefore in the log a moment after it is in the results (the
// merge delay of Certificate Transparency), and a crash between the two
// loses nothing: the next Sync catches up.
//
// The format of entries is documented in docs/verification.md and in
// record.go; it is versioned ("dauys-log-entry-v1") and canonical, so that
// an entry has exactly one encoding.
//
// It imports the domain and internal/definition (to encode entries), never
// intake, election, tally or web; the stores import it for its storage
// contract.
package tlog
