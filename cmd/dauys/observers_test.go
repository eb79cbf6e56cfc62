package main_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/imagestore"
	"github.com/dauys/dauys/internal/intake"
)

// TestObserverCommands registers an organisation, gives its observer a
// token and imports its spreadsheet of copies on SQLite and PostgreSQL:
// good rows are stored, a row for a precinct that does not exist and a
// row that does not add up are refused with their line, and the import is
// in the audit trail.
func TestObserverCommands(t *testing.T) {
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "d.db")}
	if url := postgresURL(t); url != "" {
		dbs["postgres"] = url
	}
	const id = "kz-referendum-2022"
	csvPath, _ := nightCSV(t, id, func(i int) bool { return i < 3 })
	data, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(data)), "\n")
	var b strings.Builder
	b.WriteString(rows[0] + ",observer\n")
	b.WriteString(rows[1] + ",Aigerim\n")
	b.WriteString(rows[2] + ",\n")
	b.WriteString(strings.Replace(rows[1], "KZ-", "XX-", 1) + ",Bolat\n")
	fields := strings.Split(rows[1], ",")
	fields[len(fields)-1] = "999999"
	b.WriteString(strings.Join(fields, ",") + ",Bolat\n")
	copies := filepath.Join(t.TempDir(), "copies.csv")
	os.WriteFile(copies, []byte(b.String()), 0o644)

	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			mustRun(t, "election", "import", "--db", db, "../../examples/"+id)
			mustRun(t, "protocols", "import", "--db", db, "--election", id, csvPath)
			if code, _, errs := run(t, "token", "create", "--db", db, "--role", "observer", "--org", "Adal", "--area", "KZ-11", "--election", id); code == 0 || !strings.Contains(errs, "not registered") {
				t.Errorf("token for an unregistered organisation: exit %d, %s", code, errs)
			}
			if out := mustRun(t, "org", "register", "--db", db, "--election", id, "--name", "Adal", "--kind", "ngo"); !strings.Contains(out, "registered Adal") {
				t.Errorf("org register: %s", out)
			}
			if out := mustRun(t, "org", "list", "--db", db, "--election", id); !strings.Contains(out, "Adal\tngo") {
				t.Errorf("org list: %s", out)
			}
			if tok := mustRun(t, "token", "create", "--db", db, "--role", "observer", "--org", "Adal", "--area", "KZ-11", "--election", id); len(strings.TrimSpace(tok)) < 20 {
				t.Errorf("token: %q", tok)
			}
			// An account acts for an organisation as a token does.
			if code, _, errs := runIn(t, "a long enough password\n", "user", "add", "--db", db, "--name", "aigerim-"+name, "--role", "observer",
				"--org", "Nobody", "--election", id); code == 0 || !strings.Contains(errs, "not registered") {
				t.Errorf("user of an unregistered organisation: exit %d, %s", code, errs)
			}
			if code, out, errs := runIn(t, "a long enough password\n", "user", "add", "--db", db, "--name", "aigerim-"+name, "--role", "observer",
				"--org", "Adal", "--election", id, "--area", "KZ-11"); code != 0 {
				t.Fatalf("user add --org: exit %d\n%s%s", code, out, errs)
			}
			if out := mustRun(t, "user", "list", "--db", db, "--json"); !strings.Contains(out, `"org": "Adal"`) {
				t.Errorf("user list: %s", out)
			}
			code, out, errs := run(t, "observations", "import", "--db", db, "--election", id, "--org", "Adal", copies)
			if code != 4 || !strings.Contains(out, "rows 4: stored 2, rejected 2") {
				t.Errorf("observations import: exit %d\n%s%s", code, out, errs)
			}
			if !strings.Contains(errs, "copies.csv:4:") || !strings.Contains(errs, "copies.csv:5:") {
				t.Errorf("refused rows are not named by their line:\n%s", errs)
			}
			if code, _, errs := run(t, "observations", "import", "--db", db, "--election", id, "--org", "Nobody", copies); code != 3 || !strings.Contains(errs, "not registered") {
				t.Errorf("import for an unregistered organisation: exit %d, %s", code, errs)
			}
			// The copies match the protocols they copy.
			code, out, errs = run(t, "discrepancies", "--db", db, "--election", id)
			if code != 0 || !strings.HasPrefix(out, "area,contest,line,official,observed,org,observation\n") || !strings.Contains(errs, "2 precincts observed, 2 matching, 0 discrepancies") {
				t.Errorf("discrepancies: exit %d\n%s%s", code, out, errs)
			}
			// The commission at the command line.
			first := strings.Split(rows[1], ",")
			if out := mustRun(t, "recount", "order", "--db", db, "--election", id, "--area", first[0], "--contest", first[1], "--reason", "Ballots found after the count"); !strings.Contains(out, "recount 1 ordered") {
				t.Errorf("recount order: %s", out)
			}
			if code, _, errs := run(t, "recount", "order", "--db", db, "--election", id, "--area", first[0], "--contest", first[1], "--reason", "again"); code != 6 || !strings.Contains(errs, "open already") {
				t.Errorf("a second open recount: exit %d, %s", code, errs)
			}
			if code, _, errs := run(t, "complaints", "decide", "--db", db, "--election", id, "--id", "999", "--status", "rejected", "--decision", "no"); code != 3 || !strings.Contains(errs, "no complaint") {
				t.Errorf("decide a missing complaint: exit %d, %s", code, errs)
			}
			if out := mustRun(t, "complaints", "list", "--db", db, "--election", id); strings.TrimSpace(out) != "[]" {
				t.Errorf("complaints list: %s", out)
			}
			trail := mustRun(t, "audit-log", "--db", db, "--election", id)
			for _, w := range []string{"org-register", "observe-import", "token-create", "recount-order"} {
				if !strings.Contains(trail, w) {
					t.Errorf("audit trail lacks %s:\n%s", w, trail)
				}
			}
		})
	}
}

// observeWithPhoto sends, through intake, a copy of the first protocol of
// an election in a SQLite file with a photo kept in images, and returns
// the photo's SHA-256.
func observeWithPhoto(t *testing.T, db, election, org, images string) string {
	t.Helper()
	s, _ := mustOpenElection(t, db, election)
	defer s.Close()
	ctx := context.Background()
	var first *dauys.Protocol
	if err := s.EachProtocol(ctx, election, "", func(p *dauys.Protocol) error {
		if first == nil {
			first = p
		}
		return nil
	}); err != nil || first == nil {
		t.Fatalf("no protocol to copy: %v", err)
	}
	in := intake.New(s, time.Now)
	o, err := in.Observe(ctx, election, org, intake.Submission{Contest: first.Contest, Area: first.Area, Lines: maps.Clone(first.Lines)})
	if err != nil {
		t.Fatal(err)
	}
	var pic bytes.Buffer
	png.Encode(&pic, image.NewGray(image.Rect(0, 0, 8, 6)))
	img, err := in.AddImage(ctx, &imagestore.Folder{Dir: images}, election, o.ID, org, dauys.MediaPNG, pic.Bytes(), "observer")
	if err != nil {
		t.Fatal(err)
	}
	return img.SHA256
}
