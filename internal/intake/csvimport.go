package intake

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	pathpkg "path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
)

// ImportOptions tune a CSV import.
type ImportOptions struct {
	// AcknowledgeWarnings acknowledges, on the importer's behalf, the
	// warnings rows raise; without it such rows are refused.
	AcknowledgeWarnings bool
	// BatchSize is the number of rows stored per transaction (default 1000).
	BatchSize int
	Submitter string
	// Entry is which entry of double entry the file is (1 or 2): an import
	// is one person's entry. An election with double entry refuses an
	// import without it, and one without refuses an import with it.
	Entry int
	// Progress, when set, is called after each batch with the rows read.
	Progress func(rows int)
	// Rejected, when set, is called for each refused row as it happens.
	Rejected func(RowError)
	// Encoding is the file's: EncodingAuto (the default), EncodingUTF8
	// or EncodingCP1251.
	Encoding string
}

// RowError is a refused row: its line in the file and the reason.
type RowError struct {
	Row     int    `json:"row"`
	Contest string `json:"contest,omitempty"`
	Area    string `json:"area,omitempty"`
	Err     error  `json:"-"`
	Reason  string `json:"reason"`
}

func (e RowError) Error() string { return fmt.Sprintf("row %d: %s", e.Row, e.Reason) }

// ImportReport counts what an import did.
type ImportReport struct {
	Rows       int `json:"rows"`
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
	Amended    int `json:"amended"`
	Entered    int `json:"entered"`
	Disputed   int `json:"disputed"`
	Rejected   int `json:"rejected"`
	AreasAdded int `json:"areas_added"`
}

// count counts a stored row by its outcome.
func (r *ImportReport) count(outcome string) {
	switch outcome {
	case dauys.OutcomeAccepted:
		r.Accepted++
	case dauys.OutcomeDuplicate:
		r.Duplicates++
	case dauys.OutcomeAmended:
		r.Amended++
	case OutcomeDisputed:
		r.Disputed++
	default:
		r.Entered++
	}
}

// Limits on what an import reads (docs/security.md, "Import limits and
// strict parsing"). They are far above what a national file needs (the
// 95,225 rows of Russia's 2011 Duma election are 33 MB, their longest row
// under 4 KB), and keep a hostile file from taking the memory or the time
// of the machine that counts.
const (
	// MaxZipMemberBytes bounds the decompressed size of the CSV member a
	// zip archive holds.
	MaxZipMemberBytes = 512 << 20
	// MaxZipBytes bounds the decompressed size of all the members of an
	// archive together, as its directory declares them.
	MaxZipBytes = 1 << 30
	// MaxRowBytes bounds one row of a CSV file, cells and separators.
	MaxRowBytes = 64 << 10
	// MaxCellBytes bounds one cell of a CSV file.
	MaxCellBytes = 4 << 10
)

// OpenProtocolFile opens a CSV file, or the one CSV file inside a zip
// archive, and returns it with its (uncompressed) size; OpenImportFile
// names the member of an archive holding several.
func OpenProtocolFile(path string) (io.ReadCloser, int64, error) {
	return OpenImportFile(path, "")
}

// OpenImportFile opens a CSV file, or a CSV file inside a zip archive:
// the member named (its path in the archive, or its base name), or else
// the only CSV the archive holds. An archive of several CSVs and no
// member named is refused, listing them: importing the first silently
// would leave the others out unnoticed. The size is in bytes (for
// progress). An archive whose members are larger than MaxZipMemberBytes
// each or MaxZipBytes together is refused before anything is
// decompressed; the zip reader refuses a member that decompresses to more
// than its directory declared.
func OpenImportFile(path, member string) (io.ReadCloser, int64, error) {
	if !strings.EqualFold(filepath.Ext(path), ".zip") {
		if member != "" {
			return nil, 0, dauys.Errorf(dauys.EINVALID, "%s is not a zip archive: --member names a file inside one", path)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, 0, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, err
		}
		return f, st.Size(), nil
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, err
		}
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	var total uint64
	var csvs []*zip.File
	for _, f := range z.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > MaxZipMemberBytes || total > MaxZipBytes {
			z.Close()
			return nil, 0, dauys.Errorf(dauys.EINVALID, "%s: member %s decompresses to %d bytes (%d in all so far); an archive may hold at most %d bytes per member and %d in all",
				path, dauys.QuotePrefix(f.Name), f.UncompressedSize64, total, MaxZipMemberBytes, MaxZipBytes)
		}
		if member != "" && (f.Name == member || pathpkg.Base(f.Name) == member) {
			csvs = append(csvs, f)
		} else if member == "" && strings.EqualFold(filepath.Ext(f.Name), ".csv") && !strings.HasPrefix(pathpkg.Base(f.Name), ".") && !strings.HasPrefix(f.Name, "__MACOSX/") {
			csvs = append(csvs, f)
		}
	}
	var names []string
	for _, f := range csvs {
		names = append(names, dauys.QuotePrefix(f.Name))
	}
	sort.Strings(names)
	switch {
	case len(csvs) == 0 && member != "":
		z.Close()
		return nil, 0, dauys.Errorf(dauys.ENOTFOUND, "%s holds no member %s", path, dauys.QuotePrefix(member))
	case len(csvs) == 0:
		z.Close()
		return nil, 0, dauys.Errorf(dauys.EINVALID, "%s: the archive holds no .csv file", path)
	case len(csvs) > 1 && member != "":
		z.Close()
		return nil, 0, dauys.Errorf(dauys.EINVALID, "%s holds several members named %s (%s): give the member's whole path", path, dauys.QuotePrefix(member), strings.Join(names, ", "))
	case len(csvs) > 1:
		z.Close()
		return nil, 0, dauys.Errorf(dauys.EINVALID, "%s holds %d CSV files (%s): name the one to import with --member NAME", path, len(csvs), strings.Join(names, ", "))
	}
	r, err := csvs[0].Open()
	if err != nil {
		z.Close()
		return nil, 0, err
	}
	return zipFile{r, z}, int64(csvs[0].UncompressedSize64), nil
}

type zipFile struct {
	io.ReadCloser
	z *zip.ReadCloser
}

func (f zipFile) Close() error { f.ReadCloser.Close(); return f.z.Close() }

// ImportCSV reads protocols from a CSV file mapped by the election's import
// mapping and form columns, and stores them in batches. Re-running an
// import of the same file is safe and resumes it: rows already stored are
// duplicates. Refused rows are reported with their line in the file; the
// accepted rows are stored.
func (s *Service) ImportCSV(ctx context.Context, election string, r io.Reader, name string, opt ImportOptions) (*ImportReport, error) {
	e, err := s.elections.Load(ctx, election)
	if err != nil {
		return nil, err
	}
	// Refused before a row is read, so that nothing of a file that cannot
	// be an entry is stored or recorded row by row.
	if err := CheckEntry(e.Election, opt.Entry); err != nil {
		return nil, err
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 1000
	}
	file, m, err := openProtocolCSV(ctx, e, r, name, opt.Encoding)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{}
	var subs []Submission
	var rows []int
	var newAreas []dauys.Area
	pending := map[string]bool{}
	reject := rejecter(name, &rep.Rejected, opt.Rejected)
	flush := func() error {
		if err := s.AddAreas(ctx, e, newAreas); err != nil {
			return err
		}
		rep.AreasAdded += len(newAreas)
		newAreas, pending = newAreas[:0], map[string]bool{}
		if len(subs) == 0 {
			return nil
		}
		res, err := s.Submit(ctx, election, subs)
		if err != nil {
			return err
		}
		for i, r := range res {
			switch {
			case r.Err != nil:
				reject(RowError{Row: rows[i], Contest: subs[i].Contest, Area: subs[i].Area, Err: r.Err})
			default:
				rep.count(r.Outcome)
			}
		}
		subs, rows = subs[:0], rows[:0]
		if opt.Progress != nil {
			opt.Progress(rep.Rows)
		}
		return nil
	}
	err = file.each(rep, reject, flush, func(rec []string, line int) error {
		sub, areas, err := m.row(e, rec, pending)
		if err != nil {
			reject(RowError{Row: line, Contest: sub.Contest, Area: sub.Area, Err: err})
			return nil
		}
		newAreas = append(newAreas, areas...)
		sub.Submitter, sub.Source = opt.Submitter, fmt.Sprintf("%s:%d", name, line)
		sub.AcknowledgeWarnings, sub.Entry = opt.AcknowledgeWarnings, opt.Entry
		subs, rows = append(subs, sub), append(rows, line)
		if len(subs) >= opt.BatchSize {
			return flush()
		}
		return nil
	})
	return rep, err
}

// openProtocolCSV opens a CSV file in the protocol format of an election
// and maps its columns.
func openProtocolCSV(ctx context.Context, e *election.Election, r io.Reader, name, encoding string) (*csvRows, *mapping, error) {
	file, err := openCSV(ctx, r, name, encoding)
	if err != nil {
		return nil, nil, err
	}
	m, err := newMapping(e, file.header, name)
	if err != nil {
		return nil, nil, err
	}
	return file, m, nil
}

// mapping is the resolved correspondence of a file's columns.
type mapping struct {
	name     string
	header   []string
	areaCol  int
	pathCols []int
	levels   []string
	contCol  int
	// lines per contest: line name -> column index
	lines map[string]map[string]int
	// other lists, per contest, the columns of lines that belong to other
	// contests and so must be blank in its rows.
	other map[string][]int
}

func newMapping(e *election.Election, header []string, name string) (*mapping, error) {
	col := map[string]int{}
	twice := map[string]bool{}
	for i, h := range header {
		if _, dup := col[h]; !dup {
			col[h] = i
		} else {
			twice[h] = true
		}
	}
	m := &mapping{name: name, header: header, areaCol: -1, contCol: -1, lines: map[string]map[string]int{}, other: map[string][]int{}}
	var missing, ambiguous []string
	need := func(c string) int {
		i, ok := col[c]
		if !ok {
			missing = append(missing, c)
			return -1
		}
		if twice[c] {
			ambiguous = append(ambiguous, c)
		}
		return i
	}
	im := e.Import
	switch {
	case im.AreaColumn != "":
		m.areaCol = need(im.AreaColumn)
	case len(im.AreaColumns) > 0:
		for _, ac := range im.AreaColumns {
			m.pathCols = append(m.pathCols, need(ac.Column))
			m.levels = append(m.levels, ac.Level)
		}
	default:
		m.areaCol = need("area")
	}
	if im.Contest == "" {
		c := im.ContestColumn
		if c == "" {
			c = "contest"
		}
		m.contCol = need(c)
	}
	used := map[int]string{}
	for i := range e.Contests {
		c := &e.Contests[i]
		if im.Contest != "" && c.ID != im.Contest {
			continue
		}
		lm := map[string]int{}
		for _, l := range e.Validator(c.ID).Lines() {
			if l.Derived != "" {
				continue
			}
			h := l.Column
			if h == "" {
				h = l.Name
			}
			if j, ok := col[h]; ok {
				lm[l.Name] = j
				used[j] = c.ID
				if twice[h] {
					ambiguous = append(ambiguous, h)
				}
			} else if im.Contest != "" || len(e.Contests) == 1 {
				missing = append(missing, h)
			}
		}
		m.lines[c.ID] = lm
	}
	for id, lm := range m.lines {
		mine := map[int]bool{}
		for _, j := range lm {
			mine[j] = true
		}
		for j := range used {
			if !mine[j] {
				m.other[id] = append(m.other[id], j)
			}
		}
	}
	if len(missing) > 0 {
		return nil, dauys.Errorf(dauys.EINVALID, "%s:1: the header lacks the column(s) %s", name, quoteAll(missing))
	}
	if len(ambiguous) > 0 {
		return nil, dauys.Errorf(dauys.EINVALID, "%s:1: the header names the column(s) %s more than once: which one holds the count?", name, quoteAll(ambiguous))
	}
	return m, nil
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func (m *mapping) cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// row turns a record into a submission, and names the areas of its path
// that do not exist yet (pending holds those already queued).
func (m *mapping) row(e *election.Election, rec []string, pending map[string]bool) (Submission, []dauys.Area, error) {
	var sub Submission
	sub.Contest = e.Import.Contest
	if m.contCol >= 0 {
		sub.Contest = m.cell(rec, m.contCol)
	}
	lm, ok := m.lines[sub.Contest]
	if !ok {
		return sub, nil, dauys.Errorf(dauys.EINVALID, "column %s: contest %s does not exist", dauys.QuotePrefix(m.header[m.contCol]), dauys.QuotePrefix(sub.Contest))
	}
	sub.Lines = make(map[string]int64, len(lm))
	for line, j := range lm {
		v := rec[j]
		if v == "" {
			continue // the validator names the missing line
		}
		n, err := ParseCount(v)
		if err != nil {
			return sub, nil, dauys.Errorf(dauys.EINVALID, "column %s (line %s): %v", dauys.QuotePrefix(m.header[j]), line, err)
		}
		sub.Lines[line] = n
	}
	for _, j := range m.other[sub.Contest] {
		if m.cell(rec, j) != "" {
			return sub, nil, dauys.Errorf(dauys.EINVALID, "column %s has a value, but contest %s has no such line", dauys.QuotePrefix(m.header[j]), sub.Contest)
		}
	}
	if m.areaCol >= 0 {
		sub.Area = m.cell(rec, m.areaCol)
		if sub.Area == "" {
			return sub, nil, dauys.Errorf(dauys.EINVALID, "column %s is empty", dauys.QuotePrefix(m.header[m.areaCol]))
		}
		return sub, nil, nil
	}
	var created []dauys.Area
	parent := e.Tree.Root()
	for k, j := range m.pathCols {
		v := m.cell(rec, j)
		if v == "" {
			return sub, nil, dauys.Errorf(dauys.EINVALID, "column %s is empty", dauys.QuotePrefix(m.header[j]))
		}
		id := parent + "/" + v
		if e.Tree.Area(id) == nil && !pending[id] {
			a := dauys.Area{ID: id, Parent: parent, Level: m.levels[k], Name: dauys.T(v)}
			if k == len(m.pathCols)-1 {
				a.Number = v
				a.Registered = sub.Lines["registered"]
			}
			created = append(created, a)
			pending[id] = true
		}
		parent = id
	}
	sub.Area = parent
	return sub, created, nil
}

// errRowTooLong is what rowBoundedReader answers once a row has gone on
// for longer than MaxRowBytes.
var errRowTooLong = errors.New("the row is too long")

// rowBoundedReader stops a CSV reader from buffering an endless row (the
// encoding/csv reader holds a whole record in memory, and a quoted cell
// may span any number of lines), and stops reading once ctx is done. The
// importer calls rowDone after each record; the CSV reader reads ahead at
// most one buffer (4096 bytes), so a row of MaxRowBytes never trips it.
type rowBoundedReader struct {
	ctx      context.Context
	r        io.Reader
	sinceRow int
}

const csvReadAhead = 4096

func (b *rowBoundedReader) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	if b.sinceRow > MaxRowBytes+csvReadAhead {
		return 0, errRowTooLong
	}
	n, err := b.r.Read(p)
	b.sinceRow += n
	return n, err
}

func (b *rowBoundedReader) rowDone() { b.sinceRow = 0 }

// recordBytes is the length of a record as read, less its quotes.
func recordBytes(rec []string) int {
	n := len(rec) - 1
	for _, c := range rec {
		n += len(c)
	}
	return n
}

// endLine returns the line after the record cr just read.
func endLine(cr *csv.Reader, rec []string) int {
	line, _ := cr.FieldPos(len(rec) - 1)
	return line + strings.Count(rec[len(rec)-1], "\n") + 1
}

// ParseCount reads a vote count written as a protocol writes it: decimal
// digits only, without a sign, spaces, a leading zero, a fraction or an
// exponent, and no larger than an int64. The error says which of these
// the text breaks and quotes at most a short prefix of it.
func ParseCount(s string) (int64, error) {
	var why string
	switch {
	case s == "":
		why = "is empty"
	case s[0] == '+' || s[0] == '-':
		why = "has a sign"
	case strings.TrimSpace(s) != s || strings.ContainsAny(s, " \t"):
		why = "has spaces"
	case strings.Trim(s, "0123456789") != "":
		why = "is not a whole number written in digits"
	case len(s) > 1 && s[0] == '0':
		why = "has a leading zero"
	}
	if why == "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			return n, nil
		}
		why = "is too large"
	}
	return 0, fmt.Errorf("%s %s: a count is written in digits only (0, 1, 2, ...)", dauys.QuotePrefix(s), why)
}
