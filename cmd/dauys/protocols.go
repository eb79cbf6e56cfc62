package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
)

func (m *Main) runProtocolsImport(ctx context.Context, args []string) error {
	fs, db := m.flags("protocols import")
	election := fs.String("election", "", "election id")
	ack := fs.Bool("acknowledge-warnings", false, "acknowledge the warnings rows raise (after checking them); without it such rows are refused")
	batch := fs.Int("batch", 1000, "rows per transaction")
	entry := fs.Int("entry", 0, "under double entry, which of the two independent entries this file is (1 or 2): required there, refused elsewhere")
	asJSON := fs.Bool("json", false, "print the summary, with the refused rows, as JSON")
	encoding := fs.String("encoding", "auto", "the file's encoding: auto (UTF-8, or Windows-1251 when it is not UTF-8 and reads as Cyrillic), utf-8 or cp1251; commas or semicolons are read either way")
	fs.String("member", "", "the CSV file to import from a zip archive holding several (its path in the archive, or its name)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *election == "" || len(pos) != 1 {
		return usageErr{"protocols import takes --election ID and one CSV or zip file"}
	}
	if *entry < 0 || *entry > 2 {
		return usageErr{"--entry is 1 or 2: which of the two independent entries of double entry the file is"}
	}
	enc, err := intake.ParseEncoding(*encoding)
	if err != nil {
		return usageErr{"--" + err.Error()}
	}
	f, size, s, err := m.startImport(ctx, "protocols import", *db, pos[0], args)
	if err != nil {
		return err
	}
	defer f.Close()
	defer s.Close()
	counter := &countingReader{r: f}
	bar := m.newProgress(size, "rows")
	sum := importSummary{Election: *election, File: pos[0]}
	rep, err := s.intake.ImportCSV(ctx, *election, counter, pos[0], intake.ImportOptions{
		AcknowledgeWarnings: *ack,
		BatchSize:           *batch,
		Entry:               *entry,
		Encoding:            enc,
		Submitter:           cliActor(),
		Progress:            func(rows int) { bar.update(counter.n, int64(rows)) },
		Rejected: func(re intake.RowError) {
			bar.clear()
			fmt.Fprintf(m.Stderr, "rejected: %s\n", re.Reason)
			sum.reject(re)
		},
	})
	bar.clear()
	if rep != nil {
		m.importCounts = fmt.Sprintf("rows %d: accepted %d, amended %d, duplicates %d, entered %d, disputed %d, rejected %d; areas added %d",
			rep.Rows, rep.Accepted, rep.Amended, rep.Duplicates, rep.Entered, rep.Disputed, rep.Rejected, rep.AreasAdded)
		sum.Report = rep
	}
	if ctx.Err() != nil && err != nil {
		err = fmt.Errorf("the import was interrupted; the protocols counted above as accepted are stored, and running it again resumes it: %w", err)
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

// startImport opens an import's file (CSV, or the CSV in a zip: the one
// the command's --member names, if it has that flag) and its database,
// and records the import's start in the audit trail; the caller closes
// both.
func (m *Main) startImport(ctx context.Context, name, db, path string, args []string) (io.ReadCloser, int64, *store, error) {
	f, size, err := intake.OpenImportFile(path, m.flagValue("member"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil, dauys.Errorf(dauys.ENOTFOUND, "%v", err)
	} else if dauys.ErrorCode(err) == dauys.EINTERNAL {
		return nil, 0, nil, dauys.Errorf(dauys.EINVALID, "%v", err)
	} else if err != nil {
		return nil, 0, nil, err
	}
	s, err := m.open(ctx, db)
	if err != nil {
		f.Close()
		return nil, 0, nil, err
	}
	if err := m.recordImportStart(ctx, s, name, args); err != nil {
		f.Close()
		s.Close()
		return nil, 0, nil, err
	}
	return f, size, s, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
