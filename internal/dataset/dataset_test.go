package dataset_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/dataset"
)

var rows = []dataset.Row{
	{Election: "kz-2023", Area: "KZ-75-01-0001", AreaName: "№1 учаске", Level: "precinct", Parent: "KZ-75-01",
		Contest: "mazhilis", ContestName: "Мәжіліс", Line: "option:amanat", Option: "amanat", OptionName: "AMANAT", CountType: "total", Count: 812},
	{Election: "kz-2023", Area: "KZ-75-01-0001", AreaName: "=HYPERLINK(\"x\")", Level: "precinct", Parent: "KZ-75-01",
		Contest: "mazhilis", ContestName: "Мәжіліс", Line: "took_part", CountType: "total", Count: 1500},
}

// TestCSV: the header is the layout's, a row is its cells, and a name a
// spreadsheet would run as a formula is escaped.
func TestCSV(t *testing.T) {
	var b bytes.Buffer
	w, err := dataset.NewCSVWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		w.Write(r)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(recs[0], dataset.Columns) || recs[1][11] != "812" || strings.HasPrefix(recs[2][2], "=") {
		t.Errorf("CSV %q", recs)
	}
}

// TestParquet reads a written file back with the library's reader: the
// same rows, the columns of the layout with their types, and the schema
// version in the metadata.
func TestParquet(t *testing.T) {
	b, f := writeParquet(t, len(rows), func(i int) dataset.Row { return rows[i] })
	if v, ok := f.Lookup("dauys.schema"); !ok || v != dataset.Schema {
		t.Errorf("dauys.schema = %q, %v", v, ok)
	}
	var names []string
	for _, c := range f.Schema().Fields() {
		names = append(names, c.Name())
		want := parquet.String().Type()
		if c.Name() == "count" {
			want = parquet.Int(64).Type()
		}
		if c.Type().Kind() != want.Kind() || c.Optional() || c.Repeated() {
			t.Errorf("column %s is %v, want %v, required", c.Name(), c.Type(), want)
		}
		if lt := c.Type().LogicalType(); c.Name() != "count" && (lt == nil || lt.String() != "STRING") {
			t.Errorf("column %s has logical type %v, want STRING", c.Name(), lt)
		}
	}
	if !reflect.DeepEqual(names, dataset.Columns) {
		t.Errorf("columns %v, want %v", names, dataset.Columns)
	}
	// A reader's own struct, matching columns by name.
	type reading struct {
		AreaName string `parquet:"area_name"`
		Line     string `parquet:"line"`
		Count    int64  `parquet:"count"`
	}
	r := parquet.NewGenericReader[reading](bytes.NewReader(b))
	got := make([]reading, 4)
	n, err := r.Read(got)
	if err != nil && err != io.EOF {
		t.Fatal(err)
	}
	want := []reading{{"№1 учаске", "option:amanat", 812}, {"=HYPERLINK(\"x\")", "took_part", 1500}}
	if !reflect.DeepEqual(got[:n], want) {
		t.Errorf("read back %v, want %v", got[:n], want)
	}
}

// writeParquet writes n rows and opens the file with parquet-go.
func writeParquet(t *testing.T, n int, row func(int) dataset.Row) ([]byte, *parquet.File) {
	t.Helper()
	var b bytes.Buffer
	w := dataset.NewParquetWriter(&b)
	for i := range n {
		if err := w.Write(row(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), f
}

// TestSplitLine reads lines as the flat layout states them.
func TestSplitLine(t *testing.T) {
	options := map[string]*dauys.Option{"amanat": {ID: "amanat"}, "smith": {ID: "smith"}}
	for _, tt := range []struct{ line, option, typ string }{
		{"option:amanat", "amanat", "total"},
		{"option:smith.absentee", "smith", "absentee"},
		{"option:smith.election_day", "smith", "election-day"},
		{"option:smith.other_mail", "smith", "mail"},
		{"took_part", "", "total"},
		{"took_part.early", "", "early"},
		{"option:nobody", "", "total"},
	} {
		if o, typ := dataset.SplitLine(tt.line, options); o != tt.option || typ != tt.typ {
			t.Errorf("%s: %q %q, want %q %q", tt.line, o, typ, tt.option, tt.typ)
		}
	}
}

// TestParquetRowGroups writes more rows than a row group holds and reads
// every one back, in order.
func TestParquetRowGroups(t *testing.T) {
	const n = 150_000 // two full groups and part of a third
	b, f := writeParquet(t, n, func(i int) dataset.Row {
		r := rows[i%2]
		r.Area, r.Count = fmt.Sprintf("KZ-%06d", i), int64(i)
		return r
	})
	if f.NumRows() != n || len(f.RowGroups()) != 3 {
		t.Fatalf("%d rows in %d groups", f.NumRows(), len(f.RowGroups()))
	}
	type reading struct {
		Area  string `parquet:"area"`
		Line  string `parquet:"line"`
		Count int64  `parquet:"count"`
	}
	r := parquet.NewGenericReader[reading](bytes.NewReader(b))
	buf := make([]reading, 4096)
	i := 0
	for {
		k, err := r.Read(buf)
		for _, got := range buf[:k] {
			if got.Count != int64(i) || got.Area != fmt.Sprintf("KZ-%06d", i) || got.Line != rows[i%2].Line {
				t.Fatalf("row %d reads %+v", i, got)
			}
			i++
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if i != n {
		t.Errorf("read %d rows, want %d", i, n)
	}
}
