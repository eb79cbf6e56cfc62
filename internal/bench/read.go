package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/dauys/dauys/internal/loadtest"
)

// ReadReport is what Read measured, as `dauys bench read --json` prints
// it.
type ReadReport struct {
	Connections int                   `json:"connections"`
	Results     []loadtest.ReadResult `json:"results"`
	PageRatio   float64               `json:"page_live_to_static"`
	JSONRatio   float64               `json:"json_live_to_static"`
}

// Read measures the read path on election night: the national overview
// page of an election and its results JSON served live by the server at
// live (http://host:port), against the same bytes served as static files
// by net/http.FileServer, from dir, in the same run, each URL read for
// each with conns concurrent connections.
func Read(ctx context.Context, live, election, dir string, conns int, each time.Duration) (*ReadReport, error) {
	paths := map[string]string{"page.html": "/kk/e/" + election + "/", "results.json": "/api/v1/elections/" + election + "/results"}
	static := filepath.Join(dir, "static")
	if err := os.MkdirAll(static, 0o755); err != nil {
		return nil, err
	}
	// Read each URL once as the load will (without compression), so that
	// the live server has rendered the variant the load reads before the
	// clock starts, as it has on election night.
	warm := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer warm.CloseIdleConnections()
	for file, path := range paths {
		resp, err := warm.Get(live + path)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("bench read: GET %s: %d %v", path, resp.StatusCode, err)
		}
		if err := os.WriteFile(filepath.Join(static, file), body, 0o644); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	fileSrv := &http.Server{Handler: http.FileServer(http.Dir(static))}
	go fileSrv.Serve(ln)
	defer fileSrv.Close()
	staticBase := "http://" + ln.Addr().String()

	rep := ReadReport{Connections: conns}
	for _, u := range []string{live + paths["page.html"], staticBase + "/page.html", live + paths["results.json"], staticBase + "/results.json"} {
		rep.Results = append(rep.Results, loadtest.Read(ctx, u, conns, each, nil))
	}
	rep.PageRatio = rep.Results[0].PerSecond / rep.Results[1].PerSecond
	rep.JSONRatio = rep.Results[2].PerSecond / rep.Results[3].PerSecond
	return &rep, nil
}

// WriteText prints the report, a line per URL and the ratios, as `dauys
// bench read` does.
func (rep *ReadReport) WriteText(w io.Writer) {
	for _, r := range rep.Results {
		fmt.Fprintf(w, "%-60s %8.0f req/s  p50 %-12v p99 %-12v %d errors, %d bytes\n", r.URL, r.PerSecond, r.P50, r.P99, r.Errors, r.Bytes)
	}
	fmt.Fprintf(w, "live/static: page %.2f, JSON %.2f (%d connections)\n", rep.PageRatio, rep.JSONRatio, rep.Connections)
}
