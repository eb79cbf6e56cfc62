package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/audit"
	"github.com/dauys/dauys/internal/integrity"
)

const auditUsage = `dauys audit runs a risk-limiting audit of one contest, step by step. Its whole
state is one JSON file (--state, default ./audit-<election>-<contest>.json) for
the audit board to publish after every step.

  dauys audit plan   [--db ...] --election ID --contest ID [--method bravo|macro]
                     [--risk-limit 0.05] [--quantile 0.9] [--state FILE]
  dauys audit sample --seed S [--n N] [--state FILE] [--json]
  dauys audit record --batch PRECINCT --counts choice=N,... [--state FILE]
  dauys audit record --file audited.csv [--state FILE]      (header: batch,choice,...)
  dauys audit status [--state FILE] [--json]

Without --state, sample, record and status take --election and --contest to
find the default file. BRAVO records, per precinct, the choices on its sampled
ballots; MACRO records the hand count of the whole precinct.
`

func (m *Main) runAudit(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageErr{"audit takes plan, sample, record or status (dauys audit help)"}
	}
	switch args[0] {
	case "plan":
		return m.auditPlan(ctx, args[1:])
	case "sample":
		return m.auditSample(args[1:])
	case "record":
		return m.auditRecord(args[1:])
	case "status":
		return m.auditStatus(args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, auditUsage)
		return nil
	}
	return usageErr{fmt.Sprintf("unknown audit step %q (want plan, sample, record or status)", args[0])}
}

// auditFlags adds the flags that locate the state file.
type auditFlags struct {
	state, election, contest *string
}

func (m *Main) auditFlagSet(name string) (*flag.FlagSet, auditFlags) {
	fs := m.flagSet("audit " + name)
	af := auditFlags{
		state:    fs.String("state", "", "audit state file (default ./audit-<election>-<contest>.json)"),
		election: fs.String("election", "", "election id"),
		contest:  fs.String("contest", "", "contest id"),
	}
	return fs, af
}

func (af auditFlags) path() (string, error) {
	if *af.state != "" {
		return *af.state, nil
	}
	if *af.election == "" || *af.contest == "" {
		return "", usageErr{"give --state FILE, or --election and --contest for the default ./audit-<election>-<contest>.json"}
	}
	return fmt.Sprintf("audit-%s-%s.json", safeName(*af.election), safeName(*af.contest)), nil
}

// safeName keeps an id usable as part of a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == os.PathSeparator || r < ' ' {
			return '_'
		}
		return r
	}, s)
}

func loadAudit(path string) (*integrity.Audit, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "no audit state at %s: run `dauys audit plan` first", path)
	} else if err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "read %s: %v", path, err)
	}
	var a integrity.Audit
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "%s is not an audit state: %v", path, err)
	}
	if err := a.Check(); err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "%s: %s", path, dauys.ErrorMessage(err))
	}
	return &a, nil
}

// saveAudit writes the state next to its final name and renames it, so
// that a crash never leaves a half-written published file.
func saveAudit(path string, a *integrity.Audit) error {
	data, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".audit-*.json")
	if err != nil {
		return dauys.Errorf(dauys.EINVALID, "write %s: %v", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func (m *Main) auditPlan(ctx context.Context, args []string) error {
	fs, af := m.auditFlagSet("plan")
	db := fs.String("db", "dauys.db", "SQLite file or postgres:// URL")
	method := fs.String("method", "bravo", "bravo (ballot polling) or macro (precincts counted by hand)")
	riskLimit := fs.Float64("risk-limit", 0.05, "largest chance of confirming a wrong outcome, between 0 and 1")
	quantile := fs.Float64("quantile", 0.9, "BRAVO: chance that the first round finishes if the reported results are right")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *af.election == "" || *af.contest == "" {
		return usageErr{"audit plan takes --election ID and --contest ID"}
	}
	if *method != string(audit.MethodBravo) && *method != string(audit.MethodMacro) {
		return usageErr{fmt.Sprintf("--method must be bravo or macro, not %q", *method)}
	}
	if !(*riskLimit > 0 && *riskLimit < 1) {
		return usageErr{fmt.Sprintf("--risk-limit must be between 0 and 1 (for example 0.05), not %v", *riskLimit)}
	}
	path, err := af.path()
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return dauys.Errorf(dauys.ECONFLICT, "%s exists: a published plan is never replaced; choose another --state", path)
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	e, err := s.intake.Load(ctx, *af.election)
	if err != nil {
		return err
	}
	a, err := integrity.PlanAudit(ctx, s, e, *af.contest, integrity.AuditOptions{
		Method: audit.Method(*method), RiskLimit: *riskLimit, Quantile: *quantile, Now: m.Now()})
	if err != nil {
		return err
	}
	if err := saveAudit(path, a); err != nil {
		return err
	}
	writeAuditPlan(m.Stdout, a)
	fmt.Fprintf(m.Stdout, "\nThe plan is in %s. Publish it before the seed is chosen; then roll the seed in public and run\n"+
		"  dauys audit sample --state %s --seed SEED\n", path, path)
	return nil
}

func writeAuditPlan(w io.Writer, a *integrity.Audit) {
	p := a.Plan
	c := p.Contests[0]
	method := "BRAVO ballot polling"
	if p.Method == audit.MethodMacro {
		method = "MACRO batch comparison (precincts counted by hand)"
	}
	fmt.Fprintf(w, "Audit plan: contest %s of election %s, %s, risk limit %s\n", a.Contest, a.Election, method, riskPercent(p.RiskLimit))
	fmt.Fprintf(w, "Reported: %s; %s ballots cast\n", reportedChoices(c), dauys.Thousands(c.BallotsCast))
	switch p.Method {
	case audit.MethodBravo:
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
		if b, err := audit.MacroBounds(p.Contests, p.Batches); err == nil {
			u, _ := b.Total.Float64()
			fmt.Fprintf(w, "; total error bound U = %.4g", u)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "First round: %s precinct draws, if the hand counts find no errors\n", dauys.Thousands(int64(p.SampleSize)))
	}
}

func reportedChoices(c audit.Contest) string {
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

func riskPercent(x float64) string {
	return strconv.FormatFloat(100*x, 'f', -1, 64) + "%"
}

func (m *Main) auditSample(args []string) error {
	fs, af := m.auditFlagSet("sample")
	seed := fs.String("seed", "", "the public seed (for example digits rolled with dice)")
	n := fs.Int("n", 0, "sample size (default: the first round, or the escalation the status asks for)")
	asJSON := fs.Bool("json", false, "print the sample as JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *seed == "" {
		return usageErr{"audit sample takes --seed S, the seed rolled in public"}
	}
	path, err := af.path()
	if err != nil {
		return err
	}
	a, err := loadAudit(path)
	if err != nil {
		return err
	}
	if err := a.Draw(*seed, *n, m.Now()); err != nil {
		return err
	}
	if err := saveAudit(path, a); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, a.Sample)
	}
	writeAuditSample(m.Stdout, a)
	return nil
}

func writeAuditSample(w io.Writer, a *integrity.Audit) {
	s := a.Sample
	if s.Method == audit.MethodBravo {
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

func exampleCounts(choices []string) string {
	parts := make([]string, len(choices))
	for i, c := range choices {
		parts[i] = c + "=N"
	}
	return strings.Join(parts, ",")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (m *Main) auditRecord(args []string) error {
	fs, af := m.auditFlagSet("record")
	batch := fs.String("batch", "", "precinct id of the batch")
	counts := fs.String("counts", "", "what the auditors found: choice=N,choice=N,...")
	file := fs.String("file", "", "CSV file of audited counts: header batch,choice,...; one row per precinct")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *file != "" && (*batch != "" || *counts != ""):
		return usageErr{"audit record takes either --file or --batch with --counts, not both"}
	case *file == "" && (*batch == "" || *counts == ""):
		return usageErr{"audit record takes --batch PRECINCT --counts choice=N,... or --file audited.csv"}
	}
	path, err := af.path()
	if err != nil {
		return err
	}
	a, err := loadAudit(path)
	if err != nil {
		return err
	}
	if *file != "" {
		f, err := os.Open(*file)
		if err != nil {
			return dauys.Errorf(dauys.EINVALID, "--file: %v", err)
		}
		defer f.Close()
		n, err := a.RecordCSV(f, *file, m.Now())
		if err != nil {
			return err
		}
		if err := saveAudit(path, a); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "recorded %d precincts from %s\n", n, *file)
		return nil
	}
	c, err := integrity.ParseCounts(*counts)
	if err != nil {
		return err
	}
	replaced := a.Recorded[*batch] != nil
	if err := a.Record(*batch, c, m.Now()); err != nil {
		return err
	}
	if err := saveAudit(path, a); err != nil {
		return err
	}
	verb := "recorded"
	if replaced {
		verb = "replaced the record of"
	}
	fmt.Fprintf(m.Stdout, "%s %s: %s\n", verb, *batch, formatCounts(c))
	if a.Draws(*batch) == 0 {
		fmt.Fprintf(m.Stdout, "note: %s was not drawn; its count is kept, and only a full hand count of every precinct uses it\n", *batch)
	}
	return nil
}

func formatCounts(c map[string]int64) string {
	keys := sortedKeys(c)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, c[k])
	}
	return strings.Join(parts, ", ")
}

func (m *Main) auditStatus(args []string) error {
	fs, af := m.auditFlagSet("status")
	asJSON := fs.Bool("json", false, "print the status as JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	path, err := af.path()
	if err != nil {
		return err
	}
	a, err := loadAudit(path)
	if err != nil {
		return err
	}
	progress, statuses, err := a.Evaluate()
	if err != nil {
		return err
	}
	if err := saveAudit(path, a); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, struct {
			Progress integrity.Progress `json:"progress"`
			Status   []audit.Status     `json:"status"`
		}{progress, statuses})
	}
	fmt.Fprintf(m.Stdout, "Audit of contest %s of election %s: %s of %s drawn %s recorded.\n", a.Contest, a.Election,
		dauys.Thousands(progress.Recorded), dauys.Thousands(progress.Drawn), drawnUnit(a.Plan.Method))
	if len(progress.Waiting) > 0 {
		fmt.Fprintf(m.Stdout, "The round is not complete: the risk is measured once every drawn %s is recorded. Waiting for %d precincts: %s\n",
			strings.TrimSuffix(drawnUnit(a.Plan.Method), "s"), len(progress.Waiting), joinFirst(progress.Waiting, 20))
		return nil
	}
	for _, st := range statuses {
		decision := "continue: escalate"
		switch {
		case st.Finished:
			decision = "stop: the risk limit is met"
		case st.Risk.NeedsFullHandCount:
			decision = "escalate to a full hand count"
		}
		fmt.Fprintf(m.Stdout, "Measured risk %.4g against a risk limit of %s: %s.\n%s\n", st.Risk.Measured, riskPercent(st.RiskLimit), decision, st.Message)
		if st.Escalate && st.NextRoundSize > 0 && !st.Risk.NeedsFullHandCount {
			fmt.Fprintf(m.Stdout, "To escalate with the same seed: dauys audit sample --state %s --seed %s (draws %d in all)\n",
				path, strconv.Quote(a.Sample.Seed), a.NextSize())
		}
	}
	return nil
}

func drawnUnit(m audit.Method) string {
	if m == audit.MethodBravo {
		return "ballots"
	}
	return "draws"
}

func joinFirst(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}
