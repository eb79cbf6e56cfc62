package web_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/mod/sumdb/note"

	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/web"
)

// viewports are the widths every page must fit: a small phone and a
// desktop.
var viewports = []struct {
	name          string
	width, height int64
	mobile        bool
}{{"phone", 360, 740, true}, {"desktop", 1366, 768, false}}

// TestBrowserFits is the regression test of issue #18's phone defects: every
// kind of page (the overview, a contest, a region, a district, a polling
// station, the integrity page, the list of districts, the verification
// page, a search, and the overview and the verification page with the
// transparency log) in Kazakh, Russian and English fits the window's
// width at 360 px and at 1366 px, no content being wider than the page, and
// the headline outcome of the overview and the contest pages is on the
// phone's first screen.
func TestBrowserFits(t *testing.T) {
	needBrowser(t)
	d := loadDemo(t)
	api := httpapi.New(httpapi.Config{Store: d.store, Intake: d.intake, Tally: d.tally})
	site, err := web.New(web.Config{Store: d.store, Tally: d.tally})
	if err != nil {
		t.Fatal(err)
	}
	site.Register(api.Mux())
	srv := httptest.NewServer(api)
	defer srv.Close()
	b := startBrowser(t, srv.URL)

	// The Mazhilis as a whole: 69 seats by lists and 29 in districts, in
	// one chart and table on the overview.
	overview := get(t, api, "/en/e/kz-2023/index.html").Body.String()
	for _, want := range []string{`<h2 id="body-mazhilis-h">The Mazhilis as a whole: 98 seats</h2>`,
		`<tfoot><tr><th scope="row">Total</th><td class="num">69</td><td class="num">29</td><td class="num">98</td></tr></tfoot>`,
		`class="chart hemicycle"`} {
		if !strings.Contains(overview, want) {
			t.Errorf("the overview lacks %q", want)
		}
	}

	// The election's pages: one of each kind, found by following links.
	e := "/e/kz-2023/"
	pages := []string{e + "index.html", e + "c/mazhilis-list.html", e + "a/KZ-75.html", e + "integrity.html", e + "districts.html",
		e + "verify.html", e + "search.html?q=105"}
	b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/kk"+e+"index.html")))
	for _, h := range strings.Fields(b.eval(`Array.from(new Set(Array.from(document.querySelectorAll('a[href*="/c/"]')).map(a => a.pathname))).join(' ')`)) {
		if p := e + h[strings.Index(h, "/c/")+1:]; !contains(pages, p) {
			pages = append(pages, p)
		}
	}
	b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/kk"+e+"a/KZ-75.html")))
	district := b.eval(`document.querySelector('table.children tbody tr:first-child th a').pathname`)
	b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+district)))
	precinct := b.eval(`document.querySelector('table.children tbody tr:first-child th a').pathname`)
	pages = append(pages, e+district[strings.Index(district, "/a/")+1:], e+precinct[strings.Index(precinct, "/a/")+1:])
	headline := map[string]bool{pages[0]: true, pages[1]: true}

	for _, v := range viewports {
		b.must(chromedp.Do(b.ctx, chromedp.EmulateViewport(v.width, v.height, emulate(v.mobile))))
		for _, lang := range []string{"kk", "ru", "en"} {
			for _, p := range pages {
				b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/"+lang+p)))
				what := lang + p + " at " + v.name
				if p == e+"integrity.html" {
					b.waitSignals(srv.URL + "/" + lang + p)
				}
				b.fits(what)
				if v.mobile && p == e+"integrity.html" {
					// Long sections fold: the page is a few screens, not thirty.
					if h := digits(b.eval(`document.documentElement.scrollHeight`)); h > maxIntegrityHeight {
						t.Errorf("%s is %d px tall, more than %d", what, h, maxIntegrityHeight)
					}
				}
				if v.mobile {
					b.eval(`document.querySelectorAll('details.turnout-map').forEach(d => d.open = true)`)
					b.mapsLegible(what)
					b.fits(what + " with the turnout map open")
				}
				if v.mobile && headline[p] {
					b.headlineOnFirstScreen(what, v.height)
					b.shot("40-fit-" + lang + "-" + strings.TrimSuffix(p[strings.LastIndex(p, "/")+1:], ".html") + "-phone")
				}
			}
		}
	}

	// The polling day's pages.
	day := dayFixture(t, nil)
	daySrv := httptest.NewServer(day.site.Handler())
	defer daySrv.Close()
	for _, v := range viewports {
		b.must(chromedp.Do(b.ctx, chromedp.EmulateViewport(v.width, v.height, emulate(v.mobile))))
		for _, lang := range []string{"kk", "ru", "en"} {
			for _, p := range []string{"index.html", "a/DY-A.html", "a/DY-A-1.html"} {
				b.must(chromedp.Do(b.ctx, chromedp.Navigate(daySrv.URL+"/"+lang+"/e/fx-day/"+p)))
				b.fits(lang + "/e/fx-day/" + p + " at " + v.name)
			}
		}
	}

	// The overview with its transparency log's checkpoint.
	fx := mustFixture(t, func(c *web.Config) { c.Freshness = time.Nanosecond })
	logFixture(t, fx)
	fxSrv := httptest.NewServer(fx.site.Handler())
	defer fxSrv.Close()
	for _, v := range viewports {
		b.must(chromedp.Do(b.ctx, chromedp.EmulateViewport(v.width, v.height, emulate(v.mobile))))
		for _, lang := range []string{"kk", "ru", "en"} {
			b.must(chromedp.Do(b.ctx, chromedp.Navigate(fxSrv.URL+"/"+lang+"/e/fx-2025/index.html")))
			if b.eval(`document.querySelector('[data-k="log-root"]') !== null`) != "true" {
				t.Fatalf("the %s overview shows no log root", lang)
			}
			b.fits(lang + "/e/fx-2025/index.html with its log at " + v.name)
			b.must(chromedp.Do(b.ctx, chromedp.Navigate(fxSrv.URL+"/"+lang+"/e/fx-2025/verify.html")))
			if b.eval(`document.querySelector('[data-k="verify-command"]') !== null`) != "true" {
				t.Fatalf("the %s verification page shows no command", lang)
			}
			b.fits(lang + "/e/fx-2025/verify.html with its log at " + v.name)
		}
	}
	b.checkConsole()
}

// maxIntegrityHeight is how tall the demo's integrity page may be on a 360
// px phone: about eight screens (it was 21,655 px with every contest's
// outlook open).
const maxIntegrityHeight = 6000

// waitSignals reloads an integrity page until its statistics are computed.
func (b *browser) waitSignals(url string) {
	b.t.Helper()
	deadline := time.Now().Add(waitBound)
	for b.eval(`document.querySelector('[data-k="signals-pending"]') !== null`) == "true" {
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: the statistics were not computed in %v", url, waitBound)
		}
		time.Sleep(250 * time.Millisecond)
		b.must(chromedp.Do(b.ctx, chromedp.Navigate(url)))
	}
}

// minMapText is the smallest size, in CSS pixels, of a map's labels on
// the screen.
const minMapText = 10.5

// mapsLegible checks that every label of a cartogram is at least
// minMapText pixels on the screen and that no two tiles have the same
// label.
func (b *browser) mapsLegible(what string) {
	b.t.Helper()
	small := b.eval(`Array.from(document.querySelectorAll('svg.tilemap')).filter(svg => svg.getBoundingClientRect().width > 0).flatMap(svg => {
		const k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
		return Array.from(svg.querySelectorAll('text')).filter(t => parseFloat(getComputedStyle(t).fontSize) * k < ` + fmt.Sprint(minMapText) + `)
			.map(t => t.textContent + ' ' + (parseFloat(getComputedStyle(t).fontSize) * k).toFixed(1) + 'px');
	}).slice(0, 5).join(' | ')`)
	if small != "" {
		b.t.Errorf("%s: map labels smaller than %v px: %s", what, minMapText, small)
	}
	same := b.eval(`Array.from(document.querySelectorAll('svg.tilemap')).flatMap(svg => {
		const seen = {};
		return Array.from(svg.querySelectorAll('a')).map(a => Array.from(a.querySelectorAll('text.tile-label')).map(t => t.textContent).join(' ') ||
			(a.nextElementSibling && a.nextElementSibling.tagName === 'text' ? '' : '')).filter(l => l !== '' && (seen[l] = (seen[l] || 0) + 1) === 2);
	}).join(' | ')`)
	if same != "" {
		b.t.Errorf("%s: two tiles labelled %s", what, same)
	}
	stripes := b.eval(`Array.from(document.querySelectorAll('svg.tilemap')).flatMap(svg => {
		const seen = {};
		return Array.from(svg.querySelectorAll('text.stripe-label')).map(t => t.textContent).filter(l => (seen[l] = (seen[l] || 0) + 1) === 2);
	}).join(' | ')`)
	if stripes != "" {
		b.t.Errorf("%s: two regions of the districts map labelled %s", what, stripes)
	}
}

func emulate(mobile bool) chromedp.EmulateViewportOption {
	if mobile {
		return chromedp.EmulateMobile
	}
	return chromedp.EmulateScale(1)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fits checks that the page does not scroll sideways and that nothing in it
// is cut: no element's content is wider than its box unless the box
// scrolls (a table's own scroll box), and no number of a results table
// lies outside the window.
func (b *browser) fits(what string) {
	b.t.Helper()
	b.noSidewaysScroll(what)
	b.wordsWhole(what)
	cut := b.eval(`Array.from(document.querySelectorAll('main td.num, main td[data-k], main code')).filter(el => {
		if (el.closest('details:not([open])') || el.closest('.sr-only') || el.classList.contains('detail')) return false;
		const r = el.getBoundingClientRect();
		if (r.width === 0) return false;
		let right = window.innerWidth;
		for (let p = el.parentElement; p; p = p.parentElement) {
			if (getComputedStyle(p).overflowX !== 'visible') { right = Math.min(right, p.getBoundingClientRect().right); break; }
		}
		return r.right > right + 1 || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' && el.tagName === 'CODE' && el.closest('pre') === null;
	}).slice(0, 5).map(el => (el.closest('table') || el).className + ' ' + el.tagName + '.' + el.className + ' ' + el.textContent.trim().slice(0, 40)).join(' | ')`)
	if cut != "" {
		b.t.Errorf("%s cuts: %s", what, cut)
	}
}

// wordsWhole checks that the names in the tables wrap between words,
// never inside one: a word (letters between spaces, hyphens and slashes)
// of a table's name cell lies on one line.
func (b *browser) wordsWhole(what string) {
	b.t.Helper()
	broken := b.eval(`Array.from(document.querySelectorAll('main table tbody th, main table tbody td:not(.num)')).filter(el =>
		!el.closest('details:not([open])') && !el.closest('.sr-only') && el.getBoundingClientRect().width > 0).flatMap(el => {
		const out = [];
		const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			if (n.parentElement.closest('code, .sr-only')) continue;
			for (const m of n.textContent.matchAll(/[^\s\-‐–—\/]{2,}/gu)) {
				const r = document.createRange();
				r.setStart(n, m.index);
				r.setEnd(n, m.index + m[0].length);
				const tops = new Set(Array.from(r.getClientRects()).filter(q => q.width > 0).map(q => Math.round(q.top)));
				if (tops.size > 1) out.push(m[0]);
			}
		}
		return out;
	}).slice(0, 5).join(' | ')`)
	if broken != "" {
		b.t.Errorf("%s: words broken across lines in tables: %s", what, broken)
	}
}

// headlineOnFirstScreen checks that the page's headline outcome starts
// within the first screen.
func (b *browser) headlineOnFirstScreen(what string, height int64) {
	b.t.Helper()
	top := b.eval(`(() => { const h = document.querySelector('.headline'); return h ? Math.round(h.getBoundingClientRect().top + window.scrollY) : -1 })()`)
	n := digits(top)
	if top == "-1" || n >= height {
		b.t.Errorf("%s: the headline outcome starts at %s px, below the first %d px", what, top, height)
	}
}

// logFixture creates the fixture's transparency log and its first
// checkpoint.
func logFixture(t *testing.T, fx *fixture) {
	t.Helper()
	seq, _ := createLog(t, fx)
	if _, err := seq.Sync(context.Background(), "fx-2025"); err != nil {
		t.Fatal(err)
	}
	fx.clock.Set(fixedNow.Add(time.Second))
}

// createLog creates the fixture's transparency log, without a checkpoint,
// and returns the sequencer that signs its checkpoints and the log's
// verifier key.
func createLog(t *testing.T, fx *fixture) (*tlog.Sequencer, string) {
	t.Helper()
	const origin = "dauys.test/log/fx-2025"
	skey, vkey, err := tlog.GenerateKey(rand.Reader, origin)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := tlog.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.store.CreateLog(context.Background(), &tlog.Info{Election: "fx-2025", Origin: origin, VerifierKey: vkey, CreatedAt: fixedNow}); err != nil {
		t.Fatal(err)
	}
	return &tlog.Sequencer{Storage: fx.store, Signers: []note.Signer{signer}, Now: func() time.Time { return fixedNow }}, vkey
}
