package web_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/web"
)

// TestRepublishShare is the short form of BenchmarkRepublish that CI runs:
// on a copy of the demo night (10,223 polling stations), an export, 100
// amendments spread over the country and a second export within
// --downloads-every of the first. The second export must write under 2%
// of the first's bytes (#19's goal), and must have made again no page or
// download that the amendments did not change. Bytes, not time: the same
// on any machine.
func TestRepublishShare(t *testing.T) {
	if testing.Short() {
		t.Skip("exports the demo election twice")
	}
	demo := loadDemo(t)
	ctx := context.Background()
	// A copy: the amendments must not change the demo the other tests
	// read.
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := demo.store.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	in := intake.New(st, time.Now)
	d := &demoData{store: st, intake: in, tally: tally.New(st, in.Elections())}
	site, err := web.New(web.Config{Store: d.store, Tally: d.tally})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	opts := web.PublishOptions{Election: "kz-2023", Dir: dir, Version: "v1", DownloadsEvery: 10 * time.Minute}
	full, err := site.Publish(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	amend(t, d, 100, 0)
	opts.Version = "v2"
	res, err := site.Publish(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	share := 100 * float64(res.WrittenBytes) / float64(full.WrittenBytes)
	t.Logf("first export %d files, %.1f MB; after 100 amendments %d files, %.1f MB written (%.2f%%), %d reused, %d bulk downloads kept",
		full.Written, float64(full.WrittenBytes)/1e6, res.Written, float64(res.WrittenBytes)/1e6, share, res.Reused, res.Deferred)
	if share >= 2 {
		t.Errorf("the export after 100 amendments wrote %.2f%% of the first's bytes, want under 2%%", share)
	}
	// 100 amended polling stations: their pages in three languages and
	// their JSON, CSV and Excel copy are made again; every other's is
	// reused.
	if res.Reused < 6*(10223-100) || full.Reused != 0 {
		t.Errorf("%d polling stations' files reused, want those of all but the 100 amended (first export %d)", res.Reused, full.Reused)
	}
}
