// Package loadtest drives a running Dauys server the way election night
// does: many commissions submitting protocols at once while the public
// reads results. It reports throughput, errors and latency percentiles, and
// tells its caller which submissions the server acknowledged, so that a
// crash test can check that none of them is lost.
//
// It only ever targets the address it is given; tests and the documented
// commands give it a loopback address. Every run is bounded in time and in
// requests and stops by itself.
//
// It speaks HTTP to a server and uses internal/intake's Submission type
// only; it never imports a store, tally or web.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/dauys/dauys/internal/intake"
)

// Config is one run.
type Config struct {
	BaseURL  string // e.g. http://127.0.0.1:8080
	Token    string
	Election string
	// Protocols are submitted in order, each once, until they run out or
	// the time is up.
	Protocols  []intake.Submission
	Submitters int
	Duration   time.Duration
	// Readers poll the results page and JSON during the load (default 2).
	Readers int
	// Ack, when set, is called for every submission the server
	// acknowledged (2xx), with the hash it returned.
	Ack    func(sub intake.Submission, hash string)
	Client *http.Client
}

// Report is what a run measured.
type Report struct {
	Submitted   int           `json:"submitted"`
	Acked       int           `json:"acknowledged"`
	Refused     int           `json:"refused"` // 4xx: the server said no, as it should to bad input
	Errors      int           `json:"errors"`  // 5xx and transport errors
	Seconds     float64       `json:"seconds"`
	PerSecond   float64       `json:"submissions_per_second"`
	P50         time.Duration `json:"p50_ns"`
	P90         time.Duration `json:"p90_ns"`
	P99         time.Duration `json:"p99_ns"`
	Max         time.Duration `json:"max_ns"`
	Reads       int           `json:"reads"`
	ReadErrors  int           `json:"read_errors"`
	ReadP50     time.Duration `json:"read_p50_ns"`
	ReadP99     time.Duration `json:"read_p99_ns"`
	FirstErrors []string      `json:"first_errors,omitempty"`
}

func (r *Report) String() string {
	return fmt.Sprintf("%d submitted in %.1fs (%.0f/s): %d acknowledged, %d refused, %d errors; latency p50 %v p90 %v p99 %v max %v; %d reads (p50 %v, p99 %v, %d errors)",
		r.Submitted, r.Seconds, r.PerSecond, r.Acked, r.Refused, r.Errors, r.P50, r.P90, r.P99, r.Max, r.Reads, r.ReadP50, r.ReadP99, r.ReadErrors)
}

// Run submits until the protocols run out, the duration passes or ctx is
// done.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Submitters <= 0 {
		cfg.Submitters = 1
	}
	if cfg.Readers == 0 {
		cfg.Readers = 2
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Submitters + cfg.Readers}}
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	work := make(chan intake.Submission)
	go func() {
		defer close(work)
		for _, p := range cfg.Protocols {
			select {
			case work <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	var mu sync.Mutex
	rep := &Report{}
	var lat, reads []time.Duration
	note := func(msg string) {
		if len(rep.FirstErrors) < 5 {
			rep.FirstErrors = append(rep.FirstErrors, msg)
		}
	}
	url := cfg.BaseURL + "/api/v1/elections/" + cfg.Election + "/protocols"
	start := time.Now()
	var wg sync.WaitGroup
	for range cfg.Submitters {
		wg.Go(func() {
			for sub := range work {
				body, _ := json.Marshal(sub)
				t0 := time.Now()
				status, hash, err := post(ctx, cfg.Client, url, cfg.Token, body)
				d := time.Since(t0)
				mu.Lock()
				rep.Submitted++
				switch {
				case err != nil:
					if ctx.Err() != nil {
						rep.Submitted-- // cut off by the end of the run, not an error
					} else {
						rep.Errors++
						note(err.Error())
					}
				case status >= 200 && status < 300:
					rep.Acked++
					lat = append(lat, d)
				case status >= 400 && status < 500:
					rep.Refused++
					lat = append(lat, d)
				default:
					rep.Errors++
					note(fmt.Sprintf("status %d", status))
				}
				mu.Unlock()
				if err == nil && status >= 200 && status < 300 && cfg.Ack != nil {
					cfg.Ack(sub, hash)
				}
			}
		})
	}
	done := make(chan struct{})
	var rwg sync.WaitGroup
	for i := range cfg.Readers {
		rwg.Go(func() {
			paths := []string{"/api/v1/elections/" + cfg.Election + "/results", "/"}
			for k := 0; ; k++ {
				select {
				case <-done:
					return
				default:
				}
				t0 := time.Now()
				err := get(ctx, cfg.Client, cfg.BaseURL+paths[(i+k)%len(paths)])
				d := time.Since(t0)
				mu.Lock()
				if err != nil && ctx.Err() == nil {
					rep.ReadErrors++
					note("read: " + err.Error())
				} else if err == nil {
					rep.Reads++
					reads = append(reads, d)
				}
				mu.Unlock()
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	close(done)
	rwg.Wait()
	rep.Seconds = time.Since(start).Seconds()
	if rep.Seconds > 0 {
		rep.PerSecond = float64(rep.Acked+rep.Refused) / rep.Seconds
	}
	rep.P50, rep.P90, rep.P99, rep.Max = pct(lat, 50), pct(lat, 90), pct(lat, 99), pct(lat, 100)
	rep.ReadP50, rep.ReadP99 = pct(reads, 50), pct(reads, 99)
	return rep, nil
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := (len(ds)*p + 99) / 100
	return ds[max(0, min(len(ds)-1, i-1))]
}

func post(ctx context.Context, c *http.Client, url, token string, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var out struct {
		Hash string `json:"hash"`
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	json.Unmarshal(data, &out)
	return resp.StatusCode, out.Hash, nil
}

func get(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return nil
}
