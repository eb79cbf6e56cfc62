package web_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/web"
)

// dayFixture adds fx-day (testdata/fixture/fx-day.yaml), a referendum on
// its polling day, to the fixture, with the turnout reports of 10:00 and
// 12:00 (one amended): the referendum is not yet valid. Reports go into
// the store through Store.SaveTurnout, as intake will put them.
func dayFixture(tb testing.TB, configure func(*web.Config)) *fixture {
	tb.Helper()
	fx := dayFixtureWith(tb, configure)
	fx.saveTurnout(tb,
		report("DY-A-1", "10:00", 120), report("DY-A-2", "10:00", 200), report("DY-B-1", "10:00", 250), report("DY-C-1", "10:00", 400),
		report("DY-A-1", "12:00", 300), report("DY-A-2", "12:00", 450), report("DY-B-1", "12:00", 600), report("DY-C-1", "12:00", 900),
		amendment("DY-A-1", "12:00", 310, "The operator typed 300; the commission's figure is 310"),
	)
	return fx
}

// dayFixtureWith is the fixture with fx-day and no turnout report yet.
func dayFixtureWith(tb testing.TB, configure func(*web.Config)) *fixture {
	tb.Helper()
	fx := mustFixture(tb, configure)
	data, err := os.ReadFile(filepath.Join("testdata", "fixture", "fx-day.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	def, err := definition.ParseWith(data, "fx-day.yaml", nil, definition.Options{CheckRules: rules.Check})
	if err != nil {
		tb.Fatal(err)
	}
	def.CreatedAt = fixedNow
	if err := fx.store.CreateElection(context.Background(), def); err != nil {
		tb.Fatal(err)
	}
	return fx
}

// quorumReports are the 14:00 reports that pass the quorum: 3 360 of the
// 6 700 on the lists (more than 3 350), while DY-B-1 has not reported.
func quorumReports() []*dauys.TurnoutReport {
	return []*dauys.TurnoutReport{report("DY-A-1", "14:00", 560), report("DY-A-2", "14:00", 800), report("DY-C-1", "14:00", 2000)}
}

func report(area, at string, voters int64) *dauys.TurnoutReport {
	return &dauys.TurnoutReport{Election: "fx-day", Area: area, Time: at, Voters: voters, Submitter: "test", Source: "test"}
}

func amendment(area, at string, voters int64, reason string) *dauys.TurnoutReport {
	r := report(area, at, voters)
	r.Kind, r.Reason = dauys.ProtocolAmendment, reason
	return r
}

// saveTurnout stores reports one at a time, each received three minutes
// after the one before, and moves the site's clock past its freshness so
// that the pages show them.
func (fx *fixture) saveTurnout(tb testing.TB, rs ...*dauys.TurnoutReport) {
	tb.Helper()
	at := time.Date(2022, 6, 5, 4, 0, 0, 0, time.UTC)
	for _, r := range rs {
		hour, _ := strconv.Atoi(r.Time[:2])
		r.Received = at.Add(time.Duration(hour-10) * time.Hour).Add(3 * time.Minute)
		if r.Kind == dauys.ProtocolAmendment {
			r.Received = r.Received.Add(40 * time.Minute)
		}
		res, err := fx.store.SaveTurnout(context.Background(), []*dauys.TurnoutReport{r})
		if err != nil {
			tb.Fatal(err)
		}
		if res[0].Err != nil {
			tb.Fatalf("%s %s: %v", r.Area, r.Time, res[0].Err)
		}
	}
	fx.tick()
}

// tick moves the clock a minute on, past the site's freshness.
func (fx *fixture) tick() { fx.clock.Set(fx.clock.Now().Add(time.Minute)) }

// TestGoldenDay renders polling day: the overview in three languages
// before the quorum, a region and the precinct with an amended report, the
// overview once the quorum is passed, and the final results with the
// commission's decision.
func TestGoldenDay(t *testing.T) {
	fx := dayFixture(t, nil)
	h := fx.site.Handler()
	page := func(name, path string) {
		t.Helper()
		rec := get(t, h, path)
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d\n%s", path, rec.Code, rec.Body)
		}
		body := rec.Body.Bytes()
		golden(t, name+".html", body)
		for i, s := range svgRE.FindAll(body, -1) {
			golden(t, name+"-"+strconv.Itoa(i+1)+".svg", append(append([]byte(nil), s...), '\n'))
		}
	}
	page("day-overview-kk", "/kk/e/fx-day/index.html")
	page("day-overview-ru", "/ru/e/fx-day/index.html")
	page("day-overview-en", "/en/e/fx-day/index.html")
	page("day-region-en", "/en/e/fx-day/a/DY-A.html")
	page("day-precinct-ru", "/ru/e/fx-day/a/DY-A-1.html")
	fx.saveTurnout(t, quorumReports()...)
	page("day-valid-kk", "/kk/e/fx-day/index.html")
	fx.finalise(t)
	page("day-final-ru", "/ru/e/fx-day/index.html")
	if m := fx.site.MissingMessages(); len(m) > 0 {
		t.Errorf("messages missing from the catalogs:\n%s", strings.Join(m, "\n"))
	}
}

// finalise closes fx-day's polls, counts its protocols and makes the
// results final by the commission's decision No. 12 of 8 June 2022,
// through the lifecycle's checks.
func (fx *fixture) finalise(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	hist, err := fx.store.StatusHistory(ctx, "fx-day")
	if err != nil {
		tb.Fatal(err)
	}
	if len(hist) == 0 || hist[len(hist)-1].To != dauys.StatusCounting {
		if err := fx.store.ChangeElectionStatus(ctx, &dauys.StatusChange{Election: "fx-day", To: dauys.StatusCounting, Actor: "test", At: fixedNow}); err != nil {
			tb.Fatal(err)
		}
	}
	fx.submit(tb, "fx-day",
		sub("constitution", "DY-A-1", "registered=1000 took_part=700 yes=500 no=170 both_marked=10 invalid=20"),
		sub("constitution", "DY-A-2", "registered=1400 took_part=900 yes=600 no=270 both_marked=10 invalid=20"),
		sub("constitution", "DY-B-1", "registered=1800 took_part=1000 yes=450 no=500 both_marked=20 invalid=30"),
		sub("constitution", "DY-C-1", "registered=2500 took_part=1500 yes=1100 no=350 both_marked=20 invalid=30"),
	)
	if err := fx.store.ChangeElectionStatus(ctx, &dauys.StatusChange{Election: "fx-day", To: dauys.StatusFinal,
		DecisionDate: "2022-06-08", DecisionNumber: "12", Actor: "test", At: fixedNow}); err != nil {
		tb.Fatal(err)
	}
	fx.tick()
}

// turnoutCell finds the percent the page's turnout table shows at each
// reporting time.
var turnoutCell = regexp.MustCompile(`<tr data-time="([^"]+)">.*?data-k="turnout-percent">([^<]*)</td>`)

// TestTurnoutPercentIsTheTallys checks that the percent on the pages is
// the tally's JSON string, digit for digit, in each language's writing,
// for the country and every region, and that the figures follow new
// reports.
func TestTurnoutPercentIsTheTallys(t *testing.T) {
	fx := dayFixture(t, nil)
	h := fx.site.Handler()
	ctx := context.Background()
	check := func() {
		t.Helper()
		for _, area := range []string{"DY", "DY-A", "DY-B", "DY-C"} {
			sum, err := fx.tally.Turnout(ctx, "fx-day", area)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(sum)
			var doc struct {
				Reports []struct{ Time, Percent string }
			}
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Reports) == 0 {
				t.Fatalf("%s: no turnout in the tally", area)
			}
			file := "a/" + area + ".html"
			if area == "DY" {
				file = "index.html"
			}
			for lang, write := range map[string]func(string) string{
				"en": func(p string) string { return p + "%" },
				"kk": func(p string) string { return strings.Replace(p, ".", ",", 1) + "%" },
				"ru": func(p string) string { return strings.Replace(p, ".", ",", 1) + "\u00a0%" },
			} {
				body := get(t, h, "/"+lang+"/e/fx-day/"+file).Body.String()
				got := map[string]string{}
				for _, m := range turnoutCell.FindAllStringSubmatch(body, -1) {
					got[m[1]] = m[2]
				}
				if len(got) != len(doc.Reports) {
					t.Errorf("%s %s: %d rows in the turnout table, the tally has %d", lang, area, len(got), len(doc.Reports))
				}
				for _, r := range doc.Reports {
					if want := write(r.Percent); got[r.Time] != want {
						t.Errorf("%s %s %s: the page shows %q, the tally's JSON %q", lang, area, r.Time, got[r.Time], r.Percent)
					}
				}
			}
		}
	}
	check()
	fx.saveTurnout(t, quorumReports()...)
	check()
	// 12:00 in the country: 2 260 of 6 700 after the amendment.
	if body := get(t, h, "/en/e/fx-day/").Body.String(); !strings.Contains(body, `data-k="turnout-percent">33.73%</td>`) {
		t.Error("the overview does not show 33.73% at 12:00")
	}
}

// TestReferendumValidity checks the sentence that announces the
// referendum's validity: before the quorum, how far from it; from the
// first time at which more than half of all voters on the lists have
// received ballots, valid, with that time.
func TestReferendumValidity(t *testing.T) {
	fx := dayFixture(t, nil)
	h := fx.site.Handler()
	before := map[string]string{
		"en": "Not yet valid: 2,260 of the 6,700 voters on the lists have received ballots (12:00); more than half are needed, at least 3,351: 1,091 more.",
		"ru": "Референдум пока не признан состоявшимся: бюллетени получили 2\u00a0260 чел. (12:00); в списки включены 6\u00a0700 чел., нужно больше половины — не менее 3\u00a0351, ещё 1\u00a0091 чел.",
		"kk": "Референдум әзірге өтті деп танылған жоқ: 2\u00a0260 адам бюллетень алды (12:00); тізімге 6\u00a0700 адам енгізілген, жартысынан көбі — кемінде 3\u00a0351 адам керек, тағы 1\u00a0091 адам.",
	}
	after := map[string]string{
		"en": "The referendum is valid: more than half of the voters on the lists have received ballots (14:00).",
		"ru": "Референдум состоялся: бюллетени получили более половины граждан, включённых в списки (14:00).",
		"kk": "Референдум өтті: тізімге енгізілген азаматтардың жартысынан көбі бюллетень алды (14:00).",
	}
	sentence := regexp.MustCompile(`<p class="validity( valid)?" data-k="validity">([^<]*)</p>`)
	for _, step := range []struct {
		want  map[string]string
		valid bool
	}{{before, false}, {after, true}} {
		if step.valid {
			fx.saveTurnout(t, quorumReports()...)
		}
		for lang, want := range step.want {
			body := get(t, h, "/"+lang+"/e/fx-day/").Body.String()
			m := sentence.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("%s: no validity sentence", lang)
			}
			if got := unescape(m[2]); got != want || (m[1] != "") != step.valid {
				t.Errorf("%s: validity %q (valid %v), want %q (valid %v)", lang, got, m[1] != "", want, step.valid)
			}
		}
	}
	// A region's page shows its turnout but does not announce validity,
	// which is the whole country's.
	if body := get(t, h, "/en/e/fx-day/a/DY-A.html").Body.String(); strings.Contains(body, `data-k="validity"`) || !strings.Contains(body, `data-k="turnout-card"`) {
		t.Error("the region page should show turnout without the validity sentence")
	}
}

// TestTurnoutBeforeAnyReport renders polling day before the first report:
// the overview says what validity will take, a region that nothing is
// reported, and a precinct that it has not reported.
func TestTurnoutBeforeAnyReport(t *testing.T) {
	fx := dayFixtureWith(t, nil)
	h := fx.site.Handler()
	for path, want := range map[string]string{
		"/en/e/fx-day/":              "No turnout reported yet. The referendum is valid when more than half of the 6,700 voters on the lists receive ballots: at least 3,351.",
		"/en/e/fx-day/a/DY-B.html":   `<p data-k="turnout-none">No turnout reported yet.</p>`,
		"/en/e/fx-day/a/DY-B-1.html": "The precinct has not reported turnout yet.",
	} {
		rec := get(t, h, path)
		if body := unescape(rec.Body.String()); rec.Code != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d, lacks %q", path, rec.Code, want)
		}
	}
	if body := get(t, h, "/en/e/fx-day/").Body.String(); strings.Contains(body, "<svg") && strings.Contains(body, "class=\"chart turnout\"") {
		t.Error("a turnout chart is drawn without a report")
	}
}

// TestValidityFromTheMostCompleteHour checks that while a later hour is
// reported by some precincts only, the distance to the quorum is told
// from the hour that counts the most voters, and that the close is named
// in the table and, shortly, in the chart.
func TestValidityFromTheMostCompleteHour(t *testing.T) {
	fx := dayFixture(t, nil)
	h := fx.site.Handler()
	fx.saveTurnout(t, report("DY-A-1", "14:00", 400), report("DY-A-1", dauys.TurnoutClose, 700))
	body := unescape(get(t, h, "/en/e/fx-day/").Body.String())
	for _, want := range []string{
		"Not yet valid: 2,260 of the 6,700 voters on the lists have received ballots (12:00)",
		`<tr data-time="close"><th scope="row">At the close</th><td class="num" data-k="turnout-percent">70.00%</td><td class="num" data-k="turnout-precincts">1 of 4</td><td class="num" data-k="turnout-voters">700</td>`,
		`data-k="turnout-precincts">1 of 4</td>`,
		`class="axis" text-anchor="middle">Close</text>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the overview lacks %s", want)
		}
	}
}

func unescape(s string) string {
	return strings.NewReplacer("&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#43;", "+").Replace(s)
}

// TestStatusLifecycle follows fx-day from voting (turnout, no results) to
// counting (preliminary) and final (the commission's decision), in the
// three languages.
func TestStatusLifecycle(t *testing.T) {
	fx := dayFixture(t, nil)
	h := fx.site.Handler()
	status := regexp.MustCompile(`<p class="status status-([a-z]+)[^"]*" data-k="status">([^<]*)</p>`)
	expect := func(lang, class, text string, results bool) {
		t.Helper()
		body := get(t, h, "/"+lang+"/e/fx-day/").Body.String()
		m := status.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no status", lang)
		}
		if m[1] != class || unescape(m[2]) != text {
			t.Errorf("%s: status %s %q, want %s %q", lang, m[1], unescape(m[2]), class, text)
		}
		if got := strings.Contains(body, `class="card"`) && strings.Contains(body, `aria-labelledby="h-constitution"`); got != results {
			t.Errorf("%s %s: results shown %v, want %v", lang, class, got, results)
		}
		if !strings.Contains(body, `data-k="turnout-card"`) {
			t.Errorf("%s %s: no turnout", lang, class)
		}
	}
	expect("en", "voting", "Voting is under way: turnout only until the polls close", false)
	expect("ru", "voting", "Идёт голосование: до закрытия участков публикуется только явка", false)
	expect("kk", "voting", "Дауыс беру жүріп жатыр: учаскелер жабылғанға дейін тек келу жарияланады", false)
	for _, p := range []string{"/en/e/fx-day/", "/en/e/fx-day/c/constitution.html", "/ru/e/fx-day/integrity.html"} {
		rec := get(t, h, p)
		if body := rec.Body.String(); rec.Code != 200 || !strings.Contains(body, `data-k="closed"`) || (strings.Contains(body, `h-constitution`) || strings.Contains(body, `data-k="headline"`)) {
			t.Errorf("GET %s: %d; the page should say that results come after the close, and show none", p, rec.Code)
		}
	}
	if rec := get(t, h, "/en/e/fx-day/c/nope.html"); rec.Code != 404 {
		t.Errorf("a made-up contest while voting: %d, want 404", rec.Code)
	}

	ctx := context.Background()
	if err := fx.store.ChangeElectionStatus(ctx, &dauys.StatusChange{Election: "fx-day", To: dauys.StatusCounting, Actor: "test", At: fixedNow}); err != nil {
		t.Fatal(err)
	}
	fx.submit(t, "fx-day", sub("constitution", "DY-A-1", "registered=1000 took_part=700 yes=500 no=170 both_marked=10 invalid=20"))
	fx.tick()
	expect("en", "counting", "Preliminary results: 25.0% of precincts counted", true)
	expect("ru", "counting", "Предварительные итоги: обработано 25,0\u00a0% участков", true)
	expect("kk", "counting", "Алдын ала нәтижелер: учаскелердің 25,0% өңделді", true)

	fx.finalise(t)
	expect("en", "final", "Final results: established by the commission's decision No. 12 of 8 June 2022", true)
	expect("ru", "final", "Окончательные итоги: установлены решением комиссии № 12 от 8 июня 2022 г.", true)
	expect("kk", "final", "Қорытынды нәтижелер: комиссияның шешімімен белгіленді (№ 12, 2022 жылғы 8 маусым)", true)
	if body := get(t, h, "/en/").Body.String(); !strings.Contains(body, "decision No. 12 of 8 June 2022") {
		t.Error("the home page does not show the decision")
	}

	// A reopening makes the results preliminary again.
	if err := fx.store.ChangeElectionStatus(ctx, &dauys.StatusChange{Election: "fx-day", To: dauys.StatusCounting,
		Reason: "Recount ordered by the court", Actor: "test", At: fixedNow}); err != nil {
		t.Fatal(err)
	}
	fx.tick()
	expect("en", "counting", "Preliminary results: all precincts counted, awaiting the commission's decision", true)
}

// TestPrecinctTurnoutReports checks that a precinct page lists every
// version of its reports, the amendment marked with its reason, and that a
// new report shows after the freshness.
func TestPrecinctTurnoutReports(t *testing.T) {
	fx := dayFixture(t, nil)
	h := fx.site.Handler()
	body := get(t, h, "/en/e/fx-day/a/DY-A-1.html").Body.String()
	for _, want := range []string{
		`data-k="turnout-reports"`,
		`<tr data-time="10:00" data-version="1"><th scope="row">10:00</th><td class="num" data-k="turnout-voters">120</td><td class="num">12.00%</td>`,
		`<tr data-time="12:00" data-version="1" class="superseded"><th scope="row">12:00</th><td class="num" data-k="turnout-voters">300</td><td class="num">30.00%</td>`,
		`<tr data-time="12:00" data-version="2"><th scope="row">12:00</th><td class="num" data-k="turnout-voters">310</td><td class="num">31.00%</td>`,
		`<span class="mark mark-amended">amendment</span>`,
		"Reason: The operator typed 300; the commission&#39;s figure is 310",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the precinct page lacks %s", want)
		}
	}
	if strings.Contains(body, `data-time="14:00"`) {
		t.Error("a report not yet sent is listed")
	}
	fx.saveTurnout(t, quorumReports()...)
	if body := get(t, h, "/en/e/fx-day/a/DY-A-1.html").Body.String(); !strings.Contains(body, `<tr data-time="14:00" data-version="1">`) {
		t.Error("the 14:00 report does not show after it arrived")
	}
	if body := get(t, h, "/en/e/fx-day/a/DY-B-1.html").Body.String(); !strings.Contains(body, `<tr data-time="12:00" data-version="1">`) {
		t.Error("DY-B-1 does not list its 12:00 report")
	}
	// Elections without turnout hours show no turnout at all.
	if body := get(t, h, "/en/e/fx-2025/a/FX-N-1-1.html").Body.String(); strings.Contains(body, "turnout-reports") {
		t.Error("a precinct of an election without turnout hours shows turnout reports")
	}
}

// TestPublishPollingDay exports fx-day while voting: the exported overview
// and precinct pages carry the turnout as the live ones do, and the
// contest page says that results come after the close.
func TestPublishPollingDay(t *testing.T) {
	fx := dayFixture(t, nil)
	dir := t.TempDir()
	if _, err := fx.site.Publish(context.Background(), web.PublishOptions{Election: "fx-day", Dir: dir, Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"en/e/fx-day/index.html":          `data-k="turnout-percent">33.73%</td>`,
		"kk/e/fx-day/a/DY-C.html":         `data-k="turnout-percent">36,00%</td>`,
		"ru/e/fx-day/a/DY-A-1.html":       `<span class="mark mark-amended">исправление</span>`,
		"en/e/fx-day/c/constitution.html": `data-k="closed"`,
		"en/index.html":                   "Voting is under way",
	} {
		b, err := os.ReadFile(filepath.Join(dir, "v", "v1", file))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", file, want)
		}
	}
}

// TestPublishPrecinctTurnoutAsLive: an export reads the turnout reports of
// all precincts at once; each exported precinct page lists the same
// reports as its live page, whether the precinct reported, amended or
// sent nothing yet.
func TestPublishPrecinctTurnoutAsLive(t *testing.T) {
	fx := dayFixtureWith(t, nil)
	fx.saveTurnout(t, report("DY-A-1", "10:00", 120), report("DY-A-1", "12:00", 300), report("DY-C-1", "10:00", 400),
		amendment("DY-A-1", "12:00", 310, "The operator typed 300"))
	dir := t.TempDir()
	if _, err := fx.site.Publish(context.Background(), web.PublishOptions{Election: "fx-day", Dir: dir, Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	h := fx.site.Handler()
	section := func(page string) string {
		i := strings.Index(page, `<section class="card turnout"`)
		if i < 0 {
			return ""
		}
		return page[i : i+strings.Index(page[i:], "</section>")]
	}
	for _, lang := range dauys.Languages {
		for _, id := range []string{"DY-A-1", "DY-A-2", "DY-B-1", "DY-C-1"} {
			rel := lang + "/e/fx-day/a/" + id + ".html"
			b, err := os.ReadFile(filepath.Join(dir, "v", "v1", rel))
			if err != nil {
				t.Fatal(err)
			}
			live, static := section(get(t, h, "/"+rel).Body.String()), section(string(b))
			if live == "" || static != live {
				t.Errorf("%s: the exported turnout reports differ from the live ones:\n%s\nlive:\n%s", rel, static, live)
			}
		}
	}
}
