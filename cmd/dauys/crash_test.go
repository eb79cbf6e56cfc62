package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/loadtest"
	"github.com/dauys/dauys/internal/sqlite"
)

// server is a `dauys serve` process.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan error
}

var servingRE = regexp.MustCompile(`addr=(http://\S+)`)

func startServer(t *testing.T, bin, db string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case s.url = <-found:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("the server did not start")
	}
	return s
}

func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// buildBinary builds dauys once per test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "dauys")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// nightSubmissions returns the consistent protocols of a generated night.
func nightSubmissions(t *testing.T, example string) []intake.Submission {
	t.Helper()
	_, events := nightCSV(t, example, nil)
	subs := make([]intake.Submission, len(events))
	for i, ev := range events {
		subs[i] = ev.Submission
		subs[i].AcknowledgeWarnings = true
	}
	return subs
}

func setupServerDB(t *testing.T, bin, example string) (db, token string) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "served.db")
	if out, err := exec.Command(bin, "election", "import", "--db", db, "../../examples/"+example).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := exec.Command(bin, "token", "create", "--db", db, "--role", "admin", "--election", example).Output()
	if err != nil {
		t.Fatal(err)
	}
	return db, strings.TrimSpace(string(out))
}

// TestCrashUnderLoad kills the server with SIGKILL while many commissions
// submit at once, several times over, and checks after each kill that
// every protocol the server acknowledged is stored, exactly as sent, and
// that the running totals are the sums of the stored protocols (nothing
// half-written). Longer runs: docs/security.md.
func TestCrashUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills servers")
	}
	bin := buildBinary(t)
	db, token := setupServerDB(t, bin, "kz-2023")
	subs := nightSubmissions(t, "kz-2023")
	type key struct{ contest, area string }
	var mu sync.Mutex
	acked := map[key]string{}
	next := 0
	for round := range 3 {
		srv := startServer(t, bin, db)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan *loadtest.Report, 1)
		batch := subs[next:min(len(subs), next+6000)]
		// The kill comes once this round has had target acknowledgements,
		// a different point of the load in each round, while the
		// submitters are still sending: waiting for them, not for a time,
		// keeps the test the same on a slow or busy machine.
		target := 100 + 200*round
		reached := make(chan struct{})
		roundAcked := 0
		go func() {
			rep, _ := loadtest.Run(ctx, loadtest.Config{BaseURL: srv.url, Token: token, Election: "kz-2023",
				Protocols: batch, Submitters: 48, Duration: 5 * time.Minute, Readers: 1,
				Ack: func(sub intake.Submission, hash string) {
					mu.Lock()
					acked[key{sub.Contest, sub.Area}] = hash
					if roundAcked++; roundAcked == target {
						close(reached)
					}
					mu.Unlock()
				}})
			done <- rep
		}()
		select {
		case <-reached:
		case rep := <-done:
			srv.kill()
			t.Fatalf("round %d: the load ended with %d acknowledgements, before the %d the kill waits for: %s", round, rep.Acked, target, rep)
		case <-time.After(3 * time.Minute):
			srv.kill()
			cancel()
			t.Fatalf("round %d: fewer than %d acknowledgements in 3 minutes: %s", round, target, <-done)
		}
		srv.kill()
		cancel()
		rep := <-done
		t.Logf("round %d: %s", round, rep)
		if rep.Acked == 0 {
			t.Fatalf("round %d: nothing was acknowledged before the kill", round)
		}
		next += len(batch)

		s, err := sqlite.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		for k, hash := range acked {
			p, err := s.Protocol(context.Background(), "kz-2023", k.contest, k.area)
			if err != nil {
				t.Errorf("round %d: acknowledged protocol %s/%s lost: %v", round, k.contest, k.area, err)
			} else if p.Hash != hash {
				t.Errorf("round %d: %s/%s stored with hash %s, acknowledged %s", round, k.contest, k.area, p.Hash, hash)
			}
		}
		t.Logf("round %d: all %d acknowledged protocols are stored", round, len(acked))
		mu.Unlock()
		s.Close()
		assertConsistent(t, db, "kz-2023")
	}
}

// TestLoad runs a short, bounded load on loopback: 100 commissions
// submitting for a few seconds while readers poll the results; no request
// may fail. The full run (500 submitters for 60 s) is documented in
// docs/performance.md.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	bin := buildBinary(t)
	db, token := setupServerDB(t, bin, "kz-2023")
	srv := startServer(t, bin, db)
	defer srv.kill()
	rep, err := loadtest.Run(context.Background(), loadtest.Config{BaseURL: srv.url, Token: token, Election: "kz-2023",
		Protocols: nightSubmissions(t, "kz-2023"), Submitters: 100, Duration: 4 * time.Second, Readers: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
	if rep.Errors > 0 || rep.ReadErrors > 0 || rep.Refused > 0 {
		t.Errorf("errors under load: %s (%v)", rep, rep.FirstErrors)
	}
	if rep.Acked == 0 || rep.Reads == 0 {
		t.Errorf("no work done: %s", rep)
	}
}

var _ = demo.Night // the night generator feeds nightCSV

// TestKillDuringImport kills the importing process with SIGKILL in the
// middle of an import, then shows that what was stored is consistent and
// that running the import again resumes to the same totals as an
// uninterrupted import.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "dauys")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	csvPath, _ := nightCSV(t, "kz-2023", nil)
	dbKilled := filepath.Join(t.TempDir(), "killed.db")
	dbClean := filepath.Join(t.TempDir(), "clean.db")
	for _, db := range []string{dbKilled, dbClean} {
		if out, err := exec.Command(bin, "election", "import", "--db", db, "../../examples/kz-2023").CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	killed := false
	for attempt := 0; attempt < 5 && !killed; attempt++ {
		cmd := exec.Command(bin, "protocols", "import", "--db", dbKilled, "--election", "kz-2023", "--batch", "200", csvPath)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The kill comes once the import has stored some batches (more in
		// each attempt), not after a time: on a busy machine nothing may
		// be stored yet after a second.
		waitStored(t, dbKilled, 1+200*attempt, cmd)
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			err = cmd.Wait()
			killed = err != nil && strings.Contains(err.Error(), "killed")
		} else {
			cmd.Wait()
		}
	}
	if !killed {
		t.Skip("the import finished before it could be killed")
	}
	partial := tallyOf(t, bin, dbKilled)
	assertConsistent(t, dbKilled, "kz-2023")
	if out, err := exec.Command(bin, "protocols", "import", "--db", dbKilled, "--election", "kz-2023", csvPath).CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "protocols", "import", "--db", dbClean, "--election", "kz-2023", csvPath).CombinedOutput(); err != nil {
		t.Fatalf("clean: %v\n%s", err, out)
	}
	resumed, clean := tallyOf(t, bin, dbKilled), tallyOf(t, bin, dbClean)
	if partial == clean {
		t.Error("the kill came after the import had finished")
	}
	if resumed != clean {
		t.Errorf("resumed totals differ from a clean import")
	}
}

// waitStored waits until the database holds at least n protocols of
// kz-2023, or the importing process has ended, for at most 3 minutes.
func waitStored(t *testing.T, db string, n int, cmd *exec.Cmd) {
	t.Helper()
	ctx := context.Background()
	s, e := mustOpenElection(t, db, "kz-2023")
	defer s.Close()
	root := e.Root().ID
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cmd.ProcessState != nil || cmd.Process.Signal(syscall.Signal(0)) != nil {
			return // it has ended: nothing left to interrupt
		}
		stored := int64(0)
		for _, c := range e.Contests {
			tot, err := s.Totals(ctx, "kz-2023", c.ID, []string{root})
			if err != nil {
				t.Fatal(err)
			}
			stored += tot[root][dauys.ReportedLine]
		}
		if stored >= int64(n) {
			return
		}
	}
	t.Fatalf("the import stored fewer than %d protocols in 3 minutes", n)
}

func tallyOf(t *testing.T, bin, db string) string {
	t.Helper()
	out, err := exec.Command(bin, "tally", "--db", db, "--election", "kz-2023", "--json").Output()
	if err != nil {
		t.Fatalf("tally: %v", err)
	}
	var res tallyJSON
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range res.Contests {
		keys := make([]string, 0, len(c.Lines))
		for k := range c.Lines {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "%s %d:", c.Contest, c.Progress.Reported)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%d", k, c.Lines[k])
		}
		b.WriteString("\n")
	}
	return b.String()
}
