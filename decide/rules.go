package decide

import (
	"fmt"
	"math/big"
)

// Kind says which family of rules decides a contest.
type Kind string

// The kinds of contest the package decides.
const (
	KindList       Kind = "list"       // party-list proportional representation
	KindPlurality  Kind = "plurality"  // the N candidates with the most votes win
	KindMajority   Kind = "majority"   // more than half of a denominator, else a runoff
	KindReferendum Kind = "referendum" // turnout quorum plus national and territorial majorities
)

// Method is a seat allocation method for party lists.
type Method string

// The allocation methods. See the package documentation for each one's source.
const (
	MethodHare                Method = "hare"                  // largest remainder, Hare quota
	MethodDroop               Method = "droop"                 // largest remainder, Droop quota
	MethodDHondt              Method = "dhondt"                // highest averages, divisors 1, 2, 3, ...
	MethodSainteLague         Method = "sainte-lague"          // highest averages, divisors 1, 3, 5, ...
	MethodModifiedSainteLague Method = "modified-sainte-lague" // highest averages, divisors 1.4, 3, 5, ...
)

// Methods lists every allocation method in a stable order.
func Methods() []Method {
	return []Method{MethodHare, MethodDroop, MethodDHondt, MethodSainteLague, MethodModifiedSainteLague}
}

// ThresholdBase names the denominator of a share: the threshold base of a list contest and the majority
// denominator of a majority contest.
type ThresholdBase string

// The denominators a share can be taken of.
const (
	BaseVotes           ThresholdBase = "votes"             // votes for options (parties, candidates) only
	BaseVotesAgainstAll ThresholdBase = "votes+against_all" // votes for options plus "against all"
	BaseTookPart        ThresholdBase = "took_part"         // all ballots cast, invalid ones included
)

// TieRule says how a tie that decides a seat or a place is broken.
type TieRule string

// The tie rules. The empty TieRule means TieRegistration.
const (
	// TieRegistration prefers the option registered earlier, i.e. the one earlier on the ballot.
	TieRegistration TieRule = "registration"
	// TieLot prefers the option whose lot key, SHA-256(seed || 0x00 || name), is smallest; see LotKey.
	TieLot TieRule = "lot"
)

// AgainstAllRule says what it means when "against all" outpolls every candidate of a plurality contest.
type AgainstAllRule string

// The against-all rules. The empty AgainstAllRule means AgainstAllIgnore.
const (
	// AgainstAllIgnore elects the leading candidates anyway and only reports the fact. It is the CEC's
	// reading for 2023 (KAZAKHSTAN.md §3: a plurality for "against all" is not grounds for a re-run).
	AgainstAllIgnore AgainstAllRule = "ignore"
	// AgainstAllRerun elects nobody and marks the contest as needing a re-run.
	AgainstAllRerun AgainstAllRule = "rerun"
)

// MaxSeats bounds Rules.Seats. Real bodies have a few hundred seats; the bound keeps a typing error from
// turning into minutes of work.
const MaxSeats = 1_000_000

// Rules is a complete, serialisable description of how one contest is decided. The zero value of each
// optional field is its documented default, so a Rules value read from JSON means the same thing later.
type Rules struct {
	Kind Kind `json:"kind"`

	// Method and Seats apply to list contests; Seats also to plurality ("vote for N").
	Method Method `json:"method,omitempty"`
	Seats  int    `json:"seats,omitempty"`

	// Threshold is a percentage (5 means 5%) of ThresholdBase that a list needs to take part in the
	// allocation; nil means no threshold. ThresholdInclusive makes exactly the threshold enough (">=");
	// otherwise a list needs strictly more (">").
	Threshold          *big.Rat      `json:"threshold,omitempty"`
	ThresholdBase      ThresholdBase `json:"threshold_base,omitempty"`
	ThresholdInclusive bool          `json:"threshold_inclusive,omitempty"`

	// ListQuota is the law's minimum share of women, young people and people with disabilities on a party
	// list and among those who take its seats; nil means none. It does not change how seats are
	// allocated: it is checked when a definition is loaded and when a party names its members.
	ListQuota *ListQuota `json:"list_quota,omitempty"`

	// AdmitRunnerUp admits the list with the next most votes when only one list passes the threshold
	// (Kazakhstan's older law; UNCONFIRMED after 2022).
	AdmitRunnerUp bool `json:"admit_runner_up,omitempty"`

	// Tie is the tie rule (default registration); Seed is the public seed of a lot and is required with
	// TieLot.
	Tie  TieRule `json:"tie,omitempty"`
	Seed string  `json:"seed,omitempty"`

	// AgainstAll says what an "against all" plurality means in a plurality contest (default ignore).
	AgainstAll AgainstAllRule `json:"against_all,omitempty"`
	// MinTurnout is a percentage of registered voters that must take part for a plurality contest to be
	// valid (inclusive); nil means no minimum. KAZAKHSTAN.md §3 lists it as UNCONFIRMED, default none.
	MinTurnout *big.Rat `json:"min_turnout,omitempty"`

	// MajorityBase is the denominator of the absolute majority (default took_part, ballots cast).
	MajorityBase ThresholdBase `json:"majority_base,omitempty"`

	// Quorum is the percentage of registered voters that must be exceeded by those who took part for a
	// referendum to be valid; nil means no quorum.
	Quorum *big.Rat `json:"quorum,omitempty"`
	// Territorial is the fraction of territorial units (2/3 for Kazakhstan's constitutional rule) in which
	// "yes" must win more than half of the participants; the number required is ceil(Territorial*n).
	// Nil switches the territorial rule off.
	Territorial *big.Rat `json:"territorial,omitempty"`
}

// tieRule returns the effective tie rule, applying the default.
func (r Rules) tieRule() TieRule {
	if r.Tie == "" {
		return TieRegistration
	}
	return r.Tie
}

// againstAllRule returns the effective against-all rule, applying the default.
func (r Rules) againstAllRule() AgainstAllRule {
	if r.AgainstAll == "" {
		return AgainstAllIgnore
	}
	return r.AgainstAll
}

// majorityBase returns the effective majority denominator, applying the default.
func (r Rules) majorityBase() ThresholdBase {
	if r.MajorityBase == "" {
		return BaseTookPart
	}
	return r.MajorityBase
}

// Validate reports the first rule that cannot be applied, as an *Error naming the field.
func (r Rules) Validate() error {
	switch r.Kind {
	case KindList:
		if !validMethod(r.Method) {
			return invalidField("method", fmt.Sprintf("unknown method %q (want hare, droop, dhondt, sainte-lague or modified-sainte-lague)", r.Method))
		}
		if err := validSeats(r.Seats); err != nil {
			return err
		}
		if r.Threshold != nil {
			if err := validPercent("threshold", r.Threshold); err != nil {
				return err
			}
			if !validBase(r.ThresholdBase) {
				return invalidField("threshold_base", fmt.Sprintf("unknown threshold base %q (want votes, votes+against_all or took_part)", r.ThresholdBase))
			}
		} else if r.ThresholdBase != "" && !validBase(r.ThresholdBase) {
			return invalidField("threshold_base", fmt.Sprintf("unknown threshold base %q (want votes, votes+against_all or took_part)", r.ThresholdBase))
		}
		if err := r.ListQuota.Validate(); err != nil {
			return err
		}
	case KindPlurality:
		if err := validSeats(r.Seats); err != nil {
			return err
		}
		switch r.AgainstAll {
		case "", AgainstAllIgnore, AgainstAllRerun:
		default:
			return invalidField("against_all", fmt.Sprintf("unknown against-all rule %q (want ignore or rerun)", r.AgainstAll))
		}
		if r.MinTurnout != nil {
			if err := validPercent("min_turnout", r.MinTurnout); err != nil {
				return err
			}
		}
	case KindMajority:
		if r.Seats > 1 {
			return invalidField("seats", fmt.Sprintf("a majority contest fills one seat, not %d", r.Seats))
		}
		if r.MajorityBase != "" && !validBase(r.MajorityBase) {
			return invalidField("majority_base", fmt.Sprintf("unknown majority base %q (want took_part, votes+against_all or votes)", r.MajorityBase))
		}
	case KindReferendum:
		if r.Quorum != nil {
			if err := validPercent("quorum", r.Quorum); err != nil {
				return err
			}
		}
		if r.Territorial != nil && (r.Territorial.Sign() <= 0 || r.Territorial.Cmp(big.NewRat(1, 1)) > 0) {
			return invalidField("territorial", fmt.Sprintf("territorial share %s must be more than 0 and at most 1", r.Territorial.RatString()))
		}
	default:
		return invalidField("kind", fmt.Sprintf("unknown kind %q (want list, plurality, majority or referendum)", r.Kind))
	}
	switch r.Tie {
	case "", TieRegistration:
	case TieLot:
		if r.Seed == "" {
			return invalidField("seed", "the lot tie rule needs a public seed")
		}
	default:
		return invalidField("tie", fmt.Sprintf("unknown tie rule %q (want registration or lot)", r.Tie))
	}
	return nil
}

func validMethod(m Method) bool {
	switch m {
	case MethodHare, MethodDroop, MethodDHondt, MethodSainteLague, MethodModifiedSainteLague:
		return true
	}
	return false
}

func validBase(b ThresholdBase) bool {
	switch b {
	case BaseVotes, BaseVotesAgainstAll, BaseTookPart:
		return true
	}
	return false
}

func validSeats(n int) error {
	if n < 1 {
		return invalidField("seats", fmt.Sprintf("seats must be at least 1, got %d", n))
	}
	if n > MaxSeats {
		return invalidField("seats", fmt.Sprintf("seats must be at most %d, got %d", MaxSeats, n))
	}
	return nil
}

func validPercent(field string, p *big.Rat) error {
	if p.Sign() < 0 || p.Cmp(big.NewRat(100, 1)) > 0 {
		return invalidField(field, fmt.Sprintf("%s %s%% is outside 0..100", field, p.RatString()))
	}
	return nil
}
