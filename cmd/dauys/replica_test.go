package main_test

import (
	"encoding/json"
	"fmt"
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
// (LISTEN/NOTIFY drops the cached definition); a session opened on one
// is honoured by the other; and both append to the transparency log, which
// the appends serialized in the database keep whole: the published log
// verifies, every version in it once.
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
	key := filepath.Join(dir, "log.key")
	out := mustRun(t, "log", "init", "--db", url, "--election", "replicas", "--key-out", key)
	vkey := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	if code, out, errs := runIn(t, "a long enough password\n", "user", "add", "--db", url, "--name", "op", "--role", "operator", "--election", "replicas"); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, errs)
	}
	a, b := startServer(t, bin, url, "--log-key", key), startServer(t, bin, url, "--log-key", key)
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
	deadline := time.Now().Add(2 * time.Minute)
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

	// A session opened on one replica works on the other.
	resp, err := http.Post(a.url+"/api/v1/login", "application/json", strings.NewReader(`{"user":"op","password":"a long enough password"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := resp.Cookies()
	if resp.StatusCode != 200 || len(cookies) == 0 {
		t.Fatalf("login on the first replica: %d, cookies %v", resp.StatusCode, cookies)
	}
	// Amendments of the same precinct, sent to one replica and the other:
	// both sequencers append to the one log.
	for i, s := range []*server{b, a, b, a} {
		body := fmt.Sprintf(`{"contest":"q","area":"X/North/1","amendment":true,"reason":"recount %d",`+
			`"lines":{"registered":100,"took_part":60,"yes":%d,"no":%d,"invalid":1}}`, i+1, 40-i-1, 19+i+1)
		req, _ := http.NewRequest("POST", s.url+"/api/v1/elections/replicas/protocols", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("amendment %d on %s with the session of the other replica: %d %s", i+1, s.url, resp.StatusCode, msg)
		}
	}
	// Once the log has caught up, the published election verifies.
	site := filepath.Join(dir, "site")
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		code, _, errs := run(t, "publish", "--db", url, "--election", "replicas", "--out", site)
		if code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("publish: the log never caught up: %s", errs)
		}
	}
	if out := mustRun(t, "verify", "--key", vkey, site); !strings.Contains(out, "VERIFIED") {
		t.Errorf("verify:\n%s", out)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
