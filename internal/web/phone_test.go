package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestPrecinctStatusOnce is the regression test of issue #18's "қабылданды
// · қабылданды": a polling station's headline says its status and when it
// arrived without saying the same word twice, in every language.
func TestPrecinctStatusOnce(t *testing.T) {
	fx := mustFixture(t, nil)
	headline := regexp.MustCompile(`<p class="headline">([^<]*)</p>`)
	for _, lang := range []string{"kk", "ru", "en"} {
		body := get(t, fx.site.Handler(), "/"+lang+"/e/fx-2025/a/FX-N-1-2.html").Body.String()
		found := headline.FindAllStringSubmatch(body, -1)
		if len(found) == 0 {
			t.Fatalf("%s: the precinct page has no headline", lang)
		}
		for _, m := range found {
			parts := strings.Split(m[1], " · ")
			if len(parts) < 2 {
				continue
			}
			seen := map[string]bool{}
			for _, w := range strings.FieldsFunc(parts[0], notLetter) {
				seen[strings.ToLower(w)] = true
			}
			for _, w := range strings.FieldsFunc(parts[1], notLetter) {
				if seen[strings.ToLower(w)] {
					t.Errorf("%s: the headline %q says %q twice", lang, m[1], w)
				}
			}
		}
	}
}

func notLetter(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x400 && r <= 0x4ff)
}

// TestDistrictRowsWithoutCount is the regression test of issue #18's
// "100,0% (1/1)" on every polling station's row of a district's table: a
// table of polling stations has no column of precincts counted; a table of
// districts keeps it.
func TestDistrictRowsWithoutCount(t *testing.T) {
	fx := mustFixture(t, nil)
	h := fx.site.Handler()
	district := get(t, h, "/en/e/fx-2025/a/FX-N-1.html").Body.String()
	table := district[strings.Index(district, `<table class="children">`):]
	table = table[:strings.Index(table, "</table>")]
	if strings.Contains(table, "(1/1)") || strings.Contains(table, ">Counted<") {
		t.Errorf("the district's table of polling stations counts precincts on each row:\n%s", table)
	}
	region := get(t, h, "/en/e/fx-2025/a/FX-N.html").Body.String()
	if !strings.Contains(region, "(2/2)") {
		t.Errorf("the region's table of districts lost its count of precincts")
	}
}

// TestReplayProgressByElapsedTime is the regression test of issue #18's
// count-over-the-night chart showing a replay's wall-clock time: the
// polling-day fixture's protocols arrive in 2025 for a referendum of 2022
// (as the demo's replay arrives today for 2023), so the chart and its table
// count from the first protocol (+h:mm) and say why, while the fixture
// counted on its night keeps the clock.
func TestReplayProgressByElapsedTime(t *testing.T) {
	day := dayFixture(t, nil)
	day.finalise(t)
	body := get(t, day.site.Handler(), "/en/e/fx-day/index.html").Body.String()
	table := body[strings.Index(body, `<table class="progress-table">`):]
	table = table[:strings.Index(table, "</table>")]
	if !strings.Contains(table, `<th scope="row">&#43;0:00</th>`) || !strings.Contains(body, "outside the election&#39;s night") {
		t.Errorf("a replayed count over the night is not told from its first protocol:\n%s", table)
	}
	chart := body[strings.Index(body, `class="chart progress"`):]
	chart = chart[:strings.Index(chart, "</svg>")]
	if !strings.Contains(chart, `class="axis" text-anchor="middle">&#43;0:00`) && !strings.Contains(chart, `class="axis" text-anchor="middle">+0:00`) {
		t.Errorf("a replayed count's chart reads the replay's clock")
	}
	fx := mustFixture(t, nil)
	body = get(t, fx.site.Handler(), "/en/e/fx-2025/index.html").Body.String()
	if strings.Contains(body, "&#43;0:00") || !strings.Contains(body, "Times are those at which the protocols were received") {
		t.Errorf("the fixture, counted on its night, lost its clock")
	}
}

// TestMapsInform is the regression test of issue #18's one-colour map: the
// overview's cartogram shades its tiles by the leader's share (the
// fixture's regions differ, so their fills do), and a second cartogram,
// behind a switch, shades them by turnout and shows each region's turnout
// as the table does.
func TestMapsInform(t *testing.T) {
	fx := mustFixture(t, nil)
	body := get(t, fx.site.Handler(), "/en/e/fx-2025/index.html").Body.String()
	tileFill := regexp.MustCompile(`rx="3" fill="(#[0-9A-F]{6})" class="tile"`)
	maps := regexp.MustCompile(`(?s)<svg[^>]*class="chart tilemap".*?</svg>`).FindAllString(body, -1)
	if len(maps) != 2 {
		t.Fatalf("the overview has %d cartograms, want 2 (by leader, by turnout)", len(maps))
	}
	fills := map[string]bool{}
	for _, m := range tileFill.FindAllStringSubmatch(maps[0], -1) {
		fills[m[1]] = true
	}
	if len(fills) < 2 {
		t.Errorf("the leader's map is one colour: %v", fills)
	}
	if !strings.Contains(body, `<details class="fold turnout-map"><summary>The map by turnout</summary>`) {
		t.Errorf("no switch to the turnout map")
	}
	values := regexp.MustCompile(`class="tile-value"[^>]*>([^<]+)<`).FindAllStringSubmatch(maps[1], -1)
	if len(values) == 0 {
		t.Fatal("the turnout map shows no turnout")
	}
	for _, v := range values {
		if !strings.Contains(body, `<td class="num">`+v[1]+`</td>`) {
			t.Errorf("the turnout map shows %s, which the table does not", v[1])
		}
	}
}
