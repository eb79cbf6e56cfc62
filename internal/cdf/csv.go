package cdf

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/csvsafe"
	"github.com/dauys/dauys/internal/dataset"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
)

// CSVHeader is the flat layout results analysts use: one row per area,
// contest and line, where a line is an option's votes of one vote type or
// another protocol line. It is the layout of every data file
// (internal/dataset, docs/data.md).
var CSVHeader = dataset.Columns

// Row is one row of the flat layout.
type Row = dataset.Row

// WriteCSV writes an election in the flat layout: at precinct level one row
// per line of every precinct's protocol (no totals, so that a pivot table
// adds up to the right numbers); as a summary, one row per line of each
// contest's totals for the whole election. lang picks the language of the
// names (kk, ru or en; default en).
func WriteCSV(ctx context.Context, w io.Writer, store dauys.Store, elections *election.Loader, id string, opt ExportOptions, lang string) error {
	e, err := elections.Load(ctx, id)
	if err != nil {
		return err
	}
	if lang == "" {
		lang = "en"
	}
	x := &exporter{ctx: ctx, store: store, e: e, opt: opt, taken: ids{}}
	switch opt.Level {
	case "", LevelPrecinct:
		x.opt.Level = LevelPrecinct
	case LevelSummary:
	default:
		return dauys.Errorf(dauys.EINVALID, "cdf: export level %q is unknown (precinct or summary)", opt.Level)
	}
	if err := x.collect(); err != nil {
		return err
	}
	cw, err := dataset.NewCSVWriter(w)
	if err != nil {
		return err
	}
	err = dataset.Rows(e, lang, func(contest, area string) (map[string]int64, bool) {
		lines, ok := x.counts[contest][area]
		return lines, ok
	}, cw.Write)
	if err != nil {
		return err
	}
	return cw.Flush()
}

// ReadCSV reads the flat layout. The columns may come in any order; area,
// contest and count are required, with line or else option (and
// count_type) naming the line. A problem names its row.
func ReadCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, dauys.Errorf(dauys.EINVALID, "cdf: the CSV file is empty")
	} else if err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "cdf: CSV: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"area", "contest", "count"} {
		if _, ok := col[need]; !ok {
			return nil, dauys.Errorf(dauys.EINVALID, "cdf: CSV: the header has no %q column (the layout is %s)", need, strings.Join(CSVHeader, ","))
		}
	}
	_, hasLine := col["line"]
	_, hasOption := col["option"]
	if !hasLine && !hasOption {
		return nil, dauys.Errorf(dauys.EINVALID, "cdf: CSV: the header needs a \"line\" or an \"option\" column")
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		} else if err != nil {
			return nil, dauys.Errorf(dauys.EINVALID, "cdf: CSV: %v", err)
		}
		n, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return csvsafe.Unescape(strings.TrimSpace(rec[i]))
			}
			return ""
		}
		row := Row{Election: get("election"), Area: get("area"), AreaName: get("area_name"), Level: get("area_level"),
			Parent: get("parent"), Contest: get("contest"), ContestName: get("contest_name"), Line: get("line"),
			Option: get("option"), OptionName: get("option_name"), CountType: get("count_type")}
		if row.Area == "" || row.Contest == "" {
			return nil, dauys.Errorf(dauys.EINVALID, "cdf: CSV line %d: area and contest are required", n)
		}
		if row.Line == "" {
			if row.Option == "" {
				return nil, dauys.Errorf(dauys.EINVALID, "cdf: CSV line %d: give the line or the option", n)
			}
			row.Line = dauys.OptionLinePrefix + row.Option
			if row.CountType != "" && row.CountType != "total" {
				row.Line += "." + typeSuffix(row.CountType, "")
			}
		}
		// The count is read as written: " 900" and "+900" are refused.
		raw := ""
		if i := col["count"]; i < len(rec) {
			raw = rec[i]
		}
		c, err := intake.ParseCount(raw)
		if err != nil {
			return nil, dauys.Errorf(dauys.EINVALID, "cdf: CSV line %d: count %v", n, err)
		}
		row.Count = c
		rows = append(rows, row)
	}
}

// Submissions groups rows into one protocol per contest and area, in the
// order they first appear. A line given twice for the same protocol is an
// error; i counts data rows from 1.
func Submissions(rows []Row) ([]intake.Submission, error) {
	index := map[[2]string]int{}
	var out []intake.Submission
	for i, r := range rows {
		k := [2]string{r.Contest, r.Area}
		j, ok := index[k]
		if !ok {
			j = len(out)
			index[k] = j
			out = append(out, intake.Submission{Contest: r.Contest, Area: r.Area, Lines: map[string]int64{}})
		}
		if _, dup := out[j].Lines[r.Line]; dup {
			return nil, dauys.Errorf(dauys.EINVALID, "cdf: CSV data row %d: contest %s, area %s: line %s is given twice", i+1, r.Contest, r.Area, r.Line)
		}
		out[j].Lines[r.Line] = r.Count
	}
	return out, nil
}
