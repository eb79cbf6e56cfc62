package main

import "context"

// runTally prints the running totals of an election or one of its areas:
// `dauys tally`.
func (m *Main) runTally(ctx context.Context, args []string) error {
	s, election, area, asJSON, err := m.areaCommand(ctx, "tally", args)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.tally.Area(ctx, election, area)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(m.Stdout, res)
	}
	return res.WriteText(m.Stdout)
}

// areaCommand parses the flags of a command that reads an election or one
// of its areas (--election ID [--area ID] [--json]) and opens the
// database; the caller closes it.
func (m *Main) areaCommand(ctx context.Context, name string, args []string) (s *store, election, area string, asJSON bool, err error) {
	fs, db := m.flags(name)
	e := fs.String("election", "", "election id")
	a := fs.String("area", "", "area id (default: the whole election)")
	j := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return nil, "", "", false, err
	}
	if *e == "" {
		return nil, "", "", false, usageErr{name + " takes --election ID"}
	}
	s, err = m.open(ctx, *db)
	if err != nil {
		return nil, "", "", false, err
	}
	return s, *e, *a, *j, nil
}
