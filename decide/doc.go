// Package decide turns vote counts into outcomes: seats for party lists, winners of plurality and
// majority contests, and the validity and adoption of referendums. It is pure (no I/O, no clock, no
// randomness, no package state) and exact: counts are integers, and every quota, share, remainder,
// quotient and threshold is compared as an integer or a big.Rat. Decimals appear only in the
// explanation, for reading, next to the exact fraction they were rounded from.
//
// # Using it
//
// Describe the contest with Rules, or take a versioned Preset (Presets, LookupPreset), put the counts in
// an Input and call Decide. The Outcome carries the result, every decisive tie and an Explanation; it
// marshals to JSON (MarshalJSON) and renders as text (WriteText). Allocate is the bare seat allocation
// for callers that need only the numbers; ComposeParallel adds district winners to list seats;
// ComputeIndices measures proportionality.
//
// # Party lists
//
// A list passes the threshold when its votes are at least (inclusive) or more than (exclusive) the
// threshold percentage of the base: votes for lists only, votes for lists plus "against all"
// (Kazakhstan since 2021), or all voters who took part. The comparison is votes*100 against
// percent*base in integers. A list without votes never passes. Optionally, when only one list passes,
// the list with the next most votes is admitted too (Kazakhstan's older law; see KAZAKHSTAN.md §2).
// The admitted lists then share the seats by one of five methods.
//
// Largest remainder with the Hare quota (Hamilton, Hare-Niemeyer): the quota is the votes of the admitted
// lists divided by the seats, kept as the exact fraction V/S; each list gets the integer part of
// votes/quota = votes*S/V, computed in 128-bit integers, and the seats left go one each to the largest
// remainders (votes*S mod V, all over the same denominator V, so they compare as integers). This is the
// Kazakh rule (KAZAKHSTAN.md §2; Constitutional Law "On Elections", art. 97-1) and the Wikipedia
// "Largest remainder method" article's Hare example.
//
// Largest remainder with the Droop quota: the quota is floor(V/(S+1)) + 1, an integer, so that the integer
// parts can never exceed the seats; remainders are votes mod quota (Wikipedia, "Largest remainder
// method", Droop example; "Droop quota"). On a tiny electorate the rounded-up quota can leave more seats
// than lists (100 votes for 30 seats); the remainder ranking is then gone through again, a full round
// giving every list one more seat, until the seats are filled. Hare cannot do this.
//
// Highest averages (divisor methods): seats are given one at a time to the highest quotient
// votes/divisor(seats already held). D'Hondt (Jefferson) divides by 1, 2, 3, ...; Sainte-Laguë (Webster)
// by 1, 3, 5, ...; the modified Sainte-Laguë method (Scandinavia) by 1.4, 3, 5, ..., here scaled by 5 to
// the integers 7, 15, 25, ... (Wikipedia, "D'Hondt method" and "Sainte-Laguë method"; Gallagher and
// Mitchell, The Politics of Electoral Systems, appendix). A binary heap keeps the next best quotient at
// the top, and quotients are compared by cross-multiplication, v1*d2 against v2*d1, in 128 bits, so a
// seat costs O(log lists) integer operations.
//
// # Ties
//
// A tie is recorded in Outcome.Ties when tied options compete for fewer places than there are of them
// (equal remainders or quotients at the last seat, equal votes for the runner-up place, for the last
// plurality seat or for a runoff place); ties that do not change the outcome are not decisions and are
// not listed. Two rules break them. TieRegistration prefers the option registered earlier, i.e. earlier
// in Input.Options (the ballot order; Kazakhstan's older law). TieLot draws a lot that anyone can
// reproduce from a public seed: each option's key is SHA-256 of the seed's UTF-8 bytes, one zero byte,
// and the option name's UTF-8 bytes (see LotKey); tied options are ordered by key, smallest first (as
// big-endian numbers, i.e. by lower-case hex string), and the first ones get the places. The Tie lists
// every key. Both rules order all options once, so one rule breaks every tie of a contest consistently.
//
// # Plurality
//
// The N candidates with the most votes win (N = Rules.Seats; 1 for a single-member district, more for a
// "vote for N" contest). "Against all" is counted and shown but never wins a seat. When it has more votes
// than every candidate, Outcome.AgainstAllPlurality is set; by default that has no legal effect (the
// Kazakh CEC in 2023, KAZAKHSTAN.md §3), and with AgainstAllRerun nobody is elected and the contest is
// marked for a re-run. An optional minimum turnout (percent of registered, inclusive) can also force a
// re-run. A candidate without votes never wins.
//
// # Absolute majority and runoff
//
// A candidate with more than half of the denominator is elected; otherwise the two candidates with the
// most votes go to a runoff, which is itself a plurality contest with one seat. The denominator is
// configurable (Rules.MajorityBase): the votes for candidates plus against all, on which the CEC publishes
// every percentage and declares the winner (the kz-president preset; 2022: Tokayev 6,456,393 of 7,940,478
// = 81.31%), or all voters who took part, invalid ballots included (the stricter reading of the law's
// "more than half of the votes of the voters who took part"; 77.79% in 2022; and the default of a Rules
// value that names no base, so that stored rules keep their meaning). Both shares are always shown
// (KAZAKHSTAN.md §4).
//
// # Referendum
//
// A referendum is valid if those who took part exceed the quorum percentage of registered voters (more
// than half in Kazakhstan). It is adopted if yes has more than half of all participants nationally and,
// with the territorial rule, in at least ceil(share*n) of the n territorial units (Input.Units; two
// thirds for a constitutional amendment: 12 of 17 units in 2022, 14 of 20 today). Yes and no are shares
// of all participants, invalid ballots included; a ballot with both marked is valid but counts for
// neither (Constitutional Law "On the Republican Referendum"; KAZAKHSTAN.md §5).
//
// # Mixed parallel systems
//
// ComposeParallel adds district winners to the list seats of a list Outcome, with no compensation between
// the tiers: the Mazhilis since 2023 is 69 list seats plus 29 districts.
//
// # Official figures: bases and rounding
//
// Every share in an Outcome is a Fraction with the exact numerator/denominator, a four-place percent for
// reading margins, and PercentHundredths, the percentage rounded half up to the hundredth from the exact
// fraction: the figure as the CEC publishes it. Percent(num, den) gives the same string for any two counts;
// it is the one rounding every surface (site, API, CSV, CDF export, dauys decide) must show, so that a
// share never reads differently in two places. Explanation.Bases names the denominator of each figure.
// The bases the presets use were found by reproducing the CEC's own percentages from its own totals
// (testdata/official.json, with a source for every figure; TestOfficialFigures):
//
//	figure                     base                                            evidence
//	turnout                    took part / registered                          2022 president 69.44, 2022-2026 referendums
//	party list share           votes for the list / (all lists + against all)  2023 Mazhilis and maslikhats (2021: / all lists)
//	list threshold             5% of all lists + against all, inclusive        2023 Mazhilis: Baytaq 2.30% out; Astana: Baytaq 5.49% in
//	presidential share         votes / (all candidates + against all)          2022: Tokayev 81.31 (77.79 of took part)
//	presidential majority      more than half of the same base                 UNCONFIRMED: 2022 is clear under both readings
//	referendum shares          yes, no, both, invalid / took part              2022 yes 77.18, 2024 71.12, 2026 87.15
//	referendum validity        took part > 50% of registered                   2022, 2024, 2026
//	referendum adoption        yes > 50% of took part (+ ceil(2n/3) units)     2022 (all 17 units, CEC-quoted), 2024, 2026
//
// The published figures do not tell half-up from half-even rounding (none is an exact half of a
// hundredth); they do tell rounding from truncation (81.3099... was published as 81.31). Each Preset
// carries the same in Preset.Bases, with its sources, and lists what remains unconfirmed.
//
// # Indices
//
// ComputeIndices (and Outcome.Indices for list contests) gives the Gallagher least-squares index
// (Gallagher 1991), the Loosemore-Hanby index (1971), the effective number of parties by votes and by
// seats (Laakso and Taagepera 1979), and the share of votes for lists that won no seat, all over the
// votes for lists ("against all" is not a party).
//
// # Dependencies
//
// It imports no other Dauys package, so that other projects can import it
// alone.
package decide
