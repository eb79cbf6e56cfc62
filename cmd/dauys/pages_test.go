package main_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBoundariesFromDefinition: a definition with boundaries_file gets a
// geographic map on its served pages, not only in published ones.
func TestBoundariesFromDefinition(t *testing.T) {
	dir := t.TempDir()
	src := "../../internal/web/testdata/fixture/"
	def, err := os.ReadFile(src + "fx-2025.yaml")
	if err != nil {
		t.Fatal(err)
	}
	geo, err := os.ReadFile(src + "fx-2025.geojson")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "election.yaml"), append(def, []byte("\nboundaries_file: regions.geojson\n")...), 0o644)
	os.WriteFile(filepath.Join(dir, "regions.geojson"), geo, 0o644)
	db := filepath.Join(dir, "d.db")
	out := mustRun(t, "election", "import", "--db", db, dir)
	id := strings.Fields(out)[2]
	id = strings.TrimSuffix(id, ":")

	base := "http://" + startServe(t, "--db", db)
	resp, err := http.Get(base + "/en/e/" + id + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `class="geo-area"`) {
		t.Errorf("overview %d without a map drawn from the definition's boundaries", resp.StatusCode)
	}
}
