//go:build unix

package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dauys/dauys"
	main "github.com/dauys/dauys/cmd/dauys"
)

// csvWithBadSecondRow writes an example's night as CSV with a row of one
// cell after its first protocol: the import refuses it, and prints so,
// right after storing the first.
func csvWithBadSecondRow(t *testing.T, example string) []byte {
	t.Helper()
	path, _ := nightCSV(t, example, nil)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	return []byte(strings.Join(lines[:2], "") + "bad\n" + strings.Join(lines[2:], ""))
}

// cancelOn cancels a context when a line containing its text is written.
type cancelOn struct {
	mu     sync.Mutex
	text   string
	cancel context.CancelFunc
	buf    strings.Builder
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.text) {
		c.cancel()
	}
	return len(p), nil
}

// TestImportInterruptedIsAudited: an import stopped by its context (SIGINT,
// a timeout) records its start before the first protocol, and its
// interruption with the counts so far, as a named user.
func TestImportInterruptedIsAudited(t *testing.T) {
	const election = "kz-referendum-2022"
	dir := t.TempDir()
	path := filepath.Join(dir, "night.csv")
	if err := os.WriteFile(path, csvWithBadSecondRow(t, election), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "dauys.db")
			if backend == "postgres" {
				if db = postgresURL(t); db == "" {
					t.Skip("no PostgreSQL (set DAUYS_TEST_POSTGRES)")
				}
			}
			mustRun(t, "election", "import", "--db", db, "../../examples/"+election)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out strings.Builder
			stderr := &cancelOn{text: "rejected:", cancel: cancel}
			m := &main.Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: stderr, Now: time.Now}
			code := m.Run(ctx, []string{"protocols", "import", "--db", db, "--election", election, "--batch", "1", path})
			if code == 0 || strings.Contains(stderr.buf.String(), "could not record") {
				t.Fatalf("exit %d\n%s%s", code, out.String(), stderr.buf.String())
			}
			events := importEvents(t, db)
			if len(events) != 2 {
				t.Fatalf("import events: %+v", events)
			}
			start, end := events[0], events[1]
			if start.Outcome != dauys.AuditStarted || end.Outcome != dauys.AuditInterrupted {
				t.Errorf("outcomes %q then %q, want %q then %q", start.Outcome, end.Outcome, dauys.AuditStarted, dauys.AuditInterrupted)
			}
			if !strings.Contains(end.Detail, "rows 2: accepted 1,") || !strings.Contains(end.Detail, "rejected 1") {
				t.Errorf("the interruption does not say what was done: %q", end.Detail)
			}
			for _, e := range events {
				if e.Actor == "cli:" || !strings.HasPrefix(e.Actor, "cli:") || e.Election != election {
					t.Errorf("event %+v: who and on what?", e)
				}
			}
		})
	}
}

// TestImportStoppedBySignal: a real `dauys protocols import` process
// stopped by a signal after it stored its first protocol leaves its start
// in the audit trail; stopped by SIGINT, it also records its interruption
// with the counts so far. The process reads a FIFO, so the signal comes
// while it waits for more rows, never after it finished.
func TestImportStoppedBySignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	const election = "kz-referendum-2022"
	bin := buildBinary(t)
	lines := strings.SplitAfter(string(csvWithBadSecondRow(t, election)), "\n")
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "dauys.db")
			mustRun(t, "election", "import", "--db", db, "../../examples/"+election)
			fifo := filepath.Join(dir, "night.csv")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "protocols", "import", "--db", db, "--election", election, "--batch", "1", fifo)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// The first rows, with the bad one; the FIFO stays open, so
			// the import waits for more.
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if _, err := w.WriteString(strings.Join(lines[:3], "")); err != nil {
				t.Fatal(err)
			}
			refused, ended := make(chan bool, 1), make(chan string, 1)
			go func() {
				var all strings.Builder
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					all.WriteString(sc.Text() + "\n")
					if strings.HasPrefix(sc.Text(), "rejected:") {
						refused <- true
					}
				}
				close(refused)
				ended <- all.String()
			}()
			select {
			case ok := <-refused:
				if !ok {
					t.Fatalf("the import ended without refusing the bad row: %v\n%s", cmd.Wait(), <-ended)
				}
			case <-time.After(2 * time.Minute):
				cmd.Process.Kill()
				t.Fatal("the import did not reach the bad row")
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if sig == syscall.SIGINT {
				// The import sees the signal at its next read: feed it rows
				// until it stops reading and the FIFO breaks.
				for _, l := range lines[3:] {
					if _, err := w.WriteString(l); err != nil {
						break
					}
				}
				w.Close()
			}
			out := <-ended
			err = cmd.Wait()
			events := importEvents(t, db)
			if len(events) == 0 || events[0].Outcome != dauys.AuditStarted || events[0].Actor == "cli:" {
				t.Fatalf("import events after %s: %+v", sig, events)
			}
			switch sig {
			case syscall.SIGKILL:
				if err == nil || !strings.Contains(err.Error(), "killed") {
					t.Fatalf("the import was not killed: %v", err)
				}
				if len(events) != 1 {
					t.Errorf("import events after a kill: %+v", events)
				}
				var tally tallyJSON
				if err := json.Unmarshal([]byte(mustRun(t, "tally", "--db", db, "--election", election, "--json")), &tally); err != nil {
					t.Fatal(err)
				}
				if len(tally.Contests) == 0 || tally.Contests[0].Progress.Reported != 1 {
					t.Errorf("protocols stored before the kill: %+v", tally.Contests)
				}
			case syscall.SIGINT:
				if err == nil || strings.Contains(out, "could not record") {
					t.Errorf("exit %v after SIGINT:\n%s", err, out)
				}
				if len(events) != 2 || events[1].Outcome != dauys.AuditInterrupted || !strings.Contains(events[1].Detail, "accepted ") {
					t.Errorf("import events after SIGINT: %+v", events)
				}
			}
		})
	}
}
