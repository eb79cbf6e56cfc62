package main_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	main "github.com/dauys/dauys/cmd/dauys"
)

// syncBuffer is a buffer the server's logger and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeLoadsCountingElections: a server loads the tree of every
// election still counting when it starts, before any protocol arrives.
func TestServeLoadsCountingElections(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "bench", "generate", "--precincts", "600", "--out", dir)
	db := filepath.Join(dir, "w.db")
	mustRun(t, "election", "import", "--db", db, dir)
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	m := &main.Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs, Now: time.Now}
	go func() { done <- m.Run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}) }()
	defer func() {
		cancel()
		<-done
	}()
	// The country, 20 regions, 2 districts and 600 precincts.
	const want = `msg="election loaded" election=synth-600 areas=623`
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(logs.String(), want); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the server's log:\n%s", want, logs.String())
		}
	}
}
