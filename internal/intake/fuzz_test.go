package intake_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
)

// FuzzImportCSV feeds arbitrary files to the protocol CSV import: it may
// refuse them, naming the row, but never panics, never fails as an
// internal error, and never stores a protocol that breaks its form.
func FuzzImportCSV(f *testing.F) {
	for _, s := range []string{
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,600,10,20,400,170\n",
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,600,10,20,401,170\n",
		"area,contest\n",
		"\ufeffarea,contest,registered\np1,list,-1\n",
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\n\"p1,list,1,1,1\n",
		"region,uik\nNorth,1\n",
		// Loose counts and rows that do not match the header.
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,600,10,20,+400,170\n",
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,600,10,20,0400, 170\n",
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,600,10,20,400,170,\n",
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,600,10,20,400\n",
		// Overflow-sized counts: one past int64, and four that wrap to 0.
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,600,10,20,9223372036854775808,170\n",
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,0,0,4611686018427387904,4611686018427387904,4611686018427387904,4611686018427387904\n",
		// A header naming a column twice.
		"area,contest,registered,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,1,600,10,20,400,170\n",
		"",
		// Overflow-sized counts: four of 2^62 add up to 2^64, an int64's 0.
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,0,4611686018427387904,4611686018427387904,4611686018427387904,4611686018427387904\n",
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,9223372036854775807,9223372036854775807,0,0,9223372036854775807,0\n",
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,-9223372036854775808,0,0,0,0\n",
		"area,contest,registered,took_part,invalid,against_all,option:a,option:b\np1,list,1000,9223372036854775808,0,0,0,0\n",
	} {
		f.Add(s)
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	if err := s.CreateElection(ctx, testElection(false)); err != nil {
		f.Fatal(err)
	}
	in := intake.New(s, nil)
	f.Fuzz(func(t *testing.T, data string) {
		rep, err := in.ImportCSV(ctx, "e", strings.NewReader(data), "fuzz.csv", intake.ImportOptions{
			Rejected: func(r intake.RowError) {
				if !strings.HasPrefix(r.Reason, "fuzz.csv:") {
					t.Errorf("a refusal that names no row: %q", r.Reason)
				}
			}})
		if err != nil && dauys.ErrorCode(err) == dauys.EINTERNAL {
			t.Fatalf("internal error on bad input: %v", err)
		}
		if err == nil && rep.Accepted+rep.Duplicates+rep.Rejected+rep.Amended+rep.Entered != rep.Rows {
			t.Errorf("rows unaccounted for: %+v", rep)
		}
		// Nothing stored holds a count beyond what a precinct can hold.
		err = s.EachProtocol(ctx, "e", "", func(p *dauys.Protocol) error {
			for name, v := range p.Lines {
				if v < 0 || v > dauys.MaxCount {
					t.Errorf("stored %s/%s with %s = %d", p.Contest, p.Area, name, v)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
