package report

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/integrity"
	"github.com/dauys/dauys/internal/rla"
)

// AuditPlan prints what an audit plan says: the method, the reported
// results and the size of the first round.
func AuditPlan(w io.Writer, a *integrity.Audit) {
	p := a.Plan
	c := p.Contests[0]
	method := "BRAVO ballot polling"
	if p.Method == rla.MethodMacro {
		method = "MACRO batch comparison (precincts counted by hand)"
	}
	fmt.Fprintf(w, "Audit plan: contest %s of election %s, %s, risk limit %s\n", a.Contest, a.Election, method, riskPercent(p.RiskLimit))
	fmt.Fprintf(w, "Reported: %s; %s ballots cast\n", reportedChoices(c), dauys.Thousands(c.BallotsCast))
	switch p.Method {
	case rla.MethodBravo:
		var ballots int64
		for _, b := range p.Manifest {
			ballots += b.Ballots
		}
		fmt.Fprintf(w, "Manifest: %s ballots in %s precincts, in the order listed in the plan\n", dauys.Thousands(ballots), dauys.Thousands(int64(len(p.Manifest))))
		for _, e := range p.Estimates {
			fmt.Fprintf(w, "First round: %s ballots (a %s chance to finish in it if the reported results are right); average sample number %s\n",
				dauys.Thousands(int64(e.SampleSize)), riskPercent(p.Quantile), dauys.Thousands(int64(e.ASN)))
		}
	default:
		fmt.Fprintf(w, "Batches: %s precincts", dauys.Thousands(int64(len(p.Batches))))
		if b, err := rla.MacroBounds(p.Contests, p.Batches); err == nil {
			u, _ := b.Total.Float64()
			fmt.Fprintf(w, "; total error bound U = %.4g", u)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "First round: %s precinct draws, if the hand counts find no errors\n", dauys.Thousands(int64(p.SampleSize)))
	}
}

// reportedChoices lists the reported counts, largest first, marking the
// reported winners.
func reportedChoices(c rla.Contest) string {
	role := map[string]string{}
	for _, x := range c.Winners {
		role[x] = " (reported winner)"
	}
	names := make([]string, 0, len(c.Reported))
	for ch := range c.Reported {
		names = append(names, ch)
	}
	sort.Slice(names, func(i, j int) bool {
		if c.Reported[names[i]] != c.Reported[names[j]] {
			return c.Reported[names[i]] > c.Reported[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, ch := range names {
		parts[i] = fmt.Sprintf("%s %s%s", ch, dauys.Thousands(c.Reported[ch]), role[ch])
	}
	return strings.Join(parts, ", ")
}

// riskPercent writes a probability as a percentage.
func riskPercent(x float64) string {
	return strconv.FormatFloat(100*x, 'f', -1, 64) + "%"
}

// AuditSample prints the drawn sample: the ballots to retrieve or the
// precincts to count by hand, and how to record what is found.
func AuditSample(w io.Writer, a *integrity.Audit) {
	s := a.Sample
	if s.Method == rla.MethodBravo {
		var total int64
		for _, b := range a.Plan.Manifest {
			total += b.Ballots
		}
		fmt.Fprintf(w, "Sample of %s ballots from seed %q: draw i is ballot 1 + SHA-256(\"seed,i\") mod %s, counted in manifest order.\n\n",
			dauys.Thousands(int64(len(s.Ballots))), s.Seed, dauys.Thousands(total))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "draw\tposition\tprecinct\tballot in precinct\n")
		byBatch := map[string][]int64{}
		for i, b := range s.Ballots {
			fmt.Fprintf(tw, "%d\t%d\t%s\t%d\n", i+1, b.Position, b.Batch, b.Index)
			byBatch[b.Batch] = append(byBatch[b.Batch], b.Index)
		}
		tw.Flush()
		fmt.Fprintf(w, "\nBallots to retrieve, by precinct (a ballot drawn twice is recorded twice):\n")
		for _, id := range sortedKeys(byBatch) {
			idx := byBatch[id]
			sort.Slice(idx, func(i, j int) bool { return idx[i] < idx[j] })
			parts := make([]string, len(idx))
			for i, x := range idx {
				parts[i] = strconv.FormatInt(x, 10)
			}
			fmt.Fprintf(w, "  %s: %s\n", id, strings.Join(parts, ", "))
		}
		fmt.Fprintf(w, "\nRecord the choices found per precinct: dauys audit record --batch PRECINCT --counts %s\n", exampleCounts(a.Choices))
		return
	}
	fmt.Fprintf(w, "Sample of %s precinct draws from seed %q (with replacement, in proportion to each precinct's error bound).\n\n",
		dauys.Thousands(int64(len(s.Draws))), s.Seed)
	times := map[string]int{}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "draw\tprecinct\n")
	for _, d := range s.Draws {
		fmt.Fprintf(tw, "%d\t%s\n", d.Index, d.BatchID)
		times[d.BatchID]++
	}
	tw.Flush()
	fmt.Fprintf(w, "\nPrecincts to count by hand (%d):\n", len(times))
	for _, id := range sortedKeys(times) {
		fmt.Fprintf(w, "  %s\n", id)
	}
	fmt.Fprintf(w, "\nRecord each hand count: dauys audit record --batch PRECINCT --counts %s\n", exampleCounts(a.Choices))
}

// exampleCounts shows the --counts argument for the contest's choices.
func exampleCounts(choices []string) string {
	parts := make([]string, len(choices))
	for i, c := range choices {
		parts[i] = c + "=N"
	}
	return strings.Join(parts, ",")
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Counts writes audited counts as choice=N, in the order of the choices.
func Counts(c map[string]int64) string {
	keys := sortedKeys(c)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, c[k])
	}
	return strings.Join(parts, ", ")
}

// AuditStatus prints where an audit stands: what is drawn and recorded,
// and, once the round is complete, each contest's measured risk and what
// to do next. path is the state file, for the command that escalates.
func AuditStatus(w io.Writer, a *integrity.Audit, path string, progress integrity.Progress, statuses []rla.Status) {
	fmt.Fprintf(w, "Audit of contest %s of election %s: %s of %s drawn %s recorded.\n", a.Contest, a.Election,
		dauys.Thousands(progress.Recorded), dauys.Thousands(progress.Drawn), drawnUnit(a.Plan.Method))
	if len(progress.Waiting) > 0 {
		fmt.Fprintf(w, "The round is not complete: the risk is measured once every drawn %s is recorded. Waiting for %d precincts: %s\n",
			strings.TrimSuffix(drawnUnit(a.Plan.Method), "s"), len(progress.Waiting), joinFirst(progress.Waiting, 20))
		return
	}
	for _, st := range statuses {
		decision := "continue: escalate"
		switch {
		case st.Finished:
			decision = "stop: the risk limit is met"
		case st.Risk.NeedsFullHandCount:
			decision = "escalate to a full hand count"
		}
		fmt.Fprintf(w, "Measured risk %.4g against a risk limit of %s: %s.\n%s\n", st.Risk.Measured, riskPercent(st.RiskLimit), decision, st.Message)
		if st.Escalate && st.NextRoundSize > 0 && !st.Risk.NeedsFullHandCount {
			fmt.Fprintf(w, "To escalate with the same seed: dauys audit sample --state %s --seed %s (draws %d in all)\n",
				path, strconv.Quote(a.Sample.Seed), a.NextSize())
		}
	}
}

// drawnUnit names what a draw of the method is.
func drawnUnit(m rla.Method) string {
	if m == rla.MethodBravo {
		return "ballots"
	}
	return "draws"
}

// joinFirst joins the first n items and says how many more there are.
func joinFirst(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}
