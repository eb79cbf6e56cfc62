package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/dauys/dauys"
)

var _ dauys.KeyStore = (*Store)(nil)

// CreateKey registers a commission key; ECONFLICT when its id exists in the
// election, ENOTFOUND when the election does not.
func (s *Store) CreateKey(ctx context.Context, k *dauys.Key) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, k.Election); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO keys (election_id, id, area_id, holder, public_key, created_at, revoked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, k.Election, k.ID, k.Area, k.Holder, []byte(k.PublicKey), k.CreatedAt.UnixNano(), nanos(k.RevokedAt))
		if isUniqueViolation(err) {
			return dauys.Errorf(dauys.ECONFLICT, "key %s is already registered", k.ID)
		}
		return err
	})
	return wrap("create key", err)
}

const keyColumns = `election_id, id, area_id, holder, public_key, created_at, revoked_at`

func scanKey(row scanner) (*dauys.Key, error) {
	var k dauys.Key
	var pub []byte
	var created int64
	var revoked sql.NullInt64
	if err := row.Scan(&k.Election, &k.ID, &k.Area, &k.Holder, &pub, &created, &revoked); err != nil {
		return nil, err
	}
	k.PublicKey, k.CreatedAt, k.RevokedAt = pub, time.Unix(0, created).UTC(), timeOf(revoked)
	return &k, nil
}

// Key returns a key by id; ENOTFOUND when there is none.
func (s *Store) Key(ctx context.Context, election, id string) (*dauys.Key, error) {
	k, err := scanKey(s.read.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM keys WHERE election_id = ? AND id = ?`, election, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "key %s not found", id)
	}
	return k, wrap("key", err)
}

// Keys lists the keys of an election by id.
func (s *Store) Keys(ctx context.Context, election string) ([]*dauys.Key, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+keyColumns+` FROM keys WHERE election_id = ? ORDER BY id`, election)
	if err != nil {
		return nil, wrap("keys", err)
	}
	defer rows.Close()
	var out []*dauys.Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, wrap("keys", err)
		}
		out = append(out, k)
	}
	return out, wrap("keys", rows.Err())
}

// RevokeKey marks a key revoked from at on; ENOTFOUND when it does not
// exist or is revoked already.
func (s *Store) RevokeKey(ctx context.Context, election, id string, at time.Time) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE keys SET revoked_at = ? WHERE election_id = ? AND id = ? AND revoked_at IS NULL`, at.UnixNano(), election, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dauys.Errorf(dauys.ENOTFOUND, "key %s not found or already revoked", id)
		}
		return nil
	})
	return wrap("revoke key", err)
}
