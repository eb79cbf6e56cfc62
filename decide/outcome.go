package decide

// Outcome is the decision for one contest with the explanation that justifies it. Which fields mean
// something depends on Kind; MarshalJSON emits only those.
type Outcome struct {
	Kind  Kind
	Rules Rules

	// Seats lists every option of a list contest in ballot order, with 0 seats included.
	Seats      []OptionSeats
	TotalSeats int
	// Indices measure the proportionality of a list contest; nil when nothing was allocated.
	Indices *Indices

	// Elected is the winner of a majority or single-seat plurality contest, nil if nobody is elected.
	Elected *string
	// Winners are all the winners of a plurality contest, best first.
	Winners []string
	// Runoff holds the two candidates of the runoff a majority contest needs, nil otherwise.
	Runoff []string
	// AgainstAllPlurality reports that "against all" outpolled every candidate of a plurality contest.
	AgainstAllPlurality bool
	// RerunRequired reports that the contest elected nobody and has to be held again: an against-all
	// plurality under AgainstAllRerun, a turnout below MinTurnout, or no majority with fewer than two
	// candidates for a runoff.
	RerunRequired bool

	// Referendum results. Valid means the turnout quorum was met; Adopted needs validity, a national
	// majority of participants and, with the territorial rule, a majority in enough units.
	Valid, Adopted                   bool
	QuorumMet, NationalMajority      bool
	UnitsWithMajority, UnitsRequired int

	// Ties are the decisive ties and how they were broken; never omitted.
	Ties        []Tie
	Explanation Explanation
}

// OptionSeats is one option's result in a list contest.
type OptionSeats struct {
	Option string `json:"option"`
	Votes  int64  `json:"votes"`
	// Passed reports whether the list passed the threshold.
	Passed bool `json:"passed"`
	// Admitted reports whether the list took part in the allocation: it passed, or it was admitted as the
	// runner-up.
	Admitted bool `json:"admitted"`
	Seats    int  `json:"seats"`
}

// Explanation is the reasoning behind an Outcome, step by step, in the terms of the rule. Only the parts
// that apply to the contest's kind and method are set.
type Explanation struct {
	// Summary states the rule that was applied in one sentence.
	Summary string `json:"summary"`

	// Bases names the denominator of every share in the explanation: which count each figure is a share
	// of, and its value. A share means nothing without its base, and Kazakh publications use three
	// (registered voters for turnout, votes for options plus against all for an election's shares and
	// thresholds, all who took part for a referendum's).
	Bases []Base `json:"bases,omitempty"`
	// Turnout is took part over registered, for every kind, when the registered line is known.
	Turnout *Fraction `json:"turnout,omitempty"`
	// AgainstAll is the share of "against all" of a list contest, of the same base as the lists' shares
	// (the CEC publishes it next to the parties: 3.90% in 2023); nil when the ballot has no such line.
	AgainstAll *AgainstAllLine `json:"against_all,omitempty"`

	Threshold  *ThresholdExplanation `json:"threshold,omitempty"`
	Quota      *QuotaExplanation     `json:"quota,omitempty"`
	Divisors   *DivisorExplanation   `json:"divisors,omitempty"`
	Lists      []ListLine            `json:"lists,omitempty"`
	Remainders []RemainderRank       `json:"remainders,omitempty"`

	Candidates []CandidateLine       `json:"candidates,omitempty"`
	Plurality  *PluralityExplanation `json:"plurality,omitempty"`
	Majority   *MajorityExplanation  `json:"majority,omitempty"`

	Referendum *ReferendumExplanation `json:"referendum,omitempty"`
	Units      []UnitLine             `json:"units,omitempty"`

	// Notes are further sentences: an admitted runner-up, unfilled seats, a missing quorum.
	Notes []string `json:"notes,omitempty"`
}

// Base is the denominator of one kind of figure in an Explanation.
type Base struct {
	// Figure says which figures are shares of this base: "turnout" (took part over registered),
	// "share" (each option's published share), "threshold" (a list's threshold), "majority" (the
	// absolute majority of a majority contest), "quorum" (a referendum's validity) or "adoption" (a
	// referendum's yes majority, nationally and per unit).
	Figure string `json:"figure"`
	// Of names the denominator: "registered", "took_part", or a ThresholdBase ("votes",
	// "votes+against_all").
	Of string `json:"of"`
	// Votes is the denominator's value in the total.
	Votes int64 `json:"votes"`
	// Text says the same in words.
	Text string `json:"text"`
}

// AgainstAllLine is the "against all" line of a list contest.
type AgainstAllLine struct {
	Votes int64    `json:"votes"`
	Share Fraction `json:"share"`
}

// ThresholdExplanation shows how the threshold was applied.
type ThresholdExplanation struct {
	// Percent is the threshold in percent, e.g. "5" or "7.5".
	Percent   string        `json:"percent"`
	Base      ThresholdBase `json:"base"`
	BaseVotes int64         `json:"base_votes"`
	Inclusive bool          `json:"inclusive"`
	// Comparison is ">=" for an inclusive threshold and ">" for an exclusive one.
	Comparison string `json:"comparison"`
	// MinimumVotes is Percent% of BaseVotes: the votes a list must reach (or exceed when exclusive).
	MinimumVotes Fraction `json:"minimum_votes"`
	Passed       int      `json:"passed"`
	// RunnerUp is the list admitted because only one list passed, if any.
	RunnerUp string `json:"runner_up,omitempty"`
}

// QuotaExplanation shows the quota of a largest-remainder method.
type QuotaExplanation struct {
	Method Method `json:"method"`
	// Formula states how the quota was computed, with the numbers.
	Formula string   `json:"formula"`
	Value   Fraction `json:"value"`
	// Votes are the votes of the admitted lists; Seats the seats to fill.
	Votes               int64 `json:"votes"`
	Seats               int   `json:"seats"`
	SeatsByIntegerParts int   `json:"seats_by_integer_parts"`
	SeatsByRemainders   int   `json:"seats_by_remainders"`
	// FullRounds counts rounds of the remainder ranking in which every list got a seat; only a Droop quota
	// on a tiny electorate leaves more seats than lists.
	FullRounds int `json:"full_rounds,omitempty"`
}

// DivisorExplanation shows the cut-off of a highest-averages method: every quotient votes/divisor above
// LastAwarded won a seat, none below it did.
type DivisorExplanation struct {
	Method   Method `json:"method"`
	Sequence string `json:"sequence"`
	// LastAwarded is the quotient that won the last seat.
	LastAwarded Fraction `json:"last_awarded"`
	// FirstUnawarded is the best quotient that won no seat.
	FirstUnawarded Fraction `json:"first_unawarded"`
}

// ListLine is one list's path through a list contest.
type ListLine struct {
	Option string `json:"option"`
	Votes  int64  `json:"votes"`
	// Share is the share of the threshold base (of party votes when there is no threshold).
	Share  Fraction `json:"share"`
	Passed bool     `json:"passed"`
	// Admitted is "threshold" or "runner_up" for lists in the allocation, empty otherwise.
	Admitted string `json:"admitted,omitempty"`
	// Quotient (votes/quota), IntegerPart, Remainder (a fraction of one quota) and RemainderRank are set
	// for admitted lists under a largest-remainder method.
	Quotient      *Fraction `json:"quotient,omitempty"`
	IntegerPart   *int      `json:"integer_part,omitempty"`
	Remainder     *Fraction `json:"remainder,omitempty"`
	RemainderRank int       `json:"remainder_rank,omitempty"`
	// LastQuotient (the quotient that won the list its last seat) and NextQuotient (the first that did
	// not) are set for admitted lists under a divisor method.
	LastQuotient *Fraction `json:"last_quotient,omitempty"`
	NextQuotient *Fraction `json:"next_quotient,omitempty"`
	Seats        int       `json:"seats"`
}

// RemainderRank is one place in the ranking of remainders.
type RemainderRank struct {
	Rank      int      `json:"rank"`
	Option    string   `json:"option"`
	Remainder Fraction `json:"remainder"`
	// Seats is how many seats the list got from remainders (more than 1 only after full rounds).
	Seats int `json:"seats"`
	// Tied marks a remainder equal to a neighbour's at the cut, decided by the tie rule.
	Tied bool `json:"tied,omitempty"`
}

// CandidateLine is one candidate of a plurality or majority contest, in ranking order.
type CandidateLine struct {
	Rank   int    `json:"rank"`
	Option string `json:"option"`
	Votes  int64  `json:"votes"`
	// Share is the share of the deciding denominator: votes plus against all for plurality, the majority
	// base for majority.
	Share Fraction `json:"share"`
	// ShareOfTookPart and ShareOfValid (votes for candidates plus against all) are both shown for a
	// majority contest, whatever its base, because published figures use the latter and the law the
	// former (KAZAKHSTAN.md §4).
	ShareOfTookPart *Fraction `json:"share_of_took_part,omitempty"`
	ShareOfValid    *Fraction `json:"share_of_valid,omitempty"`
	// Result is "elected", "won", "runoff" or empty.
	Result string `json:"result,omitempty"`
}

// PluralityExplanation shows the facts of a plurality contest beyond the ranking.
type PluralityExplanation struct {
	Seats               int            `json:"seats"`
	Valid               int64          `json:"valid"`
	AgainstAll          int64          `json:"against_all"`
	AgainstAllShare     Fraction       `json:"against_all_share"`
	AgainstAllPlurality bool           `json:"against_all_plurality"`
	AgainstAllRule      AgainstAllRule `json:"against_all_rule"`
	Registered          int64          `json:"registered"`
	TookPart            int64          `json:"took_part"`
	Turnout             Fraction       `json:"turnout"`
	MinTurnout          string         `json:"min_turnout,omitempty"`
	TurnoutMet          bool           `json:"turnout_met"`
}

// MajorityExplanation shows the denominator of an absolute majority.
type MajorityExplanation struct {
	Base        ThresholdBase `json:"base"`
	Denominator int64         `json:"denominator"`
	// VotesNeeded is the least number of votes that is more than half of Denominator.
	VotesNeeded             int64    `json:"votes_needed"`
	TookPart                int64    `json:"took_part"`
	Valid                   int64    `json:"valid"`
	Invalid                 int64    `json:"invalid"`
	AgainstAll              int64    `json:"against_all"`
	AgainstAllShareTookPart Fraction `json:"against_all_share_of_took_part"`
	AgainstAllShareValid    Fraction `json:"against_all_share_of_valid"`
}

// ReferendumExplanation shows the national figures of a referendum. Shares are of all participants
// (took part, invalid ballots included).
type ReferendumExplanation struct {
	Registered       int64    `json:"registered"`
	TookPart         int64    `json:"took_part"`
	Turnout          Fraction `json:"turnout"`
	Quorum           string   `json:"quorum,omitempty"`
	QuorumMet        bool     `json:"quorum_met"`
	Yes              int64    `json:"yes"`
	No               int64    `json:"no"`
	BothMarked       int64    `json:"both_marked"`
	Invalid          int64    `json:"invalid"`
	YesShare         Fraction `json:"yes_share"`
	NoShare          Fraction `json:"no_share"`
	BothMarkedShare  Fraction `json:"both_marked_share"`
	InvalidShare     Fraction `json:"invalid_share"`
	NationalMajority bool     `json:"national_majority"`
	TerritorialRule  bool     `json:"territorial_rule"`
	// Territorial is the fraction of units required, e.g. "2/3".
	Territorial       string `json:"territorial,omitempty"`
	Units             int    `json:"units"`
	UnitsRequired     int    `json:"units_required"`
	UnitsWithMajority int    `json:"units_with_majority"`
}

// UnitLine is one territorial unit of a referendum.
type UnitLine struct {
	Name       string   `json:"name"`
	Registered int64    `json:"registered"`
	TookPart   int64    `json:"took_part"`
	Yes        int64    `json:"yes"`
	No         int64    `json:"no"`
	Turnout    Fraction `json:"turnout"`
	YesShare   Fraction `json:"yes_share"`
	NoShare    Fraction `json:"no_share"`
	// Majority reports yes by more than half of the unit's participants.
	Majority bool `json:"majority"`
}
