package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestMain lets tests run the real program: the test binary started with
// DAUYS_TEST_RUN_MAIN=1 is dauys, args, streams, environment and exit
// status included.
func TestMain(m *testing.M) {
	if os.Getenv("DAUYS_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"dauys"}, os.Args[1:]...)
		main()
	}
	// Observers' photos of commands on PostgreSQL go to ./images by
	// default: in tests, to a folder of their own, never the repository.
	if os.Getenv("DAUYS_IMAGES") == "" {
		dir, err := os.MkdirTemp("", "dauys-test-images-")
		if err != nil {
			panic(err)
		}
		os.Setenv("DAUYS_IMAGES", dir)
		code := m.Run()
		os.RemoveAll(dir)
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// runBinary runs the program as a process, with env added to this
// process's environment.
func runBinary(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "DAUYS_TEST_RUN_MAIN=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// TestHelpEverywhere asks every command, every group and the program for
// help, as -h and --help: each prints its usage on standard output and
// exits 0, the way people and scripts expect.
func TestHelpEverywhere(t *testing.T) {
	cases := [][]string{{"--help"}, {"-h"}, {"help"}, {"help", "serve"}}
	groups := map[string]bool{}
	for _, c := range commandTable() {
		words := strings.Fields(c.name)
		cases = append(cases, append(words[:len(words):len(words)], "--help"), append(words[:len(words):len(words)], "-h"))
		if len(words) == 2 && !groups[words[0]] {
			groups[words[0]] = true
			cases = append(cases, []string{words[0], "--help"}, []string{words[0], "-h"}, []string{words[0], "help"})
		}
	}
	for _, args := range cases {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			code, out, errs := runBinary(t, nil, args...)
			if code != 0 || errs != "" || !strings.Contains(strings.ToLower(out), "usage") {
				t.Errorf("dauys %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
			}
		})
	}
}

// TestTopUsageListsEveryCommand checks the top-level usage against the
// table, publish included.
func TestTopUsageListsEveryCommand(t *testing.T) {
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	usage := m.topUsage()
	for _, c := range commandTable() {
		group, sub, ok := strings.Cut(c.name, " ")
		if !strings.Contains(usage, "\n  "+group+" ") || ok && !strings.Contains(usage, sub) {
			t.Errorf("the usage does not list %q:\n%s", c.name, usage)
		}
	}
	if !strings.Contains(usage, "\n  publish ") {
		t.Errorf("the usage does not list publish:\n%s", usage)
	}
}

// TestFlagUsageNames checks that no flag's help names its argument with a
// phrase: flag.UnquoteUsage reads `backquoted` words as the argument's
// name, so `dauys log keygen` in a usage once printed
// "--log-key dauys log keygen".
func TestFlagUsageNames(t *testing.T) {
	for name, flags := range commandFlags(context.Background()) {
		for _, f := range flags {
			if arg, _ := flag.UnquoteUsage(f); strings.ContainsAny(arg, " -") {
				t.Errorf("dauys %s --%s: its argument is named %q", name, f.Name, arg)
			}
		}
	}
	if fl := commandFlags(context.Background())["protocols import"]; len(fl) < 4 {
		t.Errorf("protocols import has flags %v", fl)
	}
}

// TestProgressLine draws a progress line and checks that it says how
// far, how fast and how long is left; a nil progress (no terminal) draws
// nothing and does not panic.
func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, unit: "rows", total: 1000, start: time.Now().Add(-10 * time.Second)}
	p.update(250, 5000)
	line := b.String()
	for _, want := range []string{"25.0%", "5000 rows", "/s", "30s left"} {
		if !strings.Contains(line, want) {
			t.Errorf("the line %q lacks %q", line, want)
		}
	}
	p.clear()
	if !strings.HasSuffix(b.String(), "\r\033[K") {
		t.Errorf("clear wrote %q", b.String())
	}
	var none *progress
	none.update(1, 1)
	none.clear()
	m := &Main{Stderr: &b}
	if m.newProgress(10, "rows") != nil {
		t.Error("progress drawn on a buffer, not a terminal")
	}
}
