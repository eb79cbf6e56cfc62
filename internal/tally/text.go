package tally

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

// WriteText prints the results for people, as `dauys tally` does: each
// contest's progress and lines, and its outcome or why there is none.
func (res *Results) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "%s — %s (%s)\n", res.Name.In("en"), res.Area.Name.In("en"), res.Area.ID)
	for _, c := range res.Contests {
		fmt.Fprintf(w, "\n%s [%s] — precincts %d of %d, registered %d of %d\n", c.Name.In("en"), c.Contest,
			c.Progress.Reported, c.Progress.Expected, c.Progress.RegisteredReported, c.Progress.RegisteredExpected)
		names := make([]string, 0, len(c.Lines))
		for n := range c.Lines {
			names = append(names, n)
		}
		sort.Strings(names)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		for _, n := range names {
			fmt.Fprintf(tw, "  %s\t%d\t\n", n, c.Lines[n])
		}
		tw.Flush()
		if c.Outcome != nil {
			fmt.Fprintln(w)
			if err := c.Outcome.WriteText(w); err != nil {
				return err
			}
			for _, a := range c.Assigned {
				fmt.Fprintf(w, "\nSeats of %s (%s) taken by", a.PartyName.In("en"), a.Party)
				if a.Decision != "" {
					fmt.Fprintf(w, " (decision: %s)", a.Decision)
				}
				fmt.Fprintln(w, ":")
				for _, ac := range a.Candidates {
					fmt.Fprintf(w, "  %d. %s\n", ac.Position, ac.Name.In("en"))
				}
			}
		} else if c.Error != nil {
			fmt.Fprintf(w, "\n%s\n", c.Error.EN)
		}
	}
	return nil
}
