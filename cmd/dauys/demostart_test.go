package main_test

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	main "github.com/dauys/dauys/cmd/dauys"
)

// TestDemoBusyPort: with the port taken, the demo says so, and which flag
// chooses another, before it builds any database.
func TestDemoBusyPort(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, out, errs := run(t, "demo", "--addr", ln.Addr().String())
	if code != 6 || !strings.Contains(errs, ln.Addr().String()+" is in use") || !strings.Contains(errs, "--addr") || strings.Contains(errs, "Usage:") {
		t.Errorf("demo on a busy port: exit %d\n%s%s", code, out, errs)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "dauys-demo-*")); len(left) > 0 {
		t.Errorf("the demo made %v before finding the port busy", left)
	}
}

// TestDemoStartsAndCleansUp: the demo prints the site's address before it
// loads anything, runs a transparency log whose key the site shows with
// the command that checks the count, and removes its temporary database
// when it is stopped.
func TestDemoStartsAndCleansUp(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo election")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	ready := make(chan string, 1)
	m := &main.Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Now: time.Now, Ready: func(a string) { ready <- a }}
	done := make(chan int, 1)
	go func() {
		done <- m.Run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--day", "1s", "--duration", "10s"})
	}()

	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("the demo ended with %d before serving\n%s%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	if i, j := strings.Index(out, "open http://"+addr+"/"), strings.Index(out, "Loading "); i < 0 || j < i {
		t.Errorf("the demo's first words lack the address before the loading:\n%s", out)
	}
	if !strings.Contains(out, "dauys verify --key dauys-demo/kz-2023+") {
		t.Errorf("the demo does not print the command that checks its count:\n%s", out)
	}
	base := "http://" + addr
	// The sequencer signs a first checkpoint shortly after the start;
	// the overview shows the key and the command once it has.
	deadline := time.Now().Add(2 * time.Minute)
	var page string
	for {
		page = string(get(t, base+"/en/e/kz-2023/"))
		if strings.Contains(page, "dauys verify --key") || time.Now().After(deadline) {
			break
		}
		select {
		case <-time.After(200 * time.Millisecond):
		case code := <-done:
			t.Fatalf("the demo ended with %d\n%s", code, stderr.String())
		}
	}
	for _, want := range []string{"dauys verify --key dauys-demo/kz-2023+", base + "/"} {
		if !strings.Contains(strings.ReplaceAll(page, "&#43;", "+"), want) {
			t.Errorf("the overview lacks %q", want)
		}
	}
	if dirs, _ := filepath.Glob(filepath.Join(tmp, "dauys-demo-*")); len(dirs) != 1 {
		t.Errorf("the demo's temporary folders while it runs: %v", dirs)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the demo did not stop")
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "dauys-demo-*")); len(left) > 0 {
		t.Errorf("the demo left %v behind", left)
	}
}
