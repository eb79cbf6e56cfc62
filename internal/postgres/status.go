package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/dauys/dauys"
)

// ChangeElectionStatus applies dauys.TransitionStatus to the stored status
// and, when it allows the change, stores it and records it in the history.
// The election's row is locked first, so that two changes at once are
// checked one after the other.
func (s *Store) ChangeElectionStatus(ctx context.Context, c *dauys.StatusChange) error {
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
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

// selectStatus returns the election's status and locks its row for the
// rest of the transaction.
func selectStatus(ctx context.Context, tx pgx.Tx, election string) (string, error) {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM elections WHERE id = $1 FOR UPDATE`, election).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", dauys.Errorf(dauys.ENOTFOUND, "election %s not found", dauys.ClipText(election, 64))
	}
	return status, err
}

// recordStatus stores c.To as the election's status, appends c to its
// history and announces the change.
func recordStatus(ctx context.Context, tx pgx.Tx, c *dauys.StatusChange) error {
	if _, err := tx.Exec(ctx, `UPDATE elections SET status = $1 WHERE id = $2`, c.To, c.Election); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO status_changes (election_id, seq, from_status, to_status,
		decision_date, decision_number, reason, actor, at)
		SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM status_changes WHERE election_id = $1`,
		c.Election, c.From, c.To, c.DecisionDate, c.DecisionNumber, c.Reason, c.Actor, nanos(c.At)); err != nil {
		return fmt.Errorf("record status change: %w", err)
	}
	return notify(ctx, tx, c.Election, "status")
}

// StatusHistory returns the election's status changes, oldest first.
func (s *Store) StatusHistory(ctx context.Context, election string) ([]dauys.StatusChange, error) {
	var out []dauys.StatusChange
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT from_status, to_status, decision_date, decision_number, reason, actor, at
			FROM status_changes WHERE election_id = $1 ORDER BY seq`, election)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := dauys.StatusChange{Election: election}
			var at *int64
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
