package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/backend"
	"github.com/dauys/dauys/internal/csvsafe"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/imagestore"
	"github.com/dauys/dauys/internal/intake"
)

// runOrg registers observer organisations and lists them: `dauys org
// register|list`.
func (m *Main) runOrg(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "register" && args[0] != "list") {
		return usageErr{"usage: dauys org register --election ID --name NAME [--kind party|ngo|candidate], or dauys org list --election ID"}
	}
	fs, db := m.flags("org " + args[0])
	election := fs.String("election", "", "election id")
	name := fs.String("name", "", "the organisation's name, as its observers' copies are published under")
	kind := fs.String("kind", "", "party, ngo, candidate or commission")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *election == "" {
		return usageErr{"org " + args[0] + " takes --election ID"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if args[0] == "register" {
		o := &dauys.Organisation{Election: *election, Name: *name, Kind: *kind, CreatedAt: m.Now().UTC()}
		if err := s.intake.RegisterOrganisation(ctx, o); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "registered %s for election %s; its observers get tokens with dauys token create --role observer --org %q --area PRECINCT --election %s\n",
			o.Name, o.Election, o.Name, o.Election)
		return nil
	}
	orgs, err := s.Organisations(ctx, *election)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, orgs)
	}
	for _, o := range orgs {
		fmt.Fprintf(m.Stdout, "%s\t%s\t%s\n", o.Name, o.Kind, o.CreatedAt.Format("2006-01-02 15:04"))
	}
	return nil
}

// runObservationsImport reads an observer group's spreadsheet of protocol
// copies: `dauys observations import --election ID --org NAME FILE.csv`.
func (m *Main) runObservationsImport(ctx context.Context, args []string) error {
	fs, db := m.flags("observations import")
	election := fs.String("election", "", "election id")
	org := fs.String("org", "", "the registered organisation whose copies the file holds")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *election == "" || *org == "" || len(pos) != 1 {
		return usageErr{"observations import takes --election ID --org NAME and one CSV or zip file"}
	}
	f, _, s, err := m.startImport(ctx, "observations import", *db, pos[0], args)
	if err != nil {
		return err
	}
	defer f.Close()
	defer s.Close()
	rep, err := s.intake.ImportObservations(ctx, *election, *org, f, pos[0], cliActor(), func(re intake.RowError) {
		fmt.Fprintf(m.Stderr, "rejected: %s\n", re.Reason)
	})
	if rep != nil {
		m.importCounts = fmt.Sprintf("rows %d: stored %d, rejected %d", rep.Rows, rep.Stored, rep.Rejected)
		fmt.Fprintln(m.Stdout, m.importCounts)
	}
	if err != nil {
		return err
	}
	if rep.Rejected > 0 {
		return errRejected
	}
	return nil
}

// imagesFor is where observers' images are kept for a --db value: the
// folder "images" beside a SQLite file, or in the working folder for
// PostgreSQL. Images are content-addressed, so databases that share the
// folder share identical images and nothing else.
func imagesFor(db string) *imagestore.Folder {
	if env := os.Getenv("DAUYS_IMAGES"); env != "" {
		return &imagestore.Folder{Dir: env}
	}
	if backend.IsPostgres(db) {
		return &imagestore.Folder{Dir: "images"}
	}
	return &imagestore.Folder{Dir: filepath.Join(filepath.Dir(db), "images")}
}

// runDiscrepancies prints every line on which an observer's copy differs
// from the official protocol: `dauys discrepancies`.
func (m *Main) runDiscrepancies(ctx context.Context, args []string) error {
	fs, db := m.flags("discrepancies")
	election := fs.String("election", "", "election id")
	area := fs.String("area", "", "an area: the precincts at or below it (default: all)")
	asJSON := fs.Bool("json", false, "print JSON, as GET /api/v1/elections/{id}/discrepancies answers")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" {
		return usageErr{"discrepancies takes --election ID"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	c, err := s.tally.Checks(ctx, *election, *area)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, c)
	}
	w := csvsafe.NewWriter(m.Stdout)
	w.Write(httpapi.DiscrepancyColumns)
	num := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	for _, d := range c.Discrepancies {
		w.Write([]string{d.Area, d.Contest, d.Line, num(d.Official), num(d.Observed), d.Org, d.Observation})
	}
	w.Flush()
	fmt.Fprintf(m.Stderr, "%d precincts observed, %d matching, %d discrepancies\n", c.Observed, c.Matching, len(c.Discrepancies))
	return w.Error()
}

// runComplaints lists and decides complaints and orders recounts, for the
// commission at the command line: `dauys complaints list|decide` and
// `dauys recount order`.
func (m *Main) runComplaints(ctx context.Context, sub string, args []string) error {
	fs, db := m.flags(sub)
	election := fs.String("election", "", "election id")
	area := fs.String("area", "", "a precinct (list: default all; recount order: required)")
	id := fs.String("id", "", "decide: the complaint's id")
	status := fs.String("status", "", "decide: rejected, upheld or recount-ordered")
	text := fs.String("decision", "", "decide: the commission's reasoned decision")
	contest := fs.String("contest", "", "recount order: the contest")
	reason := fs.String("reason", "", "recount order: why")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" {
		return usageErr{sub + " takes --election ID"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	switch sub {
	case "complaints decide":
		rc, err := s.intake.DecideComplaint(ctx, &dauys.ComplaintDecision{Election: *election, Complaint: *id, Status: *status,
			Decision: *text, DecidedBy: cliActor()})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "complaint %s: %s\n", *id, *status)
		if rc != nil {
			fmt.Fprintf(m.Stdout, "recount %s ordered: send the new count with \"recount\": %q\n", rc.ID, rc.ID)
		}
		return nil
	case "recount order":
		rc := &dauys.Recount{Election: *election, Area: *area, Contest: *contest, Reason: *reason, OrderedBy: cliActor()}
		if err := s.intake.OrderRecount(ctx, rc); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "recount %s ordered: send the new count with \"recount\": %q\n", rc.ID, rc.ID)
		return nil
	}
	cs, err := s.Complaints(ctx, *election, *area)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []*dauys.Complaint{}
	}
	return writeJSON(m.Stdout, cs)
}
