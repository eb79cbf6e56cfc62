package decidecmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/decidecmd"
)

func TestReadCSV(t *testing.T) {
	const body = "\uFEFFarea, line, count\n" +
		"# a comment\n" +
		"North,option:B,10\n" +
		"North,option:A,5\n" +
		"\n" +
		"South, option: C ,7\n" +
		"South,option:A,1\n" +
		"South,took_part,20\n" +
		"North,took_part,16\n" +
		"\"West, far\",\"option:quoted, name\",0\n" +
		"South,registered,30\n"
	in, err := decidecmd.ReadCSV(strings.NewReader(body), "test.csv")
	if err != nil {
		t.Fatal(err)
	}
	// Options in order of first appearance: that order is the ballot order the tie rule uses.
	if want := []string{"B", "A", "C", "quoted, name"}; !equal(in.Options, want) {
		t.Errorf("options = %q, want %q", in.Options, want)
	}
	if want := []int64{10, 6, 7, 0}; !equal(in.Total.Options, want) {
		t.Errorf("total votes = %v, want %v", in.Total.Options, want)
	}
	if in.Total.TookPart != 36 || in.Total.Registered != 30 {
		t.Errorf("total = %+v", in.Total)
	}
	var units []string
	for _, u := range in.Units {
		units = append(units, u.Name)
		if len(u.Counts.Options) != len(in.Options) {
			t.Errorf("unit %s has %d option counts for %d options", u.Name, len(u.Counts.Options), len(in.Options))
		}
	}
	if want := []string{"North", "South", "West, far"}; !equal(units, want) {
		t.Errorf("units = %q, want %q", units, want)
	}
	if want := []int64{0, 1, 7, 0}; !equal(in.Units[1].Counts.Options, want) {
		t.Errorf("South votes = %v, want %v", in.Units[1].Counts.Options, want)
	}
}

func TestReadCSVHeaderIsOptional(t *testing.T) {
	with, err := decidecmd.ReadCSV(strings.NewReader("area,line,count\nA,option:X,1\n"), "a")
	if err != nil {
		t.Fatal(err)
	}
	without, err := decidecmd.ReadCSV(strings.NewReader("A,option:X,1\n"), "b")
	if err != nil {
		t.Fatal(err)
	}
	if !equal(with.Options, without.Options) || !equal(with.Total.Options, without.Total.Options) {
		t.Errorf("%+v != %+v", with, without)
	}
	// A header anywhere but first is an unknown line with a bad count.
	if _, err := decidecmd.ReadCSV(strings.NewReader("A,option:X,1\narea,line,count\n"), "c"); err == nil {
		t.Error("a second header row should fail")
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzReadCSV checks that no input makes the reader panic, that what it accepts is internally consistent,
// and that deciding it under every preset never panics either.
//
//	go test ./internal/decidecmd -run '^$' -fuzz FuzzReadCSV -fuzztime 15s
func FuzzReadCSV(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.csv"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range []string{
		"", "area,line,count\n", "A,option:X,1\n", "A,option:X,-1\n", "A,option:X,1.5\n", "A,option:,1\n",
		"A,yes,9223372036854775807\nB,yes,1\n", "A,option:X,1\nA,option:X,1\n", "\"A\nB\",no,1\n",
		"A,\"option:X,1\n", "\uFEFFarea,line,count\nA,took_part,3\n", "A,option:X,1,extra\n", "#\n\n,,\n",
		// Overflow-sized counts: four of 2^62 wrap an int64 to 0.
		"A,option:W,4611686018427387904\nA,option:X,4611686018427387904\nA,option:Y,4611686018427387904\nA,option:Z,4611686018427387904\n",
		"A,option:X,9223372036854775807\nB,option:X,9223372036854775807\n", "A,option:X,-9223372036854775808\n",
		"A,yes,4611686018427387904\nA,no,4611686018427387904\nA,invalid,4611686018427387904\nA,both_marked,4611686018427387904\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		in, err := decidecmd.ReadCSV(strings.NewReader(body), "fuzz.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(in.Total.Options) != len(in.Options) {
			t.Fatalf("%d totals for %d options", len(in.Total.Options), len(in.Options))
		}
		seen := map[string]bool{}
		for _, o := range in.Options {
			if o == "" || seen[o] {
				t.Fatalf("bad option name %q in %q", o, in.Options)
			}
			seen[o] = true
		}
		sums := make([]int64, len(in.Options))
		var took int64
		for _, u := range in.Units {
			if len(u.Counts.Options) != len(in.Options) {
				t.Fatalf("unit %q: %d counts for %d options", u.Name, len(u.Counts.Options), len(in.Options))
			}
			for k, n := range u.Counts.Options {
				if n < 0 {
					t.Fatalf("negative count %d", n)
				}
				sums[k] += n
			}
			took += u.Counts.TookPart
		}
		if !equal(sums, in.Total.Options) || took != in.Total.TookPart {
			t.Fatalf("totals %v/%d are not the sums of the units %v/%d", in.Total.Options, in.Total.TookPart, sums, took)
		}
		for _, p := range decide.Presets() {
			r := p.Rules
			if r.Kind == decide.KindList && r.Seats == 0 {
				r.Seats = 10
			}
			decide.Decide(r, in) // errors are fine; panics are not
		}
	})
}
