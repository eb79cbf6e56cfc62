package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/dauys/dauys"
)

var _ dauys.AuditLog = (*Store)(nil)

// RecordAudit appends events to the audit trail in one transaction,
// chaining each to the last one stored. SQLite has one writer, so the
// chain has one order without a further lock.
func (s *Store) RecordAudit(ctx context.Context, events ...*dauys.AuditEvent) error {
	for _, e := range events {
		if err := e.Validate(); err != nil {
			return wrap("record audit", err)
		}
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var prev string
		err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit_log (at, actor, role, credential, action, election_id, area_id,
			object, outcome, detail, client, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range events {
			e.Prev = prev
			e.Hash = e.ComputeHash()
			if err := stmt.QueryRowContext(ctx, e.At.UnixNano(), e.Actor, e.Role, e.Credential, e.Action, e.Election, e.Area,
				e.Object, e.Outcome, e.Detail, e.Client, e.Prev, e.Hash).Scan(&e.ID); err != nil {
				return err
			}
			prev = e.Hash
		}
		return nil
	})
	return wrap("record audit", err)
}

// AuditEvents calls fn with the events of an election ("" for all) in the
// order they were appended. The events are read in one snapshot; fn runs
// while it is open, so a long export does not hold up writers (WAL).
func (s *Store) AuditEvents(ctx context.Context, election string, fn func(*dauys.AuditEvent) error) error {
	var stop error
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		q := `SELECT id, at, actor, role, credential, action, election_id, area_id, object, outcome, detail, client, prev_hash, hash
			FROM audit_log`
		args := []any{}
		if election != "" {
			q += ` WHERE election_id = ?`
			args = append(args, election)
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e dauys.AuditEvent
			var at int64
			if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Role, &e.Credential, &e.Action, &e.Election, &e.Area,
				&e.Object, &e.Outcome, &e.Detail, &e.Client, &e.Prev, &e.Hash); err != nil {
				return err
			}
			e.At = time.Unix(0, at).UTC()
			if err := fn(&e); err != nil {
				stop = err
				return nil
			}
		}
		return rows.Err()
	})
	if stop != nil {
		return stop
	}
	return wrap("audit events", err)
}
