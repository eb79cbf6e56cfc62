package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPublishAndVerify is what an observer does after election night: the
// CEC publishes the results with their transparency log as a static
// bundle, and anyone verifies it with the CEC's public key alone. Then a
// changed total in the bundle is caught.
func TestPublishAndVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes a whole election")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	mustRun(t, "election", "import", "--db", db, "../../examples/kz-referendum-2022")
	key := filepath.Join(dir, "log.key")
	out := mustRun(t, "log", "init", "--db", db, "--election", "kz-referendum-2022", "--key-out", key)
	vkey := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	csvPath, _ := nightCSV(t, "kz-referendum-2022", func(i int) bool { return i%4 == 0 })
	mustRun(t, "protocols", "import", "--db", db, "--election", "kz-referendum-2022", csvPath)

	site := filepath.Join(dir, "site")
	// With the log behind, publish stops before it renders anything and
	// prints the exact command that brings the log up to date.
	code, _, errs := run(t, "publish", "--db", db, "--election", "kz-referendum-2022", "--out", site)
	if want := `dauys log sync --election kz-referendum-2022 --db "` + db + `" --key FILE`; code == 0 || !strings.Contains(errs, want) || !strings.Contains(errs, "--log-key") {
		t.Errorf("publish with the log behind the results: exit %d, %s; want the command %s", code, errs, want)
	}
	if _, err := os.Stat(filepath.Join(site, "v")); !os.IsNotExist(err) {
		t.Errorf("publish with the log behind the results wrote %s/v (%v)", site, err)
	}
	// An observer's copy with a photo, kept in the images folder beside
	// the database, where the commands look for it.
	mustRun(t, "org", "register", "--db", db, "--election", "kz-referendum-2022", "--name", "Adal")
	t.Setenv("DAUYS_IMAGES", "") // the default: the folder beside the database
	sha := observeWithPhoto(t, db, "kz-referendum-2022", "Adal", filepath.Join(dir, "images"))
	// publish --log-key syncs the log (the photo's hash too), then publishes.
	if out := mustRun(t, "publish", "--db", db, "--election", "kz-referendum-2022", "--out", site, "--log-key", key); !strings.Contains(out, "log of kz-referendum-2022: ") {
		t.Errorf("publish --log-key did not sync the log: %s", out)
	}
	if out := mustRun(t, "verify", "--key", vkey, site); !strings.Contains(out, "VERIFIED") || !strings.Contains(out, "images: 1 logged, 1 published and matching") {
		t.Fatalf("verify: %s", out)
	}
	// A swapped photo is found.
	photos, _ := filepath.Glob(filepath.Join(site, "v", "*", "images", sha))
	if len(photos) != 1 {
		t.Fatalf("the published photo: %v", photos)
	}
	original, _ := os.ReadFile(photos[0])
	os.WriteFile(photos[0], append(append([]byte{}, original...), 0), 0o644)
	if code, out, errs := run(t, "verify", "--log-only", "--key", vkey, site); code == 0 || !strings.Contains(out+errs, "changed after it was logged") {
		t.Errorf("a swapped photo verified: exit %d\n%s%s", code, out, errs)
	}
	os.WriteFile(photos[0], original, 0o644)

	// Change one published number: the verifier names it.
	results, _ := filepath.Glob(filepath.Join(site, "v", "*", "data", "kz-referendum-2022", "a", "KZ.json"))
	if len(results) != 1 {
		t.Fatalf("the national results file: %v", results)
	}
	data, _ := os.ReadFile(results[0])
	i := strings.Index(string(data), `"yes":`) + len(`"yes":`)
	for i < len(data) && (data[i] == ' ') {
		i++
	}
	changed := string(data[:i]) + "1" + string(data[i:])
	os.WriteFile(results[0], []byte(changed), 0o644)
	code, out, errs = run(t, "verify", "--key", vkey, site)
	if code == 0 || !strings.Contains(out+errs, "NOT VERIFIED") || !strings.Contains(out+errs, "yes") {
		t.Errorf("a changed total verified: exit %d\n%s%s", code, out, errs)
	}
}
