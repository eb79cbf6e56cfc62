package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/forensics"
	"github.com/dauys/dauys/internal/integrity"
)

// OptionNames maps the option ids a forensics report names to English
// names.
func OptionNames(c *dauys.Contest) map[string]string {
	names := map[string]string{"yes": "Yes", "no": "No", "against_all": "Against all", "both_marked": "Both marked"}
	for _, o := range c.Options {
		if n := o.Name.In("en"); n != "" {
			names[o.ID] = n
		}
	}
	return names
}

// NameOf returns the name of an option id, or the id itself.
func NameOf(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

// Forensics prints the statistical signals of a contest, with the
// cross-contest comparison, for people. Every number is worded as a
// statistical signal: what it measures and how to read it, never a
// verdict. area looks a region up by id; names maps option ids to names
// (OptionNames).
func Forensics(w io.Writer, e *dauys.Election, area func(id string) *dauys.Area, c *dauys.Contest, rep *forensics.Report, cross *integrity.CrossContest, names map[string]string) error {
	t := rep.Totals
	fmt.Fprintf(w, "Statistical signals: %s — %s [%s]\n\n", e.Name.In("en"), c.Name.In("en"), c.ID)
	fmt.Fprintf(w, "%s\n\n", rep.Caveat)

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Precincts analysed\t%s\n", dauys.Thousands(int64(t.Precincts)))
	fmt.Fprintf(tw, "Registered voters\t%s\n", dauys.Thousands(t.Registered))
	fmt.Fprintf(tw, "Ballots issued\t%s\t(turnout %s)\n", dauys.Thousands(t.Issued), sharePercent(t.Issued, t.Registered))
	fmt.Fprintf(tw, "Ballots cast\t%s\n", dauys.Thousands(t.Cast))
	fmt.Fprintf(tw, "Leader\t%s\t%s votes, %s of ballots cast\n", NameOf(names, rep.LeaderName), dauys.Thousands(t.Votes[rep.Leader]), sharePercent(t.Votes[rep.Leader], t.Cast))
	fmt.Fprintf(tw, "Protocols that do not add up\t%s\t(option votes + invalid ≠ ballots cast; still analysed)\n", dauys.Thousands(int64(t.Inconsistent)))
	tw.Flush()

	ip := rep.IntegerPercent
	fmt.Fprintf(w, "\nWhole-number percentages (Kobak, Shpilkin & Pshenichnikov, 2016)\n")
	fmt.Fprintf(w, "  %s precincts included (at least %d registered voters, turnout and leader share at most %d%%).\n",
		dauys.Thousands(int64(ip.Included)), ip.MinRegistered, ip.MaxPercent)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\tobserved\texpected by chance\texcess\tin sd\tp\t\n")
	row := func(label string, obs int, exp, sd, excess, p float64) {
		sign := "+"
		if excess < 0 {
			sign = "−"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s ± %s\t%s%s\t%s\t%.3g\t\n", label, dauys.Thousands(int64(obs)), decimal1(exp), decimal1(sd),
			sign, decimal1(math.Abs(excess)), sdMultiple(excess, sd), p)
	}
	row("turnout or leader share", ip.Any, ip.ExpectedAny, ip.SDAny, ip.ExcessAny, ip.PAny)
	row("leader share", ip.Leader, ip.ExpectedLeader, ip.SDLeader, ip.ExcessLeader, ip.PLeader)
	row("turnout", ip.Turnout, ip.ExpectedTurnout, ip.SDTurnout, ip.ExcessTurnout, ip.PTurnout)
	tw.Flush()
	fmt.Fprintf(w, "  Monte Carlo: %d replicates, seed %d; a share counts as whole when within ±%s points of a whole percent.\n",
		ip.Replicates, ip.Seed, strconv.FormatFloat(float64(ip.Tolerance)/100, 'f', -1, 64))
	switch {
	case ip.SDAny > 0 && ip.ExcessAny > 3*ip.SDAny:
		fmt.Fprintf(w, "  Reading: whole percentages are more frequent than chance explains (%s standard deviations above it). "+
			"That is a signal worth a closer look at the precincts concerned, not proof of anything: it says nothing about which precincts or why.\n",
			sdMultiple(ip.ExcessAny, ip.SDAny))
	default:
		fmt.Fprintf(w, "  Reading: the number of whole percentages is within what chance explains.\n")
	}

	td := rep.Turnout
	fmt.Fprintf(w, "\nTurnout distribution\n")
	var modes []string
	for _, mo := range td.Modes {
		modes = append(modes, fmt.Sprintf("%d%%", mo.TurnoutPercent))
	}
	fmt.Fprintf(w, "  Modes of the smoothed, voter-weighted distribution: %s.", joinOrNone(modes, "none"))
	if len(td.Modes) > 1 {
		fmt.Fprintf(w, " More than one mode can come from regions that vote differently; a second mode at very high turnout is a pattern described in the literature.")
	}
	fmt.Fprintln(w)
	var peaks []string
	for _, p := range td.Peaks {
		peaks = append(peaks, fmt.Sprintf("%s%% (%s precincts, %s around it)", strconv.FormatFloat(float64(p.TurnoutPermille)/10, 'f', 1, 64), dauys.Thousands(p.Precincts), dauys.Thousands(p.Baseline)))
	}
	fmt.Fprintf(w, "  Single 0.1-point bins far above their neighbours: %s.\n", joinOrNone(peaks, "none"))
	if td.Above100 > 0 {
		fmt.Fprintf(w, "  %s precincts report more ballots issued than registered voters.\n", dauys.Thousands(td.Above100))
	}

	fmt.Fprintf(w, "\nDigit tests (chi-square, 9 degrees of freedom; weak tests that real counts often fail for ordinary reasons)\n")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  option\tcounts\tlast digit p\tsecond digit p\n")
	for i := range rep.LastDigit {
		ld, sd := rep.LastDigit[i], rep.SecondDigit[i]
		fmt.Fprintf(tw, "  %s\t%s\t%.3g\t%.3g\n", NameOf(names, ld.Option), dauys.Thousands(ld.N), ld.PValue, sd.PValue)
	}
	tw.Flush()

	o := rep.Outliers
	fmt.Fprintf(w, "\nPrecincts with extreme values: %s (turnout ≥ %d%%, leader share ≥ %d%% or invalid ≥ %d%%; at least %d registered). "+
		"Special polling stations reach such values for known reasons; these are protocols to read, nothing more.\n",
		dauys.Thousands(int64(o.Count)), o.TurnoutPercent, o.LeaderPercent, o.InvalidPercent, o.MinRegistered)
	if len(o.Precincts) > 0 {
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  precinct\tregistered\tturnout\tleader\tinvalid\tsignals\n")
		for _, p := range o.Precincts[:min(len(o.Precincts), 10)] {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", p.Area, dauys.Thousands(p.Registered), sharePercent(p.Issued, p.Registered),
				sharePercent(p.LeaderVotes, p.Cast), sharePercent(p.Invalid, p.Cast), strings.Join(p.Signals, ", "))
		}
		tw.Flush()
		if len(o.Precincts) > 10 {
			fmt.Fprintf(w, "  … and %s more (all are in --json).\n", dauys.Thousands(int64(len(o.Precincts)-10)))
		}
	}

	fmt.Fprintf(w, "\nRegions (whole %%: precincts included in the test with a whole-number turnout or leader share)\n")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "precincts\tturnout\tleader share\tincluded\twhole %%\t\t  region\n")
	for _, r := range rep.Regions {
		name := r.Region
		if a := area(r.Region); a != nil && a.Name.In("en") != "" {
			name = a.Name.In("en")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t  %s\n", dauys.Thousands(int64(r.Precincts)), sharePercent(r.Issued, r.Registered),
			sharePercent(r.LeaderVotes, r.Cast), dauys.Thousands(int64(r.Included)), dauys.Thousands(int64(r.IntegerAny)),
			sharePercent(int64(r.IntegerAny), int64(r.Included)), name)
	}
	tw.Flush()

	fmt.Fprintf(w, "\nCross-contest consistency\n")
	if cross.Precincts == 0 {
		fmt.Fprintf(w, "  No precinct reports in more than one contest: nothing to compare.\n")
		return nil
	}
	fmt.Fprintf(w, "  %s precincts report in two or more contests. Ballots issued differ by more than %d in %s of them, ballots cast in %s. "+
		"Small differences are normal (a voter declines one ballot).\n",
		dauys.Thousands(int64(cross.Precincts)), cross.Tolerance, dauys.Thousands(int64(len(cross.Issued))), dauys.Thousands(int64(len(cross.TookPart))))
	for _, f := range cross.Issued[:min(len(cross.Issued), 10)] {
		fmt.Fprintf(w, "  %s: ballots issued from %s to %s\n", f.Area, dauys.Thousands(f.Min), dauys.Thousands(f.Max))
	}
	return nil
}

// decimal1 writes a non-negative number with one decimal and thousands
// separated, for display.
func decimal1(x float64) string {
	whole := math.Floor(x)
	tenth := int64(math.Round((x - whole) * 10))
	if tenth == 10 {
		whole, tenth = whole+1, 0
	}
	return fmt.Sprintf("%s.%d", dauys.Thousands(int64(whole)), tenth)
}

// sharePercent writes part/whole as a percentage rounded as every surface
// rounds a share (decide.Percent: half up to the hundredth, from the exact
// fraction), so that a turnout here reads as on the site.
func sharePercent(part, whole int64) string {
	if whole <= 0 {
		return "n/a"
	}
	return decide.Percent(part, whole) + "%"
}

// sdMultiple writes how many standard deviations excess is.
func sdMultiple(excess, sd float64) string {
	if sd <= 0 || math.IsNaN(excess/sd) {
		return "n/a"
	}
	return strconv.FormatFloat(excess/sd, 'f', 1, 64)
}

// joinOrNone joins items with commas, or says none.
func joinOrNone(items []string, none string) string {
	if len(items) == 0 {
		return none
	}
	return strings.Join(items, ", ")
}
