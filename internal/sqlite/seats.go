package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/dauys/dauys"
)

// AssignSeats stores a party's seat assignment, replacing its earlier one.
func (s *Store) AssignSeats(ctx context.Context, a *dauys.SeatAssignment) error {
	if err := a.Validate(); err != nil {
		return wrap("assign seats", err)
	}
	if a.At.IsZero() {
		a.At = s.Now()
	}
	cands, err := json.Marshal(a.Candidates)
	if err != nil {
		return wrap("assign seats", err)
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, a.Election); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO seat_assignments (election_id, contest_id, party, candidates, decision, actor, at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (election_id, contest_id, party) DO UPDATE SET candidates = excluded.candidates,
				decision = excluded.decision, actor = excluded.actor, at = excluded.at`,
			a.Election, a.Contest, a.Party, string(cands), a.Decision, a.Actor, nanos(a.At))
		return err
	})
	return wrap("assign seats", err)
}

// SeatAssignments returns the current assignments of a contest ("" for
// all), by contest and party.
func (s *Store) SeatAssignments(ctx context.Context, election, contest string) ([]dauys.SeatAssignment, error) {
	var out []dauys.SeatAssignment
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT contest_id, party, candidates, decision, actor, at FROM seat_assignments
			WHERE election_id = ? AND (? = '' OR contest_id = ?) ORDER BY contest_id, party`, election, contest, contest)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a := dauys.SeatAssignment{Election: election}
			var cands string
			var at sql.NullInt64
			if err := rows.Scan(&a.Contest, &a.Party, &cands, &a.Decision, &a.Actor, &at); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(cands), &a.Candidates); err != nil {
				return fmt.Errorf("candidates of %s/%s: %w", a.Contest, a.Party, err)
			}
			a.At = timeOf(at)
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("seat assignments", err)
	}
	return out, nil
}
