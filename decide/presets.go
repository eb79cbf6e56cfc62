package decide

import (
	"fmt"
	"math/big"
	"strings"
)

// Preset is a named, versioned rule set. A preset never changes meaning once published: a changed law
// gets a new ID, because old results must stay reproducible under the rules they were decided by.
type Preset struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Source cites the law or the section of KAZAKHSTAN.md the rules encode.
	Source string `json:"source"`
	Rules  Rules  `json:"rules"`
	// Unconfirmed lists the points public sources do not settle, each with the default chosen and the
	// Rules field that changes it.
	Unconfirmed []string `json:"unconfirmed,omitempty"`
}

// The UNCONFIRMED points shared by the post-2022 list presets.
const (
	unconfirmedTie = "Tie rule after 2022: equal remainders go to the list registered earlier (the older law text); " +
		"set tie to \"lot\" with a public seed for a recorded lot."
	unconfirmedRunnerUp = "Runner-up admission after 2022: if only one list passes, the list with the next most votes is admitted " +
		"(the older law text); set admit_runner_up to false to drop it."
)

// Presets returns every preset, freshly built so that callers may change their copies.
func Presets() []Preset {
	pct := func(n int64) *big.Rat { return big.NewRat(n, 1) }
	return []Preset{
		{
			ID:    "kz-mazhilis-2021",
			Title: "Mazhilis, party lists, election of 10 January 2021 (98 seats, 7%)",
			Source: "Constitutional Law of 28 September 1995 No. 2464 \"On Elections in the Republic of Kazakhstan\", article 97-1 as in force " +
				"in January 2021: lists with seven and more percent share 98 seats by the Hare quota (votes of the passing lists / seats) and " +
				"largest remainders, equal remainders to the list registered earlier, and a runner-up is admitted if only one list passes; " +
				"KAZAKHSTAN.md §1-2. The ballot had no \"against all\", so the base is party votes (the official percentages).",
			Rules: Rules{
				Kind: KindList, Method: MethodHare, Seats: 98,
				Threshold: pct(7), ThresholdBase: BaseVotes, ThresholdInclusive: true,
				AdmitRunnerUp: true, Tie: TieRegistration,
			},
			Unconfirmed: []string{
				"Threshold base: party votes, as in the official 2021 percentages; an older text of the law took the share of voters " +
					"who took part (set threshold_base to \"took_part\").",
			},
		},
		{
			ID:    "kz-mazhilis-2023",
			Title: "Mazhilis, party lists, since the 2022 reform (69 of 98 seats, 5%)",
			Source: "Constitutional Law \"On Elections in the Republic of Kazakhstan\" as amended after the referendum of 5 June 2022 " +
				"(used on 19 March 2023): a parallel system of 69 list seats and 29 single-member districts; lists with \"5 and more percent\" " +
				"of the votes for parties plus against all share the 69 seats by the Hare quota and largest remainders; KAZAKHSTAN.md §1-2. " +
				"The 29 districts are plurality contests (the kz-maslikhat-2023-district rules); ComposeParallel adds both tiers up.",
			Rules: Rules{
				Kind: KindList, Method: MethodHare, Seats: 69,
				Threshold: pct(5), ThresholdBase: BaseVotesAgainstAll, ThresholdInclusive: true,
				AdmitRunnerUp: true, Tie: TieRegistration,
			},
			Unconfirmed: []string{unconfirmedTie, unconfirmedRunnerUp},
		},
		{
			ID:    "kz-maslikhat-2023-regional",
			Title: "Regional maslikhats (oblasts, Astana, Almaty, Shymkent), party-list half, 2023 (5%; seats per maslikhat)",
			Source: "Constitutional Law \"On Elections in the Republic of Kazakhstan\" as amended in 2022: the maslikhats of the 17 oblasts and " +
				"the three cities elect half of their deputies from party lists with the Mazhilis list rules (5% inclusive of the votes for " +
				"parties plus against all, Hare quota, largest remainders); KAZAKHSTAN.md §1-2. The number of list seats differs per " +
				"maslikhat, so it has no default and must be given.",
			Rules: Rules{
				Kind: KindList, Method: MethodHare,
				Threshold: pct(5), ThresholdBase: BaseVotesAgainstAll, ThresholdInclusive: true,
				AdmitRunnerUp: true, Tie: TieRegistration,
			},
			Unconfirmed: []string{unconfirmedTie, unconfirmedRunnerUp},
		},
		{
			ID:    "kz-maslikhat-2023-district",
			Title: "Single-member district by plurality, 2023 (district and city maslikhats; also the SMD halves of regional maslikhats and the 29 Mazhilis districts)",
			Source: "Constitutional Law \"On Elections in the Republic of Kazakhstan\" as amended in 2022: the candidate with the most votes " +
				"wins; a plurality for \"against all\" is not grounds for a re-run (CEC, 2023); KAZAKHSTAN.md §1 and §3.",
			Rules: Rules{Kind: KindPlurality, Seats: 1, AgainstAll: AgainstAllIgnore, Tie: TieRegistration},
			Unconfirmed: []string{
				"Minimum turnout for single-member districts: none by default; set min_turnout to a percentage of registered voters.",
				"Tie rule for equal votes: the candidate registered earlier by default; set tie to \"lot\" with a public seed.",
			},
		},
		{
			ID:    "kz-kurultai-2026",
			Title: "Kurultai, single chamber under the Constitution of 2026 (145 seats, 5%)",
			Source: "Constitution adopted by the referendum of 15 March 2026: a single-chamber Kurultai of 145 deputies elected from " +
				"nationwide party lists with a 5% threshold; KAZAKHSTAN.md §1. The implementing election law is not confirmed, so the " +
				"2023 list rules are carried over.",
			Rules: Rules{
				Kind: KindList, Method: MethodHare, Seats: 145,
				Threshold: pct(5), ThresholdBase: BaseVotesAgainstAll, ThresholdInclusive: true,
				AdmitRunnerUp: true, Tie: TieRegistration,
			},
			Unconfirmed: []string{
				"Threshold base and comparison: votes for parties plus against all, inclusive (as in 2023); set threshold_base and threshold_inclusive.",
				"Method: Hare quota and largest remainders (as in 2023); set method.",
				unconfirmedTie, unconfirmedRunnerUp,
			},
		},
		{
			ID:    "kz-president",
			Title: "President: absolute majority, else a runoff between the top two",
			Source: "Constitution of the Republic of Kazakhstan, article 41, and the Constitutional Law \"On Elections\": a candidate with " +
				"more than half of the votes of the voters who took part is elected; otherwise the two candidates with the most votes go " +
				"to a runoff won by plurality; no turnout threshold; KAZAKHSTAN.md §4. Decide the runoff itself as a plurality contest " +
				"with 1 seat.",
			Rules: Rules{Kind: KindMajority, MajorityBase: BaseTookPart, Tie: TieRegistration},
			Unconfirmed: []string{
				"Majority denominator: voters who took part, invalid ballots included (the stricter reading); published percentages " +
					"use votes for candidates plus against all (set majority_base to \"votes+against_all\"). Both shares are always shown.",
				"Tie for a runoff place: the candidate registered earlier by default; set tie to \"lot\" with a public seed.",
			},
		},
		{
			ID:    "kz-referendum-constitutional",
			Title: "Republican referendum on the Constitution: quorum, national and territorial majorities",
			Source: "Constitutional Law of 2 November 1995 No. 2592 \"On the Republican Referendum\": valid if more than half of the " +
				"citizens on the lists took part; an amendment to the Constitution is adopted if more than half of the participants voted " +
				"yes nationally and in at least two thirds of the oblasts, cities of republican significance and the capital, i.e. " +
				"ceil(2n/3) units (12 of 17 in 2022, 14 of 20 today); yes and no are shares of all participants; KAZAKHSTAN.md §5.",
			Rules: Rules{Kind: KindReferendum, Quorum: pct(50), Territorial: big.NewRat(2, 3)},
		},
		{
			ID:    "kz-referendum-ordinary",
			Title: "Republican referendum on another question: quorum and national majority",
			Source: "Constitutional Law of 2 November 1995 No. 2592 \"On the Republican Referendum\": valid if more than half of the " +
				"citizens on the lists took part; adopted if more than half of the participants voted yes; KAZAKHSTAN.md §5.",
			Rules: Rules{Kind: KindReferendum, Quorum: pct(50)},
			Unconfirmed: []string{
				"Territorial rule for questions other than the Constitution: off by default; set territorial to \"2/3\" to require a yes " +
					"majority in ceil(2n/3) units as well.",
			},
		},
	}
}

// LookupPreset returns the preset with the given ID, or an *Error listing the known IDs.
func LookupPreset(id string) (Preset, error) {
	all := Presets()
	ids := make([]string, len(all))
	for i, p := range all {
		if p.ID == id {
			return p, nil
		}
		ids[i] = p.ID
	}
	return Preset{}, &Error{Field: "preset", Message: fmt.Sprintf("unknown preset %q (known: %s)", id, strings.Join(ids, ", "))}
}
