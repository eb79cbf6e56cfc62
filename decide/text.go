package decide

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// textWriter keeps the first write error so that the layout code can stay linear.
type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

// table writes rows of cells aligned in columns, without trailing blanks.
func (t *textWriter) table(rows [][]string) {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush() // writes to a strings.Builder cannot fail
	for line := range strings.Lines(b.String()) {
		t.printf("%s\n", strings.TrimRight(line, " \n"))
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// WriteText writes the outcome as a readable table followed by its explanation. Shares are shown as
// published, to the hundredth (Fraction.PercentHundredths), and the Bases section names what each is a
// share of.
func (o *Outcome) WriteText(w io.Writer) error {
	t := &textWriter{w: w}
	ex := o.Explanation
	t.printf("%s\n\n", ex.Summary)
	if len(ex.Bases) > 0 {
		t.printf("Bases (shares are rounded half up to the hundredth from the exact fractions):\n")
		for _, b := range ex.Bases {
			t.printf("- %s: %s\n", b.Figure, b.Text)
		}
		if ex.Turnout != nil {
			t.printf("Turnout: %s%%.\n", ex.Turnout.PercentHundredths)
		}
		t.printf("\n")
	}
	// The explanation parts are checked so that an Outcome built by hand cannot make WriteText panic.
	switch {
	case o.Kind == KindList:
		o.writeList(t)
	case o.Kind == KindPlurality && ex.Plurality != nil:
		o.writePlurality(t)
	case o.Kind == KindMajority && ex.Majority != nil:
		o.writeMajority(t)
	case o.Kind == KindReferendum && ex.Referendum != nil:
		o.writeReferendum(t)
	}
	if o.Kind != KindReferendum {
		if len(o.Ties) == 0 {
			t.printf("\nTies: none decided a seat or place.\n")
		} else {
			t.printf("\nTies:\n")
			for _, tie := range o.Ties {
				t.printf("- %s\n", tie.Explanation)
			}
		}
	}
	if len(ex.Notes) > 0 {
		t.printf("\n")
		for _, n := range ex.Notes {
			t.printf("%s\n", n)
		}
	}
	return t.err
}

func (o *Outcome) writeList(t *textWriter) {
	ex := o.Explanation
	if th := ex.Threshold; th != nil {
		t.printf("Threshold: %s%% of %s (%d) = %s votes; a list passes with votes %s that; %s passed.\n",
			th.Percent, baseName(th.Base, "lists"), th.BaseVotes, th.MinimumVotes.Decimal, th.Comparison, plural(th.Passed, "list"))
	}
	if q := ex.Quota; q != nil {
		t.printf("Quota (%s): %s (exact %s); %s by integer parts, %d by remainders.\n",
			q.Method, q.Formula, q.Value.Exact, plural(q.SeatsByIntegerParts, "seat"), q.SeatsByRemainders)
	}
	if d := ex.Divisors; d != nil {
		t.printf("Divisors %s: the last seat went to the quotient %s (exact %s); the best quotient without a seat is %s (exact %s).\n",
			d.Sequence, d.LastAwarded.Decimal, d.LastAwarded.Exact, d.FirstUnawarded.Decimal, d.FirstUnawarded.Exact)
	}
	t.printf("\n")
	var rows [][]string
	if ex.Quota != nil {
		rows = append(rows, []string{"Option", "Votes", "Share %", "Passed", "Votes/quota", "Integer", "Remainder", "Rank", "Seats"})
	} else {
		rows = append(rows, []string{"Option", "Votes", "Share %", "Passed", "Last quotient", "Next quotient", "Seats"})
	}
	var votes int64
	for _, l := range ex.Lists {
		votes += l.Votes
		passed := yesNo(l.Passed)
		if l.Admitted == "runner_up" {
			passed = "runner-up"
		}
		row := []string{l.Option, itoa(l.Votes), l.Share.PercentHundredths, passed}
		if ex.Quota != nil {
			quot, part, rem, rank := "", "", "", ""
			if l.Quotient != nil && l.IntegerPart != nil && l.Remainder != nil {
				quot, part, rem, rank = l.Quotient.Decimal, strconv.Itoa(*l.IntegerPart), l.Remainder.Decimal, strconv.Itoa(l.RemainderRank)
			}
			row = append(row, quot, part, rem, rank)
		} else {
			last, next := "", ""
			if l.LastQuotient != nil {
				last = l.LastQuotient.Decimal
			}
			if l.NextQuotient != nil {
				next = l.NextQuotient.Decimal
			}
			row = append(row, last, next)
		}
		rows = append(rows, append(row, strconv.Itoa(l.Seats)))
	}
	if aa := ex.AgainstAll; aa != nil {
		row := []string{"against all", itoa(aa.Votes), aa.Share.PercentHundredths}
		for len(row) < len(rows[0]) {
			row = append(row, "")
		}
		rows = append(rows, row)
		votes += aa.Votes
	}
	total := []string{"Total", itoa(votes)}
	for len(total) < len(rows[0])-1 {
		total = append(total, "")
	}
	given := 0
	for _, s := range o.Seats {
		given += s.Seats
	}
	rows = append(rows, append(total, strconv.Itoa(given)))
	t.table(rows)
	if len(ex.Remainders) > 0 {
		ranked := make([]string, len(ex.Remainders))
		for k, r := range ex.Remainders {
			ranked[k] = fmt.Sprintf("%d. %s %s", r.Rank, r.Option, r.Remainder.Decimal)
			if r.Seats > 0 {
				ranked[k] += fmt.Sprintf(" +%d", r.Seats)
			}
			if r.Tied {
				ranked[k] += " (tied)"
			}
		}
		t.printf("\nRemainders ranked: %s.\n", strings.Join(ranked, "; "))
	}
	if ix := o.Indices; ix != nil {
		t.printf("\nIndices: Gallagher %s, Loosemore-Hanby %s, effective number of parties %s by votes and %s by seats, votes for lists without a seat %s%%.\n",
			ix.Gallagher.Decimal, ix.LoosemoreHanby.Decimal, ix.EffectivePartiesVotes.Decimal, ix.EffectivePartiesSeats.Decimal, ix.VotesWithoutSeat.Percent)
	}
}

func (o *Outcome) writePlurality(t *textWriter) {
	ex := o.Explanation
	p := ex.Plurality
	rows := [][]string{{"Rank", "Candidate", "Votes", "Share %", "Result"}}
	for _, c := range ex.Candidates {
		rows = append(rows, []string{strconv.Itoa(c.Rank), c.Option, itoa(c.Votes), c.Share.PercentHundredths, c.Result})
	}
	rows = append(rows, []string{"", "against all", itoa(p.AgainstAll), p.AgainstAllShare.PercentHundredths, ""})
	t.table(rows)
	t.printf("\nShares are of %d valid votes (candidates plus against all). Against-all plurality: %s.\n", p.Valid, yesNo(p.AgainstAllPlurality))
	if p.MinTurnout != "" {
		met := "met"
		if !p.TurnoutMet {
			met = "not met"
		}
		t.printf("Turnout %s%% of %d registered; minimum %s%%: %s.\n", p.Turnout.PercentHundredths, p.Registered, p.MinTurnout, met)
	}
	switch {
	case o.RerunRequired:
		t.printf("Elected: nobody; a re-run is required.\n")
	case len(o.Winners) == 0:
		t.printf("Elected: nobody yet.\n")
	default:
		t.printf("Elected: %s.\n", joinNames(o.Winners))
	}
}

func (o *Outcome) writeMajority(t *textWriter) {
	ex := o.Explanation
	m := ex.Majority
	t.printf("Majority base: %s = %d; more than half needs at least %d votes.\n\n", baseName(m.Base, "candidates"), m.Denominator, m.VotesNeeded)
	rows := [][]string{{"Rank", "Candidate", "Votes", "% of base", "% of took part", "% of valid", "Result"}}
	for _, c := range ex.Candidates {
		rows = append(rows, []string{strconv.Itoa(c.Rank), c.Option, itoa(c.Votes), c.Share.PercentHundredths, c.ShareOfTookPart.PercentHundredths, c.ShareOfValid.PercentHundredths, c.Result})
	}
	rows = append(rows, []string{"", "against all", itoa(m.AgainstAll), "", m.AgainstAllShareTookPart.PercentHundredths, m.AgainstAllShareValid.PercentHundredths, ""})
	t.table(rows)
	t.printf("\nTook part %d (invalid %d); valid votes (candidates plus against all) %d.\n", m.TookPart, m.Invalid, m.Valid)
	switch {
	case o.Elected != nil:
		t.printf("Elected: %s.\n", *o.Elected)
	case o.Runoff != nil:
		t.printf("Elected: nobody; runoff between %s and %s.\n", o.Runoff[0], o.Runoff[1])
	case o.RerunRequired:
		t.printf("Elected: nobody; a re-run is required.\n")
	default:
		t.printf("Elected: nobody yet.\n")
	}
}

func (o *Outcome) writeReferendum(t *textWriter) {
	ex := o.Explanation
	re := ex.Referendum
	quorum := "no quorum"
	if re.Quorum != "" {
		quorum = "quorum more than " + re.Quorum + "%"
	}
	t.printf("Registered %d, took part %d, turnout %s%% (%s).\n", re.Registered, re.TookPart, re.Turnout.PercentHundredths, quorum)
	t.printf("Yes %d (%s%%), no %d (%s%%), both marked %d (%s%%), invalid %d (%s%%); shares of all participants.\n",
		re.Yes, re.YesShare.PercentHundredths, re.No, re.NoShare.PercentHundredths, re.BothMarked, re.BothMarkedShare.PercentHundredths, re.Invalid, re.InvalidShare.PercentHundredths)
	if len(ex.Units) > 0 {
		t.printf("\n")
		rows := [][]string{{"Unit", "Registered", "Took part", "Turnout %", "Yes", "Yes %", "No", "No %", "Yes majority"}}
		for _, u := range ex.Units {
			rows = append(rows, []string{u.Name, itoa(u.Registered), itoa(u.TookPart), u.Turnout.PercentHundredths, itoa(u.Yes), u.YesShare.PercentHundredths, itoa(u.No), u.NoShare.PercentHundredths, yesNo(u.Majority)})
		}
		t.table(rows)
	}
	t.printf("\nValid: %s. National majority: %s. Units with a yes majority: %d of %d", yesNo(o.Valid), yesNo(o.NationalMajority), o.UnitsWithMajority, re.Units)
	if re.TerritorialRule {
		t.printf(" (%d required)", o.UnitsRequired)
	} else {
		t.printf(" (territorial rule off)")
	}
	t.printf(". Adopted: %s.\n", yesNo(o.Adopted))
}
