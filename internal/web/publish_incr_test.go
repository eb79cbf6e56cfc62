package web_test

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/web"
)

// TestPublishIncremental publishes, publishes again with nothing changed,
// then amends one precinct's protocol and publishes a third time: each
// export after the first writes only the files whose content changed and
// hard-links the others from the export before it; its manifest says
// which, with every file's hash; pages, JSON and CSV have gzip variants.
func TestPublishIncremental(t *testing.T) {
	fx := mustFixture(t, nil)
	ctx := context.Background()
	dir := t.TempDir()
	publish := func(version string) *web.PublishResult {
		t.Helper()
		fx.clock.Set(fx.clock.Now().Add(10 * time.Minute))
		res, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: version, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		checkManifest(t, filepath.Join(dir, "v", version))
		return res
	}
	full := publish("v1")
	if full.Shared != 0 || full.Written < full.Files {
		t.Errorf("first export: %+v, want every file written", full)
	}
	// Pages, JSON and CSV have gzip variants, but for the Excel copies of
	// the CSV.
	var m web.Manifest
	readJSON(t, filepath.Join(dir, "v", "v1", ".dauys-manifest.json"), &m)
	variants := 0
	for name := range m.Files {
		_, gz := m.Files[name+".gz"]
		excel := strings.Contains(name, "/excel/")
		switch filepath.Ext(name) {
		case ".html", ".json", ".csv":
			if gz == excel {
				t.Errorf("%s: gzip variant %v", name, gz)
			}
		case ".gz":
			variants++
		}
	}
	if int64(variants) < full.Files/2 {
		t.Errorf("%d gzip variants of %d files", variants, full.Files)
	}

	// Nothing changed: only the status, which names the version, is new.
	same := publish("v2")
	if got := changed(t, dir, "v2"); strings.Join(got, " ") != "data/fx-2025/status.json data/fx-2025/status.json.gz" {
		t.Errorf("an export with nothing changed wrote %v", got)
	}
	if same.Files != full.Files || same.Shared != full.Written-2 {
		t.Errorf("second export: %+v, first %+v", same, full)
	}
	shared := filepath.Join("en", "e", "fx-2025", "a", "FX-S-2-1.html")
	a, _ := os.Stat(filepath.Join(dir, "v", "v1", shared))
	b, _ := os.Stat(filepath.Join(dir, "v", "v2", shared))
	if a == nil || b == nil || !os.SameFile(a, b) {
		t.Errorf("%s is not shared between v1 and v2", shared)
	}

	// One amendment: its precinct, the areas above it, the election's
	// summaries and their downloads change; no other area's files do.
	amended := sub("parliament-list", "FX-S-2-1", "registered=600 took_part=420 invalid=5 against_all=15 option:alpha=140 option:beta=110 option:gamma=130 option:delta=20")
	amended.Amendment, amended.Reason = true, "Recount"
	fx.submit(t, "fx-2025", amended)
	res := publish("v3")
	got := changed(t, dir, "v3")
	for _, want := range []string{"en/e/fx-2025/a/FX-S-2-1.html", "kk/e/fx-2025/a/FX-S-2.html", "ru/e/fx-2025/a/FX-S.html",
		"en/e/fx-2025/a/FX-S-2-1.html.gz", "data/fx-2025/a/FX-S-2-1.json", "data/fx-2025/a/FX.csv", "data/fx-2025/a/FX.csv.gz"} {
		if !slices.Contains(got, want) {
			t.Errorf("the amendment did not rewrite %s", want)
		}
	}
	for _, f := range got {
		for _, other := range []string{"FX-N", "FX-C", "FX-S-1", "FX-S-2-2", "static/"} {
			if strings.Contains(f, other) {
				t.Errorf("the amendment rewrote %s, which it does not change", f)
			}
		}
	}
	// The fixture is small: its summaries are a third of its bytes
	// (BenchmarkRepublish measures the demo election's share).
	if res.WrittenBytes*2 > full.WrittenBytes || res.Written+res.Shared < full.Written {
		t.Errorf("after one amendment: %+v, first export %+v", res, full)
	}
	// A rewritten page carries its export's version; a shared one keeps
	// the one it was written in, which the script reads from the URL.
	page, _ := os.ReadFile(filepath.Join(dir, "v", "v3", "en", "e", "fx-2025", "a", "FX-S-2-1.html"))
	if !bytes.Contains(page, []byte(`data-version="v3"`)) || bytes.Contains(page, []byte("dauys-export-")) {
		t.Errorf("the rewritten page does not carry v3:\n%s", page)
	}
	page, _ = os.ReadFile(filepath.Join(dir, "v", "v3", "en", "e", "fx-2025", "a", "FX-N-1-1.html"))
	if !bytes.Contains(page, []byte(`data-version="v1"`)) {
		t.Errorf("the shared page does not carry v1")
	}
}

// changed returns the files the export wrote itself, as its manifest
// lists them.
func changed(t *testing.T, dir, version string) []string {
	t.Helper()
	var m web.Manifest
	readJSON(t, filepath.Join(dir, "v", version, ".dauys-manifest.json"), &m)
	var out []string
	for name, f := range m.Files {
		if f.Since == version {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// checkManifest checks that the manifest lists every file of the export
// with its hash and size, and that each gzip variant holds its file.
func checkManifest(t *testing.T, root string) {
	t.Helper()
	var m web.Manifest
	readJSON(t, filepath.Join(root, ".dauys-manifest.json"), &m)
	n := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".dauys-") {
			return err
		}
		n++
		rel, _ := filepath.Rel(root, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		f, ok := m.Files[filepath.ToSlash(rel)]
		if !ok || f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(b)) {
			t.Errorf("%s: manifest %+v, file of %d bytes", rel, f, len(b))
		}
		if gz, ok := strings.CutSuffix(p, ".gz"); ok {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return err
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				return err
			}
			if orig, _ := os.ReadFile(gz); !bytes.Equal(plain, orig) {
				t.Errorf("%s does not hold %s", rel, filepath.Base(gz))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(m.Files) {
		t.Errorf("%d files, the manifest lists %d", n, len(m.Files))
	}
}

// TestPublishWhileCounting: a protocol that arrives during the count moves
// the election's progress, which every page states; the pages of areas
// elsewhere are still shared, their numbers unchanged, and state the
// progress as of the export that wrote them. Written pages get the current
// progress.
func TestPublishWhileCounting(t *testing.T) {
	fx := mustFixture(t, nil)
	ctx := context.Background()
	dir := t.TempDir()
	publish := func(version string) {
		t.Helper()
		fx.clock.Set(fx.clock.Now().Add(10 * time.Minute))
		if _, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: version, Workers: 2}); err != nil {
			t.Fatal(err)
		}
		checkManifest(t, filepath.Join(dir, "v", version))
	}
	status := func(version, page string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, "v", version, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("dauys-export-")) {
			t.Errorf("%s/%s keeps a mark", version, page)
		}
		i := bytes.Index(b, []byte(`<p class="status`))
		if i < 0 {
			t.Fatalf("%s/%s states no status", version, page)
		}
		return string(b[i : i+bytes.Index(b[i:], []byte("\n<form"))])
	}
	publish("v1")
	before := status("v1", "en/e/fx-2025/a/FX-S-2-1.html")
	// FX-N-2-2 had not reported.
	fx.submit(t, "fx-2025", sub("parliament-list", "FX-N-2-2", "registered=800 took_part=500 invalid=5 against_all=15 option:alpha=200 option:beta=150 option:gamma=100 option:delta=30"))
	publish("v2")
	got := changed(t, dir, "v2")
	for _, f := range got {
		if strings.Contains(f, "/a/FX-S-") && strings.HasSuffix(f, ".html") {
			t.Errorf("the new protocol of FX-N-2-2 rewrote %s", f)
		}
	}
	if !slices.Contains(got, "en/e/fx-2025/a/FX-N-2-2.html") {
		t.Error("the precinct that reported is not rewritten")
	}
	after := status("v2", "en/e/fx-2025/a/FX-N-2-2.html")
	if after == before || status("v2", "en/e/fx-2025/index.html") != after {
		t.Errorf("the rewritten precinct page states %q, the overview %q, before %q", after, status("v2", "en/e/fx-2025/index.html"), before)
	}
	if shared := status("v2", "en/e/fx-2025/a/FX-S-2-1.html"); shared != before {
		t.Errorf("the shared precinct page states %q, want %q", shared, before)
	}
}

// TestPublishReuseAsFresh: an export shares the polling stations' pages and
// downloads whose inputs did not change without making them again; after
// an amendment, a new protocol, a complaint and an observer's copy, each
// somewhere else, it holds the same files as an export made from nothing.
func TestPublishReuseAsFresh(t *testing.T) {
	fx := mustFixture(t, nil)
	ctx := context.Background()
	seq, _ := createLog(t, fx)
	sync := func() {
		t.Helper()
		if _, err := seq.Sync(ctx, "fx-2025"); err != nil {
			t.Fatal(err)
		}
	}
	sync()
	dir, fresh := t.TempDir(), t.TempDir()
	publish := func(dir, version string) *web.PublishResult {
		t.Helper()
		res, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: version, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := publish(dir, "v1")
	if first.Reused != 0 {
		t.Errorf("the first export reused %d pages", first.Reused)
	}
	same := publish(dir, "v2")
	// fx-2025 has 10 polling stations, each with a page in 3 languages
	// and 3 downloads.
	if same.Reused != 60 {
		t.Errorf("an export with nothing changed reused %d files, want 60", same.Reused)
	}

	fx.clock.Set(fx.clock.Now().Add(10 * time.Minute))
	amended := sub("parliament-list", "FX-S-2-1", "registered=600 took_part=420 invalid=5 against_all=15 option:alpha=140 option:beta=110 option:gamma=130 option:delta=20")
	amended.Amendment, amended.Reason = true, "Recount"
	fx.submit(t, "fx-2025", amended,
		sub("parliament-list", "FX-N-2-2", "registered=800 took_part=500 invalid=5 against_all=15 option:alpha=200 option:beta=150 option:gamma=100 option:delta=30"))
	if err := fx.intake.FileComplaint(ctx, &dauys.Complaint{Election: "fx-2025", Area: "FX-S-1-1", Text: "The seals were broken", Complainant: "someone"}); err != nil {
		t.Fatal(err)
	}
	if err := fx.store.RegisterOrganisation(ctx, &dauys.Organisation{Election: "fx-2025", Name: "Adal"}); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.intake.Observe(ctx, "fx-2025", "Adal", intake.Submission{Contest: "parliament-list", Area: "FX-C-1-1",
		Lines: lines("registered=2900 took_part=1600 invalid=20 against_all=60 option:alpha=610 option:beta=490 option:gamma=350 option:delta=70")}); err != nil {
		t.Fatal(err)
	}
	sync()
	res := publish(dir, "v3")
	publish(fresh, "v3")
	// Four precincts' pages changed, and two precincts' downloads; the
	// others are reused.
	if res.Reused != 6*3+8*3 {
		t.Errorf("after four precincts changed, %d files reused, want 42", res.Reused)
	}
	var got, want web.Manifest
	readJSON(t, filepath.Join(dir, "v", "v3", ".dauys-manifest.json"), &got)
	readJSON(t, filepath.Join(fresh, "v", "v3", ".dauys-manifest.json"), &want)
	for name, w := range want.Files {
		if strings.HasSuffix(name, ".gz") {
			continue
		}
		g := got.Files[name]
		if gc, wc := cmp.Or(g.Content, g.SHA256), cmp.Or(w.Content, w.SHA256); gc != wc {
			a, _ := os.ReadFile(filepath.Join(dir, "v", "v3", name))
			b, _ := os.ReadFile(filepath.Join(fresh, "v", "v3", name))
			t.Errorf("%s differs from a fresh export's:\n%s\nfresh:\n%s", name, a, b)
		}
	}
	checkManifest(t, filepath.Join(dir, "v", "v3"))
	// The log is read once for the export; its pages show where each
	// version is in it, as the live ones do (TestTransparencyLog).
	page, _ := os.ReadFile(filepath.Join(fresh, "v", "v3", "en", "e", "fx-2025", "a", "FX-N-1-1.html"))
	if n := strings.Count(string(page), `data-k="log-index">In the transparency log: entry `); n != 3 {
		t.Errorf("the exported precinct page shows %d log indexes, want 3", n)
	}

	// A site showing times in another zone reuses no page: each states
	// when its protocols arrived.
	other, err := web.New(web.Config{Store: fx.store, Tally: fx.tally, Now: fx.clock.Now, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	res, err = other.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: "v4", Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Reused != 0 {
		t.Errorf("a site in another zone reused %d files", res.Reused)
	}
}

// TestPublishReuseMissingFile: when a file of the previous export that
// would be reused is gone, the export makes the polling station's files
// again instead of failing, and the files it had already linked are not
// written through into the previous export.
func TestPublishReuseMissingFile(t *testing.T) {
	fx := mustFixture(t, nil)
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: "v1", Workers: 2}); err != nil {
		t.Fatal(err)
	}
	v1 := filepath.Join(dir, "v", "v1", "data", "fx-2025")
	// The JSON and the Excel copy are linked before the CSV is missed.
	if err := os.Remove(filepath.Join(v1, "a", "FX-S-2-1.csv")); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(v1, "a", "FX-S-2-1.json"))
	res, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: "v2", Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Reused != 57 {
		t.Errorf("%d files reused, want 57: all but FX-S-2-1's downloads", res.Reused)
	}
	checkManifest(t, filepath.Join(dir, "v", "v2"))
	if after, _ := os.ReadFile(filepath.Join(v1, "a", "FX-S-2-1.json")); !bytes.Equal(before, after) {
		t.Error("the previous export's JSON changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "v", "v2", "data", "fx-2025", "a", "FX-S-2-1.csv")); err != nil {
		t.Error(err)
	}
}

// TestPublishDownloadsEvery publishes with DownloadsEvery: an export
// within the interval of the one that made the bulk downloads (the CSV
// of areas above the polling stations, their Excel copies and the
// precinct-level files) shares them as they were, while its pages, JSON
// and the polling stations' downloads are current; the pages above the
// polling stations say so. After the interval, or once the results are
// final, an export makes them again.
func TestPublishDownloadsEvery(t *testing.T) {
	fx := mustFixture(t, nil)
	ctx := context.Background()
	dir := t.TempDir()
	publish := func(version string, after time.Duration) *web.PublishResult {
		t.Helper()
		fx.clock.Set(fx.clock.Now().Add(after))
		res, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: version, Workers: 2, DownloadsEvery: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		checkManifest(t, filepath.Join(dir, "v", version))
		return res
	}
	manifest := func(version string) web.Manifest {
		var m web.Manifest
		readJSON(t, filepath.Join(dir, "v", version, ".dauys-manifest.json"), &m)
		return m
	}
	bulk := []string{"data/fx-2025/a/FX.csv", "data/fx-2025/a/FX-S.csv", "data/fx-2025/a/FX-S-2.csv", "data/fx-2025/excel/FX-S-2.csv",
		"data/fx-2025/precincts.csv", "data/fx-2025/precincts.parquet"}
	current := []string{"data/fx-2025/a/FX-S-2-1.csv", "data/fx-2025/excel/FX-S-2-1.csv", "data/fx-2025/a/FX-S-2-1.json",
		"data/fx-2025/a/FX-S-2.json", "data/fx-2025/a/FX.json", "en/e/fx-2025/a/FX-S-2.html", "en/e/fx-2025/a/FX-S-2-1.html"}

	v1 := publish("v1", time.Minute)
	if d := manifest("v1").Downloads; d == nil || d.Version != "v1" || !d.Made.Equal(fx.clock.Now()) || v1.Deferred != 0 {
		t.Fatalf("first export: downloads %+v, result %+v", d, v1)
	}
	made := fx.clock.Now()
	district, _ := os.ReadFile(filepath.Join(dir, "v", "v1", "en", "e", "fx-2025", "a", "FX-S-2.html"))
	if !bytes.Contains(district, []byte(`data-k="downloads-every"`)) || !bytes.Contains(district, []byte("every 60 minutes")) {
		t.Errorf("the district page does not say how often its downloads are made")
	}
	precinct, _ := os.ReadFile(filepath.Join(dir, "v", "v1", "ru", "e", "fx-2025", "a", "FX-S-2-1.html"))
	if bytes.Contains(precinct, []byte(`data-k="downloads-every"`)) {
		t.Errorf("a polling station's page, whose downloads are made in every export, says they are not")
	}

	// Within the interval an amendment changes the pages, the JSON and
	// the polling station's own downloads, but not the bulk downloads.
	amended := sub("parliament-list", "FX-S-2-1", "registered=600 took_part=420 invalid=5 against_all=15 option:alpha=140 option:beta=110 option:gamma=130 option:delta=20")
	amended.Amendment, amended.Reason = true, "Recount"
	fx.submit(t, "fx-2025", amended)
	v2 := publish("v2", time.Minute)
	got := changed(t, dir, "v2")
	for _, f := range current {
		if !slices.Contains(got, f) {
			t.Errorf("within the interval, the amendment did not rewrite %s", f)
		}
	}
	for _, f := range bulk {
		if slices.Contains(got, f) {
			t.Errorf("within the interval, the export made %s again", f)
		}
		a, _ := os.Stat(filepath.Join(dir, "v", "v1", f))
		b, _ := os.Stat(filepath.Join(dir, "v", "v2", f))
		if a == nil || b == nil || !os.SameFile(a, b) {
			t.Errorf("%s is not shared with v1", f)
		}
	}
	if d := manifest("v2").Downloads; d == nil || d.Version != "v1" || !d.Made.Equal(made) {
		t.Errorf("v2 holds the downloads of %+v, want v1's", d)
	}
	if v2.Deferred == 0 || !v2.DownloadsMade.Equal(made) || v2.Files != v1.Files {
		t.Errorf("v2: %+v (v1 %+v)", v2, v1)
	}
	if c, _ := os.ReadFile(filepath.Join(dir, "v", "v2", "data", "fx-2025", "a", "FX-S-2.csv")); bytes.Contains(c, []byte(",140,")) {
		t.Errorf("the kept district CSV has the amended count")
	}

	// Past the interval, measured from the export that made them: made
	// again, with the amendment.
	v3 := publish("v3", time.Hour)
	got = changed(t, dir, "v3")
	for _, f := range bulk {
		if !slices.Contains(got, f) {
			t.Errorf("after the interval, the export did not make %s again", f)
		}
	}
	if c, _ := os.ReadFile(filepath.Join(dir, "v", "v3", "data", "fx-2025", "a", "FX-S-2.csv")); !bytes.Contains(c, []byte(",140,")) {
		t.Errorf("the district CSV made again lacks the amended count:\n%s", c)
	}
	if d := manifest("v3").Downloads; d == nil || d.Version != "v3" || v3.Deferred != 0 {
		t.Errorf("v3: downloads %+v, result %+v", d, v3)
	}

	// Final results: every export makes them, and no page speaks of an
	// interval.
	amended.Lines["option:alpha"], amended.Lines["option:beta"] = 139, 111
	fx.submit(t, "fx-2025", amended)
	if err := fx.store.SetElectionStatus(ctx, "fx-2025", dauys.StatusCertified); err != nil {
		t.Fatal(err)
	}
	v4 := publish("v4", time.Minute)
	got = changed(t, dir, "v4")
	if !slices.Contains(got, "data/fx-2025/a/FX-S-2.csv") || v4.Deferred != 0 {
		t.Errorf("final results: the district CSV was not made again (%+v)", v4)
	}
	district, _ = os.ReadFile(filepath.Join(dir, "v", "v4", "en", "e", "fx-2025", "a", "FX-S-2.html"))
	if bytes.Contains(district, []byte(`data-k="downloads-every"`)) {
		t.Errorf("with final results, the district page still speaks of an interval")
	}
}
