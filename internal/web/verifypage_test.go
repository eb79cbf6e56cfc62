package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys/internal/web"
)

// TestVerifyPage: the verification page of an election with a log shows
// the commission's key and the whole dauys verify command, with the
// server's address when it is configured and a placeholder in an export;
// the overview links to it and gives the same command.
func TestVerifyPage(t *testing.T) {
	const public = "http://127.0.0.1:8080/"
	fx := mustFixture(t, func(c *web.Config) { c.PublicURL = public; c.Freshness = time.Nanosecond })
	h := fx.site.Handler()
	if body := get(t, h, "/en/e/fx-2025/verify.html").Body.String(); !strings.Contains(body, "keeps no transparency log yet") {
		t.Errorf("the verification page of an election without a log does not say so")
	}
	seq, vkey := createLog(t, fx)
	if _, err := seq.Sync(context.Background(), "fx-2025"); err != nil {
		t.Fatal(err)
	}
	fx.clock.Set(fixedNow.Add(time.Second))
	// html/template writes + as &#43;.
	command := "dauys verify --key " + strings.ReplaceAll(vkey, "+", "&#43;") + " --election fx-2025 " + public
	for _, lang := range []string{"kk", "ru", "en"} {
		body := get(t, h, "/"+lang+"/e/fx-2025/verify.html").Body.String()
		for _, want := range []string{`<code data-k="verifier-key">` + strings.ReplaceAll(vkey, "+", "&#43;") + `</code>`,
			`<code data-k="verify-command">` + command + `</code>`, "go install github.com/dauys/dauys/cmd/dauys@latest", "VERIFIED"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s verification page lacks %q", lang, want)
			}
		}
		body = get(t, h, "/"+lang+"/e/fx-2025/").Body.String()
		for _, want := range []string{`href="../../../` + lang + `/e/fx-2025/verify.html"`, `<code data-k="verify-command">` + command + `</code>`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s overview lacks %q", lang, want)
			}
		}
	}

	// An export does not know its address.
	dir := t.TempDir()
	if _, err := fx.site.Publish(context.Background(), web.PublishOptions{Election: "fx-2025", Dir: dir, Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "v", "v1", "en", "e", "fx-2025", "verify.html"))
	if err != nil {
		t.Fatal(err)
	}
	b := string(raw)
	if !strings.Contains(b, " --election fx-2025 URL</code>") || strings.Contains(b, public) {
		t.Errorf("the exported verification page's command:\n%s", b)
	}
}
