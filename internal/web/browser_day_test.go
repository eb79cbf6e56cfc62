package web_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/dauys/dauys/internal/web"
)

// TestBrowserPollingDay drives Chromium at a 360 px phone's width through
// fx-day on its polling day: the turnout chart and table on the overview
// in Kazakh, Russian and English with the tally's figures, the page not
// scrolling sideways; the referendum's validity announced on the open page,
// without a reload, once reports pass the quorum; and the precinct page
// listing every version of its reports.
func TestBrowserPollingDay(t *testing.T) {
	needBrowser(t)
	fx := dayFixture(t, func(c *web.Config) { c.PollEvery = time.Second })
	srv := httptest.NewServer(fx.site.Handler())
	defer srv.Close()
	b := startBrowser(t, srv.URL)
	b.must(chromedp.Do(b.ctx, chromedp.EmulateViewport(360, 780, chromedp.EmulateMobile)))

	for i, lang := range []string{"kk", "ru", "en"} {
		b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/"+lang+"/e/fx-day/index.html")))
		b.waitVisible(`section.turnout svg.chart`)
		b.checkTurnout(fx, lang, "DY")
		b.noSidewaysScroll(lang + " overview")
		b.shot("3" + strconv.Itoa(i) + "-day-overview-" + lang + "-phone")
	}

	// The English overview is open; the 14:00 reports pass the quorum and
	// the page announces it without a reload.
	if b.eval(`document.querySelector('p.validity.valid') === null`) != "true" {
		t.Fatal("the referendum is announced valid before the quorum")
	}
	b.eval(`window.dauysNotReloaded = true`)
	fx.saveTurnout(t, quorumReports()...)
	b.waitVisible(`p.validity.valid`)
	want := "The referendum is valid: more than half of the voters on the lists have received ballots (14:00)."
	if got := b.eval(`document.querySelector('p.validity').textContent`); got != want {
		t.Errorf("validity %q, want %q", got, want)
	}
	if b.eval(`window.dauysNotReloaded === true`) != "true" {
		t.Error("the page was reloaded to show the new turnout")
	}
	b.checkTurnout(fx, "en", "DY")
	b.noSidewaysScroll("en overview after the quorum")
	b.shot("33-day-valid-en-phone")

	// A region, and the precinct with the amended report.
	b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/ru/e/fx-day/a/DY-A.html")))
	b.waitVisible(`section.turnout svg.chart`)
	b.checkTurnout(fx, "ru", "DY-A")
	b.noSidewaysScroll("ru region")
	b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/ru/e/fx-day/a/DY-A-1.html")))
	b.waitVisible(`table.turnout-reports`)
	rows := b.eval(`Array.from(document.querySelectorAll('table.turnout-reports tbody tr')).map(tr => tr.dataset.time + ' v' + tr.dataset.version + ' ' + tr.querySelector('[data-k="turnout-voters"]').textContent).join('; ')`)
	if want := "10:00 v1 120; 12:00 v1 300; 12:00 v2 310; 14:00 v1 560"; rows != want {
		t.Errorf("the precinct lists %q, want %q", rows, want)
	}
	if got := b.eval(`document.querySelector('table.turnout-reports tr[data-version="2"]').textContent`); !strings.Contains(got, "исправление") || !strings.Contains(got, "the commission's figure is 310") {
		t.Errorf("the amendment is not marked with its reason: %q", got)
	}
	b.noSidewaysScroll("ru precinct")
	b.shot("34-day-precinct-ru-phone")
	b.checkConsole()
}

// waitVisible waits, up to waitBound, for an element to show.
func (b *browser) waitVisible(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitBound)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("%s did not show: %v", sel, err)
	}
}

// noSidewaysScroll checks that the page fits the window's width.
func (b *browser) noSidewaysScroll(what string) {
	b.t.Helper()
	if b.eval(`document.documentElement.scrollWidth <= window.innerWidth`) != "true" {
		b.t.Errorf("%s scrolls sideways: %s px wide in a %s px window", what,
			b.eval(`document.documentElement.scrollWidth`), b.eval(`window.innerWidth`))
	}
}

// checkTurnout compares the turnout table and the chart's column labels on
// the screen with the tally's figures for the area, in the page's
// language.
func (b *browser) checkTurnout(fx *fixture, lang, area string) {
	b.t.Helper()
	sum, err := fx.tally.Turnout(context.Background(), "fx-day", area)
	b.must(err)
	var want, labels []string
	for _, r := range sum.Reports {
		pct := r.Percent + "%"
		switch lang {
		case "kk":
			pct = strings.Replace(r.Percent, ".", ",", 1) + "%"
		case "ru":
			pct = strings.Replace(r.Percent, ".", ",", 1) + "\u00a0%"
		}
		want = append(want, r.Time+" "+strconv.FormatInt(r.Voters, 10)+" "+pct+" "+strconv.FormatInt(r.PrecinctsReported, 10)+"/"+strconv.FormatInt(r.Precincts, 10))
		labels = append(labels, pct)
	}
	got := b.eval(`Array.from(document.querySelectorAll('table.turnout-table tbody tr')).map(tr =>
		tr.dataset.time + ' ' + tr.querySelector('[data-k="turnout-voters"]').textContent.replace(/\D/g, '') + ' ' +
		tr.querySelector('[data-k="turnout-percent"]').textContent + ' ' +
		(tr.querySelector('[data-k="turnout-precincts"]').textContent.match(/\d+/g) || []).join('/')).join('; ')`)
	if w := strings.Join(want, "; "); got != w {
		b.t.Errorf("%s %s: the turnout table shows %q, the tally %q", lang, area, got, w)
	}
	if got, w := b.eval(`Array.from(document.querySelectorAll('section.turnout svg text.col-value')).map(t => t.textContent).join('; ')`), strings.Join(labels, "; "); got != w {
		b.t.Errorf("%s %s: the chart's columns read %q, the tally %q", lang, area, got, w)
	}
}
