package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/integrity"
	"github.com/dauys/dauys/internal/report"
	"github.com/dauys/dauys/internal/rla"
)

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
	if *method != string(rla.MethodBravo) && *method != string(rla.MethodMacro) {
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
	e, err := s.elections.Load(ctx, *af.election)
	if err != nil {
		return err
	}
	a, err := integrity.PlanAudit(ctx, s, e, *af.contest, integrity.AuditOptions{
		Method: rla.Method(*method), RiskLimit: *riskLimit, Quantile: *quantile, Now: m.Now()})
	if err != nil {
		return err
	}
	if err := saveAudit(path, a); err != nil {
		return err
	}
	report.AuditPlan(m.Stdout, a)
	fmt.Fprintf(m.Stdout, "\nThe plan is in %s. Publish it before the seed is chosen; then roll the seed in public and run\n"+
		"  dauys audit sample --state %s --seed SEED\n", path, path)
	return nil
}

func (m *Main) runAuditSample(_ context.Context, args []string) error {
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
	report.AuditSample(m.Stdout, a)
	return nil
}

func (m *Main) runAuditRecord(_ context.Context, args []string) error {
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
	fmt.Fprintf(m.Stdout, "%s %s: %s\n", verb, *batch, report.Counts(c))
	if a.Draws(*batch) == 0 {
		fmt.Fprintf(m.Stdout, "note: %s was not drawn; its count is kept, and only a full hand count of every precinct uses it\n", *batch)
	}
	return nil
}

func (m *Main) runAuditStatus(_ context.Context, args []string) error {
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
			Status   []rla.Status       `json:"status"`
		}{progress, statuses})
	}
	report.AuditStatus(m.Stdout, a, path, progress, statuses)
	return nil
}
