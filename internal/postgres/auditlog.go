package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dauys/dauys"
)

var _ dauys.AuditLog = (*Store)(nil)

// RecordAudit appends events to the audit trail in one transaction,
// chaining each to the last one stored. Appends from every server are
// serialized by a transaction-level advisory lock, so that the chain has
// one order and ids grow along it.
func (s *Store) RecordAudit(ctx context.Context, events ...*dauys.AuditEvent) error {
	for _, e := range events {
		if err := e.Validate(); err != nil {
			return wrap("record audit", err)
		}
	}
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('dauys.audit:' || current_schema(), 0))`); err != nil {
			return err
		}
		var prev string
		err := tx.QueryRow(ctx, `SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&prev)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		for _, e := range events {
			e.Prev = prev
			e.Hash = e.ComputeHash()
			if err := tx.QueryRow(ctx, `INSERT INTO audit_log (at, actor, role, credential, action, election_id, area_id,
				object, outcome, detail, client, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
				e.At.UnixNano(), e.Actor, e.Role, e.Credential, e.Action, e.Election, e.Area,
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
// order they were appended, from one snapshot.
func (s *Store) AuditEvents(ctx context.Context, election string, fn func(*dauys.AuditEvent) error) error {
	var stop error
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		q := `SELECT id, at, actor, role, credential, action, election_id, area_id, object, outcome, detail, client, prev_hash, hash
			FROM audit_log`
		var args []any
		if election != "" {
			q += ` WHERE election_id = $1`
			args = append(args, election)
		}
		rows, err := tx.Query(ctx, q+` ORDER BY id`, args...)
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
