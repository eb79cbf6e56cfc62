package decide

import "fmt"

// The denominators a published figure can be a share of, beyond the ThresholdBase values.
const (
	ofRegistered = "registered"
	ofTookPart   = string(BaseTookPart)
)

// explainBases names the denominator of every share of the outcome (Explanation.Bases), and adds the
// turnout and, for a list contest, the against-all share, the figures the CEC publishes next to the
// options. The bases are those of the CEC's publications of 2021-2026 (decide/testdata/official.json):
// turnout is took part over registered; an election's shares are of the votes for options plus against
// all (of party votes where the ballot had no against-all line, as in 2021); a referendum's are of all
// who took part.
func explainBases(r Rules, in Input, o *Outcome) {
	c := in.Total
	ex := &o.Explanation
	if c.Registered > 0 {
		t := shareOf(c.TurnoutVoters(o.Kind), c.Registered)
		ex.Turnout = &t
		who := "voters who took part"
		switch {
		case o.Kind == KindReferendum:
			who = "citizens who took part"
		case c.Issued > 0:
			who = fmt.Sprintf("%d voters who received ballots", c.Issued)
		}
		ex.Bases = append(ex.Bases, Base{Figure: "turnout", Of: ofRegistered, Votes: c.Registered,
			Text: fmt.Sprintf("Turnout is the %s over the %d registered.", who, c.Registered)})
	}
	votes := sum(c.Options)
	switch o.Kind {
	case KindList:
		base := BaseVotes
		if r.ThresholdBase != "" {
			base = r.ThresholdBase
		}
		// The explanation's shares were taken of the threshold base; decideList has checked that it
		// can be formed, so the error is impossible here.
		den, _ := baseVotes(base, c)
		ex.Bases = append(ex.Bases, Base{Figure: "share", Of: string(base), Votes: den,
			Text: fmt.Sprintf("Each list's share is of the %s (%d).", baseName(base, "lists"), den)})
		if r.Threshold != nil {
			ex.Bases = append(ex.Bases, Base{Figure: "threshold", Of: string(base), Votes: den,
				Text: fmt.Sprintf("The threshold is %s%% of the %s (%d).", percentString(r.Threshold), baseName(base, "lists"), den)})
		}
		if c.AgainstAll > 0 || base == BaseVotesAgainstAll {
			ex.AgainstAll = &AgainstAllLine{Votes: c.AgainstAll, Share: shareOf(c.AgainstAll, den)}
		}
	case KindPlurality:
		valid := votes + c.AgainstAll
		ex.Bases = append(ex.Bases, Base{Figure: "share", Of: string(BaseVotesAgainstAll), Votes: valid,
			Text: fmt.Sprintf("Each candidate's share and that of against all are of the votes for candidates plus against all (%d).", valid)})
	case KindMajority:
		valid := votes + c.AgainstAll
		ex.Bases = append(ex.Bases, Base{Figure: "share", Of: string(BaseVotesAgainstAll), Votes: valid,
			Text: fmt.Sprintf("The published share of each candidate and of against all is of the votes for candidates plus against all (%d), as the CEC publishes it; the share of all who took part is shown beside it.", valid)})
		if m := ex.Majority; m != nil {
			ex.Bases = append(ex.Bases, Base{Figure: "majority", Of: string(m.Base), Votes: m.Denominator,
				Text: fmt.Sprintf("A candidate is elected with more than half of the %s (%d), at least %d votes.", baseName(m.Base, "candidates"), m.Denominator, m.VotesNeeded)})
		}
	case KindReferendum:
		ex.Bases = append(ex.Bases, Base{Figure: "share", Of: ofTookPart, Votes: c.TookPart,
			Text: fmt.Sprintf("Yes, no, both marked and invalid are shares of all %d who took part, invalid ballots included.", c.TookPart)})
		if r.Quorum != nil {
			ex.Bases = append(ex.Bases, Base{Figure: "quorum", Of: ofRegistered, Votes: c.Registered,
				Text: fmt.Sprintf("The referendum is valid if those who took part are more than %s%% of the %d registered voters.", percentString(r.Quorum), c.Registered)})
		}
		ex.Bases = append(ex.Bases, Base{Figure: "adoption", Of: ofTookPart, Votes: c.TookPart,
			Text: "Yes must be more than half of all who took part, nationally and, under the territorial rule, in each unit counted."})
	}
}
