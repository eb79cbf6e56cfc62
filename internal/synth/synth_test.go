package synth_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/synth"
)

// TestIngest takes in a synthetic election's signed protocols through the
// real intake: every one is accepted, a tampered one is refused, and the
// national totals are the sums of the protocols.
func TestIngest(t *testing.T) {
	const n = 1200
	ctx := context.Background()
	e := synth.Election("synth", n)
	priv, keys := synth.Keys(e, 1)
	subs := synth.Protocols(e, 1, priv)
	if len(subs) != n || len(keys) != 3 {
		t.Fatalf("%d protocols, %d keys", len(subs), len(keys))
	}
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateElection(ctx, e); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if err := s.CreateKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	subs[7].Lines["option:alpha"]++
	subs[7].Lines["took_part"]++
	subs[7].Lines["issued"]++
	subs[7].Lines["cancelled"]--
	in := intake.New(s, nil)
	want := map[string]int64{}
	for lo := 0; lo < n; lo += 500 {
		res, err := in.Submit(ctx, "synth", subs[lo:min(n, lo+500)])
		if err != nil {
			t.Fatal(err)
		}
		for j, r := range res {
			i := lo + j
			if i == 7 {
				if dauys.ErrorCode(r.Err) != dauys.EINVALID {
					t.Errorf("tampered protocol: %v", r.Err)
				}
				continue
			}
			if r.Err != nil {
				t.Fatalf("%d: %v", i, r.Err)
			}
			for k, v := range subs[i].Lines {
				want[k] += v
			}
		}
	}
	tot, err := s.Totals(ctx, "synth", "list", []string{"X"})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if tot["X"][k] != v {
			t.Errorf("%s = %d, want %d", k, tot["X"][k], v)
		}
	}
	if tot["X"][dauys.ReportedLine] != n-1 {
		t.Errorf("reported %d", tot["X"][dauys.ReportedLine])
	}
}
