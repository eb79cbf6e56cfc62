package decide

import (
	"fmt"
	"math/big"
	"strings"
)

// methodName describes an allocation method in words.
func methodName(m Method) string {
	switch m {
	case MethodHare:
		return "the largest remainder method with the Hare quota"
	case MethodDroop:
		return "the largest remainder method with the Droop quota"
	case MethodDHondt:
		return "the D'Hondt highest averages method (divisors 1, 2, 3, ...)"
	case MethodSainteLague:
		return "the Sainte-Laguë highest averages method (divisors 1, 3, 5, ...)"
	default:
		return "the modified Sainte-Laguë highest averages method (divisors 1.4, 3, 5, ...)"
	}
}

// baseName describes a threshold or majority base in words; options names what is voted for, "lists"
// or "candidates".
func baseName(b ThresholdBase, options string) string {
	switch b {
	case BaseVotes:
		return "votes for " + options
	case BaseVotesAgainstAll:
		return "votes for " + options + " plus against all"
	default:
		return "voters who took part"
	}
}

// baseVotes returns the denominator a base names. A took_part base must account for every ballot the
// protocol reports, or the shares would silently be taken of too small a number.
func baseVotes(b ThresholdBase, c Counts) (int64, error) {
	votes := sum(c.Options)
	switch b {
	case BaseVotesAgainstAll:
		return votes + c.AgainstAll, nil
	case BaseTookPart:
		if accounted := votes + c.AgainstAll + c.Invalid; c.TookPart < accounted {
			return 0, invalidInput(fmt.Sprintf("took_part (%d) is less than the ballots counted: votes %d + against all %d + invalid %d = %d; the took_part base needs the took_part line",
				c.TookPart, votes, c.AgainstAll, c.Invalid, accounted))
		}
		return c.TookPart, nil
	default:
		return votes, nil
	}
}

func listSummary(r Rules) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s allocated by %s", plural(r.Seats, "seat"), methodName(r.Method))
	if r.Threshold != nil {
		cmp := "more than"
		if r.ThresholdInclusive {
			cmp = "at least"
		}
		fmt.Fprintf(&b, " among lists with %s %s%% of %s", cmp, percentString(r.Threshold), baseName(r.ThresholdBase, "lists"))
	} else {
		b.WriteString(" among all lists with votes (no threshold)")
	}
	if r.AdmitRunnerUp {
		b.WriteString("; if only one list passes, the list with the next most votes is admitted too")
	}
	if r.tieRule() == TieLot {
		fmt.Fprintf(&b, "; ties broken by a lot with the public seed %q", r.Seed)
	} else {
		b.WriteString("; ties go to the list registered earlier")
	}
	return b.String() + "."
}

func decideList(r Rules, in Input, order tieOrder) (*Outcome, error) {
	c := in.Total
	n := len(in.Options)
	base := BaseVotes
	if r.ThresholdBase != "" {
		base = r.ThresholdBase
	}
	baseTotal, err := baseVotes(base, c)
	if err != nil {
		return nil, err
	}
	o := &Outcome{Kind: KindList, Rules: r, TotalSeats: r.Seats, Seats: make([]OptionSeats, n)}
	ex := &o.Explanation
	ex.Summary = listSummary(r)
	ex.Lists = make([]ListLine, n)

	// A list without votes never passes: it could not earn a seat under any method, and leaving it out
	// keeps every quota and quotient well defined.
	admitted := make([]bool, n)
	passedCount := 0
	for i, v := range c.Options {
		passed := v > 0 && baseTotal > 0 && (r.Threshold == nil || atLeastPercent(v, baseTotal, r.Threshold, !r.ThresholdInclusive))
		o.Seats[i] = OptionSeats{Option: in.Options[i], Votes: v, Passed: passed, Admitted: passed}
		ex.Lists[i] = ListLine{Option: in.Options[i], Votes: v, Share: shareOf(v, baseTotal), Passed: passed}
		if passed {
			admitted[i] = true
			ex.Lists[i].Admitted = "threshold"
			passedCount++
		}
	}
	if r.Threshold != nil {
		cmp := ">"
		if r.ThresholdInclusive {
			cmp = ">="
		}
		ex.Threshold = &ThresholdExplanation{
			Percent: percentString(r.Threshold), Base: base, BaseVotes: baseTotal,
			Inclusive: r.ThresholdInclusive, Comparison: cmp,
			MinimumVotes: percentOf(r.Threshold, baseTotal), Passed: passedCount,
		}
	}

	if r.AdmitRunnerUp && passedCount == 1 {
		admitRunnerUp(o, c.Options, admitted, order)
	}

	var idx []int // admitted options in ballot order
	for i, a := range admitted {
		if a {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		if baseTotal == 0 {
			ex.Notes = append(ex.Notes, "No votes have been counted, so no seats were allocated.")
		} else {
			ex.Notes = append(ex.Notes, "No list passed the threshold, so no seats were allocated.")
		}
		return o, nil
	}
	votes := make([]int64, len(idx))
	rank := make([]int, len(idx))
	for k, i := range idx {
		votes[k] = c.Options[i]
		rank[k] = order.rank[i]
	}
	if r.Method == MethodHare || r.Method == MethodDroop {
		explainLargestRemainder(o, r, idx, largestRemainder(votes, r.Seats, r.Method == MethodDroop, rank), order)
	} else {
		explainHighestAverages(o, r, idx, highestAverages(votes, r.Seats, r.Method, rank), order)
	}
	seats := make([]int, n)
	for i := range o.Seats {
		seats[i] = o.Seats[i].Seats
	}
	o.Indices = ComputeIndices(c.Options, seats)
	return o, nil
}

// admitRunnerUp admits the list with the most votes among those that did not pass, when only one did.
func admitRunnerUp(o *Outcome, votes []int64, admitted []bool, order tieOrder) {
	var best int64
	var group []int
	for i, v := range votes {
		if admitted[i] || v == 0 {
			continue
		}
		switch {
		case v > best:
			best, group = v, []int{i}
		case v == best:
			group = append(group, i)
		}
	}
	ex := &o.Explanation
	if len(group) == 0 {
		ex.Notes = append(ex.Notes, "Only one list passed the threshold and no other list has votes, so no runner-up was admitted.")
		return
	}
	pick := group[0]
	for _, i := range group[1:] {
		if order.before(i, pick) {
			pick = i
		}
	}
	if len(group) > 1 {
		o.Ties = append(o.Ties, order.report(TieStageRunnerUp, fmt.Sprintf("%d votes", best), "runner-up place", group, []int{pick}))
	}
	admitted[pick] = true
	o.Seats[pick].Admitted = true
	ex.Lists[pick].Admitted = "runner_up"
	if ex.Threshold != nil {
		ex.Threshold.RunnerUp = o.Seats[pick].Option
	}
	ex.Notes = append(ex.Notes, fmt.Sprintf("Only one list passed the threshold, so %s, the list with the next most votes (%d), is admitted to the allocation too.",
		o.Seats[pick].Option, best))
}

func explainLargestRemainder(o *Outcome, r Rules, idx []int, res lrResult, order tieOrder) {
	ex := &o.Explanation
	q := &QuotaExplanation{Method: r.Method, Votes: int64(res.total), Seats: r.Seats, FullRounds: res.fullRounds}
	if r.Method == MethodDroop {
		q.Value = newFraction(new(big.Int).SetUint64(res.quota), big.NewInt(1))
		q.Formula = fmt.Sprintf("floor(%d votes of admitted lists / (%d seats + 1)) + 1 = %d", res.total, r.Seats, res.quota)
	} else {
		q.Value = newFraction(new(big.Int).SetUint64(res.total), big.NewInt(int64(r.Seats)))
		q.Formula = fmt.Sprintf("%d votes of admitted lists / %d seats = %s", res.total, r.Seats, q.Value.Decimal)
	}
	remDen := new(big.Int).SetUint64(res.remDen)
	for k, i := range idx {
		num := new(big.Int).SetUint64(res.quotHi[k])
		num.Lsh(num, 64).Or(num, new(big.Int).SetUint64(res.quotLo[k]))
		quot := newFraction(num, new(big.Int).SetUint64(res.quotDen))
		rem := newFraction(new(big.Int).SetUint64(res.remNum[k]), remDen)
		part := res.intParts[k]
		line := &ex.Lists[i]
		line.Quotient, line.IntegerPart, line.Remainder = &quot, &part, &rem
		q.SeatsByIntegerParts += part
		o.Seats[i].Seats = res.seats[k]
		line.Seats = res.seats[k]
	}
	q.SeatsByRemainders = r.Seats - q.SeatsByIntegerParts
	ex.Quota = q

	tied := map[int]bool{}
	if res.tie != nil {
		for _, k := range res.tie.members {
			tied[k] = true
		}
		rem := ex.Lists[idx[res.tie.members[0]]].Remainder
		o.Ties = append(o.Ties, order.report(TieStageRemainder, rem.Exact+" of a quota ("+rem.Decimal+")", "remainder seat",
			toOptions(idx, res.tie.members), toOptions(idx, res.tie.awarded)))
	}
	for pos, k := range res.ranking {
		i := idx[k]
		ex.Lists[i].RemainderRank = pos + 1
		ex.Remainders = append(ex.Remainders, RemainderRank{
			Rank: pos + 1, Option: o.Seats[i].Option, Remainder: *ex.Lists[i].Remainder,
			Seats: res.seats[k] - res.intParts[k], Tied: tied[k],
		})
	}
	if res.fullRounds > 0 {
		ex.Notes = append(ex.Notes, fmt.Sprintf("The Droop quota left %d seats for %d lists, so every list with votes got %d seat(s) from full rounds of the remainder ranking before the last partial round.",
			q.SeatsByRemainders, len(res.ranking), res.fullRounds))
	}
}

func explainHighestAverages(o *Outcome, r Rules, idx []int, res haResult, order tieOrder) {
	ex := &o.Explanation
	scale := divisorScale(r.Method)
	quotient := func(v, d uint64) Fraction {
		num := new(big.Int).SetUint64(v)
		num.Mul(num, new(big.Int).SetUint64(scale))
		return newFraction(num, new(big.Int).SetUint64(d))
	}
	seq := map[Method]string{
		MethodDHondt:              "1, 2, 3, 4, ...",
		MethodSainteLague:         "1, 3, 5, 7, ...",
		MethodModifiedSainteLague: "1.4, 3, 5, 7, ...",
	}[r.Method]
	ex.Divisors = &DivisorExplanation{
		Method: r.Method, Sequence: seq,
		LastAwarded:    quotient(res.lastVotes, res.lastDiv),
		FirstUnawarded: quotient(res.nextVotes, res.nextDiv),
	}
	for k, i := range idx {
		s := res.seats[k]
		v := uint64(o.Seats[i].Votes)
		line := &ex.Lists[i]
		if s > 0 {
			last := quotient(v, divisor(r.Method, s-1))
			line.LastQuotient = &last
		}
		next := quotient(v, divisor(r.Method, s))
		line.NextQuotient = &next
		line.Seats = s
		o.Seats[i].Seats = s
	}
	if res.tie != nil {
		o.Ties = append(o.Ties, order.report(TieStageQuotient, ex.Divisors.LastAwarded.Exact+" ("+ex.Divisors.LastAwarded.Decimal+")", "seat",
			toOptions(idx, res.tie.members), toOptions(idx, res.tie.awarded)))
	}
}

// toOptions maps positions among the admitted lists back to option indexes.
func toOptions(idx, positions []int) []int {
	out := make([]int, len(positions))
	for k, p := range positions {
		out[k] = idx[p]
	}
	return out
}
