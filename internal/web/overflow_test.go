package web_test

import (
	"context"
	"database/sql"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/web"
)

// TestSiteServesAbsurdTotals is the regression test of issue #13's first
// defect on the public site: a store holding counts from before they were
// bounded (four option totals of 2^62, which add up past an int64; written
// here straight into the database) made every results page and `dauys
// publish` fail. The pages are served and published, the contest whose
// totals cannot be decided saying so.
func TestSiteServesAbsurdTotals(t *testing.T) {
	fx := mustFixture(t, nil)
	db, err := sql.Open("sqlite", "file:"+fx.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE totals SET value = 4611686018427387904
		WHERE election_id = 'fx-2025' AND (line LIKE 'option:%' OR line IN ('invalid', 'against_all'))`); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/kk/", "/ru/e/fx-2025/", "/en/e/fx-2025/c/parliament-list.html", "/en/e/fx-2025/a/FX-N.html",
		"/en/e/fx-2025/districts.html", "/en/e/fx-2025/integrity.html", "/data/fx-2025/a/FX.json", "/data/fx-2025/a/FX-N.csv", "/data/fx-2025/status.json"} {
		rec := httptest.NewRecorder()
		fx.site.Handler().ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != 200 {
			t.Errorf("%s: status %d: %.300s", p, rec.Code, rec.Body)
		}
		if (p == "/data/fx-2025/a/FX.json" || p == "/en/e/fx-2025/c/parliament-list.html") && !strings.Contains(rec.Body.String(), "cannot be decided") {
			t.Errorf("%s does not say the outcome cannot be decided: %.500s", p, rec.Body)
		}
	}
	if _, err := fx.site.Publish(context.Background(), web.PublishOptions{Election: "fx-2025", Dir: t.TempDir(), Version: "v1", Workers: 2}); err != nil {
		t.Errorf("publish: %v", err)
	}
}
