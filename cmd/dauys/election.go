package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/rules"
)

func (m *Main) runElectionImport(ctx context.Context, args []string) error {
	fs, db := m.flags("election import")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr{"election import takes one definition file or directory"}
	}
	e, err := definition.LoadWith(pos[0], definition.Options{CheckRules: rules.Check, CheckLists: rules.CheckLists,
		Warn: func(msg string) { fmt.Fprintf(m.Stderr, "dauys: warning: %s\n", msg) }})
	if err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	e.CreatedAt = m.Now().UTC()
	if err := s.CreateElection(ctx, e); err != nil {
		return err
	}
	return m.result(*asJSON, fmt.Sprintf("imported election %s: %d areas, %d contests\n", e.ID, len(e.Areas), len(e.Contests)),
		map[string]any{"election": e.ID, "areas": len(e.Areas), "contests": len(e.Contests)})
}

func (m *Main) runElections(ctx context.Context, args []string) error {
	fs, db := m.flags("elections")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	es, err := s.Elections(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		type item struct {
			ID       string     `json:"id"`
			Name     dauys.Text `json:"name"`
			Date     string     `json:"date"`
			Status   string     `json:"status"`
			Contests int        `json:"contests"`
			// Lifecycle is the status as the lifecycle names it
			// (scheduled, voting, counting, final).
			Lifecycle string `json:"lifecycle_status"`
		}
		out := []item{}
		for _, e := range es {
			out = append(out, item{e.ID, e.Name, e.Date, e.Status, len(e.Contests), dauys.LifecycleStatus(e.Status)})
		}
		return writeJSON(m.Stdout, map[string]any{"elections": out})
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tSTATUS\tCONTESTS\tNAME")
	for _, e := range es {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", e.ID, e.Date, dauys.LifecycleStatus(e.Status), len(e.Contests), e.Name.In("en"))
	}
	return tw.Flush()
}
