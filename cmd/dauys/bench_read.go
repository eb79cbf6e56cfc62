package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/loadtest"
)

// readReport is what `dauys bench read --json` prints.
type readReport struct {
	Connections int                   `json:"connections"`
	Results     []loadtest.ReadResult `json:"results"`
	PageRatio   float64               `json:"page_live_to_static"`
	JSONRatio   float64               `json:"json_live_to_static"`
}

// runBenchRead measures the read path on election night: the national
// overview page and its results JSON served live from running totals,
// against the same bytes served as static files by net/http.FileServer in
// the same run, with many concurrent connections on loopback.
func (m *Main) runBenchRead(ctx context.Context, args []string) error {
	fs := m.flagSet("bench read")
	conns := fs.Int("connections", 256, "concurrent connections")
	each := fs.Duration("duration", 10*time.Second, "how long to read each URL")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "dauys-read-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, e, err := m.openDemo(ctx, filepath.Join(dir, "read.db"))
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := (&demo.Player{Intake: s.intake}).Play(ctx, demoElection, demo.Night(e, 1, demoBaseline)); err != nil {
		return err
	}
	if err := s.SetElectionStatus(ctx, demoElection, dauys.StatusComplete); err != nil {
		return err
	}
	s.elections.Forget(demoElection)

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	ready := make(chan string, 1)
	served := make(chan error, 1)
	quiet := *m
	quiet.Stderr = discard{}
	quiet.Ready = func(addr string) { ready <- addr }
	go func() { served <- quiet.serve(ctx, s, "127.0.0.1:0") }()
	var live string
	select {
	case addr := <-ready:
		live = "http://" + addr
	case err := <-served:
		return err
	}
	paths := map[string]string{"page.html": "/kk/e/" + demoElection + "/", "results.json": "/api/v1/elections/" + demoElection + "/results"}
	static := filepath.Join(dir, "static")
	if err := os.MkdirAll(static, 0o755); err != nil {
		return err
	}
	for file, path := range paths {
		resp, err := http.Get(live + path)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return fmt.Errorf("bench read: GET %s: %d %v", path, resp.StatusCode, err)
		}
		if err := os.WriteFile(filepath.Join(static, file), body, 0o644); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fileSrv := &http.Server{Handler: http.FileServer(http.Dir(static))}
	go fileSrv.Serve(ln)
	defer fileSrv.Close()
	staticBase := "http://" + ln.Addr().String()

	rep := readReport{Connections: *conns}
	for _, u := range []string{live + paths["page.html"], staticBase + "/page.html", live + paths["results.json"], staticBase + "/results.json"} {
		rep.Results = append(rep.Results, loadtest.Read(ctx, u, *conns, *each, nil))
	}
	rep.PageRatio = rep.Results[0].PerSecond / rep.Results[1].PerSecond
	rep.JSONRatio = rep.Results[2].PerSecond / rep.Results[3].PerSecond
	stop()
	<-served
	if *asJSON {
		return writeJSON(m.Stdout, rep)
	}
	for _, r := range rep.Results {
		fmt.Fprintf(m.Stdout, "%-60s %8.0f req/s  p50 %-12v p99 %-12v %d errors, %d bytes\n", r.URL, r.PerSecond, r.P50, r.P99, r.Errors, r.Bytes)
	}
	fmt.Fprintf(m.Stdout, "live/static: page %.2f, JSON %.2f (%d connections)\n", rep.PageRatio, rep.JSONRatio, *conns)
	return nil
}
