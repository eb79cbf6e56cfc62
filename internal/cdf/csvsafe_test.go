package cdf_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/cdf"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
)

// TestCSVExportIsNotFormulas: the flat CSV shows names that a spreadsheet
// would run as formulas (= + - @, tab, carriage return) as text, and
// ReadCSV still reads back every protocol, an area whose id begins with
// "-" included.
func TestCSVExportIsNotFormulas(t *testing.T) {
	ctx := context.Background()
	v := mustEnv(t)
	def, err := definition.LoadWith(filepath.Join("..", "csvsafe", "testdata", "hostile"), definition.Options{CheckRules: rules.Check})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.store.CreateElection(ctx, def); err != nil {
		t.Fatal(err)
	}
	v.mustSubmit(t, "hostile", []intake.Submission{
		{Contest: "president", Area: "HX-A-1", Lines: map[string]int64{
			"registered": 1000, "took_part": 600, "invalid": 10, "against_all": 40, "option:calc": 300, "option:sum": 250}},
		{Contest: "president", Area: "-3", Lines: map[string]int64{
			"registered": 500, "took_part": 300, "invalid": 5, "against_all": 15, "option:calc": 100, "option:sum": 180}},
	})
	for _, lang := range []string{"kk", "ru", "en"} {
		var out bytes.Buffer
		if err := cdf.WriteCSV(ctx, &out, v.store, v.intake.Elections(), "hostile", cdf.ExportOptions{}, lang); err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(bytes.NewReader(out.Bytes())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for i, rec := range records {
			for j, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s: row %d, column %d begins like a formula: %q", lang, i+1, j+1, cell)
				}
			}
		}
		rows, err := cdf.ReadCSV(&out)
		if err != nil {
			t.Fatal(err)
		}
		subs, err := cdf.Submissions(rows)
		if err != nil {
			t.Fatal(err)
		}
		protocols := v.protocols(t, "hostile")
		if len(subs) != len(protocols) {
			t.Errorf("%s: %d protocols read back, want %d", lang, len(subs), len(protocols))
		}
		for _, s := range subs {
			if want := protocols[[2]string{s.Contest, s.Area}]; !maps.Equal(s.Lines, want) {
				t.Errorf("%s: protocol %s/%s read back as %v, want %v", lang, s.Contest, s.Area, s.Lines, want)
			}
		}
	}
}
