package main_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// TestImportExcelShapes imports real protocols (the first 3,000 polling
// stations of the 2020 Russian vote, Cyrillic headers and names with "№")
// as the region's Excel saves them: Windows-1251 with semicolons. The
// encoding and the separator are detected, and the results are those of
// the same rows in UTF-8 with commas. A zip of both files is refused until
// --member names one.
func TestImportExcelShapes(t *testing.T) {
	header, rows := realRows(t, sharedData(t, "ru-cec/2020.csv.zip"), 3000)
	dir := t.TempDir()
	var plain, excel bytes.Buffer
	w := csv.NewWriter(&plain)
	w.WriteAll(append([][]string{header}, rows...))
	w = csv.NewWriter(charmap.Windows1251.NewEncoder().Writer(&excel))
	w.Comma, w.UseCRLF = ';', true
	w.WriteAll(append([][]string{header}, rows...))
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	utf8Path, excelPath := filepath.Join(dir, "utf8.csv"), filepath.Join(dir, "excel.csv")
	os.WriteFile(utf8Path, plain.Bytes(), 0o644)
	os.WriteFile(excelPath, excel.Bytes(), 0o644)
	zipPath := filepath.Join(dir, "both.zip")
	writeZip(t, zipPath, map[string][]byte{"2020/utf8.csv": plain.Bytes(), "2020/excel.csv": excel.Bytes(), "README.txt": []byte("two files")})

	tally := func(file string, extra ...string) string {
		t.Helper()
		db := filepath.Join(t.TempDir(), "ru.db")
		mustRun(t, "election", "import", "--db", db, "../../examples/ru-referendum-2020")
		args := append([]string{"protocols", "import", "--db", db, "--election", "ru-referendum-2020", "--acknowledge-warnings"}, extra...)
		out := mustRun(t, append(args, file)...)
		if !strings.Contains(out, "rows 3000: accepted 3000,") {
			t.Fatalf("import of %s: %s", file, out)
		}
		return mustRun(t, "tally", "--db", db, "--election", "ru-referendum-2020", "--json")
	}
	want := tally(utf8Path)
	if got := tally(excelPath); !sameJSON(t, got, want) {
		t.Errorf("Windows-1251 with semicolons tallies differently:\n%s\nwant\n%s", got, want)
	}
	if got := tally(excelPath, "--encoding", "cp1251"); !sameJSON(t, got, want) {
		t.Errorf("with --encoding cp1251, it tallies differently")
	}
	if got := tally(zipPath, "--member", "excel.csv"); !sameJSON(t, got, want) {
		t.Errorf("the member of a zip tallies differently")
	}

	db := filepath.Join(dir, "refusals.db")
	mustRun(t, "election", "import", "--db", db, "../../examples/ru-referendum-2020")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"Windows-1251 read as UTF-8", []string{"--encoding", "utf-8", excelPath}, 4, "not UTF-8"},
		{"a zip of two CSVs", []string{zipPath}, 4, `holds 2 CSV files ("2020/excel.csv", "2020/utf8.csv"): name the one to import with --member NAME`},
		{"a member not there", []string{"--member", "other.csv", zipPath}, 3, `holds no member "other.csv"`},
		{"a member of a plain file", []string{"--member", "excel.csv", excelPath}, 4, "is not a zip archive"},
		{"an unknown encoding", []string{"--encoding", "koi8-r", excelPath}, 2, "--encoding"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"protocols", "import", "--db", db, "--election", "ru-referendum-2020"}, tc.args...)
			if code, out, errs := run(t, args...); code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, %s%s; want %d with %q", code, out, errs, tc.code, tc.want)
			}
		})
	}
	if out := mustRun(t, "tally", "--db", db, "--election", "ru-referendum-2020", "--json"); strings.Contains(out, `"precincts_reported": 3000`) {
		t.Errorf("a refused file stored protocols")
	}
}

// realRows reads the header and the first n rows of the CSV in a zip,
// keeping rows Windows-1251 can write.
func realRows(t *testing.T, path string, n int) ([]string, [][]string) {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	f, err := z.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for len(rows) < n {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := charmap.Windows1251.NewEncoder().String(strings.Join(rec, "")); err != nil {
			continue
		}
		rows = append(rows, rec)
	}
	return header, rows
}

func writeZip(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, b.Bytes(), 0o644)
}

func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}
