package cdf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/cdf"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
)

// sharedData returns the path of a file under the shared data directory,
// skipping the test when it is absent, except under CI=true, where a
// missing file fails it.
func sharedData(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing, and CI=true requires it: %v", p, err)
		}
		t.Skipf("%s is absent; skipping (with CI=true this fails)", p)
	}
	return p
}

// env is a real SQLite store with the services on it.
type env struct {
	store  *sqlite.Store
	intake *intake.Service
	tally  *tally.Tally
}

func mustEnv(tb testing.TB) *env {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "dauys.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	in := intake.New(s, func() time.Time { return time.Date(2026, 3, 15, 20, 0, 0, 0, time.UTC) })
	return &env{store: s, intake: in, tally: tally.New(s, in.Elections())}
}

// mustImport imports a report and checks that the definition it stored is
// one the definition loader accepts, rules included.
func (v *env) mustImport(tb testing.TB, data []byte, opt cdf.ImportOptions) *cdf.ImportReport {
	tb.Helper()
	rep, err := cdf.Import(context.Background(), v.store, v.intake, data, opt)
	if err != nil {
		tb.Fatalf("import: %v", err)
	}
	if rep.Refused > 0 || rep.Accepted != rep.Protocols {
		tb.Fatalf("import: %+v", rep)
	}
	e, err := v.store.Election(context.Background(), rep.Election)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := definition.ParseWith(e.Definition, rep.Election+".json", nil, definition.Options{CheckRules: rules.Check}); err != nil {
		tb.Errorf("the imported definition does not load: %v", err)
	}
	return rep
}

// mustExport exports and encodes, which validates against the schema.
func (v *env) mustExport(tb testing.TB, election, level string) []byte {
	tb.Helper()
	r, _, err := cdf.Export(context.Background(), v.store, v.intake.Elections(), election, cdf.ExportOptions{
		Level: level, Now: time.Date(2026, 3, 16, 9, 30, 0, 0, time.FixedZone("", 5*3600))})
	if err != nil {
		tb.Fatalf("export %s: %v", level, err)
	}
	data, err := cdf.Encode(r)
	if err != nil {
		tb.Fatalf("export %s: %v", level, err)
	}
	return data
}

// totals returns every contest's lines for the whole election, through
// tally, which also decides every contest by its rules.
func (v *env) totals(tb testing.TB, election string) map[string]map[string]int64 {
	tb.Helper()
	res, err := v.tally.Area(context.Background(), election, "")
	if err != nil {
		tb.Fatalf("tally %s: %v", election, err)
	}
	out := map[string]map[string]int64{}
	for _, c := range res.Contests {
		if c.Outcome == nil {
			tb.Errorf("contest %s: no outcome at the root", c.Contest)
		}
		out[c.Contest] = c.Lines
	}
	return out
}

// protocols returns every current protocol's lines by contest and area.
func (v *env) protocols(tb testing.TB, election string) map[[2]string]map[string]int64 {
	tb.Helper()
	out := map[[2]string]map[string]int64{}
	err := v.store.EachProtocol(context.Background(), election, "", func(p *dauys.Protocol) error {
		out[[2]string{p.Contest, p.Area}] = p.Lines
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// errFile is the little of an ERR v2 report the tests read to know what
// the totals must be, independently of the importer.
type errFile struct {
	Election []struct {
		ElectionScopeID string `json:"ElectionScopeId"`
		Contest         []struct {
			ID               string `json:"@id"`
			Type             string `json:"@type"`
			ContestSelection []struct {
				ID         string `json:"@id"`
				Selection  struct{ Text []struct{ Content string } }
				VoteCounts []struct {
					GpUnitID string `json:"GpUnitId"`
					Type     string
					Count    int64
					Round    *int
				}
			}
			OtherCounts []struct {
				GpUnitID   string `json:"GpUnitId"`
				Overvotes  *int64
				Undervotes *int64
			}
		}
	}
}

// expectedTotals computes each contest's totals from the file: the counts
// at the election scope where the file gives them, else the sum over all
// units (of the first round of a ranked-choice count).
func expectedTotals(t *testing.T, data []byte) map[string]map[string]int64 {
	t.Helper()
	var f errFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	scope := f.Election[0].ElectionScopeID
	out := map[string]map[string]int64{}
	for _, c := range f.Election[0].Contest {
		lines := map[string]int64{}
		first := 1 << 30
		for _, s := range c.ContestSelection {
			for _, v := range s.VoteCounts {
				if v.Round != nil && *v.Round < first {
					first = *v.Round
				}
			}
		}
		for _, s := range c.ContestSelection {
			var atScope, sum int64
			hasScope := false
			for _, v := range s.VoteCounts {
				if v.Type != "total" || (v.Round != nil && *v.Round != first) {
					continue
				}
				if v.GpUnitID == scope {
					atScope += v.Count
					hasScope = true
				} else {
					sum += v.Count
				}
			}
			if hasScope {
				sum = atScope
			}
			line := dauys.OptionLinePrefix + s.ID
			if c.Type == "ElectionResults.BallotMeasureContest" && len(s.Selection.Text) > 0 && len(c.ContestSelection) == 2 {
				// A yes/no measure is a referendum with lines yes and no.
				line = strings.ToLower(s.Selection.Text[0].Content)
			}
			lines[line] = sum
		}
		var over, under, overScope, underScope int64
		hasScope, hasOver, hasUnder := false, false, false
		for _, o := range c.OtherCounts {
			var ov, un int64
			if o.Overvotes != nil {
				ov, hasOver = *o.Overvotes, true
			}
			if o.Undervotes != nil {
				un, hasUnder = *o.Undervotes, true
			}
			if o.GpUnitID == scope {
				overScope, underScope, hasScope = overScope+ov, underScope+un, true
			} else {
				over, under = over+ov, under+un
			}
		}
		if hasScope {
			over, under = overScope, underScope
		}
		if hasOver {
			lines["overvotes"] = over
		}
		if hasUnder {
			lines["undervotes"] = under
		}
		out[c.ID] = lines
	}
	return out
}

var nistFiles = []struct{ name, path string }{
	{"gen-01", "nist-cdf/synthetic/gen-01/err-gen-01.json"},
	{"gen-02", "nist-cdf/synthetic/gen-02/err-gen-02.json"},
	{"gen-03", "nist-cdf/synthetic/gen-03/err-gen-03.json"},
	{"prim-01", "nist-cdf/synthetic/prim-01/err-prim-01.json"},
	{"cambridge-2022-09", "nist-cdf/real_world/err-2022-09-06-Massachusetts-Cambridge.json"},
	{"cambridge-2022-11", "nist-cdf/real_world/err-2022-11-08-Massachusetts-Cambridge.json"},
}

// TestCDFImportNIST imports NIST's synthetic test elections and the real
// Cambridge reports into SQLite, checks the totals against the files, and
// checks that precinct-level and summary exports validate and re-import to
// the same totals, and the CSV layout to the same protocols.
func TestCDFImportNIST(t *testing.T) {
	for _, tc := range nistFiles {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile(sharedData(t, tc.path))
			if err != nil {
				t.Fatal(err)
			}
			if err := cdf.Validate(data); err != nil {
				t.Fatalf("NIST's file does not validate: %v", err)
			}
			want := expectedTotals(t, data)
			v := mustEnv(t)
			rep := v.mustImport(t, data, cdf.ImportOptions{ID: tc.name, Source: filepath.Base(tc.path)})
			if len(rep.Notes) == 0 {
				t.Error("no notes: a NIST file always has something Dauys does not represent")
			}
			got := v.totals(t, tc.name)
			if len(got) != len(want) {
				t.Errorf("%d contests, want %d", len(got), len(want))
			}
			for contest, lines := range want {
				for line, n := range lines {
					if got[contest][line] != n {
						t.Errorf("contest %s, %s = %d, want %d", contest, line, got[contest][line], n)
					}
				}
				for line, n := range got[contest] {
					if strings.HasPrefix(line, dauys.OptionLinePrefix) {
						if _, ok := lines[line]; !ok && n != 0 {
							t.Errorf("contest %s: unexpected option line %s = %d", contest, line, n)
						}
					}
				}
			}

			for _, level := range []string{cdf.LevelPrecinct, cdf.LevelSummary} {
				out := v.mustExport(t, tc.name, level)
				again := mustEnv(t)
				again.mustImport(t, out, cdf.ImportOptions{})
				if !equalTotals(t, level, got, again.totals(t, tc.name)) {
					continue
				}
				if level == cdf.LevelPrecinct {
					before, after := v.protocols(t, tc.name), again.protocols(t, tc.name)
					if len(before) != len(after) {
						t.Errorf("%s round trip: %d protocols, want %d", level, len(after), len(before))
					}
					for k, lines := range before {
						if !maps.Equal(lines, after[k]) {
							t.Errorf("%s round trip: protocol %v = %v, want %v", level, k, after[k], lines)
						}
					}
				}
			}

			var csvOut bytes.Buffer
			if err := cdf.WriteCSV(context.Background(), &csvOut, v.store, v.intake.Elections(), tc.name, cdf.ExportOptions{}, "en"); err != nil {
				t.Fatal(err)
			}
			rows, err := cdf.ReadCSV(&csvOut)
			if err != nil {
				t.Fatal(err)
			}
			subs, err := cdf.Submissions(rows)
			if err != nil {
				t.Fatal(err)
			}
			protocols := v.protocols(t, tc.name)
			if len(subs) != len(protocols) {
				t.Errorf("CSV: %d protocols, want %d", len(subs), len(protocols))
			}
			for _, s := range subs {
				if want := protocols[[2]string{s.Contest, s.Area}]; !maps.Equal(s.Lines, want) {
					t.Errorf("CSV: protocol %s/%s = %v, want %v", s.Contest, s.Area, s.Lines, want)
				}
			}
		})
	}
}

func equalTotals(t *testing.T, what string, want, got map[string]map[string]int64) bool {
	t.Helper()
	ok := true
	if len(got) != len(want) {
		t.Errorf("%s round trip: %d contests, want %d", what, len(got), len(want))
		ok = false
	}
	for c, lines := range want {
		if !maps.Equal(lines, got[c]) {
			t.Errorf("%s round trip: contest %s = %v, want %v", what, c, got[c], lines)
			ok = false
		}
	}
	return ok
}
