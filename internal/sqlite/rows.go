package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// rowsPerInsert is how many rows one INSERT statement carries. A statement
// a row spends most of its time in database/sql and the driver rather than
// in SQLite; 64 rows of up to 15 columns stay far below SQLite's limit of
// 32,766 parameters.
const rowsPerInsert = 64

// insertRows inserts n rows with multi-row INSERT statements: head is the
// statement up to VALUES, tail what follows the rows (an ON CONFLICT
// clause), and row appends the cols values of row i to args. It returns
// the rows the statements changed. done, when not nil, is called after
// each statement with the range of rows it held and the rows it changed.
func insertRows(ctx context.Context, tx *sql.Tx, head string, cols int, tail string, n int,
	row func(i int, args []any) ([]any, error), done func(lo, hi int, changed int64) error) error {
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	args := make([]any, 0, rowsPerInsert*cols)
	for lo := 0; lo < n; lo += rowsPerInsert {
		hi := min(n, lo+rowsPerInsert)
		st := stmts[hi-lo]
		if st == nil {
			var err error
			if st, err = tx.PrepareContext(ctx, insertText(head, cols, hi-lo, tail)); err != nil {
				return err
			}
			stmts[hi-lo] = st
		}
		args = args[:0]
		for i := lo; i < hi; i++ {
			var err error
			if args, err = row(i, args); err != nil {
				return err
			}
		}
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return err
		}
		if done != nil {
			changed, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if err := done(lo, hi, changed); err != nil {
				return err
			}
		}
	}
	return nil
}

// insertText writes an INSERT of rows rows of cols parameters.
func insertText(head string, cols, rows int, tail string) string {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(" VALUES ")
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('?')
		}
		b.WriteByte(')')
	}
	if tail != "" {
		b.WriteByte(' ')
		b.WriteString(tail)
	}
	return b.String()
}
