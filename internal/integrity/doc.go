// Package integrity wires the pure integrity packages into the product: it
// reads an election's protocols from a Store and hands them to
// internal/forensics (statistical signals) and internal/rla (risk-limiting
// audits), and it answers, from the running tally, whether a result can still
// change with the precincts that have not reported yet.
//
// Nothing here adds statistics of its own. The forensics and audit
// mathematics stay in their packages, which depend on no other Dauys
// package; this package decides which protocol lines feed them, keeps an
// audit's public state in one JSON document, and asks the rules engine
// (decide) the "what if" questions exactly, on modified counts.
//
// Every output is worded as a signal or as arithmetic, never as an
// accusation: a statistical signal has innocent explanations, and an audit
// that escalates only says that the evidence is not yet strong enough.
//
// It reads protocols through Protocols (a store, or the tally) and results
// through internal/tally, and must never import intake, web, httpapi or a
// store driver.
package integrity
