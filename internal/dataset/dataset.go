// Package dataset is the one tabular layout of results every data file of
// Dauys shares: the flat CSV of `dauys cdf export --format csv`, and the
// precinct files `dauys publish` writes for newsrooms,
// data/<election>/precincts.csv and precincts.parquet. One row per area,
// contest and protocol line; docs/data.md documents the columns, their
// types, the version and what stays stable.
//
// It reads the loaded election (internal/election) and writes files; it
// never imports a store, the write path or a surface, which import it.
package dataset

import (
	"io"
	"strconv"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/csvsafe"
	"github.com/dauys/dauys/internal/election"
)

// Version is the version of the layout. A column added at the end keeps
// it; a column renamed, removed, retyped or moved, or a changed meaning,
// makes the next one (docs/data.md).
const Version = "1"

// Schema names the layout and its version, as the Parquet files' metadata
// and the CSV files' sidecar carry it.
const Schema = "dauys-results/" + Version

// Columns are the columns of the layout, in order.
var Columns = []string{
	"election", "area", "area_name", "area_level", "parent",
	"contest", "contest_name", "line", "option", "option_name", "count_type", "count",
}

// Row is one row of the layout.
type Row struct {
	Election, Area, AreaName, Level, Parent string
	Contest, ContestName                    string
	// Line is the protocol line; Option and CountType restate it for an
	// option's votes ("option:amanat.absentee" is option amanat, count
	// type absentee).
	Line, Option, OptionName, CountType string
	Count                               int64
}

// Record returns the row's cells in the order of Columns.
func (r Row) Record() []string {
	return []string{r.Election, r.Area, r.AreaName, r.Level, r.Parent, r.Contest, r.ContestName,
		r.Line, r.Option, r.OptionName, r.CountType, strconv.FormatInt(r.Count, 10)}
}

// CountTypes are the CountItemType values of NIST SP 1500-100 other than
// "total" and "seats", which a line's suffix may name.
var CountTypes = []string{
	"absentee", "absentee-fwab", "absentee-in-person", "absentee-mail", "early",
	"election-day", "other", "provisional", "uocava", "write-in",
}

// CountType reads the suffix of a line name ("election_day") as a count
// type ("election-day"), or as "other" with the suffix as its other type.
func CountType(suffix string) (typ, otherType string) {
	for _, t := range CountTypes {
		if suffix == strings.ReplaceAll(t, "-", "_") {
			return t, ""
		}
	}
	if rest, ok := strings.CutPrefix(suffix, "other_"); ok {
		return "other", rest
	}
	return "other", suffix
}

// SplitLine splits an option line into its option and count type; other
// lines have no option, and a count type when they are broken down by
// one (took_part.absentee).
func SplitLine(line string, options map[string]*dauys.Option) (option, countType string) {
	or := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	if id, ok := strings.CutPrefix(line, dauys.OptionLinePrefix); ok {
		if options[id] != nil {
			return id, "total"
		}
		if i := strings.LastIndexByte(id, '.'); i >= 0 && options[id[:i]] != nil {
			t, other := CountType(id[i+1:])
			return id[:i], or(other, t)
		}
	}
	if _, sfx, ok := strings.Cut(line, "."); ok {
		t, other := CountType(sfx)
		return "", or(other, t)
	}
	return "", "total"
}

// Rows calls fn with every row of an election: contest by contest, the
// areas in the order of the definition for which counts has lines, each
// line in the order of the contest's form. Names are in lang.
func Rows(e *election.Election, lang string, counts func(contest, area string) (map[string]int64, bool), fn func(Row) error) error {
	for i := range e.Contests {
		c := &e.Contests[i]
		options := map[string]*dauys.Option{}
		for j := range c.Options {
			options[c.Options[j].ID] = &c.Options[j]
		}
		order := e.Validator(c.ID).Lines()
		for k := range e.Areas {
			a := &e.Areas[k]
			lines, ok := counts(c.ID, a.ID)
			if !ok {
				continue
			}
			for _, l := range order {
				v, ok := lines[l.Name]
				if !ok {
					continue
				}
				row := Row{Election: e.ID, Area: a.ID, AreaName: a.Name.In(lang), Level: a.Level, Parent: a.Parent,
					Contest: c.ID, ContestName: c.Name.In(lang), Line: l.Name, Count: v}
				row.Option, row.CountType = SplitLine(l.Name, options)
				if o := options[row.Option]; o != nil {
					row.OptionName = o.Name.In(lang)
				}
				if err := fn(row); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// CSVWriter writes rows as CSV, the header first. Names come from
// definitions and imported files: cells that a spreadsheet would run as
// formulas are escaped (cdf.ReadCSV undoes it).
type CSVWriter struct {
	w *csvsafe.Writer
}

// NewCSVWriter writes the header to w.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	cw := &CSVWriter{w: csvsafe.NewWriter(w)}
	return cw, cw.w.Write(Columns)
}

// Write writes a row.
func (c *CSVWriter) Write(r Row) error { return c.w.Write(r.Record()) }

// Flush writes what is buffered and returns the first error.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// columnDocs say what each column holds, for the CSV's sidecar.
var columnDocs = map[string]string{
	"election":     "the election id",
	"area":         "the area id: the precinct whose protocol the row is from",
	"area_name":    "the area's name",
	"area_level":   "the area's level (precinct, district, region...)",
	"parent":       "the id of the area above it",
	"contest":      "the contest id",
	"contest_name": "the contest's name",
	"line":         "the protocol line: option:<id>, option:<id>.<vote type>, registered, took_part, invalid...",
	"option":       "for an option's votes, the option id; empty otherwise",
	"option_name":  "the option's name",
	"count_type":   "total, or the vote type the line is broken down by",
	"count":        "the count, a whole number",
}

// CSVMetadata describes a CSV file of the layout in the W3C's CSV on the
// Web vocabulary (a file.csv-metadata.json sidecar): its columns, their
// types and the layout's version.
func CSVMetadata(url string) map[string]any {
	var cols []map[string]any
	for _, c := range Columns {
		typ := "string"
		if c == "count" {
			typ = "integer"
		}
		cols = append(cols, map[string]any{"name": c, "titles": c, "datatype": typ, "dc:description": columnDocs[c]})
	}
	return map[string]any{
		"@context":       "http://www.w3.org/ns/csvw",
		"url":            url,
		"dc:conformsTo":  Schema,
		"dc:description": "Dauys results, one row per area, contest and protocol line (docs/data.md)",
		"tableSchema":    map[string]any{"columns": cols},
	}
}
