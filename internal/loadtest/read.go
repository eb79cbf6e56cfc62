package loadtest

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// ReadResult is the throughput and latency of reading one URL with many
// concurrent connections.
type ReadResult struct {
	URL       string        `json:"url"`
	Requests  int           `json:"requests"`
	Errors    int           `json:"errors"`
	PerSecond float64       `json:"requests_per_second"`
	P50       time.Duration `json:"p50_ns"`
	P99       time.Duration `json:"p99_ns"`
	Bytes     int64         `json:"bytes_per_response"`
}

// Read fetches url from conns concurrent connections for d and reports
// what it measured. Every connection is kept alive, as a browser's or a
// CDN's is; responses are read to the end.
func Read(ctx context.Context, url string, conns int, d time.Duration, header http.Header) ReadResult {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	res := ReadResult{URL: url}
	var lat []time.Duration
	start := time.Now()
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			var mine []time.Duration
			errs := 0
			var size int64
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
				for k, v := range header {
					req.Header[k] = v
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						errs++
					}
					continue
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					if ctx.Err() == nil {
						errs++
					}
					continue
				}
				size = n
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			res.Errors += errs
			if size > 0 {
				res.Bytes = size
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.Requests = len(lat)
	res.PerSecond = float64(len(lat)) / time.Since(start).Seconds()
	res.P50, res.P99 = pct(lat, 50), pct(lat, 99)
	return res
}
