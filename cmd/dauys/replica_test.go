package main_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const replicaDefinition = `id: replicas
name: {en: Two replicas}
date: 2026-03-15
areas:
  - {id: X, level: country, name: {en: Country}}
contests:
  - id: q
    name: {en: Question}
    kind: referendum
    rules: {method: referendum}
    form: r
forms:
  - id: r
    lines: [{name: registered}, {name: took_part}, {name: "yes"}, {name: "no"}, {name: invalid}]
    relations: [{code: E_SUM, expr: "took_part = yes + no + invalid"}]
import:
  contest: q
  area_columns: [{column: region, level: region}, {column: precinct, level: precinct}]
`

// TestTwoReplicas runs two `dauys serve` processes on one PostgreSQL
// database, as behind a load balancer: what one process stores, the other
// serves at once, and areas another process creates appear on both
// (LISTEN/NOTIFY drops the cached definition).
func TestTwoReplicas(t *testing.T) {
	url := postgresURL(t)
	if url == "" {
		t.Skip("DAUYS_TEST_POSTGRES is not set")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "election.yaml"), []byte(replicaDefinition), 0o644)
	csv1 := filepath.Join(dir, "a.csv")
	os.WriteFile(csv1, []byte("region,precinct,registered,took_part,yes,no,invalid\nNorth,1,100,60,40,19,1\n"), 0o644)
	csv2 := filepath.Join(dir, "b.csv")
	os.WriteFile(csv2, []byte("region,precinct,registered,took_part,yes,no,invalid\nSouth,7,200,100,30,60,10\n"), 0o644)
	for _, args := range [][]string{
		{"election", "import", "--db", url, dir},
		{"protocols", "import", "--db", url, "--election", "replicas", csv1},
	} {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	a, b := startServer(t, bin, url), startServer(t, bin, url)
	defer a.kill()
	defer b.kill()
	get := func(base, path string) (int, map[string]any) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		var out map[string]any
		json.Unmarshal(data, &out)
		return resp.StatusCode, out
	}
	// Both have loaded the election; South does not exist yet.
	for _, s := range []*server{a, b} {
		if code, _ := get(s.url, "/api/v1/elections/replicas/results?area=X/South"); code != 404 {
			t.Fatalf("South before its import: %d", code)
		}
	}
	if out, err := exec.Command(bin, "protocols", "import", "--db", url, "--election", "replicas", csv2).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, s := range []*server{a, b} {
		for {
			code, res := get(s.url, "/api/v1/elections/replicas/results?area=X/South")
			if code == 200 {
				if !strings.Contains(toJSON(res), `"yes":30`) {
					t.Errorf("South on %s: %v", s.url, res)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s never saw the areas another process created", s.url)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	_, res := get(b.url, "/api/v1/elections/replicas/results")
	if !strings.Contains(toJSON(res), `"yes":70`) {
		t.Errorf("national results on the second replica: %v", res)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
