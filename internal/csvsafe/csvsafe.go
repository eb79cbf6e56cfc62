// Package csvsafe writes CSV that people may open in a spreadsheet. A cell
// that begins with = + - @, a tab or a carriage return is a formula to
// Excel, LibreOffice and Google Sheets, and a formula can run commands
// (`=cmd|' /C calc'!A0`) or send the sheet's contents away. Names in
// definitions, imported area columns and names tried at sign-in come from
// people Dauys does not control, so every CSV written for download goes
// through Writer: such a cell gets a leading apostrophe and is shown as
// text. Programs read the JSON downloads, which keep every value as it is;
// Dauys's own CSV readers undo the escaping with Unescape.
//
// It imports no other Dauys package.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"
)

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula (OWASP, "CSV Injection").
const formulaStarts = "=+-@\t\r"

// Escape returns s as a spreadsheet shows it as text: with a leading
// apostrophe when it begins like a formula, unchanged otherwise.
func Escape(s string) string {
	if s != "" && strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

// Unescape undoes Escape: it drops the apostrophe Escape put before a
// formula's first character. Identifiers never begin with an apostrophe,
// so for them it is exact.
func Unescape(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune(formulaStarts, rune(s[1])) {
		return s[1:]
	}
	return s
}

// Writer is a csv.Writer that escapes every cell it writes.
type Writer struct {
	w   *csv.Writer
	row []string
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each cell escaped; the record is not changed.
func (w *Writer) Write(record []string) error {
	w.row = w.row[:0]
	for _, cell := range record {
		w.row = append(w.row, Escape(cell))
	}
	return w.w.Write(w.row)
}

// Flush writes any buffered data to the underlying io.Writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error reports any error of a previous Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }
