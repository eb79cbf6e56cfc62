package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/cdf"
	"github.com/dauys/dauys/internal/intake"
)

func (m *Main) runCDFImport(ctx context.Context, args []string) error {
	fs, db := m.flags("cdf import")
	id := fs.String("id", "", "id of the new election (default: the id an export recorded, or one made of the name and date)")
	format := fs.String("format", "", "json (an ERR v2 report) or csv (the flat layout, into an existing election); default by the file's extension")
	election := fs.String("election", "", "with --format csv: the election the rows belong to")
	lenient := fs.Bool("lenient", false, "do not check the report against the schema (references and counts are still checked)")
	ack := fs.Bool("acknowledge-warnings", false, "with --format csv: acknowledge the warnings protocols raise (after checking them)")
	entry := fs.Int("entry", 0, "under double entry, which of the two independent entries the file is (1 or 2): required there, refused elsewhere")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr{"cdf import takes one file"}
	}
	if *format == "" {
		*format = "json"
		if strings.EqualFold(filepath.Ext(pos[0]), ".csv") {
			*format = "csv"
		}
	}
	data, err := cdf.ReadFile(pos[0])
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		if *election != "" {
			return usageErr{"--election is for --format csv; a JSON report creates its election (name it with --id)"}
		}
		sum := importSummary{File: pos[0]}
		err := m.cdfImportJSON(ctx, *db, args, data, &sum, cdf.ImportOptions{ID: *id, Lenient: *lenient, Source: filepath.Base(pos[0]), Now: m.Now().UTC(),
			Entry: *entry, Submitter: cliActor()})
		return m.summaryOnce(*asJSON, &sum, err)
	case "csv":
		if *id != "" || *lenient {
			return usageErr{"--id and --lenient are for a JSON report; CSV rows go into an existing election (--election)"}
		}
		if *election == "" {
			return usageErr{"cdf import --format csv takes --election ID: the rows' election must exist"}
		}
		sum := importSummary{Election: *election, File: pos[0]}
		err := m.cdfImportCSV(ctx, *db, args, *election, data, &sum, *ack, *entry)
		return m.summaryOnce(*asJSON, &sum, err)
	}
	return usageErr{fmt.Sprintf("unknown format %q (json or csv)", *format)}
}

func (m *Main) cdfImportJSON(ctx context.Context, db string, args []string, data []byte, sum *importSummary, opt cdf.ImportOptions) error {
	// The report is read and checked before the store is touched, so that
	// a bad file leaves nothing behind.
	im, err := cdf.Decode(data, opt)
	if err != nil {
		return err
	}
	for _, n := range im.Notes {
		fmt.Fprintf(m.Stderr, "note: %s\n", n)
	}
	s, err := m.open(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := m.recordImportStart(ctx, s, "cdf import", args); err != nil {
		return err
	}
	rep, err := im.Store(ctx, s, s.intake)
	if rep != nil {
		m.importCounts = fmt.Sprintf("imported election %s: %d areas, %d contests, %d protocols (accepted %d, refused %d, entered %d, disputed %d; %d with acknowledged warnings); %d notes",
			rep.Election, rep.Areas, rep.Contests, rep.Protocols, rep.Accepted, rep.Refused, rep.Entered, rep.Disputed, rep.Warnings, len(rep.Notes))
		sum.Election, sum.Report = rep.Election, rep
	}
	return err
}

func (m *Main) cdfImportCSV(ctx context.Context, db string, args []string, election string, data []byte, sum *importSummary, ack bool, entry int) error {
	source := filepath.Base(sum.File)
	rows, err := cdf.ReadCSV(bytes.NewReader(data))
	if err != nil {
		return err
	}
	subs, err := cdf.Submissions(rows)
	if err != nil {
		return err
	}
	s, err := m.open(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	// A file that cannot be an entry of the election is refused whole,
	// before any of its protocols is stored.
	e, err := s.elections.Load(ctx, election)
	if err != nil {
		return err
	}
	if err := intake.CheckEntry(e.Election, entry); err != nil {
		return err
	}
	if err := m.recordImportStart(ctx, s, "cdf import", args); err != nil {
		return err
	}
	actor := cliActor()
	for i := range subs {
		subs[i].AcknowledgeWarnings, subs[i].Entry = ack, entry
		subs[i].Submitter = actor
		subs[i].Source = source
	}
	rep := &intake.ImportReport{Rows: len(subs)}
	sum.Report = rep
	counts := func() string {
		return fmt.Sprintf("protocols %d: accepted %d, amended %d, duplicates %d, rejected %d, entered %d, disputed %d",
			len(subs), rep.Accepted, rep.Amended, rep.Duplicates, rep.Rejected, rep.Entered, rep.Disputed)
	}
	bar := m.newProgress(int64(len(subs)), "protocols")
	defer bar.clear()
	for lo := 0; lo < len(subs); lo += 1000 {
		res, err := s.intake.Submit(ctx, election, subs[lo:min(lo+1000, len(subs))])
		if err != nil {
			m.importCounts = counts() + " (stopped after " + strconv.Itoa(lo) + ")"
			return err
		}
		for j, r := range res {
			sub := subs[lo+j]
			switch {
			case r.Err != nil:
				rep.Rejected++
				bar.clear()
				fmt.Fprintf(m.Stderr, "rejected: contest %s, area %s: %s\n", sub.Contest, sub.Area, dauys.ErrorMessage(r.Err))
				sum.reject(intake.RowError{Contest: sub.Contest, Area: sub.Area, Reason: dauys.ErrorMessage(r.Err)})
			case r.Outcome == dauys.OutcomeDuplicate:
				rep.Duplicates++
			case r.Outcome == dauys.OutcomeAmended:
				rep.Amended++
			case r.Outcome == intake.OutcomeEntered:
				rep.Entered++
			case r.Outcome == intake.OutcomeDisputed:
				rep.Disputed++
			default:
				rep.Accepted++
			}
		}
		done := int64(min(lo+1000, len(subs)))
		bar.update(done, done)
	}
	m.importCounts = counts()
	if rep.Rejected > 0 {
		return errRejected
	}
	return nil
}

func (m *Main) runCDFExport(ctx context.Context, args []string) error {
	fs, db := m.flags("cdf export")
	election := fs.String("election", "", "election id")
	level := fs.String("level", cdf.LevelPrecinct, "precinct (every precinct's protocol) or summary (totals for the whole election)")
	format := fs.String("format", "json", "json (NIST SP 1500-100 v2) or csv (the flat layout)")
	out := fs.String("out", "", "file to write (default: standard output)")
	lang := fs.String("lang", "en", "with --format csv: language of the names (kk, ru or en)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" {
		return usageErr{"cdf export takes --election ID"}
	}
	if *level != cdf.LevelPrecinct && *level != cdf.LevelSummary {
		return usageErr{fmt.Sprintf("unknown level %q (precinct or summary)", *level)}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var bar *progress
	opt := cdf.ExportOptions{Level: *level, Now: m.Now(), Progress: func(read, estimate int64) {
		if bar == nil {
			bar = m.newProgress(estimate, "protocols")
		}
		bar.update(read, read)
	}}
	defer func() { bar.clear() }()
	var data []byte
	switch *format {
	case "json":
		r, notes, err := cdf.Export(ctx, s.Backend, s.elections, *election, opt)
		if err != nil {
			return err
		}
		// Encode validates against the schema: an invalid report is
		// never written.
		if data, err = cdf.Encode(r); err != nil {
			return err
		}
		for _, n := range notes {
			fmt.Fprintf(m.Stderr, "note: %s\n", n)
		}
	case "csv":
		var b bytes.Buffer
		if err := cdf.WriteCSV(ctx, &b, s.Backend, s.elections, *election, opt, *lang); err != nil {
			return err
		}
		data = b.Bytes()
	default:
		return usageErr{fmt.Sprintf("unknown format %q (json or csv)", *format)}
	}
	bar.clear()
	// The summary goes to standard error, which is not the report.
	if *out == "" {
		_, err := m.Stdout.Write(data)
		fmt.Fprintf(m.Stderr, "exported %s (%s, %s level): %d bytes\n", *election, *format, *level, len(data))
		return err
	}
	if err := writeFileAtomic(*out, data); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "exported %s (%s, %s level) to %s: %d bytes\n", *election, *format, *level, *out, len(data))
	return nil
}

// writeFileAtomic writes through a temporary file in the same directory,
// so that a reader never sees half a report.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, bytes.NewReader(data)); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}
