// Package bench holds the measurements behind `dauys bench`: a synthetic
// election written to files (Generate), the whole intake path timed from
// signature to signed checkpoint against the machine's Ed25519 limit
// (Ingest), and the read path served live against the same bytes served
// as static files (Read). docs/performance.md gives the commands and what
// they measured.
//
// cmd/dauys parses the flags, opens the store and starts the server; this
// package does the work and reports it. bench may import the services and
// internal/synth and internal/loadtest; it never opens a database or
// starts a Dauys server itself, so that what it measures is what the
// caller wired.
package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dauys/dauys/internal/synth"
)

// Generated is what Generate wrote.
type Generated struct {
	ID                         string
	Precincts, Keys, Protocols int
}

// Generate writes a synthetic election of any size to dir: its
// definition (election.yaml and areas.csv, loadable by `dauys election
// import`), its commission keys (keys.json) and its signed protocols, one
// JSON submission a line (protocols.jsonl). The same size and seed give
// the same files.
func Generate(dir string, precincts int, seed uint64) (*Generated, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	id := fmt.Sprintf("synth-%d", precincts)
	e := synth.Election(id, precincts)
	priv, keys := synth.Keys(e, seed)
	packed := synth.Pack(e, seed, priv)

	def, areas, err := synth.Files(e)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "election.yaml"), def, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "areas.csv"), areas, 0o644); err != nil {
		return nil, err
	}
	kj, err := json.MarshalIndent(keys, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "keys.json"), kj, 0o644); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, "protocols.jsonl"))
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for i := range packed.Len() {
		if err := enc.Encode(packed.Submission(i)); err != nil {
			f.Close()
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return &Generated{ID: id, Precincts: precincts, Keys: len(keys), Protocols: packed.Len()}, nil
}
