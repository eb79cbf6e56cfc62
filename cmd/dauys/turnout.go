package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/report"
)

// runTurnoutImport stores turnout reports from a CSV file (area, time,
// voters): `dauys turnout import`. Refused rows are printed with their
// line and reason, and make the exit status 4.
func (m *Main) runTurnoutImport(ctx context.Context, args []string) error {
	fs, db := m.flags("turnout import")
	election := fs.String("election", "", "election id")
	batch := fs.Int("batch", 1000, "rows per transaction")
	asJSON := fs.Bool("json", false, "print the summary, with the refused rows, as JSON")
	encoding := fs.String("encoding", "auto", "the file's encoding: auto (UTF-8, or Windows-1251 when it is not UTF-8 and reads as Cyrillic), utf-8 or cp1251; commas or semicolons are read either way")
	fs.String("member", "", "the CSV file to import from a zip archive holding several (its path in the archive, or its name)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *election == "" || len(pos) != 1 {
		return usageErr{"turnout import takes --election ID and one CSV or zip file"}
	}
	enc, err := intake.ParseEncoding(*encoding)
	if err != nil {
		return usageErr{"--" + err.Error()}
	}
	f, _, s, err := m.startImport(ctx, "turnout import", *db, pos[0], args)
	if err != nil {
		return err
	}
	defer f.Close()
	defer s.Close()
	sum := importSummary{Election: *election, File: pos[0]}
	rep, err := s.intake.ImportTurnoutCSV(ctx, *election, f, pos[0], intake.TurnoutImportOptions{
		BatchSize: *batch,
		Encoding:  enc,
		Submitter: cliActor(),
		Rejected: func(re intake.RowError) {
			fmt.Fprintf(m.Stderr, "rejected: %s\n", re.Reason)
			sum.reject(re)
		},
	})
	if rep != nil {
		m.importCounts = fmt.Sprintf("rows %d: accepted %d, amended %d, duplicates %d, rejected %d",
			rep.Rows, rep.Accepted, rep.Amended, rep.Duplicates, rep.Rejected)
		sum.Report = rep
	}
	if ctx.Err() != nil && err != nil {
		err = fmt.Errorf("the import was interrupted; the reports counted above as accepted are stored, and running it again resumes it: %w", err)
	}
	if err := m.printSummary(*asJSON, &sum, err); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	if rep.Rejected > 0 {
		return errRejected
	}
	return nil
}

// runTurnout prints an area's turnout through the day: `dauys turnout`.
func (m *Main) runTurnout(ctx context.Context, args []string) error {
	s, election, area, asJSON, err := m.areaCommand(ctx, "turnout", args)
	if err != nil {
		return err
	}
	defer s.Close()
	if area == "" {
		e, err := s.elections.Load(ctx, election)
		if err != nil {
			return err
		}
		area = e.Tree.Root()
	}
	sum, err := s.tally.Turnout(ctx, election, area)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(m.Stdout, sum)
	}
	return report.Turnout(m.Stdout, sum)
}

// runElectionStatus prints an election's status and its history, or with
// --set moves it along the lifecycle: `dauys election status`.
func (m *Main) runElectionStatus(ctx context.Context, args []string) error {
	fs, db := m.flags("election status")
	election := fs.String("election", "", "election id")
	set := fs.String("set", "", "move the election to this status: voting, counting, final, or counting again to reopen final results (with --reason)")
	decision := fs.String("decision", "", `the commission's decision establishing final results, "No. NUMBER of YYYY-MM-DD" (or --decision-number and --decision-date)`)
	number := fs.String("decision-number", "", "the number of the commission's decision")
	date := fs.String("decision-date", "", "the date of the commission's decision, YYYY-MM-DD")
	reason := fs.String("reason", "", "why final results are reopened (required for a reopening)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" {
		return usageErr{"election status takes --election ID"}
	}
	if *set == "" && (*decision != "" || *number != "" || *date != "" || *reason != "") {
		return usageErr{"--decision, --decision-number, --decision-date and --reason go with --set"}
	}
	if *decision != "" {
		n, d, err := parseDecision(*decision)
		if err != nil {
			return err
		}
		if *number != "" && *number != n || *date != "" && *date != d {
			return usageErr{"--decision and --decision-number/--decision-date disagree"}
		}
		*number, *date = n, d
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if *set != "" {
		c := &dauys.StatusChange{Election: *election, To: *set, DecisionNumber: *number, DecisionDate: *date,
			Reason: *reason, Actor: cliActor(), At: m.Now().UTC()}
		if err := s.ChangeElectionStatus(ctx, c); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "election %s: %s -> %s\n", *election, c.From, c.To)
		return nil
	}
	es, err := s.Elections(ctx)
	if err != nil {
		return err
	}
	status := ""
	for _, e := range es {
		if e.ID == *election {
			status = e.Status
		}
	}
	history, err := s.StatusHistory(ctx, *election)
	if err != nil {
		return err
	}
	return report.StatusHistory(m.Stdout, *election, status, history)
}

// decisionPattern reads a decision written "No. 12/345 of 2026-08-25"
// ("No." or "№" optional).
var decisionPattern = regexp.MustCompile(`^\s*(?:No\.?|№)?\s*(\S(?:.*\S)?)\s+of\s+(\d{4}-\d{2}-\d{2})\s*$`)

// parseDecision splits a decision into its number and date.
func parseDecision(s string) (number, date string, err error) {
	m := decisionPattern.FindStringSubmatch(s)
	if m == nil {
		return "", "", dauys.Errorf(dauys.EINVALID, "--decision %s: write it \"No. NUMBER of YYYY-MM-DD\"", dauys.QuotePrefix(s))
	}
	return strings.TrimSpace(m[1]), m[2], nil
}
