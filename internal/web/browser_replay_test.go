package web_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/dauys/dauys"
	"github.com/dauys/dauys/examples"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/web"
)

// replaysNewestFirst are the demo's replays in the order the front page
// lists them.
var replaysNewestFirst = []string{"kz-referendum-2026", "kz-referendum-2024", "kz-2023", "kz-president-2022", "kz-referendum-2022"}

// TestBrowserReplays defines the five replays of the demo in a real
// SQLite store, plays the 2024 referendum's simulated protocols into it,
// and walks Chromium from the front page, which lists them newest first,
// into each of them in Kazakh, Russian and English: every election page
// carries the notice, in the page's language, that its precinct figures
// are simulated so that they add up to the official totals; the replayed
// referendum shows the official turnout and yes share, and its integrity
// page says that its tests test the simulation.
func TestBrowserReplays(t *testing.T) {
	needBrowser(t)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "replays.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	in := intake.New(st, time.Now)
	for _, id := range replaysNewestFirst {
		sub, err := fs.Sub(examples.FS, id)
		if err != nil {
			t.Fatal(err)
		}
		data, err := fs.ReadFile(sub, "election.yaml")
		if err != nil {
			t.Fatal(err)
		}
		def, err := definition.ParseWith(data, id+"/election.yaml", sub, definition.Options{CheckRules: rules.Check})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateElection(ctx, def); err != nil {
			t.Fatal(err)
		}
	}
	// The 2024 referendum's night, all at once.
	const played = "kz-referendum-2024"
	e, err := in.Elections().Load(ctx, played)
	if err != nil {
		t.Fatal(err)
	}
	f, err := examples.FS.Open(played + "/" + e.Replay.Totals)
	if err != nil {
		t.Fatal(err)
	}
	totals, err := demo.ReadTotals(f, e.Replay.Totals)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	night, err := demo.Replay(e, totals, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{dauys.StatusVoting, dauys.StatusCounting} {
		if err := st.SetElectionStatus(ctx, played, s); err != nil {
			t.Fatal(err)
		}
	}
	in.Elections().Forget(played)
	if _, err := (&demo.Player{Intake: in}).Play(ctx, played, night); err != nil {
		t.Fatal(err)
	}
	if err := st.SetElectionStatus(ctx, played, dauys.StatusComplete); err != nil {
		t.Fatal(err)
	}
	in.Elections().Forget(played)

	tl := tally.New(st, in.Elections())
	api := httpapi.New(httpapi.Config{Store: st, Intake: in, Tally: tl})
	site, err := web.New(web.Config{Store: st, Tally: tl})
	if err != nil {
		t.Fatal(err)
	}
	site.Register(api.Mux())
	srv := httptest.NewServer(api)
	defer srv.Close()
	b := startBrowser(t, srv.URL)

	notice := map[string]map[string]string{}
	for _, lang := range []string{"kk", "ru", "en"} {
		data, err := os.ReadFile(filepath.Join("locales", lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		notice[lang] = map[string]string{}
		for _, k := range []string{"ReplayNotice", "IntegrityReplay"} {
			notice[lang][k], _ = m[k].(string)
		}
	}
	if !strings.Contains(notice["en"]["ReplayNotice"], "simulated") {
		t.Errorf("the English notice does not say simulated: %q", notice["en"]["ReplayNotice"])
	}

	langs := []string{"kk", "ru", "en"}
	for i, id := range replaysNewestFirst {
		lang := langs[i%len(langs)]
		b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/"+lang+"/index.html")))
		if i == 0 {
			order, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('ul.elections li h2 a')].map(a => a.getAttribute('href'))`))
			b.must(err)
			if len(order) != len(replaysNewestFirst) {
				t.Fatalf("the front page lists %d elections, want %d: %v", len(order), len(replaysNewestFirst), order)
			}
			for k, want := range replaysNewestFirst {
				if !strings.Contains(order[k], "/e/"+want+"/") {
					t.Errorf("the front page lists %v, want newest first: %v", order, replaysNewestFirst)
					break
				}
			}
			if n := b.eval(`document.querySelectorAll('ul.elections [data-k="replay"]').length`); n != "5" {
				t.Errorf("%s replays marked on the front page, want 5", n)
			}
			b.shot("replays-01-home-" + lang)
		}
		b.click(`ul.elections a[href*="/e/` + id + `/"]`)
		b.expectPath("/" + lang + "/e/" + id + "/index.html")
		got := b.eval(`(document.querySelector('[data-k="replay"]') || {}).textContent`)
		if got != notice[lang]["ReplayNotice"] {
			t.Errorf("%s in %s: the notice reads %q, want %q", id, lang, got, notice[lang]["ReplayNotice"])
		}
		// A contest page of the same election carries it too.
		b.click(`a[href*="/e/` + id + `/c/"]`)
		if got := b.eval(`(document.querySelector('[data-k="replay"]') || {}).textContent`); got != notice[lang]["ReplayNotice"] {
			t.Errorf("%s in %s, %s: the notice reads %q", id, lang, b.path(), got)
		}
		b.shot("replays-" + id + "-" + lang)
	}

	// The played referendum: the CRC's turnout and yes share on the
	// English overview, and the integrity page's caveat.
	b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/en/e/"+played+"/index.html")))
	if got := b.eval(`(document.querySelector('[data-k="turnout"]') || {}).textContent`); got != "63.66%" {
		t.Errorf("the replayed turnout reads %q, want the CRC's 63.66%%", got)
	}
	if body := b.eval(`document.body.textContent`); !strings.Contains(body, "71.12%") {
		t.Error("the replayed overview does not show the CRC's yes share of 71.12%")
	}
	b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/en/e/"+played+"/integrity.html")))
	if got := b.eval(`(document.querySelector('[data-k="integrity-replay"]') || {}).textContent`); got != notice["en"]["IntegrityReplay"] {
		t.Errorf("the integrity page's replay caveat reads %q", got)
	}
	b.checkConsole()
}
