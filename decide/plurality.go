package decide

import (
	"fmt"
	"sort"
	"strings"
)

// rankByVotes returns option indexes by votes, most first, ties in the tie rule's order.
func rankByVotes(votes []int64, order tieOrder) []int {
	ranked := make([]int, len(votes))
	for i := range ranked {
		ranked[i] = i
	}
	sort.Slice(ranked, func(a, b int) bool {
		i, j := ranked[a], ranked[b]
		if votes[i] != votes[j] {
			return votes[i] > votes[j]
		}
		return order.before(i, j)
	})
	return ranked
}

// cutTie returns the decisive tie when the places ranked[:places] are given by votes: the options whose
// votes equal those of the last place taken, if one of them is left out. It returns nil groups otherwise.
func cutTie(votes []int64, ranked []int, places int) (group, awarded []int) {
	if places <= 0 || places >= len(ranked) || votes[ranked[places-1]] != votes[ranked[places]] {
		return nil, nil
	}
	cut := votes[ranked[places-1]]
	for pos, i := range ranked {
		if votes[i] == cut {
			group = append(group, i)
			if pos < places {
				awarded = append(awarded, i)
			}
		}
	}
	return group, awarded
}

func pluralitySummary(r Rules) string {
	var b strings.Builder
	if r.Seats == 1 {
		b.WriteString("The candidate with the most votes wins the seat")
	} else {
		fmt.Fprintf(&b, "The %d candidates with the most votes win the seats", r.Seats)
	}
	b.WriteString("; against all is counted but never wins")
	if r.againstAllRule() == AgainstAllRerun {
		b.WriteString(", and if it outpolls every candidate nobody is elected and the contest is re-run")
	} else {
		b.WriteString(", and outpolling every candidate has no legal effect")
	}
	if r.MinTurnout != nil {
		fmt.Fprintf(&b, "; valid only if at least %s%% of registered voters take part", percentString(r.MinTurnout))
	}
	if r.tieRule() == TieLot {
		fmt.Fprintf(&b, "; ties broken by a lot with the public seed %q", r.Seed)
	} else {
		b.WriteString("; ties go to the candidate registered earlier")
	}
	return b.String() + "."
}

func decidePlurality(r Rules, in Input, order tieOrder) (*Outcome, error) {
	c := in.Total
	votes := sum(c.Options)
	valid := votes + c.AgainstAll
	o := &Outcome{Kind: KindPlurality, Rules: r, TotalSeats: r.Seats}
	ex := &o.Explanation
	ex.Summary = pluralitySummary(r)
	p := &PluralityExplanation{
		Seats: r.Seats, Valid: valid, AgainstAll: c.AgainstAll, AgainstAllShare: shareOf(c.AgainstAll, valid),
		AgainstAllRule: r.againstAllRule(), Registered: c.Registered, TookPart: c.TookPart,
		Turnout: shareOf(c.TurnoutVoters(KindPlurality), c.Registered), TurnoutMet: true,
	}
	ex.Plurality = p
	if r.MinTurnout != nil {
		if accounted := valid + c.Invalid; c.TookPart < accounted {
			return nil, invalidInput(fmt.Sprintf("took_part (%d) is less than the ballots counted (%d); a minimum turnout needs the took_part and registered lines", c.TookPart, accounted))
		}
		p.MinTurnout = percentString(r.MinTurnout)
		p.TurnoutMet = c.Registered > 0 && atLeastPercent(c.TurnoutVoters(KindPlurality), c.Registered, r.MinTurnout, false)
	}

	ranked := rankByVotes(c.Options, order)
	// "Against all" has a plurality when it has more votes than every candidate; a tie with the leader is
	// not a plurality.
	p.AgainstAllPlurality = c.AgainstAll > c.Options[ranked[0]]
	o.AgainstAllPlurality = p.AgainstAllPlurality

	// A candidate without votes never wins: before any count arrives nobody is elected.
	withVotes := 0
	for _, i := range ranked {
		if c.Options[i] > 0 {
			withVotes++
		}
	}
	places := min(r.Seats, withVotes)
	for pos, i := range ranked {
		ex.Candidates = append(ex.Candidates, CandidateLine{
			Rank: pos + 1, Option: in.Options[i], Votes: c.Options[i], Share: shareOf(c.Options[i], valid),
		})
	}

	switch {
	case !p.TurnoutMet:
		o.RerunRequired = true
		ex.Notes = append(ex.Notes, fmt.Sprintf("Turnout %s%% is below the minimum of %s%%, so nobody is elected and the contest is to be held again.",
			p.Turnout.Percent, p.MinTurnout))
		return o, nil
	case p.AgainstAllPlurality && r.againstAllRule() == AgainstAllRerun:
		o.RerunRequired = true
		ex.Notes = append(ex.Notes, fmt.Sprintf("Against all received %d votes, more than any candidate; under the rerun rule nobody is elected and the contest is to be held again.",
			c.AgainstAll))
		return o, nil
	case p.AgainstAllPlurality:
		ex.Notes = append(ex.Notes, fmt.Sprintf("Against all received %d votes, more than any candidate; under this rule (the CEC's reading, KAZAKHSTAN.md §3) that has no legal effect and the leading candidates are elected.",
			c.AgainstAll))
	}
	if withVotes == 0 {
		ex.Notes = append(ex.Notes, "No candidate has votes yet, so nobody is elected.")
		return o, nil
	}
	if group, awarded := cutTie(c.Options, ranked, places); group != nil {
		o.Ties = append(o.Ties, order.report(TieStagePlurality, fmt.Sprintf("%d votes", c.Options[ranked[places-1]]), "seat", group, awarded))
	}
	for pos, i := range ranked[:places] {
		o.Winners = append(o.Winners, in.Options[i])
		ex.Candidates[pos].Result = "won"
	}
	if r.Seats == 1 {
		o.Elected = &o.Winners[0]
		ex.Candidates[0].Result = "elected"
	}
	if places < r.Seats {
		ex.Notes = append(ex.Notes, fmt.Sprintf("Only %s with votes for %s, so %d stay unfilled.",
			plural(withVotes, "candidate"), plural(r.Seats, "seat"), r.Seats-places))
	}
	return o, nil
}
