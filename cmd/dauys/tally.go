package main

import "context"

// runTally prints the running totals of an election or one of its areas:
// `dauys tally`.
func (m *Main) runTally(ctx context.Context, args []string) error {
	fs, db := m.flags("tally")
	election := fs.String("election", "", "election id")
	area := fs.String("area", "", "area id (default: the whole election)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" {
		return usageErr{"tally takes --election ID"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.tally.Area(ctx, *election, *area)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, res)
	}
	return res.WriteText(m.Stdout)
}
