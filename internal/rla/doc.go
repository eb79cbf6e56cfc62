// Package rla implements risk-limiting audits (RLAs) of reported election
// outcomes: ballot-polling BRAVO, batch comparison with MACRO (precincts as
// batches), and reproducible sampling from a public seed.
//
// A risk-limiting audit examines a random sample of paper ballots (or batch
// hand counts) until the sample gives strong evidence that the reported
// winners really won; the risk limit is the largest chance that a wrong
// outcome escapes correction. If the evidence does not come, the audit
// escalates, ultimately to a full hand count, whose result replaces the
// reported one.
//
// Sources, cited where each formula is implemented:
//   - M. Lindeman and P. B. Stark, "A Gentle Introduction to Risk-limiting
//     Audits", IEEE Security & Privacy 10(5), 2012.
//   - M. Lindeman, P. B. Stark and V. S. Yates, "BRAVO: Ballot-polling
//     Risk-limiting Audits to Verify Outcomes", EVT/WOTE 2012.
//   - P. B. Stark, "A sharper discrepancy measure for post-election audits",
//     Annals of Applied Statistics 2(3), 2008, and "Risk-limiting
//     post-election audits: P-values from common probability inequalities",
//     IEEE TIFS 4(4), 2009 (MACRO, PPEBWR, the Kaplan–Markov P-value).
//   - R. L. Rivest, sampler.py (2011) and consistent_sampler (2018).
//   - VotingWorks Arlo, server/audit_math/{bravo,macro,sampler}.py, whose
//     tests supply most of the worked numbers in this package's tests.
//
// Counts are int64 and margins are exact (math/big.Rat where a ratio decides
// anything). Risks are products of likelihood ratios; they are computed as
// sums of float64 logarithms, which carry a relative error of about 1e-15 per
// term — far below any risk limit anyone uses — and are reported clamped to
// [0, 1].
//
// The package depends on no other Dauys package and does no I/O.
package rla
