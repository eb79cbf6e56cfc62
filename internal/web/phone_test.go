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
