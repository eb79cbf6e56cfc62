package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/rules"
)

// runSeatsAssign records a party's decision after the commission's: the
// candidates, by their positions on the party's list, who take the seats
// the rules engine allocated to it, with the law's checks.
func (m *Main) runSeatsAssign(ctx context.Context, args []string) error {
	fs, db := m.flags("seats assign")
	election := fs.String("election", "", "election id")
	contest := fs.String("contest", "", "the list contest")
	party := fs.String("party", "", "the party's option id")
	candidates := fs.String("candidates", "", "positions on the party's list, counted from 1, comma-separated: 1,2,5")
	decision := fs.String("decision", "", "the party's decision, such as its number and date")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" || *contest == "" || *party == "" || *candidates == "" {
		return usageErr{"seats assign takes --election ID --contest C --party P --candidates 1,2,5"}
	}
	positions, err := parsePositions(*candidates)
	if err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	a := &dauys.SeatAssignment{Election: *election, Contest: *contest, Party: *party, Candidates: positions,
		Decision: *decision, Actor: cliActor(), At: m.Now().UTC()}
	e, facts, err := s.tally.AssignmentFacts(ctx, *election, *contest, *party)
	if err != nil {
		return err
	}
	warnings, err := rules.CheckAssignment(e, a, facts)
	if err != nil {
		return err
	}
	if e.Status != dauys.StatusFinal {
		warnings = append(warnings, fmt.Sprintf("the election is %s, not final: the commission has not established its results, and the seats may still change", e.Status))
	}
	for _, w := range warnings {
		fmt.Fprintf(m.Stderr, "dauys: warning: party %s: %s\n", *party, w)
	}
	if err := s.AssignSeats(ctx, a); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "contest %s: party %s assigned %d of its %d seats to candidates %s\n",
		*contest, *party, len(positions), facts.Seats, *candidates)
	return nil
}

// maxPositionsFlag bounds --candidates before it is split.
const maxPositionsFlag = 16 << 10

// parsePositions reads "1,2,5" into list positions.
func parsePositions(s string) ([]int, error) {
	if len(s) > maxPositionsFlag {
		return nil, usageErr{"--candidates is too long"}
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, dauys.Errorf(dauys.EINVALID, "--candidates: %s is not a list position (1, 2, ...)", dauys.QuotePrefix(f))
		}
		out = append(out, n)
	}
	return out, nil
}

// runSeatsList prints the recorded assignments of an election.
func (m *Main) runSeatsList(ctx context.Context, args []string) error {
	fs, db := m.flags("seats list")
	election := fs.String("election", "", "election id")
	contest := fs.String("contest", "", "one contest (default: all)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" {
		return usageErr{"seats list takes --election ID"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	as, err := s.SeatAssignments(ctx, *election, *contest)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, map[string]any{"assignments": as})
	}
	for _, a := range as {
		fmt.Fprintf(m.Stdout, "%s\t%s\t%v\t%s\t%s\n", a.Contest, a.Party, a.Candidates, a.At.UTC().Format("2006-01-02T15:04:05Z"), dauys.ClipText(a.Decision, 200))
	}
	return nil
}
