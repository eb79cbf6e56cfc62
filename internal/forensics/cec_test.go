package forensics_test

import (
	"archive/zip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dauys/dauys/internal/forensics"
)

// The real-data tests read the public CEC protocols that the project keeps
// next to the repository (../shared/data relative to the project root; see
// /work/shared/data/README.md). A fresh clone has no such folder, so the tests
// skip, except in CI, where a missing file is a broken pipeline.

// sharedData returns the path of a file under ../shared/data, walking up from
// the package directory to the module root (the directory holding go.mod).
func sharedData(tb testing.TB, rel string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "data", rel)
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("real election data %s is missing (CI=true requires it): %v", path, err)
		}
		tb.Skipf("real election data %s is not available (a fresh clone has no ../shared/data); skipping", path)
	}
	return path
}

// cecColumns maps the 2011 State Duma CSV (1-based column numbers, as in
// the data README): region 1, tik 2, uik 3, registered 4, ballots issued early
// 6, in the station 7 and outside 8, ballots in portable boxes 10 and
// stationary boxes 11, invalid 12, and the seven party columns 22–28.
const (
	colRegion, colTIK, colUIK = 1, 2, 3
	colRegistered             = 4
	colIssuedEarly            = 6
	colIssuedStation          = 7
	colIssuedOutside          = 8
	colPortable               = 10
	colStationary             = 11
	colInvalid                = 12
	colFirstParty             = 22
	colLastParty              = 28
)

// parseCECRow maps one data row of the 2011 CSV to a Precinct.
func parseCECRow(rec []string) (forensics.Precinct, error) {
	if len(rec) < colLastParty {
		return forensics.Precinct{}, fmt.Errorf("row has %d columns, want at least %d", len(rec), colLastParty)
	}
	num := func(col int) (int64, error) {
		v, err := strconv.ParseInt(strings.TrimSpace(rec[col-1]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("column %d: %w", col, err)
		}
		if v < 0 || v > 1e12 {
			return 0, fmt.Errorf("column %d: count %d out of range", col, v)
		}
		return v, nil
	}
	var errs []error
	get := func(col int) int64 {
		v, err := num(col)
		if err != nil {
			errs = append(errs, err)
		}
		return v
	}
	p := forensics.Precinct{
		Area:       rec[colRegion-1] + "/" + rec[colTIK-1] + "/" + rec[colUIK-1],
		Region:     rec[colRegion-1],
		Registered: get(colRegistered),
		Issued:     get(colIssuedEarly) + get(colIssuedStation) + get(colIssuedOutside),
		Cast:       get(colPortable) + get(colStationary),
		Invalid:    get(colInvalid),
	}
	for c := colFirstParty; c <= colLastParty; c++ {
		p.Options = append(p.Options, get(c))
	}
	return p, errors.Join(errs...)
}

// readCEC2011 parses the zipped CSV into an Input.
func readCEC2011(r io.ReaderAt, size int64) (forensics.Input, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return forensics.Input{}, err
	}
	if len(zr.File) != 1 {
		return forensics.Input{}, fmt.Errorf("zip holds %d files, want 1", len(zr.File))
	}
	f, err := zr.File[0].Open()
	if err != nil {
		return forensics.Input{}, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return forensics.Input{}, fmt.Errorf("header: %w", err)
	}
	if len(header) < colLastParty {
		return forensics.Input{}, fmt.Errorf("header has %d columns", len(header))
	}
	in := forensics.Input{Options: append([]string(nil), header[colFirstParty-1:colLastParty]...)}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return forensics.Input{}, fmt.Errorf("line %d: %w", line, err)
		}
		p, err := parseCECRow(rec)
		if err != nil {
			return forensics.Input{}, fmt.Errorf("line %d: %w", line, err)
		}
		in.Precincts = append(in.Precincts, p)
	}
	return in, nil
}

var (
	cec2011Once sync.Once
	cec2011     forensics.Input
	cec2011Err  error
)

// mustLoadCEC2011 reads the 2011 protocols once per test binary; the benchmark
// and the reproduction test share them.
func mustLoadCEC2011(tb testing.TB) forensics.Input {
	tb.Helper()
	path := sharedData(tb, "ru-cec/2011.csv.zip")
	cec2011Once.Do(func() {
		f, err := os.Open(path)
		if err != nil {
			cec2011Err = err
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			cec2011Err = err
			return
		}
		cec2011, cec2011Err = readCEC2011(f, st.Size())
	})
	if cec2011Err != nil {
		tb.Fatalf("read %s: %v", path, cec2011Err)
	}
	return cec2011
}

func FuzzParseCECRow(f *testing.F) {
	f.Add("Республика Адыгея (Адыгея),1 Адыгейская,1,2609,2356,0,1614,182,560,182,1614,4,1792,10,10,2,0,11,0,0,0,36,13,7,472,16,1242,6,http://x")
	f.Add("a,b,c,1,2,3")
	f.Add(",,,,,,,,,,,,,,,,,,,,,,,,,,,,")
	f.Fuzz(func(t *testing.T, line string) {
		rec, err := csv.NewReader(strings.NewReader(line)).Read()
		if err != nil {
			return
		}
		p, err := parseCECRow(rec)
		if err != nil {
			return
		}
		// A row that parses must map back to the exact column values.
		if len(p.Options) != colLastParty-colFirstParty+1 {
			t.Fatalf("got %d options", len(p.Options))
		}
		if p.Registered < 0 || p.Issued < 0 || p.Cast < 0 || p.Invalid < 0 {
			t.Fatalf("negative count in %+v", p)
		}
	})
}
