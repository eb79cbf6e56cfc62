package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/web"
)

// TestCSVDownloadsAreNotFormulas: names that a spreadsheet would run as
// formulas (= + - @, tab, carriage return), from the definition and from
// its areas file, reach the live and the published CSV downloads as text,
// with a leading apostrophe; the JSON downloads keep them as they are.
func TestCSVDownloadsAreNotFormulas(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	def, err := definition.LoadWith(filepath.Join("..", "csvsafe", "testdata", "hostile"), definition.Options{CheckRules: rules.Check})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateElection(ctx, def); err != nil {
		t.Fatal(err)
	}
	in := intake.New(st, nil)
	res, err := in.Submit(ctx, "hostile", []intake.Submission{
		sub("president", "HX-A-1", "registered=1000 took_part=600 invalid=10 against_all=40 option:calc=300 option:sum=250"),
		sub("president", "HX-A-2", "registered=800 took_part=500 invalid=5 against_all=15 option:calc=200 option:sum=280"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	site, err := web.New(web.Config{Store: st, Tally: tally.New(st, in.Elections())})
	if err != nil {
		t.Fatal(err)
	}
	h := site.Handler()
	for _, area := range []string{"HX", "HX-A", "HX-A-1", "HX-A-2", "-3"} {
		w := get(t, h, "/data/hostile/a/"+area+".csv")
		if w.Code != 200 {
			t.Fatalf("%s.csv: %d", area, w.Code)
		}
		assertNoFormulas(t, area+".csv", w.Body.Bytes())
		if j := get(t, h, "/data/hostile/a/"+area+".json").Body.String(); area == "HX-A-1" && !strings.Contains(j, `"=HYPERLINK(`) {
			t.Errorf("%s.json does not keep the name as it is: %s", area, j)
		}
	}
	// The escaped name is there, as text.
	if b := get(t, h, "/data/hostile/a/HX-A.csv").Body.String(); !strings.Contains(b, `'=HYPERLINK(`) || !strings.Contains(b, `'=cmd|' /C calc'!A0`) {
		t.Errorf("HX-A.csv does not show the names as text:\n%s", b)
	}

	dir := t.TempDir()
	if _, err := site.Publish(ctx, web.PublishOptions{Election: "hostile", Dir: dir, Version: "v1", Workers: 2}); err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".csv") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		assertNoFormulas(t, p, b)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The areas' downloads, their Excel variants and precincts.csv.
	if n != 11 {
		t.Errorf("the export holds %d CSV files, want 11", n)
	}
}

// assertNoFormulas fails for every cell of a CSV file that a spreadsheet
// would take for a formula.
func assertNoFormulas(t *testing.T, name string, data []byte) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for i, row := range rows {
		for j, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("%s: row %d, column %d begins like a formula: %q", name, i+1, j+1, cell)
			}
		}
	}
}
