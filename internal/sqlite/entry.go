package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/dauys/dauys"
)

// checkEntry refuses an entry the store cannot keep.
func checkEntry(e *dauys.Entry) error {
	if e == nil || e.Election == "" || e.Contest == "" || e.Area == "" {
		return dauys.Errorf(dauys.EINVALID, "an entry needs an election, a contest and an area")
	}
	if e.Slot != 1 && e.Slot != 2 {
		return dauys.Errorf(dauys.EINVALID, "precinct %s, contest %s: entry slot %d is neither 1 nor 2", e.Area, e.Contest, e.Slot)
	}
	return nil
}

// SaveEntry stores one entry of double entry and sets the status of the
// precinct and contest to dauys.ProtocolEntered unless it has a protocol.
// EINVALID for an entry without ids or with a slot other than 1 or 2;
// ENOTFOUND when the election is missing.
func (s *Store) SaveEntry(ctx context.Context, e *dauys.Entry) error {
	if err := checkEntry(e); err != nil {
		return wrap("save entry", err)
	}
	lines, err := json.Marshal(e.Lines)
	if err != nil {
		return wrap("save entry", fmt.Errorf("encode lines: %w", err))
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, e.Election); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO entries
			(election_id, contest_id, area_id, slot, operator, lines, hash, received_at, base)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Election, e.Contest, e.Area, e.Slot, e.Operator, string(lines), e.Hash, nanos(e.ReceivedAt), e.Base); err != nil {
			return fmt.Errorf("insert entry: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO heads (election_id, contest_id, area_id, version, hash, status, updated_at)
			VALUES (?, ?, ?, 0, '', ?, ?)
			ON CONFLICT (election_id, contest_id, area_id) DO UPDATE SET
				status = excluded.status, updated_at = excluded.updated_at
			WHERE heads.version = 0`,
			e.Election, e.Contest, e.Area, dauys.ProtocolEntered, nanos(e.ReceivedAt)); err != nil {
			return fmt.Errorf("update head: %w", err)
		}
		return nil
	})
	return wrap("save entry", err)
}

// Entries returns the entries of a precinct and contest, oldest first (by
// ReceivedAt, then in the order they were stored). ENOTFOUND when the
// election is missing.
func (s *Store) Entries(ctx context.Context, election, contest, area string) ([]*dauys.Entry, error) {
	var out []*dauys.Entry
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT election_id, contest_id, area_id, slot, operator, lines, hash, received_at, base
			FROM entries WHERE election_id = ? AND contest_id = ? AND area_id = ?
			ORDER BY received_at NULLS FIRST, id`, election, contest, area)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e        dauys.Entry
				lines    []byte
				received sql.NullInt64
			)
			if err := rows.Scan(&e.Election, &e.Contest, &e.Area, &e.Slot, &e.Operator, &lines, &e.Hash, &received, &e.Base); err != nil {
				return err
			}
			if err := json.Unmarshal(lines, &e.Lines); err != nil {
				return fmt.Errorf("decode lines: %w", err)
			}
			e.ReceivedAt = timeOf(received)
			out = append(out, &e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("entries", err)
	}
	return out, nil
}

// RecordRefusal stores a refused submission. A refusal for a precinct and
// contest with a code of dauys.ECONFLICT marks it dauys.ProtocolDisputed
// until a later version is saved; a precinct and contest with no status
// yet (nothing entered, nothing accepted) gets none, so that a refused
// submission for a mistyped area leaves no trace in Heads. EINVALID without
// an election or a code; ENOTFOUND when the election is missing.
func (s *Store) RecordRefusal(ctx context.Context, r *dauys.Refusal) error {
	if r == nil || r.Election == "" || r.Code == "" {
		return wrap("record refusal", dauys.Errorf(dauys.EINVALID, "a refusal needs an election and a code"))
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, r.Election); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO refusals
			(election_id, contest_id, area_id, code, reason, payload, submitter, source, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Election, r.Contest, r.Area, r.Code, r.Reason, r.Payload, r.Submitter, r.Source, nanos(r.ReceivedAt)); err != nil {
			return fmt.Errorf("insert refusal: %w", err)
		}
		if r.Code != dauys.ECONFLICT || r.Contest == "" || r.Area == "" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE heads SET status = ?, updated_at = ?
			WHERE election_id = ? AND contest_id = ? AND area_id = ?`,
			dauys.ProtocolDisputed, nanos(r.ReceivedAt), r.Election, r.Contest, r.Area); err != nil {
			return fmt.Errorf("update head: %w", err)
		}
		return nil
	})
	return wrap("record refusal", err)
}

// Refusals lists the refusals of an election, oldest first (by ReceivedAt,
// then in the order they were stored). ENOTFOUND when the election is
// missing.
func (s *Store) Refusals(ctx context.Context, election string) ([]*dauys.Refusal, error) {
	var out []*dauys.Refusal
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT election_id, contest_id, area_id, code, reason, payload, submitter, source, received_at
			FROM refusals WHERE election_id = ? ORDER BY received_at NULLS FIRST, id`, election)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				r        dauys.Refusal
				received sql.NullInt64
			)
			if err := rows.Scan(&r.Election, &r.Contest, &r.Area, &r.Code, &r.Reason, &r.Payload,
				&r.Submitter, &r.Source, &received); err != nil {
				return err
			}
			r.ReceivedAt = timeOf(received)
			out = append(out, &r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("refusals", err)
	}
	return out, nil
}
