// Package forensics computes statistical signals from polling-station
// (precinct) results: the election fingerprint, the integer-percentage test with
// a Monte Carlo null, the turnout distribution and its modes, last-digit and
// second-digit (2BL) tests, precinct outliers and cross-contest consistency.
//
// Every figure here is a statistical signal about the shape of the published
// numbers. None of them is proof of wrongdoing: each has innocent explanations
// (small precincts, special polling stations, local voting habits), and each
// is meant to direct an observer's attention, not to replace an audit or a
// court. The wording of every label follows that rule.
//
// The package is pure: it does no I/O except writing SVG to an io.Writer, it
// depends on no other Dauys package, and its results are deterministic for a
// given input and Config (the Monte Carlo uses seeded per-precinct generators,
// so neither the number of workers nor scheduling changes a result).
//
// Vote counts are integers throughout. Inclusion rules and the "integer
// percentage" test use exact integer cross-multiplication; floating point is
// used only for the Monte Carlo probabilities, the chi-square statistics and
// display values.
package forensics
