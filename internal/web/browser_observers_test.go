package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/imagestore"
	"github.com/dauys/dauys/internal/web"
)

// TestBrowserObserverCopy: an observer of an organisation uploads, with
// its token and through the API, a copy of a precinct's protocol with one
// number that differs from the official protocol, and a photo of it; the
// public precinct page then shows the copy beside the official protocol,
// the differing lines and the photo, and the region's page counts the
// precinct as observed and not matching.
func TestBrowserObserverCopy(t *testing.T) {
	needBrowser(t)
	ctx := context.Background()
	fx := mustFixture(t, func(c *web.Config) {
		c.Now, c.Freshness, c.PollEvery = time.Now, 100*time.Millisecond, time.Second
	})
	if err := fx.store.RegisterOrganisation(ctx, &dauys.Organisation{Election: "fx-ref", Name: "Adal Observers"}); err != nil {
		t.Fatal(err)
	}
	tok := &dauys.Token{ID: "obs", Hash: dauys.HashToken("observer-secret"), CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour),
		Principal: dauys.Principal{Subject: "aigerim", Role: dauys.RoleObserver, Election: "fx-ref", Area: "RF-A-1", Org: "Adal Observers"}}
	if err := fx.store.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(httpapi.Config{Store: fx.store, Tokens: fx.store, Audit: fx.store, Intake: fx.intake, Tally: fx.tally,
		Images: &imagestore.Folder{Dir: t.TempDir()}})
	fx.site.Register(api.Mux())
	srv := httptest.NewServer(api)
	defer srv.Close()
	b := startBrowser(t, srv.URL)
	page := srv.URL + "/en/e/fx-ref/a/RF-A-1.html"

	b.must(chromedp.Do(b.ctx, chromedp.Navigate(page)))
	if n := b.eval(`document.querySelectorAll('[data-k=copy]').length`); n != "0" {
		t.Fatalf("%s copies before any was sent", n)
	}

	// The official protocol says yes=500 no=170; the observer's copy says
	// yes=510 no=160, and adds up as well.
	post := func(path, contentType string, body []byte) []byte {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer observer-secret")
		req.Header.Set("Content-Type", contentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, out)
		}
		return out
	}
	created := post("/api/v1/elections/fx-ref/observations", "application/json",
		[]byte(`{"contest":"constitution","area":"RF-A-1","lines":{"registered":1000,"took_part":700,"yes":510,"no":160,"both_marked":10,"invalid":20}}`))
	id := between(string(created), `"id": "`, `"`)
	photo := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			photo.Set(x, y, color.RGBA{uint8(4 * x), uint8(5 * y), 120, 255})
		}
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, photo, nil); err != nil {
		t.Fatal(err)
	}
	uploaded := post("/api/v1/elections/fx-ref/observations/"+id+"/images", "image/jpeg", jpg.Bytes())
	sha := between(string(uploaded), `"sha256": "`, `"`)

	// The page shows the copy once the site sees the new version.
	deadline := time.Now().Add(20 * time.Second)
	for {
		b.must(chromedp.Do(b.ctx, chromedp.Navigate(page)))
		if b.eval(`document.querySelectorAll('[data-k=copy]').length`) == "1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the precinct page does not show the observer's copy:\n%s", b.eval(`document.querySelector('main').innerText`))
		}
		time.Sleep(200 * time.Millisecond)
	}
	cell := func(line, k string) string {
		return b.eval(`(document.querySelector('[data-k=copy] tr[data-line="` + line + `"] td[data-k=` + k + `]') || {}).textContent`)
	}
	if got, want := digitsOf(cell("yes", "official")), "500"; got != want {
		t.Errorf("official yes: %q, want %s", got, want)
	}
	if got, want := digitsOf(cell("yes", "observed")), "510"; got != want {
		t.Errorf("observed yes: %q, want %s", got, want)
	}
	if got, want := digitsOf(cell("no", "observed")), "160"; got != want {
		t.Errorf("observed no: %q, want %s", got, want)
	}
	if n := b.eval(`document.querySelectorAll('[data-k=copy] tr[data-line]').length`); n != "2" {
		t.Errorf("%s differing lines shown, want 2 (yes and no)", n)
	}
	if org := b.eval(`document.querySelector('[data-k=copy] strong').textContent`); org != "Adal Observers" {
		t.Errorf("copy's organisation %q", org)
	}
	if strings.Contains(b.eval(`document.body.innerText`), "aigerim") {
		t.Error("the page names the observer")
	}
	// The photo is shown, loaded from the site, under its hash.
	deadline = time.Now().Add(10 * time.Second)
	for b.eval(`(document.querySelector('.copy-images img') || {}).naturalWidth`) != "64" {
		if time.Now().After(deadline) {
			t.Fatalf("the copy's photo does not load: %s", b.eval(`(document.querySelector('.copy-images img') || {}).src`))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if src := b.eval(`document.querySelector('.copy-images img').getAttribute('src')`); !strings.HasSuffix(src, "images/"+sha) {
		t.Errorf("photo at %s, want images/%s", src, sha)
	}
	// The official protocol itself is unchanged.
	if got := digitsOf(b.eval(`document.querySelector('table.protocol-lines tr[data-line="yes"] td').textContent`)); got != "500" {
		t.Errorf("official protocol's yes: %q", got)
	}
	b.shot("observer-copy-precinct-en")

	// The region counts the precinct as observed, its copies not matching.
	b.must(chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/ru/e/fx-ref/a/RF-A.html")))
	summary := b.eval(`(document.querySelector('section.observers [data-k=observed]') || {}).textContent`)
	if !strings.Contains(summary, "наблюдением: 1") || !strings.Contains(summary, "на 0") {
		t.Errorf("region's summary: %q", summary)
	}
	b.shot("observer-copy-region-ru")
	b.checkConsole()
}

func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
