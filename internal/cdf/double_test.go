package cdf_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/cdf"
)

// TestCDFImportDoubleEntry: a report of a double-entry election is one
// person's entry; nothing is counted until a second person's import of the
// same counts agrees.
func TestCDFImportDoubleEntry(t *testing.T) {
	v := mustEnv(t)
	ctx := context.Background()
	decode := func(entry int, who string) *cdf.Imported {
		t.Helper()
		im, err := cdf.Decode(minimal(t), cdf.ImportOptions{ID: "example", Entry: entry, Submitter: who})
		if err != nil {
			t.Fatal(err)
		}
		im.Election.DoubleEntry = true
		return im
	}
	reported := func() int64 {
		t.Helper()
		res, err := v.tally.Area(ctx, "example", "")
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, c := range res.Contests {
			n += c.Progress.Reported
		}
		return n
	}

	_, err := decode(0, "cli:alice").Store(ctx, v.store, v.intake)
	if dauys.ErrorCode(err) != dauys.EINVALID || !strings.Contains(dauys.ErrorMessage(err), "double entry") {
		t.Fatalf("a report without an entry: %v", err)
	}
	if _, err := v.store.Election(ctx, "example"); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Fatalf("the refused import created the election: %v", err)
	}

	first := decode(1, "cli:alice")
	rep, err := first.Store(ctx, v.store, v.intake)
	if err != nil || rep.Entered != len(first.Submissions) || rep.Accepted != 0 {
		t.Fatalf("entry 1: %+v, %v", rep, err)
	}
	if n := reported(); n != 0 {
		t.Fatalf("%d protocols counted after one entry", n)
	}
	rep, err = decode(2, "alice").Store(ctx, v.store, v.intake)
	if err == nil || rep.Accepted != 0 {
		t.Fatalf("entry 2 by the same person: %+v, %v", rep, err)
	}
	if n := reported(); n != 0 {
		t.Fatalf("%d protocols counted after one person's two entries", n)
	}
	rep, err = decode(2, "cli:bob").Store(ctx, v.store, v.intake)
	if err != nil || rep.Accepted != len(first.Submissions) {
		t.Fatalf("entry 2 by another person: %+v, %v", rep, err)
	}
	if n := reported(); n != int64(len(first.Submissions)) {
		t.Fatalf("%d protocols counted after two agreeing entries, want %d", n, len(first.Submissions))
	}
}
