// Package rules maps a contest's rules and lines, as a definition writes
// them, to the rules engine's input: the one mapping that the tally, the
// public site and the independent verifier share. It is pure: no store, no
// I/O.
//
// It imports only the domain and decide.
package rules

import (
	"fmt"
	"math/big"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
)

// For turns a contest's rules as written in a definition into the rules
// engine's: a preset with overrides, or an explicit method.
func For(c *dauys.Contest) (decide.Rules, error) {
	spec := c.Rules
	var r decide.Rules
	if spec.Preset != "" {
		p, err := decide.LookupPreset(spec.Preset)
		if err != nil {
			return r, dauys.Errorf(dauys.EINVALID, "contest %s: %v", c.ID, err)
		}
		r = p.Rules
	} else {
		r.Kind = decide.Kind(c.Kind)
		switch spec.Method {
		case "", "plurality", "majority", "referendum":
		default:
			r.Method = decide.Method(spec.Method)
		}
		if r.Kind == decide.KindList {
			r.ThresholdInclusive = true
			r.Tie = decide.TieRegistration
		}
	}
	if spec.Seats > 0 {
		r.Seats = spec.Seats
	}
	if r.Seats == 0 && (r.Kind == decide.KindPlurality || r.Kind == decide.KindMajority) {
		r.Seats = 1
	}
	if spec.Threshold != "" {
		p, ok := new(big.Rat).SetString(spec.Threshold)
		if !ok {
			return r, dauys.Errorf(dauys.EINVALID, "contest %s: threshold %q is not a number", c.ID, spec.Threshold)
		}
		r.Threshold = p
	}
	if spec.ThresholdBase != "" {
		r.ThresholdBase = decide.ThresholdBase(spec.ThresholdBase)
	}
	if spec.ThresholdExclusive {
		r.ThresholdInclusive = false
	}
	if spec.Tie != "" {
		r.Tie = decide.TieRule(spec.Tie)
	}
	if spec.Seed != "" {
		r.Seed = spec.Seed
	}
	if err := applyExtra(&r, spec); err != nil {
		return r, dauys.Errorf(dauys.EINVALID, "contest %s: %v", c.ID, err)
	}
	if string(r.Kind) != c.Kind {
		return r, dauys.Errorf(dauys.EINVALID, "contest %s is of kind %s but its rules decide a %s", c.ID, c.Kind, r.Kind)
	}
	if err := r.Validate(); err != nil {
		return r, dauys.Errorf(dauys.EINVALID, "contest %s: %v", c.ID, err)
	}
	return r, nil
}

// Check is the definition loader's hook: a contest's rules must make
// sense to the rules engine.
func Check(c *dauys.Contest) error {
	_, err := For(c)
	return err
}

// Input returns what the rules engine is given for a contest's summed
// lines, without territorial units: the input of a "what if" scenario that
// decides the same votes under other rules.
func Input(c *dauys.Contest, lines map[string]int64) decide.Input {
	in := decide.Input{Total: Counts(c, lines)}
	for _, o := range c.Options {
		in.Options = append(in.Options, o.ID)
	}
	return in
}

// Counts maps a contest's summed lines to the rules engine's counts: the
// lines with a meaning to it by name, and the option lines in ballot order.
func Counts(c *dauys.Contest, lines map[string]int64) decide.Counts {
	k := decide.Counts{
		Registered: lines["registered"],
		TookPart:   lines["took_part"],
		Invalid:    lines["invalid"],
		AgainstAll: lines["against_all"],
		BothMarked: lines["both_marked"],
		Yes:        lines["yes"],
		No:         lines["no"],
	}
	k.Issued = Issued(lines)
	for _, o := range c.Options {
		k.Options = append(k.Options, lines[dauys.OptionLinePrefix+o.ID])
	}
	return k
}

// IssuedParts are the lines of a Russian-style protocol whose sum is the
// ballots issued to voters: early, at the station and outside it.
var IssuedParts = []string{"issued_early", "issued_station", "issued_outside"}

// Issued returns the ballots issued to voters, i.e. the voters who received
// ballots: the "issued" line, else the sum of the IssuedParts lines, else 0
// when the protocol does not count them apart from the ballots found in the
// boxes. It is the numerator of an election's turnout as the CEC publishes
// it (2022 president: 8,300,046 voters received ballots, 69.44%), the same
// one the integrity page uses; the rules engine falls back to took_part
// when it is 0. Every surface that shows a turnout takes it from here.
func Issued(lines map[string]int64) int64 {
	if n, ok := lines["issued"]; ok {
		return n
	}
	var n int64
	for _, l := range IssuedParts {
		n += lines[l]
	}
	return n
}

// TurnoutVoters returns the numerator of a contest's turnout as the CEC
// publishes it, from its summed lines: for an election the voters who
// received ballots (Issued), or took_part where the form does not count
// them apart; for a referendum those who took part. It is the rules
// engine's own choice (decide.Counts.TurnoutVoters), so that a turnout on
// any surface equals the one in the outcome.
func TurnoutVoters(kind string, lines map[string]int64) int64 {
	k := decide.Counts{TookPart: lines["took_part"], Issued: Issued(lines)}
	return k.TurnoutVoters(decide.Kind(kind))
}

// applyExtra sets the referendum and majority rules a definition may spell
// out instead of naming a preset.
func applyExtra(r *decide.Rules, spec dauys.Rules) error {
	if spec.Quorum != "" {
		q, ok := new(big.Rat).SetString(spec.Quorum)
		if !ok {
			return fmt.Errorf("quorum %q is not a number", spec.Quorum)
		}
		r.Quorum = q
	}
	switch spec.MajorityBase {
	case "":
	case "valid":
		// Valid votes: those for candidates and against all.
		r.MajorityBase = decide.BaseVotesAgainstAll
	default:
		r.MajorityBase = decide.ThresholdBase(spec.MajorityBase)
	}
	if spec.AgainstAll != "" {
		r.AgainstAll = decide.AgainstAllRule(spec.AgainstAll)
	}
	if spec.MinTurnout != "" {
		m, ok := new(big.Rat).SetString(spec.MinTurnout)
		if !ok {
			return fmt.Errorf("min_turnout %q is not a number", spec.MinTurnout)
		}
		r.MinTurnout = m
	}
	if err := applyQuota(r, spec.ListQuota); err != nil {
		return err
	}
	if spec.Territorial != "" {
		f, ok := new(big.Rat).SetString(spec.Territorial)
		if !ok {
			return fmt.Errorf("territorial %q is not a fraction", spec.Territorial)
		}
		r.Territorial = f
	}
	return nil
}
