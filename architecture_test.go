package dauys_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// module is the import path of this module; "mod/x" below stands for
// module+"/x".
const module = "github.com/dauys/dauys"

// TestArchitecture checks the dependency picture of docs/architecture.md
// with `go list`: which package may import which, directly or through
// another package. A pattern ending in "/..." stands for a path and
// everything below it.
func TestArchitecture(t *testing.T) {
	stores := []string{"mod/internal/sqlite", "mod/internal/postgres", "database/sql", "modernc.org/sqlite", "github.com/jackc/pgx/v5/..."}
	surfaces := []string{"mod/internal/httpapi", "mod/internal/web", "mod/internal/cdf", "mod/cmd/..."}
	// Only cmd/dauys wires the metrics: the services report through
	// interfaces of their own and never see the Prometheus library.
	telemetry := []string{"mod/internal/metrics", "github.com/prometheus/..."}
	rules := []struct {
		pkg   string
		never []string
		why   string
	}{
		{"mod", join([]string{"net/http", "html/template", "mod/internal/...", "mod/cmd/..."}, stores, telemetry),
			"the root package is the domain: types and interfaces, no driver, no network, no templates"},
		{"mod/decide", []string{"mod", "mod/internal/...", "mod/cmd/..."},
			"the decision mathematics is pure and importable by other projects"},
		{"mod/internal/forensics", []string{"mod", "mod/internal/...", "mod/cmd/..."},
			"the statistics are pure and depend on no other Dauys package"},
		{"mod/internal/rla", []string{"mod", "mod/internal/...", "mod/cmd/..."},
			"the risk-limiting audit mathematics is pure and depends on no other Dauys package"},
		{"mod/internal/metrics", []string{"mod", "mod/internal/...", "mod/cmd/..."},
			"the metrics depend on no other Dauys package: the services report to them through interfaces of their own"},
		{"mod/internal/sigverify", []string{"mod", "mod/internal/...", "mod/cmd/..."},
			"intake and the verifier share the one signature equation, which depends on no other Dauys package"},
		{"mod/internal/election", join([]string{"mod/internal/intake", "mod/internal/tally", "mod/internal/integrity", "net/http"}, surfaces, stores, telemetry),
			"the loaded election is read by everyone, so it depends on none of them"},
		{"mod/internal/intake", join([]string{"mod/internal/tally", "mod/internal/integrity", "mod/internal/verify"}, surfaces, telemetry),
			"the write path does not depend on the readers of results"},
		{"mod/internal/tally", join([]string{"mod/internal/intake", "mod/internal/integrity"}, surfaces, stores, telemetry),
			"results are read through the loaded election, not the write path"},
		{"mod/internal/integrity", join([]string{"mod/internal/intake"}, surfaces, stores, telemetry),
			"integrity reads protocols and the tally, never the write path"},
		{"mod/internal/web", join([]string{"mod/internal/intake", "mod/internal/httpapi", "mod/internal/cdf", "mod/cmd/..."}, stores, telemetry),
			"the site reads through tally and never submits"},
		{"mod/internal/httpapi", join([]string{"mod/internal/web", "mod/internal/cdf", "mod/cmd/..."}, stores, telemetry),
			"the API submits through intake and reads through tally, over any store"},
		{"mod/internal/dataset", join([]string{"mod/internal/intake", "mod/internal/tally", "mod/internal/integrity"}, surfaces, stores, telemetry),
			"the data files' layout is written from a loaded election by the surfaces, and depends on none of them"},
		{"mod/internal/verify", join([]string{"mod/internal/intake", "mod/internal/election", "mod/internal/tally", "mod/internal/integrity"}, surfaces, stores, telemetry),
			"the verifier reads only what publish wrote, with its own code"},
	}

	pkgs := listPackages(t)
	for _, r := range rules {
		pkg := expand(r.pkg)
		name := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		if name == "" {
			name = "root"
		}
		t.Run(name, func(t *testing.T) {
			p, ok := pkgs[pkg]
			if !ok {
				t.Fatalf("go list does not know %s", pkg)
			}
			for _, d := range p.Deps {
				for _, n := range r.never {
					if matches(d, expand(n)) {
						t.Errorf("%s imports %s (directly or through another package): %s", pkg, d, r.why)
					}
				}
			}
		})
	}
}

// TestPackageDocs: every package says, in its doc comment, what it owns
// and what it must never import, so that a reader of any package finds its
// place in the picture.
func TestPackageDocs(t *testing.T) {
	for path, p := range listPackages(t) {
		if p.Doc == "" {
			t.Errorf("%s has no package doc comment", path)
		}
	}
}

// join concatenates lists of patterns into a new slice.
func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func expand(p string) string {
	if p == "mod" || strings.HasPrefix(p, "mod/") {
		return module + strings.TrimPrefix(p, "mod")
	}
	return p
}

func matches(path, pattern string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == prefix || strings.HasPrefix(path, prefix+"/")
	}
	return path == pattern
}

// goPackage is what the tests read of `go list -json`.
type goPackage struct {
	ImportPath string
	Doc        string
	// Deps are the transitive imports, not counting tests.
	Deps []string
}

// listPackages returns every package of the module as `go list` sees it.
func listPackages(t *testing.T) map[string]goPackage {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the architecture test needs the go command: %v", err)
	}
	cmd := exec.Command(goTool, "list", "-json=ImportPath,Doc,Deps", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]goPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}
