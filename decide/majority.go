package decide

import "fmt"

func majoritySummary(r Rules) string {
	s := fmt.Sprintf("A candidate with more than half of the %s is elected; otherwise the two candidates with the most votes go to a runoff, which is won by plurality",
		baseName(r.majorityBase(), "candidates"))
	if r.tieRule() == TieLot {
		return s + fmt.Sprintf("; ties for a runoff place broken by a lot with the public seed %q.", r.Seed)
	}
	return s + "; ties for a runoff place go to the candidate registered earlier."
}

func decideMajority(r Rules, in Input, order tieOrder) (*Outcome, error) {
	c := in.Total
	base := r.majorityBase()
	denom, err := baseVotes(base, c)
	if err != nil {
		return nil, err
	}
	valid := sum(c.Options) + c.AgainstAll
	o := &Outcome{Kind: KindMajority, Rules: r, TotalSeats: 1}
	ex := &o.Explanation
	ex.Summary = majoritySummary(r)
	ex.Majority = &MajorityExplanation{
		Base: base, Denominator: denom, VotesNeeded: denom/2 + 1,
		TookPart: c.TookPart, Valid: valid, Invalid: c.Invalid, AgainstAll: c.AgainstAll,
		AgainstAllShareTookPart: shareOf(c.AgainstAll, c.TookPart),
		AgainstAllShareValid:    shareOf(c.AgainstAll, valid),
	}
	ranked := rankByVotes(c.Options, order)
	for pos, i := range ranked {
		ofTook, ofValid := shareOf(c.Options[i], c.TookPart), shareOf(c.Options[i], valid)
		ex.Candidates = append(ex.Candidates, CandidateLine{
			Rank: pos + 1, Option: in.Options[i], Votes: c.Options[i], Share: shareOf(c.Options[i], denom),
			ShareOfTookPart: &ofTook, ShareOfValid: &ofValid,
		})
	}
	if denom == 0 || c.Options[ranked[0]] == 0 {
		ex.Notes = append(ex.Notes, "No votes for candidates have been counted, so nobody is elected yet.")
		return o, nil
	}
	top := ranked[0]
	if moreThanHalf(c.Options[top], denom) {
		o.Elected = &in.Options[top]
		ex.Candidates[0].Result = "elected"
		ex.Notes = append(ex.Notes, fmt.Sprintf("%s has %d votes, more than half of %d (at least %d needed), and is elected.",
			in.Options[top], c.Options[top], denom, denom/2+1))
		return o, nil
	}
	if len(ranked) < 2 {
		o.RerunRequired = true
		ex.Notes = append(ex.Notes, fmt.Sprintf("%s has %d votes, not more than half of %d, and there is no second candidate for a runoff, so the election is to be held again.",
			in.Options[top], c.Options[top], denom))
		return o, nil
	}
	if group, awarded := cutTie(c.Options, ranked, 2); group != nil {
		o.Ties = append(o.Ties, order.report(TieStageRunoff, fmt.Sprintf("%d votes", c.Options[ranked[1]]), "runoff place", group, awarded))
	}
	o.Runoff = []string{in.Options[ranked[0]], in.Options[ranked[1]]}
	ex.Candidates[0].Result, ex.Candidates[1].Result = "runoff", "runoff"
	ex.Notes = append(ex.Notes, fmt.Sprintf("No candidate has more than half of %d (at least %d votes needed; the leader has %d), so %s and %s go to a runoff.",
		denom, denom/2+1, c.Options[top], o.Runoff[0], o.Runoff[1]))
	return o, nil
}
