package main_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	elect "github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/sqlite"
)

// countProtocols returns how many precincts and contests have a protocol.
func countProtocols(t *testing.T, db, election string) int {
	t.Helper()
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := 0
	if err := s.EachProtocol(context.Background(), election, "", func(*dauys.Protocol) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBackupWhileWriting backs a database up while protocols are being
// written to it, restores the backup, and checks that the restored running
// totals are exactly the sums of the restored protocols: a snapshot, not a
// mixture. A backup taken once the writing is over restores to the same
// tally as the live database.
func TestBackupWhileWriting(t *testing.T) {
	const election = "kz-referendum-2022"
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	mustRun(t, "election", "import", "--db", db, "../../examples/"+election)

	def, err := definition.LoadWith("../../examples/"+election, definition.Options{CheckRules: rules.Check})
	if err != nil {
		t.Fatal(err)
	}
	e, err := elect.Compile(def)
	if err != nil {
		t.Fatal(err)
	}
	var subs []intake.Submission
	for _, ev := range demo.Night(e, 11, demo.Baseline{AgainstAll: 3, Invalid: 1, Yes: 77}) {
		if !ev.Faulty && !ev.Submission.Amendment {
			sub := ev.Submission
			sub.AcknowledgeWarnings = true
			subs = append(subs, sub)
		}
	}

	// The writer is another connection to the same file, as a server
	// would be, storing one protocol a transaction until it has sent them
	// all or is told to stop.
	var stored atomic.Int64
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		s, err := sqlite.Open(context.Background(), db)
		if err != nil {
			writerDone <- err
			return
		}
		defer s.Close()
		in := intake.New(s, nil)
		for i := range subs {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			res, err := in.Submit(context.Background(), election, subs[i:i+1])
			if err != nil {
				writerDone <- err
				return
			}
			for _, r := range res {
				if r.Err == nil {
					stored.Add(1)
				}
			}
		}
		writerDone <- nil
	}()
	// Wait for the writer to be well under way; a writer that stops
	// before (an error, or too few protocols) fails the test at once
	// rather than at the test binary's timeout.
	for stored.Load() < 100 {
		select {
		case err := <-writerDone:
			t.Fatalf("the writer stopped after %d protocols: %v", stored.Load(), err)
		case <-time.After(time.Millisecond):
		}
	}
	before := stored.Load()
	during := filepath.Join(dir, "during.db")
	out := mustRun(t, "backup", "--db", db, "--out", during)
	after := stored.Load()
	close(stop)
	if !strings.Contains(out, "backed up") {
		t.Errorf("backup said %q", out)
	}
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
	total := stored.Load()
	t.Logf("%d protocols stored when the backup began, %d when it ended, %d in all", before, after, total)
	if after == before {
		t.Log("the writer stored nothing while the backup ran: the test did not overlap them")
	}

	restored := filepath.Join(dir, "restored.db")
	mustRun(t, "restore", "--from", during, "--db", restored)
	assertConsistent(t, restored, election)
	// The writer counts a protocol once Submit returns, after its commit,
	// so the one in flight when the backup ended may be in it uncounted.
	if n := countProtocols(t, restored, election); int64(n) < before || int64(n) > after+1 {
		t.Errorf("the backup holds %d protocols; %d were stored when it began and %d when it ended", n, before, after)
	}

	// Once the writing is over, a backup restores to the same tally.
	final := filepath.Join(dir, "final.db")
	mustRun(t, "backup", "--db", db, "--out", final)
	mustRun(t, "restore", "--from", final, "--db", restored, "--force")
	live := mustRun(t, "tally", "--db", db, "--election", election, "--json")
	back := mustRun(t, "tally", "--db", restored, "--election", election, "--json")
	var liveTally, backTally tallyJSON
	json.Unmarshal([]byte(live), &liveTally)
	json.Unmarshal([]byte(back), &backTally)
	if live != back || len(liveTally.Contests) == 0 || liveTally.Contests[0].Progress.Reported != total {
		t.Errorf("tallies differ or are incomplete:\nlive %+v\nback %+v", liveTally, backTally)
	}
	// --force kept what it replaced.
	if matches, _ := filepath.Glob(restored + ".replaced-*"); len(matches) != 1 {
		t.Errorf("replaced databases kept: %v", matches)
	}
	// The restored database records its restore; the live one, both backups.
	var actions []string
	for _, r := range auditCSV(t, restored)[1:] {
		actions = append(actions, r[5]+" "+r[9])
	}
	if got := strings.Join(actions, ", "); !strings.HasSuffix(got, "backup ok, restore ok") {
		t.Errorf("the restored trail ends %q", got)
	}
}

func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	mustRun(t, "init", "--db", db)
	backup := filepath.Join(dir, "b.db")
	mustRun(t, "backup", "--db", db, "--out", backup)
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte("not a database"), 0o600)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"backup over a file", []string{"backup", "--db", db, "--out", backup}, "exists"},
		{"backup of nothing", []string{"backup", "--db", filepath.Join(dir, "none.db"), "--out", filepath.Join(dir, "x.db")}, "no database"},
		{"backup without --out", []string{"backup", "--db", db}, "usage: dauys backup"},
		{"restore over a database", []string{"restore", "--from", backup, "--db", db}, "--force"},
		{"restore garbage", []string{"restore", "--from", garbage, "--db", filepath.Join(dir, "new.db")}, "not a readable SQLite database"},
		{"restore nothing", []string{"restore", "--from", filepath.Join(dir, "none.db"), "--db", filepath.Join(dir, "new.db")}, "no such file"},
		{"backup PostgreSQL", []string{"backup", "--db", "postgres://localhost/dauys", "--out", "x"}, "pg_dump --format=custom"},
		{"restore PostgreSQL", []string{"restore", "--from", backup, "--db", "postgresql://localhost/dauys"}, "pg_restore"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := run(t, tc.args...)
			want := 4 // refused
			if strings.HasPrefix(tc.want, "usage:") {
				want = 2
			}
			if code != want || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, %s; want %d with %q", code, errs, want, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "new.db")); err == nil {
		t.Error("a refused restore left a database")
	}
}
