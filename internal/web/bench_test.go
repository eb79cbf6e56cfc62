package web_test

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/web"
)

// BenchmarkServe measures requests per second for the national overview
// page of the demo night and for its JSON, served live by the site over a
// real loopback connection, against the same bytes served as a file by
// net/http.FileServer, in the same run. The goal is a live rate of at least
// half the static one (live/static >= 0.5).
//
//	go test ./internal/web -run '^$' -bench Serve -benchtime 3s
//
// ns/op covers one live and one static request; read live-req/s,
// static-req/s and live/static.
func BenchmarkServe(b *testing.B) {
	d := loadDemo(b)
	api := httpapi.New(httpapi.Config{Store: d.store, Intake: d.intake, Tally: d.tally})
	site, err := web.New(web.Config{Store: d.store, Tally: d.tally})
	if err != nil {
		b.Fatal(err)
	}
	site.Register(api.Mux())
	live := httptest.NewServer(api)
	defer live.Close()
	dir := b.TempDir()
	static := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer static.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, DisableCompression: true}}
	defer client.CloseIdleConnections()

	for _, tc := range []struct{ name, path, file string }{
		{"overview", "/kk/e/kz-2023/index.html", "overview.html"},
		{"json", "/data/kz-2023/a/KZ.json", "KZ.json"},
	} {
		body := fetch(b, client, live.URL+tc.path)
		if err := os.WriteFile(filepath.Join(dir, tc.file), body, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			start := time.Now()
			hammer(b, client, live.URL+tc.path)
			liveTook := time.Since(start)
			start = time.Now()
			hammer(b, client, static.URL+"/"+tc.file)
			staticTook := time.Since(start)
			liveRate := float64(b.N) / liveTook.Seconds()
			staticRate := float64(b.N) / staticTook.Seconds()
			b.ReportMetric(liveRate, "live-req/s")
			b.ReportMetric(staticRate, "static-req/s")
			b.ReportMetric(liveRate/staticRate, "live/static")
		})
	}
}

func fetch(b *testing.B, c *http.Client, url string) []byte {
	b.Helper()
	res, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
	}
	return body
}

// hammer makes b.N requests from parallel clients.
func hammer(b *testing.B, c *http.Client, url string) {
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := c.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("GET %s: %d", url, res.StatusCode)
				return
			}
		}
	})
}

// BenchmarkRender measures what a change of the totals costs: rendering a
// page again without the cache, with the root results already summed.
func BenchmarkRender(b *testing.B) {
	d := loadDemo(b)
	site, err := web.New(web.Config{Store: d.store, Tally: d.tally})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct{ name, kind, id string }{
		{"overview", web.PageOverview, ""},
		{"region", web.PageArea, "KZ-75"},
		{"precinct", web.PageArea, "KZ-75-01-0001"},
		{"party-list", web.PageContest, "mazhilis-list"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			if _, err := site.RenderUncached(ctx, "ru", tc.kind, "kz-2023", tc.id); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := site.RenderUncached(ctx, "ru", tc.kind, "kz-2023", tc.id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPublish exports the whole demo election as a static site, into
// a new folder each time: about 31,700 pages and 31,600 downloads, with
// the gzip variants of the pages, JSON and CSV but the Excel copies.
//
//	go test ./internal/web -run '^$' -bench 'Publish$' -benchtime 1x
func BenchmarkPublish(b *testing.B) {
	d := loadDemo(b)
	site, err := web.New(web.Config{Store: d.store, Tally: d.tally})
	if err != nil {
		b.Fatal(err)
	}
	var res *web.PublishResult
	for b.Loop() {
		if res, err = site.Publish(context.Background(), web.PublishOptions{Election: "kz-2023", Dir: b.TempDir(), Version: "v1"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Files), "files")
	b.ReportMetric(float64(res.Bytes)/1e6, "MB")
	b.ReportMetric(float64(res.WrittenBytes)/1e6, "MB-written")
	b.ReportMetric(float64(res.Files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkRepublish exports the demo election, amends 100 protocols and
// exports it again, as election night republishes every few minutes: the
// second export writes only what changed and shares the rest with the
// first. written-% is its bytes written over the first export's; the goal
// is under 2. files-reused counts the polling stations' pages and
// downloads shared without being made again, files-deferred the bulk
// downloads shared as they were. ns/op is the second export's time. In
// "downloads-every-10m" the second export comes within the interval of
// `dauys publish --downloads-every` (its default), in "every-export" it
// makes the bulk downloads as well (--downloads-every 0), as an export
// does once the interval has passed. It amends the demo store, so run it
// alone:
//
//	go test ./internal/web -run '^$' -bench Republish -benchtime 1x
func BenchmarkRepublish(b *testing.B) {
	for _, tc := range []struct {
		name  string
		every time.Duration
	}{{"downloads-every-10m", 10 * time.Minute}, {"every-export", 0}} {
		b.Run(tc.name, func(b *testing.B) { benchRepublish(b, tc.every) })
	}
}

func benchRepublish(b *testing.B, every time.Duration) {
	d := loadDemo(b)
	ctx := context.Background()
	site, err := web.New(web.Config{Store: d.store, Tally: d.tally})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	full, err := site.Publish(ctx, web.PublishOptions{Election: "kz-2023", Dir: dir, Version: "v0", DownloadsEvery: every})
	if err != nil {
		b.Fatal(err)
	}
	var res *web.PublishResult
	i := 0
	for b.Loop() {
		b.StopTimer()
		amend(b, d, 100, int(every/time.Minute)+i)
		b.StartTimer()
		i++
		if res, err = site.Publish(ctx, web.PublishOptions{Election: "kz-2023", Dir: dir, Version: fmt.Sprintf("v%d", i), Keep: 2, DownloadsEvery: every}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(full.WrittenBytes)/1e6, "MB-full")
	b.ReportMetric(float64(full.Took.Seconds()), "s-full")
	b.ReportMetric(float64(res.Written), "files-written")
	b.ReportMetric(float64(res.Reused), "files-reused")
	b.ReportMetric(float64(res.Deferred), "files-deferred")
	b.ReportMetric(float64(res.WrittenBytes)/1e6, "MB-written")
	b.ReportMetric(100*float64(res.WrittenBytes)/float64(full.WrittenBytes), "written-%")
}

// amend amends n protocols of the demo night, the round-th time: one vote
// moves from the first option line that has one to the next.
func amend(b testing.TB, d *demoData, n, round int) {
	ctx := context.Background()
	var subs []intake.Submission
	seen := 0
	err := d.tally.EachProtocol(ctx, "kz-2023", "", func(p *dauys.Protocol) error {
		seen++
		if len(subs) == n || seen%97 != round%97 {
			return nil
		}
		var opts []string
		for k := range p.Lines {
			if strings.HasPrefix(k, "option:") {
				opts = append(opts, k)
			}
		}
		slices.Sort(opts)
		lines := maps.Clone(p.Lines)
		for j := 0; j+1 < len(opts); j++ {
			if lines[opts[j]] > 0 {
				lines[opts[j]]--
				lines[opts[j+1]]++
				subs = append(subs, intake.Submission{Contest: p.Contest, Area: p.Area, Lines: lines, Amendment: true,
					Reason: "Benchmark: a recount moved one vote", AcknowledgeWarnings: true, Submitter: "bench"})
				break
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	res, err := d.intake.Submit(ctx, "kz-2023", subs)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			b.Fatalf("amendment: %v", r.Err)
		}
	}
	if len(subs) != n {
		b.Fatalf("%d amendments, want %d", len(subs), n)
	}
}
