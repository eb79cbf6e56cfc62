package main_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// TestPublishPrecinctFiles: publish writes every protocol of an election
// as one CSV and one Parquet file, in the layout of the CDF flat CSV:
// precincts.csv is what `dauys cdf export --format csv --lang kk` writes,
// and the Parquet file holds the same rows, with the layout's version in
// its metadata and in the CSV's sidecar.
func TestPublishPrecinctFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	mustRun(t, "cdf", "import", "--db", db, "--id", "example", minimalReport)
	site := filepath.Join(dir, "site")
	mustRun(t, "publish", "--db", db, "--election", "example", "--out", site, "--version", "v1")
	data := filepath.Join(site, "v", "v1", "data", "example")
	csvFile, err := os.ReadFile(filepath.Join(data, "precincts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	flat := mustRun(t, "cdf", "export", "--db", db, "--election", "example", "--format", "csv", "--lang", "kk")
	if string(csvFile) != flat || strings.Count(flat, "\n") < 5 {
		t.Errorf("precincts.csv:\n%s\ncdf export --format csv:\n%s", csvFile, flat)
	}
	pq, err := os.ReadFile(filepath.Join(data, "precincts.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(pq), int64(len(pq)))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Lookup("dauys.schema"); v != "dauys-results/1" || f.NumRows() != int64(strings.Count(flat, "\n")-1) {
		t.Errorf("parquet: schema %q, %d rows; want dauys-results/1 and %d", v, f.NumRows(), strings.Count(flat, "\n")-1)
	}
	var meta struct {
		ConformsTo  string `json:"dc:conformsTo"`
		TableSchema struct {
			Columns []struct{ Name, Datatype string }
		}
	}
	b, _ := os.ReadFile(filepath.Join(data, "precincts.csv-metadata.json"))
	if err := json.Unmarshal(b, &meta); err != nil || meta.ConformsTo != "dauys-results/1" || len(meta.TableSchema.Columns) != 12 || meta.TableSchema.Columns[11].Datatype != "integer" {
		t.Errorf("sidecar %+v, %v", meta, err)
	}
}
