package definition_test

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
)

// examplesDir holds the shipped definitions, relative to this package.
const examplesDir = "../../examples"

// sharedData holds the real election data next to the repository; a fresh
// clone has no such folder.
const sharedData = "../../../shared/data"

// exampleDirs lists the example definitions.
func exampleDirs(tb testing.TB) []string {
	tb.Helper()
	dirs, err := filepath.Glob(filepath.Join(examplesDir, "*", definition.DefaultFile))
	if err != nil {
		tb.Fatal(err)
	}
	if len(dirs) == 0 {
		tb.Fatalf("no examples in %s", examplesDir)
	}
	for i := range dirs {
		dirs[i] = filepath.Dir(dirs[i])
	}
	return dirs
}

// TestExamplesLoad loads every shipped definition: each must load without a
// single problem and be self-contained in its directory.
func TestExamplesLoad(t *testing.T) {
	for _, dir := range exampleDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			e, err := definition.Load(dir)
			if err != nil {
				t.Fatal(dauys.ErrorMessage(err))
			}
			if e.ID != filepath.Base(dir) {
				t.Errorf("id %q differs from the directory name", e.ID)
			}
			if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
				t.Errorf("no README.md saying what is real and what is synthetic: %v", err)
			}
			if st, err := os.Stat(filepath.Join(dir, "areas.csv")); err == nil && st.Size() > 1<<20 {
				t.Errorf("areas.csv is %d bytes; keep it under 1 MB", st.Size())
			}
		})
	}
}

// TestKazakhExamples checks the shape of the generated Kazakh examples
// against the facts they are built from.
func TestKazakhExamples(t *testing.T) {
	tests := []struct {
		id                            string
		regions, districts            int
		precincts                     int
		voters                        int64 // national total
		contests, contestsPerPrecinct int
		// abroad is the number of precincts abroad, in a unit of their own
		// (kind abroad) unless under names the region that counted them;
		// they vote only in the contests of the whole country.
		abroad int
		under  string
	}{
		// 2023: the districts of March 2023 (six formed later left out)
		// and 62 countries abroad, the 10,223 polling stations, 77 of them
		// abroad, and the CEC's 12,035,578 voters on the lists.
		{"kz-2023", 20, 222 + 62, 10223, 12035578, 1 + 29 + 20, 3, 77, ""},
		// 2022: the 65 precincts abroad were the capital's commission's.
		// The CRC's 11,734,642 citizens on the lists.
		{"kz-referendum-2022", 17, 221 + 1, 10165, 11734642, 1, 1, 65, "KZ-71"},
		// November 2022: the 20 regions, the districts of 2022 (Nura was
		// formed in December), 68 precincts abroad in 53 countries.
		{"kz-president-2022", 20, 221 + 53, 10101, 11953465, 1, 1, 68, ""},
		{"kz-referendum-2024", 20, 228 + 59, 10323, 12284487, 1, 1, 74, ""},
		{"kz-referendum-2026", 20, 228 + 54, 10459, 12482613, 1, 1, 71, ""},
		{"kz-kurultai-2026", 20, 228 + 54, 10459, 12461796, 1, 1, 71, ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e, err := definition.Load(filepath.Join(examplesDir, tt.id))
			if err != nil {
				t.Fatal(dauys.ErrorMessage(err))
			}
			count := map[string]int{}
			var voters int64
			for _, a := range e.Areas {
				count[a.Level]++
				if a.Level == dauys.LevelPrecinct {
					voters += a.Registered
					if a.Registered <= 0 || a.Registered > 3000 {
						t.Errorf("precinct %s has %d voters", a.ID, a.Registered)
					}
					if a.Number == "" {
						t.Errorf("precinct %s has no number", a.ID)
					}
				} else if a.Registered != 0 {
					t.Errorf("%s %s has registered voters; only precincts should", a.Level, a.ID)
				}
			}
			if count[dauys.LevelRegion] != tt.regions || count[dauys.LevelDistrict] != tt.districts || count[dauys.LevelPrecinct] != tt.precincts {
				t.Errorf("areas by level = %v, want %d regions, %d districts, %d precincts", count, tt.regions, tt.districts, tt.precincts)
			}
			if voters != tt.voters {
				t.Errorf("%d registered voters, want %d", voters, tt.voters)
			}
			if len(e.Contests) != tt.contests {
				t.Errorf("%d contests, want %d", len(e.Contests), tt.contests)
			}
			for _, a := range e.Areas {
				if a.Level == dauys.LevelRegion && (len(a.Tile) != 2 || a.ISO == "" || a.Name.KK == "" || a.Name.RU == "" || a.Name.EN == "") {
					t.Errorf("region %s lacks a tile, ISO code or a name: %+v", a.ID, a)
				}
			}
			// Every precinct at home votes in the same number of contests:
			// in 2023 the Mazhilis list, its single-member district and its
			// region's maslikhat list. A precinct abroad of its own unit
			// votes in the Mazhilis list only.
			abroad := map[string]bool{}
			unitAbroad := map[string]bool{} // the districts of the unit abroad
			for _, a := range e.Areas {
				if a.Level == dauys.LevelDistrict && dauys.Abroad(e.Chain(a.Parent)) {
					unitAbroad[a.ID] = true
				}
			}
			for _, a := range e.Areas {
				if a.Level == dauys.LevelPrecinct && unitAbroad[a.Parent] || tt.under != "" && strings.HasPrefix(a.ID, tt.under+"-AB-") {
					abroad[a.ID] = true
					if a.Timezone == "" {
						t.Errorf("precinct abroad %s has no time zone", a.ID)
					}
				}
			}
			if len(abroad) != tt.abroad {
				t.Errorf("%d precincts abroad, want %d", len(abroad), tt.abroad)
			}
			for p, n := range contestsPerPrecinct(e) {
				want := tt.contestsPerPrecinct
				if abroad[p] && tt.under == "" {
					want = 1
				}
				if n != want {
					t.Errorf("precinct %s votes in %d contests, want %d", p, n, want)
				}
			}
		})
	}
}

// contestsPerPrecinct counts the contests each precinct votes in.
func contestsPerPrecinct(e *dauys.Election) map[string]int {
	parent := map[string]string{}
	for _, a := range e.Areas {
		parent[a.ID] = a.Parent
	}
	out := map[string]int{}
	for _, a := range e.Areas {
		if a.Level != dauys.LevelPrecinct {
			continue
		}
		for _, c := range e.Contests {
			if len(c.Areas) == 0 {
				out[a.ID]++
				continue
			}
			for id := a.ID; id != ""; id = parent[id] {
				if slices.Contains(c.Areas, id) {
					out[a.ID]++
					break
				}
			}
		}
	}
	return out
}

// TestRealDataRelations maps the first rows of each real CEC file through
// its example's form and checks that no control relation fails: this is
// what shows that the columns are mapped to the right lines.
func TestRealDataRelations(t *testing.T) {
	tests := []struct {
		example, file string
		// ignored are the columns that are not protocol lines: the import
		// mapping's columns and the others that name or link the station.
		ignored []string
	}{
		{"ru-duma-2011", "2011.csv.zip", []string{"url"}},
		{"ru-duma-2016", "2016.csv.zip", []string{"oik", "url"}},
		{"ru-president-2018", "2018.csv.zip", []string{"url"}},
		{"ru-referendum-2020", "2020.csv.zip", []string{"name", "url"}},
	}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			path := filepath.Join(sharedData, "ru-cec", tt.file)
			if _, err := os.Stat(path); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s is missing, and CI must run this test: %v", path, err)
				}
				t.Skipf("skipping: the real CEC data %s is not here (it lives in ../shared/data next to the repository, not in a clone)", path)
			}
			e, err := definition.Load(filepath.Join(examplesDir, tt.example))
			if err != nil {
				t.Fatal(dauys.ErrorMessage(err))
			}
			c := e.Contest(e.Import.Contest)
			v, err := dauys.NewValidator(e.Form(c.Form), c)
			if err != nil {
				t.Fatal(err)
			}
			header, rows := readZippedCSV(t, path, 2000)

			column := map[string]int{}
			for i, h := range header {
				column[h] = i
			}
			mapped := map[string]bool{}
			for _, ac := range e.Import.AreaColumns {
				if _, ok := column[ac.Column]; !ok {
					t.Errorf("import column %q is not in the file", ac.Column)
				}
				mapped[ac.Column] = true
			}
			type source struct {
				line string
				col  int
			}
			var sources []source
			for _, l := range v.Lines() {
				if l.Derived != "" {
					continue
				}
				col := l.Column
				if col == "" {
					col = l.Name
				}
				i, ok := column[col]
				if !ok {
					t.Errorf("line %s: column %q is not in the file", l.Name, col)
					continue
				}
				mapped[col] = true
				sources = append(sources, source{l.Name, i})
			}
			for _, h := range header {
				if !mapped[h] && !slices.Contains(tt.ignored, h) {
					t.Errorf("column %q of the file is not mapped to a line", h)
				}
			}
			if t.Failed() {
				return
			}
			warnings := map[string]int{}
			for n, row := range rows {
				lines := map[string]int64{}
				for _, s := range sources {
					x, err := strconv.ParseInt(row[s.col], 10, 64)
					if err != nil {
						t.Fatalf("row %d, line %s: %v", n+2, s.line, err)
					}
					lines[s.line] = x
				}
				errs, warns := v.Complete(lines)
				for _, f := range errs {
					t.Errorf("row %d (%s %s %s): %s: %s", n+2, row[column["region"]], row[column["tik"]], row[column["uik"]], f.Code, f.Detail)
				}
				for _, f := range warns {
					warnings[f.Code]++
				}
			}
			t.Logf("%d rows hold every control relation; warnings: %v", len(rows), warnings)
		})
	}
}

// readZippedCSV reads the header and the first n rows of the single CSV
// file in a zip archive.
func readZippedCSV(tb testing.TB, path string, n int) ([]string, [][]string) {
	tb.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer z.Close()
	if len(z.File) != 1 {
		tb.Fatalf("%s holds %d files, want 1", path, len(z.File))
	}
	f, err := z.File[0].Open()
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		tb.Fatal(err)
	}
	var rows [][]string
	for len(rows) < n {
		row, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			tb.Fatal(err)
		}
		rows = append(rows, row)
	}
	return header, rows
}
