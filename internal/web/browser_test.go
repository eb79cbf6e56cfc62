package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/web"
)

// chromium is Debian's browser, which the browser test drives.
const chromium = "/usr/bin/chromium"

// TestBrowser loads the demo night into a real SQLite store, serves the API
// and the site on a loopback port, and drives Chromium through them as a
// reader would: the Kazakh home page, the election, a switch to Russian,
// down from the country to a region, a district and a polling station,
// and to English. On every page the numbers on the screen are checked
// against the JSON API; an amendment then changes a polling station's
// numbers on the open page without a reload. Screenshots at a phone's and
// a desktop's width are saved in $DAUYS_TEST_OUT/browser (or a temporary
// folder).
func TestBrowser(t *testing.T) {
	needBrowser(t)
	d := loadDemo(t)
	api := httpapi.New(httpapi.Config{Store: d.store, Intake: d.intake, Tally: d.tally})
	// Short freshness and polling, so that a live update shows within
	// seconds.
	site, err := web.New(web.Config{Store: d.store, Tally: d.tally,
		Freshness: 200 * time.Millisecond, PollEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	site.Register(api.Mux())
	srv := httptest.NewServer(api)
	defer srv.Close()
	b := startBrowser(t, srv.URL)
	ctx := b.ctx

	// The Kazakh home page, where / leads.
	b.must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")))
	b.expectPath("/kk/")
	b.expectLang("kk")
	b.shot("01-home-kk-phone")

	// The election, still in Kazakh.
	b.click(`ul.elections a[href*="kz-2023"]`)
	b.expectPath("/kk/e/kz-2023/index.html")
	b.checkFigures("KZ")
	b.shot("02-overview-kk-phone")

	// Russian, on the same page.
	b.click(`.langs a[hreflang="ru"]`)
	b.expectLang("ru")
	b.expectPath("/ru/e/kz-2023/index.html")
	b.checkFigures("KZ")
	b.shot("03-overview-ru-phone")

	// Down to Almaty, its first district and that district's first
	// polling station.
	b.click(`table.children a[href$="/a/KZ-75.html"]`)
	b.expectPath("/ru/e/kz-2023/a/KZ-75.html")
	b.expectHeading("KZ-75", "ru")
	b.checkFigures("KZ-75")
	b.shot("04-region-ru-phone")
	// A colour chip (a class of the stylesheet) shows its party's colour,
	// AMANAT's first colour of the palette.
	if got := b.eval(`getComputedStyle(document.querySelector("main i.chip.k0")).borderTopColor`); got != "rgb(0, 114, 178)" {
		t.Errorf("AMANAT's chip is %s, want rgb(0, 114, 178)", got)
	}

	b.click(`table.children tbody tr:first-child th a`)
	district := b.areaInPath()
	b.expectHeading(district, "ru")
	b.checkFigures(district)
	b.shot("05-district-ru-phone")

	b.click(`table.children tbody tr:first-child th a`)
	precinct := b.areaInPath()
	b.checkProtocol(precinct)
	b.shot("06-precinct-ru-phone")

	// English keeps the polling station.
	b.click(`.langs a[hreflang="en"]`)
	b.expectLang("en")
	b.expectPath("/en/e/kz-2023/a/" + precinct + ".html")
	b.checkProtocol(precinct)
	b.shot("07-precinct-en-phone")

	// An amendment arrives: the open page shows it without a reload.
	b.liveAmendment(d, precinct)
	b.shot("08-precinct-amended-en-phone")

	// Wider pages at a desktop's width.
	b.must(chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
	b.must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/en/e/kz-2023/index.html")))
	b.checkFigures("KZ")
	b.shot("09-overview-en-desktop")
	b.must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/kk/e/kz-2023/c/mazhilis-list.html")))
	b.checkSeats("mazhilis-list")
	b.shot("10-party-list-kk-desktop")
	b.must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/en/e/kz-2023/districts.html")))
	b.shot("11-districts-en-desktop")
	b.must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/ru/e/kz-2023/a/KZ-75.html")))
	b.shot("12-region-ru-desktop")

	// The search form finds polling stations by number.
	b.must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q"), "105")))
	b.click(`form.search button`)
	if n, _ := strconv.Atoi(b.eval(`document.querySelectorAll('ul.results li').length`)); n == 0 {
		t.Error("searching for 105 found nothing")
	}
	b.shot("13-search-ru-desktop")

	b.checkConsole()
	t.Logf("screenshots in %s", b.out)
}

// waitBound is how long a browser test waits for something that should
// happen within seconds (a page to load, a live update to show: the pages
// poll every 15 s): long, so that a busy machine does not fail it, since
// the wait ends as soon as the condition holds.
const waitBound = 2 * time.Minute

// needBrowser skips a test without Chromium, except in CI, where its
// absence is a failure.
func needBrowser(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; CI must install Debian's chromium for the browser tests", chromium)
		}
		t.Skipf("skipping the browser test: %s is not installed (apt-get install chromium)", chromium)
	}
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("skipping the browser test in -short mode")
	}
}

// startBrowser starts a headless Chromium with a fresh profile, at a
// phone's width.
func startBrowser(t *testing.T, base string) *browser {
	t.Helper()
	out := t.TempDir()
	if dir := os.Getenv("DAUYS_TEST_OUT"); dir != "" {
		out = filepath.Join(dir, "browser")
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The session ends with the test: a fixed bound here (it was 90 s)
	// failed the longer browser tests on a busy machine, although nothing
	// was wrong; each wait below has its own generous deadline.
	deadline, ok := t.Deadline()
	if !ok {
		deadline = time.Now().Add(30 * time.Minute)
	}
	parent, cancelTimeout := context.WithDeadline(context.Background(), deadline.Add(-10*time.Second))
	t.Cleanup(cancelTimeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(parent,
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: ctx, base: base, out: out}
	b.must(chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)))
	b.watchConsole()
	return b
}

// liveAmendment amends the party-list protocol of the polling station on
// the screen and waits for the page to show the new numbers, checking that
// the page was not reloaded.
func (b *browser) liveAmendment(d *demoData, precinct string) {
	b.t.Helper()
	b.eval(`window.dauysNotReloaded = true`)
	r := b.results(precinct)
	c := r.Contests[r.contest(b.t, "mazhilis-list")]
	lines := map[string]int64{}
	for k, v := range c.Protocol.Lines {
		lines[k] = v
	}
	n := min(3, lines["option:amanat"])
	lines["option:amanat"] -= n
	lines["option:auyl"] += n
	res, err := d.intake.Submit(context.Background(), demoElection, []intake.Submission{{Contest: "mazhilis-list", Area: precinct,
		Lines: lines, Amendment: true, Reason: "Browser test: a recount moved votes", AcknowledgeWarnings: true}})
	b.must(err)
	b.must(res[0].Err)
	want := fmt.Sprint(lines["option:auyl"])
	deadline := time.Now().Add(waitBound)
	for {
		got := b.eval(`(document.querySelector('section.protocol tr[data-line="option:auyl"] td') || {}).textContent`)
		if strings.Map(keepDigitsSlash, got) == want {
			break
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("after an amendment the page shows %q for Auyl, want %s", got, want)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if b.eval(`window.dauysNotReloaded === true`) != "true" {
		b.t.Error("the page was reloaded to show the amendment")
	}
	if b.eval(`document.querySelectorAll('ol.versions li').length`) == "1" {
		b.t.Error("the amended protocol shows one version")
	}
}

// browser is the state of the browser test.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	out  string

	mu      sync.Mutex
	console []string
}

func (b *browser) must(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
}

// click clicks a link or button and waits for the next page to load.
func (b *browser) click(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitBound)
	defer cancel()
	loaded := chromedp.Events(ctx, page.LoadEventFired)
	b.must(chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)))
	for _, err := range loaded {
		if err != nil {
			b.t.Fatalf("click %s: no page loaded: %v", sel, err)
		}
		break
	}
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`String(`+js+`)`))
	b.must(err)
	return v
}

func (b *browser) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	b.must(err)
	return strings.TrimPrefix(loc, b.base)
}

func (b *browser) expectPath(want string) {
	b.t.Helper()
	if got := b.path(); got != want {
		b.t.Fatalf("at %s, want %s", got, want)
	}
}

func (b *browser) expectLang(want string) {
	b.t.Helper()
	if got := b.eval(`document.documentElement.lang`); got != want {
		b.t.Fatalf("page language %q, want %q", got, want)
	}
}

// areaInPath returns the area id of an area page's URL.
func (b *browser) areaInPath() string {
	b.t.Helper()
	p := b.path()
	i := strings.LastIndex(p, "/a/")
	if i < 0 || !strings.HasSuffix(p, ".html") {
		b.t.Fatalf("%s is not an area page", p)
	}
	return strings.TrimSuffix(p[i+3:], ".html")
}

// shot saves a full-page screenshot.
func (b *browser) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	b.must(err)
	b.must(os.WriteFile(filepath.Join(b.out, name+".png"), png, 0o644))
}

// results asks the JSON API for an area's results.
func (b *browser) results(area string) apiResults {
	b.t.Helper()
	res, err := http.Get(b.base + "/api/v1/elections/kz-2023/results?area=" + area)
	b.must(err)
	defer res.Body.Close()
	var r apiResults
	b.must(json.NewDecoder(res.Body).Decode(&r))
	return r
}

type apiResults struct {
	Area struct {
		ID   string            `json:"id"`
		Name map[string]string `json:"name"`
	} `json:"area"`
	Contests []struct {
		Contest  string           `json:"contest"`
		Lines    map[string]int64 `json:"lines"`
		Progress struct {
			Reported int64 `json:"precincts_reported"`
			Expected int64 `json:"precincts_expected"`
		} `json:"progress"`
		Outcome *struct {
			Seats []struct {
				Option string `json:"option"`
				Seats  int    `json:"seats"`
			} `json:"seats"`
			Explanation struct {
				Turnout *struct {
					PercentHundredths string `json:"percent_hundredths"`
				} `json:"turnout"`
			} `json:"explanation"`
		} `json:"outcome"`
		Protocol *struct {
			Lines map[string]int64 `json:"lines"`
		} `json:"protocol"`
	} `json:"contests"`
}

func (r apiResults) contest(t *testing.T, id string) int {
	t.Helper()
	for i, c := range r.Contests {
		if c.Contest == id {
			return i
		}
	}
	t.Fatalf("the API has no contest %s in %s", id, r.Area.ID)
	return -1
}

// digits reads a number as the page writes it, in any language's style.
func digits(s string) int64 {
	var n int64
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n = n*10 + int64(r-'0')
		}
	}
	return n
}

func (b *browser) expectHeading(area, lang string) {
	b.t.Helper()
	want := b.results(area).Area.Name[lang]
	if got := strings.TrimSpace(b.eval(`document.querySelector('h1').textContent`)); got != want {
		b.t.Errorf("heading %q, want %q", got, want)
	}
}

// checkFigures compares the key figures on an area page (those of the
// party-list contest) with the API.
func (b *browser) checkFigures(area string) {
	b.t.Helper()
	r := b.results(area)
	c := r.Contests[r.contest(b.t, "mazhilis-list")]
	// "Took part" and the turnout are the CEC's: the voters who received
	// ballots (the issued line where a form has one, else took_part, which
	// the Kazakh form defines so), not the ballots found in the boxes.
	voters := c.Lines["took_part"]
	if n := rules.Issued(c.Lines); n > 0 {
		voters = n
	}
	for _, f := range []struct {
		key  string
		want int64
	}{{"took_part", voters}, {"registered", c.Lines["registered"]}} {
		text := b.eval(fmt.Sprintf(`document.querySelector('dd[data-k=%q]').textContent`, f.key))
		if got := digits(text); got != f.want {
			b.t.Errorf("%s: %s on the screen is %q (%d), the API says %d", area, f.key, text, got, f.want)
		}
	}
	turnout := decide.Percent(voters, c.Lines["registered"])
	if o := c.Outcome; o != nil && o.Explanation.Turnout != nil && o.Explanation.Turnout.PercentHundredths != turnout {
		b.t.Errorf("%s: the API's turnout is %s%%, issued/registered is %s%%", area, o.Explanation.Turnout.PercentHundredths, turnout)
	}
	if text := b.eval(`document.querySelector('dd[data-k="turnout"]').textContent`); digits(text) != digits(turnout) {
		b.t.Errorf("%s: the turnout on the screen is %q, issued/registered is %s%%", area, text, turnout)
	}
	reported := b.eval(`document.querySelector('dd[data-k="reported"]').textContent`)
	if want := fmt.Sprintf("%d/%d", c.Progress.Reported, c.Progress.Expected); !strings.HasPrefix(strings.Map(keepDigitsSlash, reported), want) {
		b.t.Errorf("%s: precincts reported on the screen %q, the API says %s", area, reported, want)
	}
	// Every option's votes in the party-list card.
	rows := b.eval(`JSON.stringify(Array.from(document.querySelectorAll('section.card')).filter(s => s.querySelector('h2 a[href$="/c/mazhilis-list.html"]'))
		.flatMap(s => Array.from(s.querySelectorAll('tr[data-option] td[data-k=votes]')).map(td => [td.parentElement.dataset.option, td.textContent])))`)
	var cells [][2]string
	b.must(json.Unmarshal([]byte(rows), &cells))
	if len(cells) == 0 {
		b.t.Errorf("%s: no votes on the screen", area)
	}
	for _, cell := range cells {
		line := "option:" + cell[0]
		if cell[0] == "against_all" {
			line = "against_all"
		}
		if got, want := digits(cell[1]), c.Lines[line]; got != want {
			b.t.Errorf("%s: %s on the screen %q, the API says %d", area, cell[0], cell[1], want)
		}
	}
}

func keepDigitsSlash(r rune) rune {
	if r >= '0' && r <= '9' || r == '/' {
		return r
	}
	return -1
}

// checkProtocol compares every line of a polling station's party-list
// protocol on the screen with the API.
func (b *browser) checkProtocol(precinct string) {
	b.t.Helper()
	r := b.results(precinct)
	c := r.Contests[r.contest(b.t, "mazhilis-list")]
	if c.Protocol == nil {
		b.t.Fatalf("%s has no protocol in the API", precinct)
	}
	rows := b.eval(`JSON.stringify(Array.from(document.querySelectorAll('section.protocol')).filter(s => s.querySelector('h2 a[href$="/c/mazhilis-list.html"]'))
		.flatMap(s => Array.from(s.querySelectorAll('tr[data-line]')).map(tr => [tr.dataset.line, tr.querySelector('td').textContent])))`)
	var cells [][2]string
	b.must(json.Unmarshal([]byte(rows), &cells))
	if len(cells) != len(c.Protocol.Lines) {
		b.t.Errorf("%s: %d protocol lines on the screen, %d in the API", precinct, len(cells), len(c.Protocol.Lines))
	}
	for _, cell := range cells {
		if got, want := digits(cell[1]), c.Protocol.Lines[cell[0]]; got != want {
			b.t.Errorf("%s: line %s on the screen %q, the API says %d", precinct, cell[0], cell[1], want)
		}
	}
}

// checkSeats compares the seats on a party-list page with the API.
func (b *browser) checkSeats(contest string) {
	b.t.Helper()
	r := b.results("KZ")
	c := r.Contests[r.contest(b.t, contest)]
	rows := b.eval(`JSON.stringify(Array.from(document.querySelectorAll('table.seats tr[data-option]')).map(tr => [tr.dataset.option, tr.querySelector('td[data-k=seats]').textContent]))`)
	var cells [][2]string
	b.must(json.Unmarshal([]byte(rows), &cells))
	want := map[string]int64{}
	for _, s := range c.Outcome.Seats {
		if s.Seats > 0 {
			want[s.Option] = int64(s.Seats)
		}
	}
	if len(cells) != len(want) {
		b.t.Errorf("%d lists with seats on the screen, %d in the API", len(cells), len(want))
	}
	for _, cell := range cells {
		if got := digits(cell[1]); got != want[cell[0]] {
			b.t.Errorf("%s: %d seats on the screen, the API says %d", cell[0], got, want[cell[0]])
		}
	}
}

// watchConsole collects what the pages write to the console: a violation
// of the Content-Security-Policy or a script error shows there.
func (b *browser) watchConsole() {
	msgs := chromedp.Console(b.ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException || strings.Contains(m.Text, "Content Security Policy") {
				b.mu.Lock()
				b.console = append(b.console, string(m.Type)+": "+m.Text)
				b.mu.Unlock()
			}
		}
	}()
}

func (b *browser) checkConsole() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console {
		b.t.Errorf("browser console: %s", m)
	}
}

// TestBrowserStatic exports the fixture, serves the folder as files, and
// checks in Chromium what only the script does there: search in the
// browser, and moving an open page to the next export when current.json
// names it, without a reload.
func TestBrowserStatic(t *testing.T) {
	needBrowser(t)
	fx := mustFixture(t, func(c *web.Config) { c.PollEvery = time.Second })
	dir := t.TempDir()
	ctx := context.Background()
	if _, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		files.ServeHTTP(rec, r)
		if rec.status == http.StatusNotFound {
			t.Errorf("the exported site has no %s", r.URL)
		}
	}))
	defer srv.Close()
	b := startBrowser(t, srv.URL)

	// The root index leads to the current version (net/http.FileServer
	// shows index.html as its folder).
	b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/")))
	b.must(chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS("ul.elections"))))
	b.expectPath("/v/v1/kk/")

	b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/v/v1/en/e/fx-2025/search.html?q=2")))
	b.must(chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS("#search-results ul.results"))))
	links := b.eval(`Array.from(document.querySelectorAll('#search-results a')).map(a => a.getAttribute('href')).join(' ')`)
	for _, want := range []string{"a/FX-N-1-2.html", "a/FX-C-1-2.html"} {
		if !strings.Contains(links, want) {
			t.Errorf("static search for 2: no %s in %s", want, links)
		}
	}
	b.shot("20-static-search-en-phone")

	b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/v/v1/en/e/fx-2025/a/FX-N-2-2.html")))
	b.eval(`window.dauysNotReloaded = true`)
	fx.submit(t, "fx-2025", sub("parliament-list", "FX-N-2-2", "registered=800 took_part=500 invalid=5 against_all=15 option:alpha=200 option:beta=200 option:gamma=60 option:delta=20"))
	fx.clock.Set(fixedNow.Add(time.Hour))
	if _, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-2025", Dir: dir, Version: "v2"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitBound)
	for b.eval(`(document.querySelector('tr[data-line="option:beta"] td') || {}).textContent`) != "200" {
		if time.Now().After(deadline) {
			t.Fatal("the open page did not move to the new export")
		}
		time.Sleep(250 * time.Millisecond)
	}
	b.expectPath("/v/v2/en/e/fx-2025/a/FX-N-2-2.html")
	if b.eval(`window.dauysNotReloaded === true`) != "true" {
		t.Error("the page was reloaded to show the new export")
	}
	b.shot("21-static-updated-en-phone")
	b.checkConsole()
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
