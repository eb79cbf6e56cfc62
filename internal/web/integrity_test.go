package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/web"
)

// waitSignals asks for an integrity page until its statistics are
// computed: the first reader may be told that they are being computed.
func waitSignals(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		rec := get(t, h, path)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `data-k="signals-pending"`) {
			return rec
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: the statistics were not computed in time", path)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestIntegrityPage checks what the integrity page says, in every
// language, and that it is linked from the overview.
func TestIntegrityPage(t *testing.T) {
	fx := mustFixture(t, nil)
	h := fx.site.Handler()
	for _, tc := range []struct{ path, want string }{
		{"/en/e/fx-2025/integrity.html", "not findings of wrongdoing"},
		{"/en/e/fx-2025/integrity.html", "Could this still change?"},
		{"/en/e/fx-2025/integrity.html", "The outcome can still change."},
		{"/en/e/fx-2025/integrity.html", "<dd>1 of 10</dd>"},
		{"/ru/e/fx-2025/integrity.html", "Может ли это ещё измениться?"},
		{"/kk/e/fx-2025/integrity.html", "Бүтін пайыздар"},
		{"/en/e/fx-pres/integrity.html", "All 2 precincts have reported"},
	} {
		rec := waitSignals(t, h, tc.path)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("GET %s: %d, want %q in\n%s", tc.path, rec.Code, tc.want, rec.Body)
		}
	}
	if body := get(t, h, "/en/e/fx-2025/").Body.String(); !strings.Contains(body, `/e/fx-2025/integrity.html">Integrity signals`) {
		t.Errorf("the overview does not link the integrity page")
	}
}

// TestTransparencyLog logs the fixture's protocols and checks that the
// overview shows the signed checkpoint and each precinct page the log
// index of every protocol version; an election without a log shows
// neither.
func TestTransparencyLog(t *testing.T) {
	ctx := context.Background()
	fx := mustFixture(t, func(c *web.Config) { c.Freshness = time.Nanosecond })
	h := fx.site.Handler()

	// Before the log exists, nothing of it shows.
	if body := get(t, h, "/en/e/fx-2025/").Body.String(); strings.Contains(body, "Transparency log") {
		t.Fatalf("an election without a log shows one")
	}
	seq, vkey := createLog(t, fx)
	// A log with no checkpoint yet: precinct pages say the versions are
	// not logged yet.
	if body := get(t, h, "/en/e/fx-2025/a/FX-N-1-1.html").Body.String(); !strings.Contains(body, "Not in the transparency log yet") {
		t.Errorf("the precinct page does not say the protocol is not logged yet:\n%s", body)
	}
	cp, err := seq.Sync(ctx, "fx-2025")
	if err != nil {
		t.Fatal(err)
	}
	fx.clock.Set(fixedNow.Add(time.Second)) // past the version's freshness

	body := get(t, h, "/en/e/fx-2025/").Body.String()
	for _, want := range []string{
		"Transparency log",
		`<dd data-k="log-size">` + formatEn(cp.Size) + `</dd>`,
		// html/template writes + as &#43;.
		`<code data-k="log-root">` + strings.ReplaceAll(cp.Hash.String(), "+", "&#43;") + `</code>`,
		`href="../../../log/fx-2025/checkpoint"`,
		"dauys verify --key " + strings.ReplaceAll(vkey, "+", "&#43;"),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the overview lacks %q", want)
		}
	}
	body = get(t, h, "/en/e/fx-2025/a/FX-N-1-1.html").Body.String()
	if n := strings.Count(body, `data-k="log-index">In the transparency log: entry `); n != 3 {
		// Two versions of the list protocol, one of the district's.
		t.Errorf("the precinct page shows %d log indexes, want 3:\n%s", n, body)
	}
	for _, v := range []int{1, 2} {
		i, err := fx.store.LogIndex(ctx, "fx-2025", tlog.ProtocolRef("parliament-list", "FX-N-1-1", v))
		if err != nil {
			t.Fatal(err)
		}
		if want := "In the transparency log: entry " + strconv.FormatInt(i, 10) + "<"; !strings.Contains(body, want) {
			t.Errorf("version %d: the page lacks %q", v, want)
		}
	}
	// The other elections keep no log.
	if body := get(t, h, "/en/e/fx-pres/").Body.String(); strings.Contains(body, "Transparency log") {
		t.Errorf("an election without a log shows one")
	}
	if body := get(t, h, "/en/e/fx-pres/a/PR-A-1.html").Body.String(); strings.Contains(body, "transparency log") {
		t.Errorf("a precinct of an election without a log shows a log index")
	}
}

// formatEn writes n as the English pages do, with commas.
func formatEn(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
