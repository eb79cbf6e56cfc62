package main

import (
	"context"
	"fmt"
	"os"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/forensics"
	"github.com/dauys/dauys/internal/integrity"
	"github.com/dauys/dauys/internal/report"
)

// forensicsOutput is the JSON of `dauys forensics --json`: the report's own
// keys at the top level, with the election, the contest and the
// cross-contest comparison beside them.
type forensicsOutput struct {
	Election string `json:"election"`
	Contest  string `json:"contest"`
	*forensics.Report
	CrossContest *integrity.CrossContest `json:"cross_contest"`
}

func (m *Main) runForensics(ctx context.Context, args []string) error {
	fs, db := m.flags("forensics")
	election := fs.String("election", "", "election id")
	contest := fs.String("contest", "", "contest id (default: the first list, majority or referendum contest over the whole country)")
	asJSON := fs.Bool("json", false, "print the full report as JSON")
	seed := fs.Uint64("seed", 0, "seed of the Monte Carlo; the same seed gives the same report")
	replicates := fs.Int("replicates", 1000, "Monte Carlo replicates, 1000 to 1000000")
	svg := fs.String("svg", "", "write the national fingerprint as SVG to this file")
	tolerance := fs.Int64("cross-tolerance", 0, "ballots by which a precinct's contests may differ before it is listed")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" {
		return usageErr{"forensics takes --election ID"}
	}
	if *replicates < 1000 || *replicates > 1_000_000 {
		return usageErr{fmt.Sprintf("--replicates must be between 1000 and 1000000, not %d", *replicates)}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	e, err := s.elections.Load(ctx, *election)
	if err != nil {
		return err
	}
	c := e.Contest(*contest)
	if *contest == "" {
		if c, err = integrity.DefaultContest(e); err != nil {
			return err
		}
	} else if c == nil {
		return dauys.Errorf(dauys.ENOTFOUND, "contest %q does not exist in election %s", *contest, e.ID)
	}
	rep, err := integrity.Forensics(ctx, s, e, c.ID, forensics.Config{Seed: *seed, Replicates: *replicates})
	if err != nil {
		return err
	}
	cross, err := integrity.CrossContestCheck(ctx, s, e, *tolerance)
	if err != nil {
		return err
	}
	names := report.OptionNames(c)
	if *svg != "" {
		if err := writeFingerprint(*svg, e, c, rep, names); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(m.Stdout, forensicsOutput{Election: e.ID, Contest: c.ID, Report: rep, CrossContest: cross})
	}
	return report.Forensics(m.Stdout, e.Election, e.Tree.Area, c, rep, cross, names)
}

func writeFingerprint(path string, e *election.Election, c *dauys.Contest, rep *forensics.Report, names map[string]string) error {
	f, err := os.Create(path)
	if err != nil {
		return dauys.Errorf(dauys.EINVALID, "--svg: %v", err)
	}
	leader := report.NameOf(names, rep.LeaderName)
	err = forensics.FingerprintSVG(f, rep.Fingerprint,
		forensics.WithTitle(fmt.Sprintf("Election fingerprint: %s, %s", e.Name.In("en"), c.Name.In("en"))),
		forensics.WithAxisLabels("Turnout (ballots issued / registered voters)", "Share of "+leader+" (votes / ballots cast)"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
