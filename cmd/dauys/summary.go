package main

import (
	"fmt"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
)

// importSummary is what an import prints with --json: its counts, the
// rows it refused (the first maxListedRejections), and the error that
// stopped it, if one did. Standard output then holds this one document.
type importSummary struct {
	Election string `json:"election,omitempty"`
	File     string `json:"file,omitempty"`
	// Report is the import's counts: an intake.ImportReport for rows,
	// a cdf.ImportReport for a NIST report.
	Report   any               `json:"report,omitempty"`
	Rejected []intake.RowError `json:"rejected_rows"`
	// Unlisted counts the refused rows beyond the listed ones.
	Unlisted int    `json:"rejected_rows_not_listed,omitempty"`
	Error    string `json:"error,omitempty"`
	// Text is the summary line without --json.
	Text string `json:"-"`
}

// maxListedRejections bounds the refused rows a summary lists: a file of
// garbage has as many as it has rows.
const maxListedRejections = 1000

func (s *importSummary) reject(re intake.RowError) {
	if len(s.Rejected) < maxListedRejections {
		s.Rejected = append(s.Rejected, re)
	} else {
		s.Unlisted++
	}
}

// printSummary prints a long command's summary, which it prints however
// it ended: as JSON, or the line of counts the audit trail also records.
func (m *Main) printSummary(asJSON bool, s *importSummary, cmdErr error) error {
	if !asJSON {
		text := s.Text
		if text == "" {
			text = m.importCounts
		}
		if text != "" {
			fmt.Fprintln(m.Stdout, text)
		}
		return nil
	}
	if s.Rejected == nil {
		s.Rejected = []intake.RowError{}
	}
	if cmdErr != nil {
		s.Error = dauys.ErrorMessage(cmdErr)
	}
	return writeJSON(m.Stdout, s)
}

// summaryOnce prints the summary of a command that has run and passes its
// error on.
func (m *Main) summaryOnce(asJSON bool, s *importSummary, cmdErr error) error {
	if err := m.printSummary(asJSON, s, cmdErr); err != nil {
		return err
	}
	return cmdErr
}

// result prints what a short command did: text, or v as JSON.
func (m *Main) result(asJSON bool, text string, v any) error {
	if asJSON {
		return writeJSON(m.Stdout, v)
	}
	_, err := fmt.Fprint(m.Stdout, text)
	return err
}
