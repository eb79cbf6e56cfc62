package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/dauys/dauys"
)

// ChangeElectionStatus applies dauys.TransitionStatus to the stored status
// and, when it allows the change, stores it and records it in the history.
func (s *Store) ChangeElectionStatus(ctx context.Context, c *dauys.StatusChange) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		from, err := selectStatus(ctx, tx, c.Election)
		if err != nil {
			return err
		}
		if err := dauys.TransitionStatus(from, c); err != nil {
			return err
		}
		c.From = from
		if c.At.IsZero() {
			c.At = s.Now()
		}
		return recordStatus(ctx, tx, c)
	})
	return wrap("change election status", err)
}

func selectStatus(ctx context.Context, tx *sql.Tx, election string) (string, error) {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM elections WHERE id = ?`, election).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", dauys.Errorf(dauys.ENOTFOUND, "election %s not found", dauys.ClipText(election, 64))
	}
	return status, err
}

// recordStatus stores c.To as the election's status and appends c to its
// history.
func recordStatus(ctx context.Context, tx *sql.Tx, c *dauys.StatusChange) error {
	if _, err := tx.ExecContext(ctx, `UPDATE elections SET status = ? WHERE id = ?`, c.To, c.Election); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO status_changes (election_id, seq, from_status, to_status,
		decision_date, decision_number, reason, actor, at)
		SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ? FROM status_changes WHERE election_id = ?`,
		c.Election, c.From, c.To, c.DecisionDate, c.DecisionNumber, c.Reason, c.Actor, nanos(c.At), c.Election); err != nil {
		return fmt.Errorf("record status change: %w", err)
	}
	return nil
}

// StatusHistory returns the election's status changes, oldest first.
func (s *Store) StatusHistory(ctx context.Context, election string) ([]dauys.StatusChange, error) {
	var out []dauys.StatusChange
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT from_status, to_status, decision_date, decision_number, reason, actor, at
			FROM status_changes WHERE election_id = ? ORDER BY seq`, election)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := dauys.StatusChange{Election: election}
			var at sql.NullInt64
			if err := rows.Scan(&c.From, &c.To, &c.DecisionDate, &c.DecisionNumber, &c.Reason, &c.Actor, &at); err != nil {
				return err
			}
			c.At = timeOf(at)
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("status history", err)
	}
	return out, nil
}
