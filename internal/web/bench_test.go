package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dauys/dauys/internal/httpapi"
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

// BenchmarkPublish exports the whole demo election as a static site: about
// 31,000 pages and 21,000 downloads.
func BenchmarkPublish(b *testing.B) {
	d := loadDemo(b)
	site, err := web.New(web.Config{Store: d.store, Tally: d.tally})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var files, bytes int64
	i := 0
	for b.Loop() {
		i++
		res, err := site.Publish(context.Background(), web.PublishOptions{Election: "kz-2023", Dir: dir, Version: "v" + string(rune('a'+i%26)) + time.Now().Format("150405.000000"), Keep: 1})
		if err != nil {
			b.Fatal(err)
		}
		files, bytes = res.Files, res.Bytes
	}
	b.ReportMetric(float64(files), "files")
	b.ReportMetric(float64(bytes)/1e6, "MB")
	b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
