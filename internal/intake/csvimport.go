package intake

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dauys/dauys"
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

// OpenProtocolFile opens a CSV file, or the first CSV file inside a zip
// archive, and returns it with its size in bytes (for progress).
func OpenProtocolFile(path string) (io.ReadCloser, int64, error) {
	if !strings.EqualFold(filepath.Ext(path), ".zip") {
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
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	for _, f := range z.File {
		if strings.EqualFold(filepath.Ext(f.Name), ".csv") {
			r, err := f.Open()
			if err != nil {
				z.Close()
				return nil, 0, err
			}
			return zipFile{r, z}, int64(f.UncompressedSize64), nil
		}
	}
	z.Close()
	return nil, 0, fmt.Errorf("%s: the archive holds no .csv file", path)
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
	e, err := s.Load(ctx, election)
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
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, dauys.Errorf(dauys.EINVALID, "%s: the file is empty", name)
	} else if err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "%s: %v", name, err)
	}
	m, err := newMapping(e, header, name)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{}
	var subs []Submission
	var rows []int
	var newAreas []dauys.Area
	pending := map[string]bool{}
	reject := func(re RowError) {
		rep.Rejected++
		msg := dauys.ErrorMessage(re.Err)
		if dauys.ErrorCode(re.Err) == dauys.EINTERNAL {
			msg = re.Err.Error()
		}
		re.Reason = fmt.Sprintf("%s:%d: %s", name, re.Row, msg)
		if opt.Rejected != nil {
			opt.Rejected(re)
		}
	}
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
			case r.Outcome == dauys.OutcomeAccepted:
				rep.Accepted++
			case r.Outcome == dauys.OutcomeDuplicate:
				rep.Duplicates++
			case r.Outcome == dauys.OutcomeAmended:
				rep.Amended++
			case r.Outcome == OutcomeDisputed:
				rep.Disputed++
			default:
				rep.Entered++
			}
		}
		subs, rows = subs[:0], rows[:0]
		if opt.Progress != nil {
			opt.Progress(rep.Rows)
		}
		return nil
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		rep.Rows++
		if err != nil {
			// FieldPos knows nothing of a record that failed to parse:
			// the error names its line.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			reject(RowError{Row: line, Err: dauys.Errorf(dauys.EINVALID, "%v", err)})
			continue
		}
		line, _ := cr.FieldPos(0)
		sub, areas, err := m.row(e, rec, pending)
		if err != nil {
			reject(RowError{Row: line, Contest: sub.Contest, Area: sub.Area, Err: err})
			continue
		}
		newAreas = append(newAreas, areas...)
		sub.Submitter, sub.Source = opt.Submitter, fmt.Sprintf("%s:%d", name, line)
		sub.AcknowledgeWarnings, sub.Entry = opt.AcknowledgeWarnings, opt.Entry
		subs, rows = append(subs, sub), append(rows, line)
		if len(subs) >= opt.BatchSize {
			if err := flush(); err != nil {
				return rep, err
			}
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	return rep, nil
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

func newMapping(e *Election, header []string, name string) (*mapping, error) {
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		header[i] = h
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	m := &mapping{name: name, header: header, areaCol: -1, contCol: -1, lines: map[string]map[string]int{}, other: map[string][]int{}}
	var missing []string
	need := func(c string) int {
		i, ok := col[c]
		if !ok {
			missing = append(missing, c)
			return -1
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
func (m *mapping) row(e *Election, rec []string, pending map[string]bool) (Submission, []dauys.Area, error) {
	var sub Submission
	sub.Contest = e.Import.Contest
	if m.contCol >= 0 {
		sub.Contest = m.cell(rec, m.contCol)
	}
	lm, ok := m.lines[sub.Contest]
	if !ok {
		return sub, nil, dauys.Errorf(dauys.EINVALID, "column %q: contest %q does not exist", m.header[m.contCol], sub.Contest)
	}
	sub.Lines = make(map[string]int64, len(lm))
	for line, j := range lm {
		v := m.cell(rec, j)
		if v == "" {
			continue // the validator names the missing line
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return sub, nil, dauys.Errorf(dauys.EINVALID, "column %q (line %s): %q is not a whole number", m.header[j], line, v)
		}
		sub.Lines[line] = n
	}
	for _, j := range m.other[sub.Contest] {
		if m.cell(rec, j) != "" {
			return sub, nil, dauys.Errorf(dauys.EINVALID, "column %q has a value, but contest %s has no such line", m.header[j], sub.Contest)
		}
	}
	if m.areaCol >= 0 {
		sub.Area = m.cell(rec, m.areaCol)
		if sub.Area == "" {
			return sub, nil, dauys.Errorf(dauys.EINVALID, "column %q is empty", m.header[m.areaCol])
		}
		return sub, nil, nil
	}
	var created []dauys.Area
	parent := e.Tree.Root()
	for k, j := range m.pathCols {
		v := m.cell(rec, j)
		if v == "" {
			return sub, nil, dauys.Errorf(dauys.EINVALID, "column %q is empty", m.header[j])
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
