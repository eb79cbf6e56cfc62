package decide

import (
	"fmt"
	"math/big"
	"strings"
)

func referendumSummary(r Rules, units int) string {
	var b strings.Builder
	if r.Quorum != nil {
		fmt.Fprintf(&b, "Valid if more than %s%% of registered voters take part; adopted", percentString(r.Quorum))
	} else {
		b.WriteString("Adopted")
	}
	b.WriteString(" if yes is more than half of all participants (invalid ballots included) nationally")
	if r.Territorial != nil {
		fmt.Fprintf(&b, " and in at least ceil(%s × %d) = %d of %d territorial units", r.Territorial.RatString(), units, unitsRequired(r.Territorial, units), units)
	}
	return b.String() + "."
}

// unitsRequired returns ceil(share*n), exactly.
func unitsRequired(share *big.Rat, n int) int {
	num := new(big.Int).Mul(share.Num(), big.NewInt(int64(n)))
	den := share.Denom()
	num.Add(num, den).Sub(num, big.NewInt(1))
	return int(num.Quo(num, den).Int64())
}

// checkReferendumCounts rejects a protocol whose participants do not cover its ballots: shares of all
// participants would otherwise exceed 100%.
func checkReferendumCounts(where string, c Counts) error {
	if accounted := c.Yes + c.No + c.BothMarked + c.Invalid; c.TookPart < accounted {
		return invalidInput(fmt.Sprintf("%s: took_part (%d) is less than yes + no + both marked + invalid (%d)", where, c.TookPart, accounted))
	}
	return nil
}

func decideReferendum(r Rules, in Input) (*Outcome, error) {
	c := in.Total
	if err := checkReferendumCounts("total", c); err != nil {
		return nil, err
	}
	for _, u := range in.Units {
		if err := checkReferendumCounts(fmt.Sprintf("unit %q", u.Name), u.Counts); err != nil {
			return nil, err
		}
	}
	if r.Territorial != nil && len(in.Units) == 0 {
		return nil, invalidInput("the territorial rule needs the counts of the territorial units")
	}
	o := &Outcome{Kind: KindReferendum, Rules: r}
	ex := &o.Explanation
	ex.Summary = referendumSummary(r, len(in.Units))
	re := &ReferendumExplanation{
		Registered: c.Registered, TookPart: c.TookPart, Turnout: shareOf(c.TookPart, c.Registered),
		Yes: c.Yes, No: c.No, BothMarked: c.BothMarked, Invalid: c.Invalid,
		YesShare: shareOf(c.Yes, c.TookPart), NoShare: shareOf(c.No, c.TookPart),
		BothMarkedShare: shareOf(c.BothMarked, c.TookPart), InvalidShare: shareOf(c.Invalid, c.TookPart),
		Units: len(in.Units),
	}
	ex.Referendum = re

	o.QuorumMet = true
	if r.Quorum != nil {
		re.Quorum = percentString(r.Quorum)
		o.QuorumMet = c.Registered > 0 && atLeastPercent(c.TookPart, c.Registered, r.Quorum, true)
	}
	o.Valid = o.QuorumMet
	o.NationalMajority = c.TookPart > 0 && moreThanHalf(c.Yes, c.TookPart)

	for _, u := range in.Units {
		uc := u.Counts
		line := UnitLine{
			Name: u.Name, Registered: uc.Registered, TookPart: uc.TookPart, Yes: uc.Yes, No: uc.No,
			Turnout: shareOf(uc.TookPart, uc.Registered), YesShare: shareOf(uc.Yes, uc.TookPart), NoShare: shareOf(uc.No, uc.TookPart),
			Majority: uc.TookPart > 0 && moreThanHalf(uc.Yes, uc.TookPart),
		}
		if line.Majority {
			o.UnitsWithMajority++
		}
		ex.Units = append(ex.Units, line)
	}
	territorialMet := true
	if r.Territorial != nil {
		re.TerritorialRule = true
		re.Territorial = r.Territorial.RatString()
		o.UnitsRequired = unitsRequired(r.Territorial, len(in.Units))
		territorialMet = o.UnitsWithMajority >= o.UnitsRequired
	}
	re.QuorumMet, re.NationalMajority = o.QuorumMet, o.NationalMajority
	re.UnitsRequired, re.UnitsWithMajority = o.UnitsRequired, o.UnitsWithMajority
	o.Adopted = o.Valid && o.NationalMajority && territorialMet

	if r.Quorum != nil {
		verb, valid := "exceeds", "valid"
		if !o.QuorumMet {
			verb, valid = "does not exceed", "not valid"
		}
		ex.Notes = append(ex.Notes, fmt.Sprintf("Turnout %s%% (%d of %d) %s the quorum of %s%%: the referendum is %s.",
			re.Turnout.Percent, c.TookPart, c.Registered, verb, re.Quorum, valid))
	}
	verb := "is"
	if !o.NationalMajority {
		verb = "is not"
	}
	ex.Notes = append(ex.Notes, fmt.Sprintf("Yes has %d of %d participants (%s%%), which %s more than half.", c.Yes, c.TookPart, re.YesShare.Percent, verb))
	if r.Territorial != nil {
		var without []string
		for _, u := range ex.Units {
			if !u.Majority {
				without = append(without, u.Name)
			}
		}
		ex.Notes = append(ex.Notes, fmt.Sprintf("Yes has more than half of the participants in %d of %d units (%d required).", o.UnitsWithMajority, len(in.Units), o.UnitsRequired))
		if len(without) > 0 {
			ex.Notes = append(ex.Notes, "Units without a yes majority: "+strings.Join(without, ", ")+".")
		}
	}
	result := "adopted"
	if !o.Adopted {
		result = "not adopted"
	}
	ex.Notes = append(ex.Notes, "The question is "+result+".")
	return o, nil
}
