package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tally"
)

// Turnout writes an area's turnout through the day as a table: each
// reporting time with its voters, the registered voters of the precincts
// that reported, the percentage and how many precincts reported, then
// when the referendum's quorum was reached.
func Turnout(w io.Writer, s *tally.TurnoutSummary) error {
	fmt.Fprintf(w, "turnout in %s\n", s.Area)
	if len(s.Reports) == 0 {
		fmt.Fprintln(w, "no turnout reports yet")
	} else {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "TIME\tVOTERS\tREGISTERED\tPERCENT\tPRECINCTS REPORTED\t")
		for _, l := range s.Reports {
			pct := l.Percent
			if pct == "" {
				pct = "-"
			} else {
				pct += "%"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s of %s\t\n", l.Time, dauys.Thousands(l.Voters), dauys.Thousands(l.Registered), pct,
				dauys.Thousands(l.PrecinctsReported), dauys.Thousands(l.Precincts))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if s.QuorumReachedAt != nil {
		fmt.Fprintf(w, "quorum reached at %s\n", *s.QuorumReachedAt)
	}
	return nil
}

// StatusHistory writes an election's status and the changes that led to
// it, oldest first, with the commission's decision and the reasons.
func StatusHistory(w io.Writer, election, status string, history []dauys.StatusChange) error {
	fmt.Fprintf(w, "election %s: %s", election, dauys.LifecycleStatus(status))
	if l := dauys.LifecycleStatus(status); l != status {
		fmt.Fprintf(w, " (stored as %s)", status)
	}
	if d := dauys.FinalDecision(history); d != nil {
		fmt.Fprintf(w, ", established by decision No. %s of %s", d.DecisionNumber, d.DecisionDate)
	} else if dauys.LifecycleStatus(status) != dauys.StatusFinal {
		fmt.Fprint(w, "; the results are preliminary")
	}
	fmt.Fprintln(w)
	if len(history) == 0 {
		fmt.Fprintln(w, "no status changes recorded")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AT\tFROM\tTO\tDECISION\tREASON\tBY")
	for _, c := range history {
		decision := ""
		if c.DecisionNumber != "" || c.DecisionDate != "" {
			decision = fmt.Sprintf("No. %s of %s", c.DecisionNumber, c.DecisionDate)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.At.UTC().Format("2006-01-02 15:04:05Z"), c.From, c.To, decision, c.Reason, c.Actor)
	}
	return tw.Flush()
}
