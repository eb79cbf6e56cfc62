package main_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchGenerateAndIngest(t *testing.T) {
	dir := t.TempDir()
	out := mustRun(t, "bench", "generate", "--precincts", "1500", "--out", dir)
	if !strings.Contains(out, "1500 signed protocols") {
		t.Errorf("generate: %s", out)
	}
	db := filepath.Join(dir, "g.db")
	if out := mustRun(t, "election", "import", "--db", db, dir); !strings.Contains(out, "synth-1500") {
		t.Errorf("import of the generated definition: %s", out)
	}
	var rep struct {
		Protocols   int     `json:"protocols"`
		Seconds     float64 `json:"seconds"`
		Rate        float64 `json:"protocols_per_second"`
		Verify      float64 `json:"ed25519_verify_per_second"`
		BatchVerify float64 `json:"ed25519_batch_verify_per_second"`
		AllAccepted bool    `json:"all_accepted"`
		RSS         int64   `json:"peak_rss_bytes"`
		Logged      bool    `json:"logged"`
		LogSize     int64   `json:"log_size"`
	}
	// 1,500 precincts make 3 districts, each with its commission's key:
	// the log holds the definition, the areas record (in two parts of at
	// most 64 KiB), 3 keys and 1,500 protocols.
	const logSize = 1 + 2 + 3 + 1500
	dbs := []string{""} // a new SQLite file
	if pg := postgresURL(t); pg != "" {
		dbs = append(dbs, pg)
	}
	for _, db := range dbs {
		args := []string{"bench", "ingest", "--precincts", "1500", "--json"}
		if db != "" {
			args = append(args, "--db", db)
		}
		raw := mustRun(t, args...)
		if err := json.Unmarshal([]byte(raw), &rep); err != nil {
			t.Fatal(err)
		}
		var sums map[string]any
		json.Unmarshal([]byte(raw), &sums)
		if rep.Protocols != 1500 || !rep.AllAccepted || rep.Rate <= 0 || rep.Verify <= 0 || rep.BatchVerify <= 0 || rep.RSS <= 0 ||
			sums["national_took_part"] != sums["sum_of_protocols_took_part"] || !rep.Logged || rep.LogSize != logSize {
			t.Errorf("ingest report: %s", raw)
		}
	}
}

func TestBenchRead(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo night")
	}
	var rep struct {
		Results []struct {
			URL       string  `json:"url"`
			Requests  int     `json:"requests"`
			Errors    int     `json:"errors"`
			PerSecond float64 `json:"requests_per_second"`
		} `json:"results"`
		PageRatio float64 `json:"page_live_to_static"`
		JSONRatio float64 `json:"json_live_to_static"`
	}
	raw := mustRun(t, "bench", "read", "--connections", "8", "--duration", "300ms", "--json")
	if err := json.Unmarshal([]byte(raw), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 4 || rep.PageRatio <= 0 || rep.JSONRatio <= 0 {
		t.Fatalf("report: %s", raw)
	}
	for _, r := range rep.Results {
		if r.Requests == 0 || r.Errors > 0 {
			t.Errorf("%s: %d requests, %d errors", r.URL, r.Requests, r.Errors)
		}
	}
}
