package intake

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/dauys/dauys"
)

// csvRows reads a CSV file row by row within the import limits
// (MaxRowBytes, MaxCellBytes), for every importer: protocols and turnout
// reports read their files the same way and refuse the same things.
type csvRows struct {
	ctx  context.Context
	name string
	br   *rowBoundedReader
	cr   *csv.Reader
	// header holds the column names, trimmed of spaces and of a leading
	// byte order mark.
	header   []string
	nextLine int
}

// rowTooLongError stops an import: the CSV reader cannot find where the
// next row starts inside an overlong one.
type rowTooLongError struct{ err error }

func (e *rowTooLongError) Error() string { return dauys.ErrorMessage(e.err) }
func (e *rowTooLongError) Unwrap() error { return e.err }

// openCSV reads and checks the header of a CSV file, in UTF-8 or
// Windows-1251 (encoding, or detected when it is EncodingAuto), with
// commas or semicolons.
func openCSV(ctx context.Context, r io.Reader, name, encoding string) (*csvRows, error) {
	r, comma, err := decodeCSV(r, name, encoding)
	if err != nil {
		return nil, err
	}
	br := &rowBoundedReader{ctx: ctx, r: r}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.ReuseRecord = false
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	switch {
	case err == io.EOF:
		return nil, dauys.Errorf(dauys.EINVALID, "%s: the file is empty", name)
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, errRowTooLong):
		return nil, dauys.Errorf(dauys.EINVALID, "%s:1: the header is longer than %d bytes", name, MaxRowBytes)
	case err != nil:
		return nil, dauys.Errorf(dauys.EINVALID, "%s: %v", name, err)
	}
	if n := recordBytes(header); n > MaxRowBytes {
		return nil, dauys.Errorf(dauys.EINVALID, "%s:1: the header is %d bytes, longer than %d", name, n, MaxRowBytes)
	}
	for i, h := range header {
		if len(h) > MaxCellBytes {
			return nil, dauys.Errorf(dauys.EINVALID, "%s:1: header cell %d is %d bytes, longer than %d: %s", name, i+1, len(h), MaxCellBytes, dauys.QuotePrefix(h))
		}
		if !utf8.ValidString(h) {
			return nil, dauys.Errorf(dauys.EINVALID, "%s:1: header cell %d is not UTF-8 text; a file saved in Windows-1251 takes --encoding cp1251", name, i+1)
		}
	}
	c := &csvRows{ctx: ctx, name: name, br: br, cr: cr, nextLine: endLine(cr, header)}
	br.rowDone()
	for i, h := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	}
	c.header = header
	return c, nil
}

// next reads the next row. It returns io.EOF after the last. A row that
// cannot be parsed or has not the header's shape comes back as rowErr,
// with its line: the caller refuses it and reads on. err stops the
// import: the context is done, or the row is too long (a
// *rowTooLongError naming its line).
func (c *csvRows) next() (rec []string, line int, rowErr, err error) {
	if err := c.ctx.Err(); err != nil {
		return nil, 0, nil, err
	}
	rec, err = c.cr.Read()
	if err == io.EOF {
		return nil, 0, nil, io.EOF
	}
	if cerr := c.ctx.Err(); cerr != nil {
		return nil, 0, nil, cerr
	}
	if errors.Is(err, errRowTooLong) {
		return nil, c.nextLine, nil, &rowTooLongError{dauys.Errorf(dauys.EINVALID,
			"%s:%d: the row is longer than %d bytes; the import stopped there (the rows before it are stored)", c.name, c.nextLine, MaxRowBytes)}
	}
	if err != nil {
		// FieldPos knows nothing of a record that failed to parse: the
		// error names its line.
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.Line
		}
		c.br.rowDone()
		return nil, line, dauys.Errorf(dauys.EINVALID, "%v", err), nil
	}
	line, _ = c.cr.FieldPos(0)
	c.nextLine = endLine(c.cr, rec)
	c.br.rowDone()
	return rec, line, c.shape(rec), nil
}

// shape checks a record's cells against the header: as many cells, none
// longer than MaxCellBytes, the row no longer than MaxRowBytes.
func (c *csvRows) shape(rec []string) error {
	if len(rec) != len(c.header) {
		return dauys.Errorf(dauys.EINVALID, "the row has %d cells, the header %d: every row has one cell per column", len(rec), len(c.header))
	}
	if n := recordBytes(rec); n > MaxRowBytes {
		return dauys.Errorf(dauys.EINVALID, "the row is %d bytes, longer than %d", n, MaxRowBytes)
	}
	for i, cell := range rec {
		if len(cell) > MaxCellBytes {
			return dauys.Errorf(dauys.EINVALID, "column %s: the cell is %d bytes, longer than %d: %s", dauys.QuotePrefix(c.header[i]), len(cell), MaxCellBytes, dauys.QuotePrefix(cell))
		}
		if !utf8.ValidString(cell) {
			return dauys.Errorf(dauys.EINVALID, "column %s: the cell is not UTF-8 text; a file saved in Windows-1251 takes --encoding cp1251", dauys.QuotePrefix(c.header[i]))
		}
	}
	return nil
}

// column returns the index of each named column of the header: every
// name must be there exactly once.
func (c *csvRows) columns(names ...string) (map[string]int, error) {
	col := make(map[string]int, len(names))
	var missing, twice []string
	for _, n := range names {
		col[n] = -1
	}
	for i, h := range c.header {
		j, known := col[h]
		switch {
		case !known:
		case j >= 0:
			twice = append(twice, h)
		default:
			col[h] = i
		}
	}
	for _, n := range names {
		if col[n] < 0 {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return nil, dauys.Errorf(dauys.EINVALID, "%s:1: the header lacks the column(s) %s", c.name, quoteAll(missing))
	}
	if len(twice) > 0 {
		return nil, dauys.Errorf(dauys.EINVALID, "%s:1: the header names the column(s) %s more than once", c.name, quoteAll(twice))
	}
	return col, nil
}

// rejecter returns what an import calls for a refused row: it counts the
// row, writes its reason with the file and line, and hands it to fn.
func rejecter(name string, count *int, fn func(RowError)) func(RowError) {
	return func(re RowError) {
		*count++
		msg := dauys.ErrorMessage(re.Err)
		if dauys.ErrorCode(re.Err) == dauys.EINTERNAL {
			msg = re.Err.Error()
		}
		re.Reason = fmt.Sprintf("%s:%d: %s", name, re.Row, msg)
		if fn != nil {
			fn(re)
		}
	}
}

// each reads the file to its end: it calls row for every well-formed row,
// with its line, and reject for each row that is not, counting the rows
// in rep, and calls flush at the end. A row too long for the reader to
// find the next one stops the import, after flush has stored the rows
// before it. An error of row or flush stops it too.
func (c *csvRows) each(rep *ImportReport, reject func(RowError), flush func() error, row func(rec []string, line int) error) error {
	for {
		rec, line, rowErr, err := c.next()
		var tooLong *rowTooLongError
		switch {
		case err == io.EOF:
			return flush()
		case errors.As(err, &tooLong):
			rep.Rows++
			rep.Rejected++
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return err
		case err != nil:
			return err
		}
		rep.Rows++
		if rowErr != nil {
			reject(RowError{Row: line, Err: rowErr})
			continue
		}
		if err := row(rec, line); err != nil {
			return err
		}
	}
}
